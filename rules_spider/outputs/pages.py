"""Which pages a run crawled and what each is about: ``O/C/pages.jsonl``.

One line per page that reached the rule store (extracted and analysed, not
dropped): its URL, source, technology and top TF-IDF keywords
(``analysis.keywords``). Each crawl process streams them to
``.parts/<run id>.pages`` beside its rule part; the merge writes them,
sorted by URL, into the output tree. The batch metrics read them:
``semantic_richness`` measures how much of each page's keywords its rules
carry, and ``improvement_score`` compares two runs over the pages both
crawled.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rules_spider.items import DocPage

PAGES_FILE = "pages.jsonl"


@dataclass(frozen=True, slots=True)
class PageRecord:
    url: str
    source_name: str
    technology: str
    keywords: tuple[str, ...] = ()

    @classmethod
    def from_page(cls, page: DocPage) -> PageRecord:
        return cls(page.url, page.source_name, page.technology, tuple(page.keywords))

    @classmethod
    def from_mapping(cls, data: Any) -> PageRecord:
        if not isinstance(data, Mapping):
            raise ValueError(f"not a page record: {data!r:.200}")
        url, source, technology = data.get("url"), data.get("source_name"), data.get("technology")
        keywords = data.get("keywords") or []
        if not all(isinstance(v, str) and v for v in (url, source, technology)) or not isinstance(keywords, list):
            raise ValueError(f"not a page record: {dict(data)!r:.200}")
        return cls(url, source, technology, tuple(str(k) for k in keywords))  # type: ignore[arg-type]

    def to_json(self) -> str:
        data = {"url": self.url, "source_name": self.source_name, "technology": self.technology,
                "keywords": list(self.keywords)}  # fmt: skip
        return json.dumps(data, ensure_ascii=False)


def read_page_records(paths: Iterable[Path]) -> list[PageRecord]:
    """Page records of the given files, one per URL (the first seen), sorted by URL.

    A torn last line (a killed writer) is skipped; so is a line that is no page record.
    """
    records: dict[str, PageRecord] = {}
    for path in paths:
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.endswith("\n"):
                    break
                try:
                    record = PageRecord.from_mapping(json.loads(line))
                except ValueError:
                    continue
                records.setdefault(record.url, record)
    return [records[url] for url in sorted(records)]


def pages_text(records: Iterable[PageRecord]) -> str:
    return "".join(record.to_json() + "\n" for record in records)
