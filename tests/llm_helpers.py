"""A documentation page, well-formed model answers about it, and a stats collector."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from rules_spider.items import Block, DocPage, Section

PAGE_URL = "https://docs.example.org/tutorial/dependencies/"

PARAGRAPH = (
    "Declare shared logic such as database sessions as dependencies with Depends() "
    "instead of calling it inside every path operation."
)
WARNING = "Never create a new database engine per request; create it once at startup."
CODE = "from fastapi import Depends\n\nasync def read_items(db = Depends(get_db)):\n    return db.all()"
SUB_PARAGRAPH = "Sub-dependencies are cached per request, so a dependency used twice runs once."


def sample_page(url: str = PAGE_URL, *, extra_paragraph: str | None = None) -> DocPage:
    intro_blocks = [
        Block(kind="paragraph", text=PARAGRAPH),
        Block(kind="admonition", text=WARNING, admonition="warning"),
        Block(kind="code", text=CODE, language="python"),
    ]
    if extra_paragraph:
        intro_blocks.append(Block(kind="paragraph", text=extra_paragraph))
    sections = [
        Section(heading="Dependencies", level=1, path=["Dependencies"], blocks=intro_blocks),
        Section(
            heading="Sub-dependencies",
            level=2,
            path=["Dependencies", "Sub-dependencies"],
            blocks=[Block(kind="paragraph", text=SUB_PARAGRAPH)],
        ),
    ]
    text = "\n\n".join(block.text for section in sections for block in section.blocks)
    return DocPage(
        url=url,
        source_name="FastAPI",
        technology="python",
        framework="fastapi",
        source_priority=5,
        html="<html><script>do_not_send_raw_html()</script></html>",
        title="Dependencies",
        sections=sections,
        text=text,
        content_hash="fixture-hash",
    )


def rule_json(
    evidence: str = PARAGRAPH,
    *,
    title: str = "Use Depends() for shared logic",
    body: str = "Put database sessions and other shared logic in dependencies.",
    category: str = "best_practice",
    example: str | None = None,
) -> dict[str, Any]:
    rule: dict[str, Any] = {"title": title, "body": body, "evidence": evidence, "category": category}
    if example is not None:
        rule["example"] = example
    return rule


def valid_answer(*rules: dict[str, Any]) -> str:
    return json.dumps({"rules": list(rules) or [rule_json()]})


class CountingStats:
    """Implements the StatsLike protocol over a Counter."""

    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] += count

    def __getitem__(self, key: str) -> int:
        return self.values[key]
