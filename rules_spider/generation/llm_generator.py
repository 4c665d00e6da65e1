"""What every LLM generator shares: prompt, cache, validation, one repair, Rules.

A backend only turns a :class:`~rules_spider.generation.prompt.Prompt` into a
:class:`Completion`. :class:`LlmRuleGenerator` does the rest for a page:
builds the prompt from its extracted sections, answers from the disk cache
when it can, otherwise asks the backend, validates the reply, and on an
invalid reply asks once more with the validation error. A reply still
invalid after that raises :class:`GeneratorOutputError`, which the
generation pipeline turns into a fallback to the extractive generator.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rules_spider.generation.base import GeneratorOutputError
from rules_spider.generation.llm_cache import LlmCache, cache_key
from rules_spider.generation.llm_schema import (
    InvalidLlmOutput,
    LlmRuleSet,
    ParsedOutput,
    parse_llm_output,
)
from rules_spider.generation.prompt import PROMPT_VERSION, Prompt, build_prompt, build_repair_prompt
from rules_spider.ids import normalise_text, rule_id
from rules_spider.items import Rule

if TYPE_CHECKING:
    from rules_spider.generation.base import StatsLike
    from rules_spider.items import DocPage

logger = logging.getLogger(__name__)


class LlmBackendError(GeneratorOutputError):
    """The model could not be reached or refused the request, after retries.

    A :class:`GeneratorOutputError`, so the pipeline falls back for the page
    instead of failing the item.
    """


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    # True when the model stopped because it hit its output-token limit.
    truncated: bool = False
    input_tokens: int | None = None
    output_tokens: int | None = None


class LlmBackend(Protocol):
    """One model behind one API. ``complete`` blocks and is thread-safe."""

    model: str

    def complete(self, prompt: Prompt) -> Completion: ...

    def close(self) -> None: ...


class LlmGeneratorConfig(BaseModel):
    """Knobs every LLM generator has; each backend's config extends it."""

    model_config = ConfigDict(extra="forbid")

    max_rules_per_page: int = Field(default=25, ge=1, le=200)
    # Characters of the page's block text sent per page; the rest is cut.
    max_input_chars: int = Field(default=24_000, ge=500, le=2_000_000)
    # Calls its caller makes at once; sizes the backend's connection pool. The generation
    # pipeline is what bounds them (RULES_LLM_MAX_CONCURRENT pages in flight): generate()
    # does not queue calls itself.
    max_concurrent: int = Field(default=4, ge=1, le=256)


class _Stats:
    """Serialises increments: generate() runs on several threads at once."""

    def __init__(self, stats: StatsLike | None) -> None:
        self._stats = stats
        self._lock = threading.Lock()

    def inc(self, key: str, count: int = 1) -> None:
        if self._stats is None or count == 0:
            return
        with self._lock:
            self._stats.inc_value(key, count)


def prompt_content_hash(prompt: Prompt) -> str:
    """Hash of exactly what was sent for a page (its data and the task text)."""
    digest = hashlib.sha256(prompt.system.encode())
    for message in prompt.messages:
        digest.update(b"\x00" + message.role.encode() + b"\x00" + message.content.encode())
    return digest.hexdigest()


_ConfigT = TypeVar("_ConfigT", bound=LlmGeneratorConfig)


def parse_config(model: type[_ConfigT], config: _ConfigT | Mapping[str, Any] | None) -> _ConfigT:
    """A generator's validated config from a config object or a plain mapping (settings, JSON)."""
    return config if isinstance(config, model) else model.model_validate(dict(config or {}))


class LlmRuleGenerator:
    """A :class:`~rules_spider.generation.base.RuleGenerator` over an :class:`LlmBackend`."""

    name: ClassVar[str] = "llm"

    def __init__(
        self,
        backend: LlmBackend,
        *,
        config: LlmGeneratorConfig | None = None,
        stats: StatsLike | None = None,
        cache_dir: Path | str | None = None,
    ) -> None:
        config = config or LlmGeneratorConfig()
        self.backend = backend
        self.model: str | None = backend.model
        # A local model directory can be retrained in place under the same name.
        self._model_identity: str = getattr(backend, "cache_identity", backend.model)
        self.max_rules_per_page = config.max_rules_per_page
        self.max_input_chars = config.max_input_chars
        self._stats = _Stats(stats)
        self._cache = LlmCache(cache_dir) if cache_dir else None

    def generate(self, page: DocPage) -> list[Rule]:
        prompt = build_prompt(
            page, max_rules=self.max_rules_per_page, max_input_chars=self.max_input_chars
        )
        if not prompt.has_content:
            self._stats.inc("rules/llm/empty_page")
            return []
        if prompt.input_truncated:
            self._stats.inc("rules/llm/input_truncated")
        key = cache_key(
            self.name, self._model_identity, PROMPT_VERSION, prompt_content_hash(prompt)
        )
        rule_set = self._cached(key)
        if rule_set is None:
            parsed = self._ask_until_valid(page, prompt)
            self._stats.inc("rules/llm/rules_trimmed", parsed.trimmed)
            rule_set = parsed.rule_set
            if self._cache is not None:
                self._cache.put(key, rule_set.model_dump(mode="json"))
        rules = rules_from_output(page, rule_set, generator=self.name, stats=self._stats)
        self._stats.inc("rules/llm/rules", len(rules))
        return rules

    def close(self) -> None:
        self.backend.close()

    def _cached(self, key: str) -> LlmRuleSet | None:
        if self._cache is None:
            return None
        payload = self._cache.get(key)
        if payload is not None:
            try:
                rule_set = LlmRuleSet.model_validate(payload)
            except ValidationError:
                logger.warning("Ignoring LLM cache entry %s: it no longer validates", key)
            else:
                self._stats.inc("rules/llm/cache_hit")
                return rule_set
        self._stats.inc("rules/llm/cache_miss")
        return None

    def _ask_until_valid(self, page: DocPage, prompt: Prompt) -> ParsedOutput:
        completion = self._ask(prompt)
        try:
            return parse_llm_output(completion.text, max_rules=self.max_rules_per_page)
        except InvalidLlmOutput as first:
            self._note_invalid(page, completion, first, attempt=1)
            error = first
        self._stats.inc("rules/llm/repair_requests")
        completion = self._ask(build_repair_prompt(prompt, completion.text, str(error)))
        try:
            parsed = parse_llm_output(completion.text, max_rules=self.max_rules_per_page)
        except InvalidLlmOutput as second:
            self._note_invalid(page, completion, second, attempt=2)
            raise GeneratorOutputError(
                f"{self.name} ({self.model}) output for {page.url} is still invalid "
                f"after a repair request: {second}"
            ) from second
        self._stats.inc("rules/llm/repaired")
        return parsed

    def _note_invalid(
        self, page: DocPage, completion: Completion, error: InvalidLlmOutput, *, attempt: int
    ) -> None:
        self._stats.inc("rules/llm/invalid_output")
        if completion.truncated:
            self._stats.inc("rules/llm/output_truncated")
        logger.info(
            "Invalid %s output for %s (attempt %d%s): %s",
            self.name, page.url, attempt,
            ", hit the output token limit" if completion.truncated else "", error,
        )

    def _ask(self, prompt: Prompt) -> Completion:
        self._stats.inc("rules/llm/requests")
        try:
            completion = self.backend.complete(prompt)
        except LlmBackendError:
            self._stats.inc("rules/llm/backend_errors")
            raise
        if completion.input_tokens:
            self._stats.inc("rules/llm/input_tokens", completion.input_tokens)
        if completion.output_tokens:
            self._stats.inc("rules/llm/output_tokens", completion.output_tokens)
        return completion


def rules_from_output(
    page: DocPage, rule_set: LlmRuleSet, *, generator: str, stats: _Stats | None = None
) -> list[Rule]:
    """Rules for ``page`` from a validated answer; one rule per distinct evidence."""
    stats = stats or _Stats(None)
    rules: list[Rule] = []
    seen: set[str] = set()
    for llm_rule in rule_set.rules:
        rid = rule_id(page.url, llm_rule.evidence)
        if rid in seen:
            stats.inc("rules/llm/duplicate_evidence")
            continue
        seen.add(rid)
        example, language = locate_example(page, llm_rule.example)
        if llm_rule.example is not None and example is None:
            stats.inc("rules/llm/example_dropped")
        rules.append(
            Rule(
                id=rid,
                title=llm_rule.title,
                body=llm_rule.body,
                technology=page.technology,
                framework=page.framework,
                source_name=page.source_name,
                url=page.url,
                evidence=llm_rule.evidence,
                category=llm_rule.category,
                example=example,
                example_language=language,
                section=section_path(page, llm_rule.evidence),
                urls=[page.url],
                source_priority=page.source_priority,
                generator=generator,
            )
        )
    return rules


def section_path(page: DocPage, evidence: str) -> list[str]:
    """Heading path of the first section quoting ``evidence``, or ``[]``."""
    needle = normalise_text(evidence)
    for section in page.sections:
        if any(needle in normalise_text(block.text) for block in section.blocks):
            return list(section.path)
    return []


def locate_example(page: DocPage, example: str | None) -> tuple[str | None, str | None]:
    """The example and its language if one of the page's code blocks has it.

    An example the page does not show as code would be code the model made
    up; it is dropped (the rule is kept). A page without extracted sections
    is searched as plain text.
    """
    if example is None:
        return None, None
    needle = normalise_text(example)
    if not needle:
        return None, None
    if not page.sections:
        return (example, None) if needle in normalise_text(page.text) else (None, None)
    for section in page.sections:
        for block in section.blocks:
            if block.kind == "code" and needle in normalise_text(block.text):
                return example, block.language
    return None, None
