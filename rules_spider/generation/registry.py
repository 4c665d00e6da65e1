"""Build the rule generator a run asked for (``RULES_GENERATOR``) from its config.

Each generator's module is imported only when chosen, so an extractive run
never imports boto3 or torch.
"""

from __future__ import annotations

import inspect
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from rules_spider.generation.base import RuleGenerator, StatsLike

# name -> "module:class"
GENERATORS: dict[str, str] = {
    "extractive": "rules_spider.generation.extractive:ExtractiveGenerator",
    "bedrock": "rules_spider.generation.bedrock:BedrockGenerator",
    "transformers": "rules_spider.generation.transformers_local:TransformersGenerator",
    "openai": "rules_spider.generation.openai_compat:OpenAICompatGenerator",
}
LLM_GENERATORS = frozenset({"bedrock", "transformers", "openai"})
# The extra each generator's libraries come in (pip install 'rules-spider[<extra>]').
EXTRAS: dict[str, str] = {"bedrock": "bedrock", "transformers": "local-llm"}


class MissingExtraError(ImportError):
    """A generator whose libraries are not installed; the message names the extra to install."""


def make_generator(
    name: str,
    config: Mapping[str, Any] | None = None,
    stats: StatsLike | None = None,
    cache_dir: Path | None = None,
) -> RuleGenerator:
    """The generator called ``name``, configured by ``config``.

    Raises ``ValueError`` naming the choices for an unknown ``name``, pydantic's
    ``ValidationError`` naming the field for a bad ``config``, and ``MissingExtraError``
    naming the extra to install when the generator's libraries are missing.
    """
    target = GENERATORS.get(name)
    if target is None:
        raise ValueError(
            f"unknown rule generator {name!r}; choose one of: {', '.join(GENERATORS)}"
        )
    module_name, class_name = target.split(":")
    try:
        generator_class = getattr(import_module(module_name), class_name)
        if name in LLM_GENERATORS:
            generator: RuleGenerator = generator_class(dict(config or {}), stats=stats, cache_dir=cache_dir)
            return generator
    except ImportError as exc:
        if name not in EXTRAS:
            raise
        raise MissingExtraError(
            f"RULES_GENERATOR={name} needs the {EXTRAS[name]} extra: pip install 'rules-spider[{EXTRAS[name]}]' "
            f"({exc})"
        ) from exc
    return _make_extractive(generator_class, dict(config or {}), stats)


def _make_extractive(
    generator_class: Any, config: dict[str, Any], stats: StatsLike | None
) -> RuleGenerator:
    # The extractive generator takes its options as keywords
    # (ExtractiveGenerator(max_rules_per_page=...)); stats only if it asks for them.
    if stats is not None and "stats" in inspect.signature(generator_class).parameters:
        config = {**config, "stats": stats}
    generator: RuleGenerator = generator_class(**config)
    return generator
