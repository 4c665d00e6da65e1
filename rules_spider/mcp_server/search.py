"""BM25 search over rules (bm25s): title, body, evidence and subject, tokenised for code.

Identifiers are kept whole and split into their parts (``send_many`` -> ``send_many send many``,
``sendMany`` -> ``sendmany send many``), so a query may name either; English stopwords are bm25s's own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN

from rules_spider.items import Rule

_TOKEN = re.compile(r"[A-Za-z0-9_]+")
_PARTS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_STOPWORDS = frozenset(STOPWORDS_EN)


def search_tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for raw in _TOKEN.findall(text):
        whole = raw.lower()
        parts = [p.lower() for p in _PARTS.findall(raw)]
        tokens.extend(t for t in dict.fromkeys([whole, *parts]) if len(t) > 1 and t not in _STOPWORDS)
    return tokens


def rule_text(rule: Rule) -> str:
    return "\n".join([rule.title, rule.subject or "", rule.body, rule.evidence])


@dataclass(frozen=True, slots=True)
class Hit:
    rule: Rule
    score: float


class RuleSearch:
    """A BM25 index over ``rules``; ``search`` ranks them for a query, optionally within a technology or source."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._technology = np.array([r.technology.lower() for r in self.rules], dtype=object)
        self._source = np.array([r.source_name.lower() for r in self.rules], dtype=object)
        self._index: bm25s.BM25 | None = None
        if self.rules:
            self._index = bm25s.BM25()
            self._index.index([search_tokens(rule_text(r)) for r in self.rules], show_progress=False)

    def search(self, query: str, *, technology: str | None = None, source: str | None = None,
               limit: int = 10) -> list[Hit]:
        if self._index is None:
            return []
        ids = self._index.get_tokens_ids(search_tokens(query))
        if not ids:
            return []
        mask = np.ones(len(self.rules), dtype=np.float32)
        if technology:
            mask *= self._technology == technology.lower()
        if source:
            mask *= self._source == source.lower()
        scores = self._index.get_scores(ids, weight_mask=mask)
        order = np.argsort(-scores, kind="stable")[:limit]
        return [Hit(self.rules[i], float(scores[i])) for i in order if scores[i] > 0]
