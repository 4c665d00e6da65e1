"""Markdown pieces every writer shares: one rule, a cluster heading, size measures.

A rule always shows its title, its guidance (``body``), its example fenced
with its language when it has one, the page(s) it comes from and the verbatim
evidence quote. Nothing here adds text that is not derived from the rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from rules_spider.clusters import RuleCluster
from rules_spider.ids import normalise_text
from rules_spider.items import Rule

_BACKTICKS = re.compile(r"`+")
_FENCE_LANGUAGE = re.compile(r"[^\w+#.-]")

TECHNOLOGY_LABELS = {
    "python": "Python",
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "go": "Go",
    "rust": "Rust",
    "java": "Java",
    "kotlin": "Kotlin",
    "csharp": "C#",
    "ruby": "Ruby",
    "php": "PHP",
    "swift": "Swift",
    "sql": "SQL",
    "css": "CSS",
    "shell": "Shell",
    "docker": "Docker",
    "kubernetes": "Kubernetes",
    "terraform": "Terraform",
    "aws": "AWS",
    "gcp": "Google Cloud",
    "azure": "Azure",
    "ml": "Machine learning",
}

def utf16_length(text: str) -> int:
    """Length as editors written in JavaScript count it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def one_line(text: str) -> str:
    return normalise_text(text)


def technology_label(technology: str) -> str:
    return TECHNOLOGY_LABELS.get(technology.strip().lower(), one_line(technology) or "General")


def fence(code: str, language: str | None) -> str:
    """A fenced block longer than any backtick run inside ``code``, so it cannot break out."""
    longest = max((len(m) for m in _BACKTICKS.findall(code)), default=0)
    ticks = "`" * max(3, longest + 1)
    lang = _FENCE_LANGUAGE.sub("", language or "")[:30]
    return f"{ticks}{lang}\n{code.rstrip()}\n{ticks}"


def blockquote(text: str) -> str:
    lines = text.strip().splitlines() or [""]
    return "\n".join(f"> {line}".rstrip() for line in lines)


def link_url(url: str) -> str:
    """``url`` safe inside ``<...>`` or ``(...)``: spaces, brackets and quotes escaped."""
    return quote(url.strip(), safe=":/?#@!$&'*+,;=%~-._")


def rule_urls(rule: Rule) -> list[str]:
    urls = [rule.url]
    urls.extend(u for u in rule.urls if u and u not in urls)
    return urls


def source_lines(rule: Rule) -> str:
    urls = rule_urls(rule)
    line = f"Source ({one_line(rule.source_name)}): <{link_url(urls[0])}>"
    if len(urls) > 1:
        line += "\nAlso stated at: " + ", ".join(f"<{link_url(u)}>" for u in urls[1:])
    return line


def rule_markdown(rule: Rule, level: int = 2, *, with_example: bool = True) -> str:
    """One rule: heading, guidance, example, source link(s), evidence quote."""
    parts = [f"{'#' * level} {one_line(rule.title) or 'Untitled rule'}", rule.body.strip()]
    if with_example and rule.example and rule.example.strip():
        parts.append(fence(rule.example, rule.example_language))
    parts.append(source_lines(rule))
    parts.append(blockquote(rule.evidence))
    return "\n\n".join(p for p in parts if p)


def join_names(names: Sequence[str], limit: int = 3) -> str:
    names = [name for name in map(one_line, names) if name]
    if not names:
        return ""
    if len(names) > limit:
        return f"{', '.join(names[:limit])} and {len(names) - limit} more"
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def cluster_title(cluster: RuleCluster) -> str:
    return f"{technology_label(cluster.technology)}: {cluster.name}"
