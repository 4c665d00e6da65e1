"""Choose what to label: windows of consecutive units from pages of every kind, and render them for a labeler."""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rules_spider.corpus.docsets import DocSet, installed_version
from rules_spider.corpus.provenance import PageUnit, installed_page_units
from rules_spider.extraction.inline import backticked

# Share of a set's labeled units taken from each stratum (what a stratum lacks goes to the others).
# "advice" is a sampling stratum only: pages whose name promises guidance (security, good practices,
# deprecations, FAQs, pitfalls), so that positives are not all from a few pages.
STRATUM_SHARES: dict[str, float] = {"reference": 0.3, "guide": 0.2, "advice": 0.2, "tutorial": 0.1,
                                    "changelog": 0.1, "contributing": 0.1}
_ADVICE = re.compile(r"secur|best|practic|good|deprecat|pitfall|caveat|gotcha|faq|checklist|tips|optimi|perform"
                     r"|warning|troubleshoot|common|mistake|safe|thread|concurren|migrat|upgrad|porting|production",
                     re.I)
MIN_PAGE_UNITS = 5
# A deliberately wide net for where guidance may be, used only to choose extra windows to label
# ("enriched" windows, recorded as such): random windows alone hold too few positives to learn from.
_MAYBE_GUIDANCE = re.compile(
    r"\b(?:must|should|never|always|avoid|recommend\w*|prefer\w*|deprecat\w*|discourag\w*|instead|ensure"
    r"|make sure|careful|caution|danger\w*|warn\w*|unsafe|not safe|secur\w*|thread-?safe|reentrant|trust\w*"
    r"|do not|don['\u2019]t|cannot|can['\u2019]t|required|require[sd]?|only|important|note that|beware"
    r"|pitfall|mistake|removed|no longer|will be|best|good idea|bad idea|rely|relied|guarantee\w*)\b",
    re.I,
)
_ALERTS = frozenset({"warning", "danger", "caution", "important", "deprecated"})


@dataclass(frozen=True, slots=True)
class Window:
    """Consecutive units of one page, and the two sentences before them (context, not labeled)."""

    path: Path
    title: str
    units: tuple[PageUnit, ...]
    before: tuple[str, ...]


def stratum(path: Path, units: Sequence[PageUnit]) -> str:
    title = units[0].unit.heading_path[0] if units[0].unit.heading_path else ""
    kind = units[0].unit.page_kind
    if kind not in ("changelog", "contributing") and (_ADVICE.search(path.stem) or _ADVICE.search(title)):
        return "advice"
    return kind


def sample_windows(docset: DocSet, target: int, window: int, seed: int) -> list[Window]:
    """About ``target`` units of ``docset`` in windows of at most ``window`` units, spread over strata.

    Each page is cut into consecutive chunks of ``window`` units; a pass takes one random chunk from each
    page of a stratum, and further passes take further chunks until the stratum's quota is met.
    """
    rng = random.Random(f"{docset.name}:{seed}")
    chunks: dict[str, list[list[Window]]] = defaultdict(list)
    for path in docset.pages():
        units = installed_page_units(path)
        if len(units) < MIN_PAGE_UNITS:
            continue
        offset = rng.randrange(window) if len(units) > window else 0
        cuts = [0, *range(offset or window, len(units), window), len(units)]
        pieces = [
            Window(path, _title(units), tuple(units[a:b]), tuple(u.unit.text for u in units[max(0, a - 2):a]))
            for a, b in zip(cuts, cuts[1:], strict=False) if b > a
        ]
        rng.shuffle(pieces)
        chunks[stratum(path, units)].append(pieces)
    for pages in chunks.values():
        rng.shuffle(pages)
    available = {name: sum(len(w.units) for page in pages for w in page) for name, pages in chunks.items()}
    windows: list[Window] = []
    for name, quota in sorted(_quotas(available, target).items()):
        pages = chunks[name]
        depth = 0
        while quota > 0 and any(depth < len(page) for page in pages):
            for page in pages:
                if quota <= 0:
                    break
                if depth < len(page):
                    windows.append(page[depth])
                    quota -= len(page[depth].units)
            depth += 1
    return windows


def enriched_windows(docset: DocSet, target: int, half_width: int, seed: int,
                     exclude: set[tuple[str, int]]) -> list[Window]:
    """About ``target`` units in windows centred on units the wide net catches, avoiding ``exclude``
    (path, unit index) and each other."""
    rng = random.Random(f"{docset.name}:enriched:{seed}")
    hits: list[tuple[Path, list[PageUnit], int]] = []
    for path in docset.pages():
        units = installed_page_units(path)
        if len(units) < MIN_PAGE_UNITS:
            continue
        for page_unit in units:
            unit = page_unit.unit
            if unit.admonition in _ALERTS or _MAYBE_GUIDANCE.search(unit.text):
                hits.append((path, units, page_unit.index))
    rng.shuffle(hits)
    taken = set(exclude)
    windows: list[Window] = []
    total = 0
    for path, units, centre in hits:
        if total >= target:
            break
        start, end = max(0, centre - half_width), min(len(units), centre + half_width + 1)
        span = [u for u in units[start:end] if (str(path), u.index) not in taken]
        if (str(path), centre) in taken or len(span) < end - start:
            continue  # overlaps a window already chosen
        taken.update((str(path), u.index) for u in span)
        before = tuple(u.unit.text for u in units[max(0, start - 2):start])
        windows.append(Window(path, _title(units), tuple(span), before))
        total += len(span)
    windows.sort(key=lambda w: (str(w.path), w.units[0].index))
    return windows


def _quotas(available: dict[str, int], target: int) -> dict[str, int]:
    quotas = {name: 0 for name in available}
    left = target
    names = [n for n in STRATUM_SHARES if available.get(n)]
    while left > 0 and names:
        share_total = sum(STRATUM_SHARES[n] for n in names)
        handed = 0
        for name in names:
            extra = min(max(1, round(left * STRATUM_SHARES[name] / share_total)), available[name] - quotas[name], left - handed)
            quotas[name] += extra
            handed += extra
        left -= handed
        names = [n for n in names if quotas[n] < available[n]]
        if handed == 0:
            break
    return quotas


def _title(units: Sequence[PageUnit]) -> str:
    path = units[0].unit.heading_path
    return path[0] if path else ""


def render_task(set_name: str, windows: Sequence[Window], first_id: int = 0) -> tuple[str, list[dict[str, object]]]:
    """The labeler's reading copy of ``windows`` and the id -> provenance rows it refers to."""
    lines: list[str] = []
    rows: list[dict[str, object]] = []
    number = first_id
    for page_number, win in enumerate(windows, 1):
        first = win.units[0].unit
        lines.append("")
        lines.append(f"=== PAGE {page_number}: {win.path.name} ({win.path.parent.name}/) "
                     f"- page kind: {first.page_kind} - title: {win.title}")
        for text in win.before:
            lines.append(f"    (before, not to label) {text}")
        heading: tuple[str, ...] | None = None
        term: str | None = None
        for page_unit in win.units:
            unit = page_unit.unit
            if unit.heading_path != heading:
                heading = unit.heading_path
                lines.append(f"--- heading: {' > '.join(heading)}")
                term = None
            if unit.term != term:
                term = unit.term
                if term:
                    lines.append(f"    [documents: {term}]" + (" (from the heading)" if unit.term_from == "heading" else ""))
            kind = unit.kind + (f"({unit.admonition})" if unit.admonition else "")
            if unit.kind in ("history", "table_row") and unit.columns:
                kind += f" [columns: {' | '.join(unit.columns)}]"
            uid = f"{set_name}-{number:04d}"
            lines.append(f"[{uid}] {kind}: {backticked(unit.marked)}")
            rows.append({"id": uid, "path": str(win.path), "hash": page_unit.hash, "occurrence": page_unit.occurrence,
                         "index": page_unit.index, "text": unit.text})
            number += 1
    return "\n".join(lines).lstrip("\n") + "\n", rows


def write_task(folder: Path, docset: DocSet, windows: Sequence[Window], first_id: int = 0,
               sample: str = "random") -> int:
    """Write ``task.txt`` (for the labeler) and ``units.jsonl`` (id -> provenance) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    text, rows = render_task(docset.name, windows, first_id)
    (folder / "task.txt").write_text(text, encoding="utf-8")
    version = installed_version(docset.package) or "unknown"
    with (folder / "units.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({"set": docset.name, "package": docset.package, "version": version,
                                     "sample": sample, **row},
                                    ensure_ascii=False) + "\n")
    return len(rows)
