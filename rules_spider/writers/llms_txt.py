"""llms.txt (llmstxt.org): H1 name, ``>`` summary, H2 sections of link lists.

Each rule is one list item ``- [title](url): note``; the note carries the
guidance and the evidence quote on one line (the spec's file lists are one
link per item, so code examples are not included). The reference parser
(the ``llms-txt`` package) reads a title as everything up to the first ``]``
and an URL up to the first ``)``: square brackets in a title become round
ones (a backslash escape would break that parser and show in CommonMark code
spans), and URLs are percent-encoded. That parser also reads the ``>``
summary only when a paragraph follows it, so one does. The whole file keeps to
``RULES_BUDGET_LLMS_TXT``, leaving out the lowest-priority rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rules_spider.items import Rule
from rules_spider.writers.base import ProjectFile, RenderContext, Rendered
from rules_spider.writers.budget import LeftOut, fit_prefix, priority_key
from rules_spider.writers.documents import SUMMARY_SUFFIX, grouped, summary_line
from rules_spider.writers.groups import RuleGroup
from rules_spider.writers.markdown import link_url, one_line, rule_urls

_BRACKETS = str.maketrans({"[": "(", "]": ")"})


def link_text(text: str) -> str:
    return one_line(text).translate(_BRACKETS) or "Untitled rule"


def rule_item(rule: Rule) -> str:
    urls = rule_urls(rule)
    note = f"{one_line(rule.body)} Evidence: \"{one_line(rule.evidence)}\""
    if len(urls) > 1:
        note += " Also stated at: " + ", ".join(link_url(u) for u in urls[1:])
    return f"- [{link_text(rule.title)}]({link_url(urls[0])}): {note}"


def _sections(groups: Sequence[RuleGroup], rules: Sequence[Rule], items: Mapping[int, str]) -> str:
    """The H2 sections of ``rules``; ``items`` holds each rule's list item, by ``id()`` of the rule."""
    sections = []
    for group in groups:
        for cluster, members in grouped(group, rules):
            title = group.title if len(group.clusters) == 1 else f"{group.title}: {cluster.name}"
            sections.append(f"## {one_line(title)}\n\n" + "\n".join(items[id(r)] for r in members))
    return "\n\n".join(sections)


class LlmsTxtWriter:
    name = "llms_txt"
    assistant = "llms.txt readers"
    project_path = "llms.txt"
    tree_suffix = ".txt"

    def _fit(self, groups: Sequence[RuleGroup], title: str, context: RenderContext) -> Rendered:
        budget = context.budget_for(self.name)
        rules = sorted((r for g in groups for r in g.rules), key=priority_key(context.pinned))
        sources = sorted({r.source_name for r in rules})
        # Fitting renders the file once per step of its search: each item is made once.
        items = {id(r): rule_item(r) for r in rules}

        def render(kept: Sequence[Rule], left_out: int) -> str:
            summary = summary_line(sources, len(kept)).removesuffix(SUMMARY_SUFFIX) + "."
            info = "Each entry links the documentation page it comes from; its note gives the guidance, then a verbatim quote."
            if left_out:
                info += f" {left_out} lower-priority rules are left out to keep this file within {budget.describe()}."
            return f"# {one_line(title)}\n\n> {summary}\n\n{info}\n\n{_sections(groups, kept, items)}\n"

        text, kept, dropped = fit_prefix(rules, render, budget)
        reason = f"lower priority than the rules that fill the llms.txt budget of {budget.describe()}"
        return Rendered(text, tuple(r.id for r in kept), tuple(LeftOut(r, reason) for r in dropped))

    def render_group(self, group: RuleGroup, context: RenderContext) -> list[Rendered]:
        return [self._fit([group], group.title, context)]

    def project_files(self, groups: Sequence[RuleGroup], context: RenderContext) -> list[ProjectFile]:
        title = f"{one_line(context.catalog) or 'Documentation'} documentation rules"
        return [ProjectFile(self.project_path, self._fit(groups, title, context))]
