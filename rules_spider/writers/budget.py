"""Size budgets per target, and fitting whole rules into them (a rule is never cut).

A budget is ``"<n> chars"`` (UTF-16 code units, as the editors written in
JavaScript count them), ``"<n> bytes"`` (UTF-8) or ``"<n> lines"``; each
target's default is a ``RULES_BUDGET_<TARGET>`` setting, others use
``RULES_BUDGET_DEFAULT``. Rules compete for room in priority order: pinned
rules (``RULES_PINNED_RULES``) first, then the model's probability (the
rule's ``quality_score``), then category, then id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rules_spider.items import Rule

Unit = Literal["chars", "bytes", "lines"]
_SPEC = re.compile(r"^\s*(\d[\d_,]*)\s*(chars?|characters|bytes?|kib|lines?)\s*$", re.IGNORECASE)
# Categories an assistant most needs when room is short come first.
CATEGORY_PRIORITY = (
    "security", "deprecation", "anti_pattern", "api_usage",
    "configuration", "testing", "performance", "best_practice",
)


class BudgetError(ValueError):
    """A budget setting that cannot be read."""


@dataclass(frozen=True, slots=True)
class Budget:
    limit: int
    unit: Unit

    def measure(self, text: str) -> int:
        if self.unit == "bytes":
            return len(text.encode("utf-8"))
        if self.unit == "lines":
            return text.count("\n") + (0 if text.endswith("\n") or not text else 1)
        return len(text.encode("utf-16-le")) // 2

    def fits(self, text: str) -> bool:
        return self.measure(text) <= self.limit

    def describe(self) -> str:
        noun = {"chars": "characters", "bytes": "bytes", "lines": "lines"}[self.unit]
        return f"{self.limit:,} {noun}"

    def as_dict(self) -> dict[str, Any]:
        return {"limit": self.limit, "unit": self.unit}


def parse_budget(value: str | int | Budget) -> Budget:
    """``"500 lines"``, ``"12000 chars"``, ``"32768 bytes"`` or ``"12 KiB"`` -> Budget."""
    if isinstance(value, Budget):
        return value
    if isinstance(value, int):
        return Budget(value, "chars")
    match = _SPEC.match(str(value))
    if not match:
        raise BudgetError(f"budget {value!r} is not '<n> chars', '<n> bytes', '<n> KiB' or '<n> lines'")
    number = int(match.group(1).replace("_", "").replace(",", ""))
    word = match.group(2).lower()
    if number <= 0:
        raise BudgetError(f"budget {value!r} must be positive")
    if word == "kib":
        return Budget(number * 1024, "bytes")
    if word.startswith("byte"):
        return Budget(number, "bytes")
    if word.startswith("line"):
        return Budget(number, "lines")
    return Budget(number, "chars")


def budgets_from(values: Mapping[str, Any]) -> dict[str, Budget]:
    """``{"cursor": Budget, ..., "default": Budget}`` from ``RULES_BUDGET_*`` names and values."""
    budgets = {}
    for name, value in values.items():
        if name.startswith("RULES_BUDGET_") and value not in (None, ""):
            budgets[name.removeprefix("RULES_BUDGET_").lower()] = parse_budget(value)
    return budgets


def default_budgets() -> dict[str, Budget]:
    from rules_spider import settings

    return budgets_from(vars(settings))


def priority_key(pinned: frozenset[str]) -> Callable[[Rule], tuple]:
    def key(rule: Rule) -> tuple:
        category = CATEGORY_PRIORITY.index(rule.category) if rule.category in CATEGORY_PRIORITY else len(
            CATEGORY_PRIORITY
        )
        score = rule.quality_score
        return (rule.id not in pinned, -score if score is not None else float("inf"), category, rule.id)

    return key


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A rule a budget kept out of a file, and why."""

    rule: Rule
    reason: str


def fit_prefix(
    rules: Sequence[Rule], render: Callable[[Sequence[Rule], int], str], budget: Budget
) -> tuple[str, list[Rule], list[Rule]]:
    """The longest priority-ordered prefix of ``rules`` whose rendering fits ``budget``.

    ``render(kept, left_out_count)`` must grow with ``len(kept)``. Returns
    (text, kept, left out); when not even zero rules fit, the text for zero
    rules is returned and the caller sees that it is over.
    """
    everything = render(rules, 0)
    if budget.fits(everything):
        return everything, list(rules), []
    n = len(rules)
    low, high = 0, n - 1
    while low < high:
        mid = (low + high + 1) // 2
        if budget.fits(render(rules[:mid], n - mid)):
            low = mid
        else:
            high = mid - 1
    return render(rules[:low], n - low), list(rules[:low]), list(rules[low:])


@dataclass(frozen=True, slots=True)
class Split:
    parts: list[list[Rule]]
    without_example: frozenset[str]
    too_long: list[Rule]


def split_between_rules(
    rules: Sequence[Rule],
    fits: Callable[[Sequence[Rule], frozenset[str]], bool],
) -> Split:
    """Parts of ``rules`` (in order) that each fit; a file is only ever split between rules.

    ``fits(part_rules, without_example)`` renders a worst-case part (longest
    part label, every note). A rule that does not fit a file alone is shown
    without its example; one that does not fit even then is left out.
    """
    no_example: set[str] = set()
    too_long: list[Rule] = []
    parts: list[list[Rule]] = []
    pending = list(rules)
    while pending:
        # A rule that does not fit a part alone is never inside a longer one (parts only grow with rules),
        # so only a part's first rule needs the check on its own.
        first = pending[0]
        if not fits([first], frozenset(no_example)):
            pending.pop(0)
            if first.example and fits([first], frozenset(no_example | {first.id})):
                no_example.add(first.id)
                pending.insert(0, first)
            else:
                too_long.append(first)
            continue
        frozen = frozenset(no_example)
        guess = len(parts[-1]) if parts else 1
        end = _longest_fitting_end(pending, 0, lambda part: fits(part, frozen), guess)
        parts.append(pending[:end])
        pending = pending[end:]
    return Split(parts, frozenset(no_example), too_long)


def _longest_fitting_end(rules: list[Rule], start: int, fits: Callable[[Sequence[Rule]], bool], guess: int = 1) -> int:
    """The largest ``end`` such that ``rules[start:end]`` fits (at least one rule: it fits alone).

    A part's size only grows with its rules, so the end is found by galloping then halving: a few
    renders per part instead of one per rule (which made big clusters quadratic). The gallop starts
    at ``guess`` rules (the previous part's length: parts of one cluster tend to hold as many) and
    runs up from there when they fit, down when they do not.
    """
    good, bad = start + 1, len(rules) + 1  # rules[start:good] fits; rules[start:bad] does not, or is past the end
    probe = min(start + guess, len(rules))
    step = 1
    if probe > good and not fits(rules[start:probe]):
        bad = probe
        while bad - step > good:
            if fits(rules[start:bad - step]):
                good = bad - step
                break
            bad -= step
            step *= 2
    else:
        good = max(good, probe)
        while good + step <= len(rules):
            if not fits(rules[start:good + step]):
                bad = good + step
                break
            good += step
            step *= 2
    while bad - good > 1:
        middle = (good + bad) // 2
        if fits(rules[start:middle]):
            good = middle
        else:
            bad = middle
    return good
