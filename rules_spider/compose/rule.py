"""Compose a rule from a selected unit: subject named, complete-clause title, body with its reason,
verbatim evidence, an example from the same section, a category."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules_spider.analysis.categories import categorize
from rules_spider.analysis.code import block_language
from rules_spider.analysis.cues import classify
from rules_spider.analysis.examples import nearest_example
from rules_spider.compose.clauses import (
    capitalised,
    heading_names_kind,
    is_aside,
    is_deprecation,
    is_reason,
    mentions,
    name_subject,
    names_by_demonstrative,
    names_replacement,
    opens_with_pronoun,
    parameter_statement,
    points_back,
    qualified_mention,
    sentence_end,
    split_version_note,
    title_clause,
    without_preamble,
    TITLE_MAX_CHARS,
)
from rules_spider.compose.subject import (
    choose_subject,
    names_term_by_anaphor,
    opens_with_term_anaphor,
    term_for_anaphor,
)
from rules_spider.extraction.inline import backticked, code_spans
from rules_spider.ids import rule_id
from rules_spider.items import Block, Rule, Section
from rules_spider.units import Unit


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What a rule needs to know about its page and source."""

    url: str
    source_name: str
    technology: str
    framework: str | None = None
    source_priority: int = 3


def compose_rule(unit: Unit, probability: float, page: PageInfo, section: Section, page_text: str,
                 generator: str = "extractive", documented: frozenset[str] = frozenset()) -> Rule:
    """The rule for ``unit`` (already selected by the rule model); ``documented`` holds the names of the APIs
    the page documents (``compose.subject.documented_names``)."""
    subject, subject_is_code = choose_subject(unit, section.blocks, documented)
    if subject is None:  # nothing on the page names it: the rule is about the documented project itself
        subject = page.source_name
    marked = backticked(unit.marked)
    suffix = ""
    if unit.kind == "history" and " | " in marked:
        version, _, marked = marked.partition(" | ")
        suffix = f" ({version.strip()})"
    note, marked = split_version_note(marked)
    deprecated_note = note is not None and note.label.startswith(("deprecated", "removed"))
    if note is not None and not deprecated_note:
        suffix = f" ({note.label} {note.version})"
    shown = (f"`{subject}`" if subject_is_code else subject) if subject else ""
    said = marked.strip()
    rest = parameter_statement(said, subject, subject_is_code) or (
        capitalised(name_subject(without_preamble(said), subject, subject_is_code)) if said else "")
    if deprecated_note and subject:
        verb = "is deprecated since" if note.label.startswith("deprecated") else "is removed in"
        statement = f"{shown} {verb} {note.version}" + (f": {_lower_first(rest)}" if rest else ".")
    elif unit.admonition == "deprecated" and subject and rest and not is_deprecation(rest):
        # A deprecation note's later sentence, or a "Deprecated" field: "use str(result_tree) instead."
        statement = f"{shown} is deprecated: {_lower_first(rest)}"
    elif not rest and note is not None and subject:
        statement = f"{shown} changed"
    else:
        statement = rest
    if not subject_is_code and unit.heading_path:
        statement = heading_names_kind(statement, unit.heading_path[-1])
    if subject_is_code and subject:
        statement = term_for_anaphor(qualified_mention(statement, subject), subject,
                                     unit.term if unit.term_from == "definition" else None)
    evidence = unit.text
    lead = _antecedent(unit, statement, subject_is_code, page_text)
    said_before = titled_before = ""
    if lead is not None:  # said with the sentence it leans on, which the evidence quotes too
        leaned_on = parameter_statement(lead, subject, subject_is_code) or without_preamble(lead)
        said_before, titled_before = f"{sentence_end(leaned_on)} ", f"{title_clause(leaned_on)} "
        evidence = f"{lead} {unit.text}"
    context = prefix = ""
    if subject and not mentions(said_before + statement, subject, subject_is_code):
        if subject_is_code:
            prefix = f"`{subject}`: "
        else:  # a topic from the heading: said in the body, a title stays the page's own sentence
            context = f"{subject}: "
    own = f"{statement.rstrip('.')}{suffix}" if suffix else statement
    # A long title is shortened in each sentence apart: one cut over both could leave the lead without the rule.
    title = f"{prefix}{titled_before}{title_clause(own)}" if said_before else title_clause(prefix + own)
    body = context + prefix + said_before + sentence_end(own)
    introduced = _block_introduced(unit, section)
    opening = own.rstrip().rstrip(":")
    listed = _listed(introduced) if introduced is not None and introduced.kind == "list" else None
    shown_code = _code_line(introduced) if introduced is not None and introduced.kind == "code" else None
    if listed is not None:  # "... must be one of these string values:" says nothing without its list
        inline = f"{prefix}{opening}: {_said_in_line(listed)}."
        if not said_before and len(inline) <= TITLE_MAX_CHARS:
            title = inline
        body = f"{context}{prefix}{said_before}{opening}:\n" + "\n".join(f"- {item}" for item in listed)
    elif shown_code is not None:  # "... add the following directive to your module:" shows what it means
        prose = f"{prefix}{titled_before}{opening}"
        if len(prose) <= TITLE_MAX_CHARS:  # the prose keeps the title's bound; the line of code comes whole
            title = f"{prose}: `{shown_code}`."
        body = f"{context}{prefix}{said_before}{opening}: `{shown_code}`."
    extra = _companion(unit)
    if extra is not None:
        joined = f"{evidence} {extra}"
        if joined in page_text:
            evidence = joined
        body = f"{body} {extra}"
    example = nearest_example(section, unit.block_index, [s for s in [subject, *code_spans(unit.marked)] if s],
                              introduces_code=unit.text.rstrip().endswith(":"))
    cue = classify(unit.text, has_subject=subject_is_code)
    category = categorize(
        evidence,
        polarity=cue.polarity if cue is not None else "do",
        deprecation=is_deprecation(evidence) or unit.admonition == "deprecated",
        admonition=unit.admonition,
        section=unit.heading_path,
    )
    return Rule(
        id=rule_id(page.url, evidence),
        title=title,
        body=body,
        technology=page.technology,
        framework=page.framework,
        source_name=page.source_name,
        url=page.url,
        evidence=evidence,
        category=category,
        example=example.text if example is not None else None,
        example_language=block_language(example) if example is not None else None,
        section=list(unit.heading_path),
        urls=[page.url],
        source_priority=page.source_priority,
        generator=generator,
        quality_score=round(float(probability), 4),
        subject=subject,
    )


def _antecedent(unit: Unit, statement: str, subject_is_code: bool, page_text: str) -> str | None:
    """The sentence before the unit when the unit's statement leans on it ("This also applies to loops.",
    "Applications should use workarounds for these browsers.", "It is now available on Linux.") and
    nothing else named what it leans on (a documented term stands for "this function" and "it"); only when
    the two stand together on the page: in one paragraph or list item, or a paragraph and the one before."""
    if unit.kind not in ("sentence", "admonition", "item") or not unit.previous or is_aside(unit.previous):
        return None
    term_resolves = subject_is_code and unit.term is not None
    pronoun = opens_with_pronoun(statement)
    if term_resolves and (pronoun or opens_with_term_anaphor(statement)):
        return None
    if not (pronoun or points_back(statement) or is_aside(unit.text)
            or (names_by_demonstrative(statement) and not (term_resolves and names_term_by_anaphor(statement)))):
        return None
    if f"{unit.previous} {unit.text}" in page_text:
        return unit.previous
    if unit.kind != "item" and f"{unit.previous}\n{unit.text}" in page_text:
        return unit.previous
    return None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


_MAX_LISTED = 8
_LISTED_ITEM_CHARS = 160
_CODE_LINE_CHARS = 100
# An item's own list punctuation ("an application configuration class (preferred), or"), dropped when the
# items are said in one line.
_LIST_ITEM_END = re.compile(r"[,;.]?\s*(?:\b(?P<conjunction>or|and))?\s*$")


def _said_in_line(items: list[str]) -> str:
    """``["a class (preferred), or", "a package."]`` -> ``a class (preferred) or a package``."""
    ends = [_LIST_ITEM_END.search(item) for item in items]
    named = [item[: end.start()] if end else item for item, end in zip(items, ends, strict=True)]
    joiner = "; " if any("," in name for name in named) else ", "
    conjunction = ends[-2].group("conjunction") if len(items) > 1 and ends[-2] else None
    if conjunction:
        return f"{joiner.join(named[:-1])} {conjunction} {named[-1]}"
    return joiner.join(named)


def _block_introduced(unit: Unit, section: Section) -> Block | None:
    """The block right after a sentence (or admonition) that ends in a colon: what the sentence introduces."""
    if unit.kind not in ("sentence", "admonition") or not unit.text.rstrip().endswith(":"):
        return None
    after = unit.block_index + 1
    return section.blocks[after] if after < len(section.blocks) else None


def _listed(block: Block) -> list[str] | None:
    """The items of a short introduced list, as the rule shows them."""
    items = [backticked(item).strip() for item in (block.marked or block.text).split("\n")]
    if not items or len(items) > _MAX_LISTED or any(not item or len(item) > _LISTED_ITEM_CHARS for item in items):
        return None
    return items


def _code_line(block: Block) -> str | None:
    """The one line of an introduced code block ("add the following directive to your module:" /
    ``from __future__ import with_statement``), when it is short enough to say in the rule."""
    line = block.text.strip()
    if not line or "\n" in line or "`" in line or len(line) > _CODE_LINE_CHARS:
        return None
    return line


def _companion(unit: Unit) -> str | None:
    """The sentence that gives the unit's reason, or names what replaces a deprecated API."""
    if is_reason(unit.next):
        return unit.next
    if is_deprecation(unit.text) and not names_replacement(unit.text) and unit.next and names_replacement(unit.next):
        return unit.next
    return None
