"""How often units scored near a probability were really guidance: an interval for each score.

Built from out-of-fold (leave-one-documentation-set-out) probabilities: the scores are cut into bins of
equal count, and a score's interval is the Wilson interval of the positive rate of its bin.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

_Z90 = 1.6449


@dataclass(frozen=True, slots=True)
class ScoreBin:
    upper: float
    units: int
    positives: int

    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.positives, self.units)


def wilson_interval(positives: int, total: int, z: float = _Z90) -> tuple[float, float]:
    if total == 0:
        return (0.0, 1.0)
    p = positives / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True, slots=True)
class Calibration:
    """Score bins from cross-validation; ``interval(p)`` is the 90% interval of the bin ``p`` falls in."""

    bins: tuple[ScoreBin, ...]

    @classmethod
    def from_scores(cls, scores: Sequence[float], labels: Sequence[int], n_bins: int = 12) -> Calibration:
        order = np.argsort(np.asarray(scores, dtype=float), kind="stable")
        s = np.asarray(scores, dtype=float)[order]
        y = np.asarray(labels, dtype=int)[order]
        bins = []
        for chunk_s, chunk_y in zip(np.array_split(s, n_bins), np.array_split(y, n_bins), strict=True):
            if len(chunk_s):
                bins.append(ScoreBin(upper=float(chunk_s[-1]), units=len(chunk_s), positives=int(chunk_y.sum())))
        if bins:
            bins[-1] = ScoreBin(upper=1.0, units=bins[-1].units, positives=bins[-1].positives)
        return cls(tuple(bins))

    def interval(self, score: float) -> tuple[float, float]:
        for score_bin in self.bins:
            if score <= score_bin.upper:
                return score_bin.interval()
        return (0.0, 1.0)

    @classmethod
    def from_dict(cls, rows: Sequence[Mapping[str, float | int]]) -> Calibration:
        return cls(tuple(ScoreBin(float(row["upper"]), int(row["units"]), int(row["positives"])) for row in rows))

    def to_dict(self) -> list[dict[str, float | int]]:
        return [{"upper": b.upper, "units": b.units, "positives": b.positives} for b in self.bins]
