"""What the crawl process hands a worker for one page, and what it gets back.

Kept apart from ``rules_spider.page_rules`` (which imports the rule model, scikit-learn and the
extraction stack) so that the crawl process, which only routes pages, never loads them: ``run`` is
what the pipeline submits, and the worker imports the step when it first runs it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rules_spider import settings as defaults
from rules_spider.items import Rule, Section
from rules_spider.units.scored import ScoredUnit

if TYPE_CHECKING:
    from rules_spider.compose import PageInfo


@dataclass(frozen=True, slots=True)
class Selection:
    """How rules are chosen: the model's own threshold unless one is given; ``max_rules`` only as a safety bound."""

    threshold: float | None = None
    max_rules: int = defaults.RULES_MAX_RULES_PER_PAGE
    state_dir: Path | None = None
    keep_units: bool = False  # return the scored units too (LLM generators work from them)
    # Units at or above this probability are returned for an LLM generator, which may find guidance
    # the threshold missed; below it they are not worth the prompt tokens.
    candidate_threshold: float = defaults.RULES_LLM_CANDIDATE_THRESHOLD
    # Pages of these kinds (units.page_kind) yield no rules.
    skip_page_kinds: frozenset[str] = frozenset(defaults.RULES_SKIP_PAGE_KINDS)
    reranker: Path | None = None  # a reranker folder (rules_spider.reranker), or None
    reranker_cache: Path | None = None  # where the reranker's scores of a page are kept for re-runs


@dataclass(slots=True)
class PageResult:
    """What the crawl process needs of a page."""

    title: str
    content_hash: str
    has_content: bool
    language: str | None
    rules: list[Rule] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    units: list[ScoredUnit] = field(default_factory=list)
    text: str = ""
    sections: list[Section] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    model_version: str = ""


def run(html: str | bytes, page: PageInfo, selection: Selection) -> PageResult:
    """``page_rules.page_to_rules``, imported where it runs."""
    from rules_spider.page_rules import page_to_rules

    return page_to_rules(html, page, selection)


def model_summary(state_dir: Path | None, reranker: Path | None = None) -> tuple[str, float, str]:
    """(version, threshold, where from) of the rule model (and reranker) a worker will use; loading them
    here makes a missing or unusable one stop the crawl at its start."""
    from rules_spider.rulemodel.loading import current_rule_model

    model = current_rule_model(state_dir)
    if reranker is None:
        return model.card.model_version, model.threshold, str(model.path)
    from rules_spider.reranker.loading import current_reranker

    loaded = current_reranker(reranker)
    return (f"{model.card.model_version}+{loaded.card.reranker_version}", loaded.card.threshold,
            f"{model.path} and {loaded.path}")
