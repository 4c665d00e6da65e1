"""Agreement between two independent labelings of the same units (Cohen's kappa)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.metrics import cohen_kappa_score

from rules_spider.corpus.labels import LabelRecord


@dataclass(frozen=True, slots=True)
class Agreement:
    units: int
    kappa: float
    observed: float
    positives_first: int
    positives_second: int
    disagreements: tuple[tuple[LabelRecord, LabelRecord], ...]
    by_set: dict[str, tuple[int, float]]


def agreement(first: Sequence[LabelRecord], second: Sequence[LabelRecord]) -> Agreement:
    """Kappa over the units both labelings cover (matched by page, hash and occurrence)."""
    second_by_key = {r.key: r for r in second}
    pairs = [(a, second_by_key[a.key]) for a in first if a.key in second_by_key]
    if not pairs:
        raise ValueError("the two labelings share no unit")
    a_labels = [a.label for a, _ in pairs]
    b_labels = [b.label for _, b in pairs]
    by_set: dict[str, tuple[int, float]] = {}
    for name in sorted({a.set for a, _ in pairs}):
        subset = [(a.label, b.label) for a, b in pairs if a.set == name]
        same = sum(x == y for x, y in subset)
        by_set[name] = (len(subset), same / len(subset))
    return Agreement(
        units=len(pairs),
        kappa=float(cohen_kappa_score(a_labels, b_labels)),
        observed=sum(x == y for x, y in zip(a_labels, b_labels, strict=True)) / len(pairs),
        positives_first=sum(a_labels),
        positives_second=sum(b_labels),
        disagreements=tuple((a, b) for a, b in pairs if a.label != b.label),
        by_set=by_set,
    )


def failure_confusion(pairs: Sequence[tuple[LabelRecord, LabelRecord]]) -> Counter[tuple[str, str]]:
    """For disagreements: (first's failure kind or 'positive', second's) counts."""
    return Counter((a.failure or "positive", b.failure or "positive") for a, b in pairs)
