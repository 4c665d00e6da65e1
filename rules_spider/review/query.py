"""The review page's filters, text search, sorting and paging over review items. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rules_spider.review.items import ReviewItem

Sort = Literal["score_desc", "score_asc", "title", "category"]
StatusFilter = Literal["", "undecided", "accepted", "rejected", "pinned", "edited"]


class ReviewQuery(BaseModel):
    """The query string of the review page; empty values mean no filter."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    source: str = ""
    technology: str = ""
    category: str = ""
    status: StatusFilter = ""
    q: str = Field("", max_length=200)
    min_score: float | None = Field(None, ge=0.0, le=1.0)
    max_score: float | None = Field(None, ge=0.0, le=1.0)
    sort: Sort = "score_desc"
    page: int = Field(1, ge=1)
    per_page: int = Field(100, ge=1, le=1000)

    @field_validator("min_score", "max_score", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _ordered_range(self) -> ReviewQuery:
        if self.min_score is not None and self.max_score is not None and self.min_score > self.max_score:
            raise ValueError("min_score is above max_score")
        return self


def _status_matches(item: ReviewItem, status: str) -> bool:
    decision = item.decision
    return {
        "": True,
        "undecided": decision.status is None,
        "accepted": decision.status == "accepted",
        "rejected": decision.status == "rejected",
        "pinned": decision.pinned,
        "edited": decision.edited,
    }[status]


def _text(item: ReviewItem) -> str:
    rule = item.rule
    return " ".join([rule.title, rule.body, rule.evidence, rule.subject or "", rule.example or ""]).lower()


def matches(item: ReviewItem, query: ReviewQuery) -> bool:
    rule = item.rule
    score = rule.quality_score
    if query.source and rule.source_name != query.source:
        return False
    if query.technology and rule.technology != query.technology:
        return False
    if query.category and rule.category != query.category:
        return False
    if not _status_matches(item, query.status):
        return False
    if query.min_score is not None and (score is None or score < query.min_score):
        return False
    if query.max_score is not None and (score is None or score > query.max_score):
        return False
    words = query.q.lower().split()
    return not words or all(word in _text(item) for word in words)


def _sort_key(query: ReviewQuery):  # noqa: ANN202 - a key function
    def key(item: ReviewItem) -> tuple:
        rule = item.rule
        score = rule.quality_score if rule.quality_score is not None else -1.0
        within = {
            "score_desc": (-score, rule.id),
            "score_asc": (score, rule.id),
            "title": (rule.title.lower(), rule.id),
            "category": (rule.category, -score, rule.id),
        }[query.sort]
        return (item.group, within)

    return key


@dataclass(frozen=True, slots=True)
class Group:
    """Rules of one source, technology and cluster on the current page."""

    source: str
    technology: str
    cluster: int
    cluster_name: str
    items: tuple[ReviewItem, ...]


@dataclass(frozen=True, slots=True)
class ReviewPage:
    groups: tuple[Group, ...]
    matched: int
    page: int
    pages: int


def select(items: Sequence[ReviewItem], query: ReviewQuery) -> ReviewPage:
    """The items matching ``query``, grouped by source, technology and cluster, sorted, one page of them."""
    chosen = sorted((item for item in items if matches(item, query)), key=_sort_key(query))
    pages = max(1, -(-len(chosen) // query.per_page))
    page = min(query.page, pages)
    shown = chosen[(page - 1) * query.per_page : page * query.per_page]
    groups: list[Group] = []
    for item in shown:
        source, technology, cluster = item.group
        if groups and (groups[-1].source, groups[-1].technology, groups[-1].cluster) == item.group:
            last = groups[-1]
            groups[-1] = Group(source, technology, cluster, last.cluster_name, (*last.items, item))
        else:
            groups.append(Group(source, technology, cluster, item.cluster_name, (item,)))
    return ReviewPage(tuple(groups), len(chosen), page, pages)
