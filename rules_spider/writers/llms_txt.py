"""llms.txt (https://llmstxt.org): H1 name, ``>`` summary, H2 sections of link lists.

Each rule is one list item ``- [title](url): note``; the note carries the
guidance and the evidence quote on one line (the spec's file lists are one
link per item, so code examples are not included). Extra pages that state the
same rule follow as "Also stated at".
"""

from __future__ import annotations

from collections.abc import Sequence

from rules_spider.clustering import RuleCluster
from rules_spider.items import Rule
from rules_spider.writers.base import ProjectFile, RenderContext, Rendered
from rules_spider.writers.markdown import (
    cluster_summary,
    cluster_title,
    join_names,
    link_url,
    one_line,
    rule_urls,
)


def _link_text(text: str) -> str:
    return one_line(text).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]") or "Untitled rule"


def rule_item(rule: Rule) -> str:
    urls = rule_urls(rule)
    note = f"{one_line(rule.body)} Evidence: \"{one_line(rule.evidence)}\""
    if len(urls) > 1:
        note += " Also stated at: " + ", ".join(link_url(u) for u in urls[1:])
    return f"- [{_link_text(rule.title)}]({link_url(urls[0])}): {note}"


def _section(cluster: RuleCluster) -> str:
    return f"## {cluster_title(cluster)}\n\n" + "\n".join(rule_item(r) for r in cluster.rules)


class LlmsTxtWriter:
    name = "llms_txt"
    project_path = "llms.txt"

    def render_cluster(self, cluster: RuleCluster, context: RenderContext) -> list[Rendered]:
        text = f"# {cluster_title(cluster)}\n\n> {cluster_summary(cluster)}\n\n{_section(cluster)}\n"
        return [Rendered(text, tuple(r.id for r in cluster.rules))]

    def project_files(self, clusters: Sequence[RuleCluster], context: RenderContext) -> list[ProjectFile]:
        rules = [r for c in clusters for r in c.rules]
        sources = sorted({r.source_name for r in rules})
        count = len(rules)
        summary = (
            f"{count} {'rule' if count == 1 else 'rules'} in {len(clusters)} topic groups, drawn from the "
            f"{join_names(sources) or 'catalog'} documentation; each entry links the page it quotes."
        )
        title = one_line(context.catalog) or "Documentation"
        sections = "\n\n".join(_section(c) for c in clusters)
        text = f"# {title} documentation rules\n\n> {summary}\n\n{sections}\n"
        return [ProjectFile(self.project_path, Rendered(text, tuple(r.id for r in rules)))]
