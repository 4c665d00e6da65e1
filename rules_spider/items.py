"""Items that flow through the crawl: pages in, rules out. Fields only."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, Literal, get_args

BlockKind = Literal["paragraph", "list", "code", "admonition", "table", "term"]
RuleCategory = Literal[
    "best_practice",
    "anti_pattern",
    "api_usage",
    "deprecation",
    "configuration",
    "testing",
    "performance",
    "security",
]
RULE_CATEGORIES: tuple[str, ...] = get_args(RuleCategory)


@dataclass(slots=True)
class Block:
    """One piece of a section's body, in document order.

    ``text`` is the block's plain text (for lists: items joined by newlines;
    for code: the code verbatim). ``admonition`` is the normalised kind of an
    admonition block (``warning``, ``note``, ``deprecated``, ``tip``, ``danger``,
    ``important``, ``caution``, ``seealso``, ``info``, ``versionadded``,
    ``versionchanged``); ``language`` is a code block's language when the page
    states it. ``marked`` is ``text`` with inline code spans between
    ``extraction.inline.CODE_OPEN``/``CODE_CLOSE`` (empty when it has none).
    ``term`` is what a definition list entry documents (the qualified name of
    an API object, a command-line option, a setting) for the ``term`` block
    itself and every block of its description. ``columns`` are a table's
    header cells.
    """

    kind: BlockKind
    text: str
    language: str | None = None
    admonition: str | None = None
    items: list[str] = field(default_factory=list)
    marked: str = ""
    term: str | None = None
    columns: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Section:
    """A heading and the blocks under it up to the next heading.

    ``path`` is the heading hierarchy from the page's top heading down to this
    one, e.g. ``["Tutorial", "Dependencies", "Sub-dependencies"]``. ``term``
    is the API or setting the heading names when the heading is one (all
    inline code such as ``SECRET_KEY``, or a signature such as
    ``fs.readFile(path[, options], callback)``).
    """

    heading: str
    level: int
    path: list[str]
    blocks: list[Block] = field(default_factory=list)
    term: str | None = None


@dataclass(slots=True)
class DocPage:
    """A documentation page: filled by the spider, structured by extraction.

    Bulky fields stay out of ``repr`` so logs of dropped pages stay one line.
    ``html`` is the raw markup; the page-rules pipeline fills ``title``,
    ``content_hash``, ``keywords`` and ``rules`` from it (and, for an LLM
    generator, ``sections``, ``text`` and ``units``) and then empties ``html``.
    """

    url: str
    source_name: str
    technology: str
    framework: str | None = None
    source_priority: int = 3
    depth: int = 0
    html: str = field(default="", repr=False)
    title: str = ""
    sections: list[Section] = field(default_factory=list, repr=False)
    text: str = field(default="", repr=False)
    content_hash: str = ""
    language: str | None = None
    rendered: bool = False
    # The page's top TF-IDF keywords (pages.jsonl; the batch metrics read them).
    keywords: list[str] = field(default_factory=list, repr=False)
    # Candidate units the rule model scored (units.scored.ScoredUnit), for LLM generators.
    units: list = field(default_factory=list, repr=False)
    # Filled by the generation pipeline, scored and filtered by the quality pipeline.
    rules: list[Rule] = field(default_factory=list, repr=False)


@dataclass(slots=True)
class Rule:
    """One piece of guidance drawn from a page.

    ``id`` is stable across runs: a hash of the page URL and the evidence
    (never of the wording of ``body``). ``evidence`` is a verbatim quote of
    the page's extracted text; ``urls`` lists every page that gave the same
    guidance once near-duplicates are merged (``url`` is the first).
    """

    id: str
    title: str
    body: str
    technology: str
    framework: str | None
    source_name: str
    url: str
    evidence: str
    category: RuleCategory = "best_practice"
    example: str | None = None
    example_language: str | None = None
    section: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    source_priority: int = 3
    generator: str = "extractive"
    heuristic_score: float | None = None
    quality_score: float | None = None
    quality_model: str | None = None
    cluster: int | None = None
    subject: str | None = None
    # The candidate unit the rule was composed from (units.Unit fields): feedback on the rule
    # becomes a labeled unit for the rule model, and the review page shows its context. A build's
    # technology pass only copies it out, so its sources hand it over as its ``unit_json`` text:
    # a third of the dict's memory, and the pass holds a technology's every rule at once.
    unit: dict | str | None = field(default=None, repr=False)


RULE_FIELDS = tuple(f.name for f in fields(Rule))  # in their order


def rule_dict(rule: Rule) -> dict[str, Any]:
    """The rule's fields as a mapping for JSON, without ``dataclasses.asdict``'s deep copy (its values are
    plain lists, dicts and scalars already, and this runs for every rule of a crawl)."""
    return {name: getattr(rule, name) for name in RULE_FIELDS}


def unit_json(unit: dict | str) -> str:
    """A rule's ``unit`` as JSON, keys sorted: the one form rules.jsonl and the feedback store keep
    (a build's passes hold it in that form already: see ``Rule.unit``)."""
    return unit if isinstance(unit, str) else json.dumps(unit, ensure_ascii=False, sort_keys=True)
