"""report.html: one self-contained page about a batch (inline CSS and SVG, no script).

Sections: headline figures and quality metrics, per-source table (pages,
rules, failures), quality-score histogram, cluster sizes and coherence, a 2-D
map of each technology's rules coloured by cluster (TruncatedSVD coordinates
from the clustering), and the top rules of each technology with links to the
pages they quote. Every string that comes from the docs or the catalog is
HTML-escaped, and only http(s) URLs become links.

The page is drawn from ``ReportData``: what the build keeps of each technology
once its rules are written (cluster sizes, a sample of map points, the top
rules, the quality histogram, the first rules each budget left out), so the
report of a catalog of any size is built without its rules in memory. The page
says where the samples are cut.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from rules_spider.clusters import Clustering, MapPoint, quality_order
from rules_spider.items import Rule
from rules_spider.outputs.batch_results import BatchResults
from rules_spider.outputs.metrics import METRIC_MEANINGS
from rules_spider.outputs.report_template import CSS, PAGE

PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)
HISTOGRAM_BINS = 10
MAX_POINTS_PER_TECHNOLOGY = 400
TOP_RULES = 5
# Left-out rules listed by title per cluster and format (batch_results.json lists every id).
LEFT_OUT_SHOWN = 50


@dataclass(frozen=True, slots=True)
class ClusterLine:
    """One cluster as the report draws it."""

    technology: str
    index: int
    name: str
    size: int
    coherence: float | None


@dataclass(frozen=True, slots=True)
class TechnologyMap:
    """A technology's map: a sample of its points, their rule titles, and how many points there are."""

    technology: str
    points: tuple[MapPoint, ...]
    titles: dict[str, str]
    total: int


@dataclass
class ReportData:
    """What the report needs, added one technology's clustering at a time (in technology order)."""

    clusters: list[ClusterLine] = field(default_factory=list)
    maps: list[TechnologyMap] = field(default_factory=list)
    top_rules: dict[str, list[Rule]] = field(default_factory=dict)
    histogram: list[int] = field(default_factory=lambda: [0] * HISTOGRAM_BINS)
    unscored: int = 0
    # (technology, rule id) -> (title, page URL) of the left-out rules the report lists
    left_out_titles: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def merge(self, other: ReportData) -> None:
        self.clusters.extend(other.clusters)
        self.maps.extend(other.maps)
        self.top_rules.update(other.top_rules)
        self.histogram = [mine + theirs for mine, theirs in zip(self.histogram, other.histogram, strict=True)]
        self.unscored += other.unscored
        self.left_out_titles.update(other.left_out_titles)

    def add(self, clustering: Clustering) -> None:
        points: dict[str, list[MapPoint]] = {}
        for point in clustering.points:
            points.setdefault(point.technology, []).append(point)
        titles = {(r.technology, r.id): r.title for r in clustering.rules}
        for technology, technology_points in sorted(points.items()):
            shown = tuple(_sample_points(technology_points, MAX_POINTS_PER_TECHNOLOGY))
            self.maps.append(TechnologyMap(
                technology, shown, {p.rule_id: titles.get((technology, p.rule_id), p.rule_id) for p in shown},
                len(technology_points)))  # fmt: skip
        for technology, clusters in clustering.by_technology().items():
            self.clusters.extend(ClusterLine(c.technology, c.index, c.name, c.size, c.coherence) for c in clusters)
            best = sorted((r for c in clusters for r in c.rules), key=quality_order)[:TOP_RULES]
            self.top_rules[technology] = best
        for rule in clustering.rules:
            if rule.quality_score is None:
                self.unscored += 1
            else:
                self.histogram[min(HISTOGRAM_BINS - 1, max(0, int(rule.quality_score * HISTOGRAM_BINS)))] += 1

    def add_left_out(self, left_out_ids: Iterable[list[str]], rules: Iterable[Rule]) -> None:
        """Keep the title and page of the first ``LEFT_OUT_SHOWN`` of each id list (one per cluster and
        format, as in batch_results.json) among ``rules`` (the technology's rules)."""
        wanted = {rule_id for ids in left_out_ids for rule_id in ids[:LEFT_OUT_SHOWN]}
        for rule in rules:
            if rule.id in wanted:
                self.left_out_titles[(rule.technology, rule.id)] = (rule.title, rule.url)


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def fmt_score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def safe_href(url: str) -> str | None:
    """``url`` if it is an http(s) URL (escaped for an attribute), else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return esc(url.strip())


def _link(url: str, text: str) -> str:
    href = safe_href(url)
    return f'<a href="{href}" rel="noopener noreferrer">{esc(text)}</a>' if href else esc(text)


def _colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _cards(results: BatchResults) -> str:
    metrics = results.quality_metrics
    items = [
        ("Sources processed", str(results.sources_processed)),
        ("Sources failed", str(len(results.sources_failed))),
        ("Pages crawled", "n/a" if results.pages_crawled is None else str(results.pages_crawled)),
        ("Rules", str(results.total_rules_generated)),
        ("Clusters", str(len(results.clusters))),
        ("Composite", fmt_score(metrics.composite_score)),
        ("Improvement", "n/a" if metrics.improvement_score is None
         else f"{metrics.improvement_score:+.1%}"),
    ]
    cards = "".join(
        f'<div class="card"><div class="label">{esc(k)}</div><div class="value">{esc(v)}</div></div>'
        for k, v in items
    )
    return f'<div class="cards">{cards}</div>'


def _metrics_table(results: BatchResults) -> str:
    values = results.quality_metrics.model_dump()
    rows = []
    for key, (label, meaning) in METRIC_MEANINGS.items():
        value = values[key]
        shown = fmt_score(value) if key != "improvement_score" or value is None else f"{value:+.1%}"
        rows.append(f'<tr><td>{esc(label)}</td><td class="num">{esc(shown)}</td><td>{esc(meaning)}</td></tr>')
    return (
        '<table><thead><tr><th>Metric</th><th class="num">Value</th><th>What it measures</th></tr></thead>'
        "<tbody>" + "".join(rows) + "</tbody></table>"
    )


def _sources_table(results: BatchResults) -> str:
    rows = []
    for row in results.sources:
        cls = ' class="failed"' if row.failed else ""
        pages = "n/a" if row.pages_crawled is None else str(row.pages_crawled)
        name = _link(row.url, row.name) if row.url else esc(row.name)
        status = f"failed: {esc(row.reason)}" if row.failed else "ok"
        rows.append(
            f"<tr{cls}><td>{name}</td><td>{esc(row.technology or '')}</td>"
            f'<td class="num">{esc(pages)}</td><td class="num">{row.rules}</td><td>{status}</td></tr>'
        )
    if not rows:
        return '<p class="muted">No sources.</p>'
    return (
        "<table><thead><tr><th>Source</th><th>Technology</th><th class=\"num\">Pages crawled</th>"
        '<th class="num">Rules</th><th>Status</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
    )


def _histogram(counts: Sequence[int], unscored: int) -> str:
    width, height, left, bottom, top = 560, 220, 40, 30, 10
    plot_w, plot_h = width - left - 10, height - bottom - top
    peak = max(counts) or 1
    bar_w = plot_w / HISTOGRAM_BINS
    bars = []
    for i, count in enumerate(counts):
        h = plot_h * count / peak
        x = left + i * bar_w
        low, high = i / HISTOGRAM_BINS, (i + 1) / HISTOGRAM_BINS
        bars.append(
            f'<rect x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
            f'fill="#4e79a7"><title>{low:.1f}-{high:.1f}: {count} rules</title></rect>'
        )
        bars.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 12}" text-anchor="middle">{low:.1f}</text>')
        if count:
            bars.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - h - 3:.1f}" text-anchor="middle">{count}</text>'
            )
    axis = (
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#888"/>'
        f'<text x="{left + plot_w / 2}" y="{height - 1}" text-anchor="middle">quality score</text>'
    )
    note = f'<p class="muted">{unscored} rules have no quality score.</p>' if unscored else ""
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="Histogram of rule quality scores">{"".join(bars)}{axis}</svg>{note}'
    )


def _cluster_chart(clusters: Sequence[ClusterLine]) -> str:
    if not clusters:
        return '<p class="muted">No clusters.</p>'
    row_h, label_w, bar_w, width = 22, 330, 300, 880
    height = row_h * len(clusters) + 30
    peak = max(c.size for c in clusters) or 1
    parts = [
        f'<text x="{label_w}" y="14">rules</text>',
        f'<text x="{label_w + bar_w + 20}" y="14">coherence (0-1)</text>',
    ]
    for i, cluster in enumerate(clusters):
        y = 22 + i * row_h
        label = f"{cluster.technology} #{cluster.index}: {cluster.name}"
        if len(label) > 52:
            label = label[:51] + "…"
        size_w = bar_w * cluster.size / peak
        parts.append(f'<text x="0" y="{y + 13}">{esc(label)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{size_w:.1f}" height="{row_h - 6}" '
            f'fill="{_colour(cluster.index)}"><title>{cluster.size} rules</title></rect>'
        )
        parts.append(f'<text x="{label_w + size_w + 4:.1f}" y="{y + 13}">{cluster.size}</text>')
        cx = label_w + bar_w + 20
        coherence = cluster.coherence
        parts.append(f'<rect x="{cx}" y="{y + 2}" width="150" height="{row_h - 6}" fill="#eef1f6"/>')
        if coherence is not None:
            parts.append(
                f'<rect x="{cx}" y="{y + 2}" width="{150 * coherence:.1f}" height="{row_h - 6}" '
                f'fill="#59a14f"><title>coherence {coherence:.3f}</title></rect>'
            )
        parts.append(f'<text x="{cx + 156}" y="{y + 13}">{esc(fmt_score(coherence))}</text>')
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="Cluster sizes and coherence">{"".join(parts)}</svg>'
    )


def _sample_points(points: Sequence[MapPoint], limit: int) -> list[MapPoint]:
    if len(points) <= limit:
        return list(points)
    step = len(points) / limit
    return [points[int(i * step)] for i in range(limit)]


def _scatter(chart: TechnologyMap, clusters: list[ClusterLine]) -> str:
    technology, shown, titles = chart.technology, chart.points, chart.titles
    width = height = 360
    pad = 16
    xs = [p.x for p in shown] or [0.0]
    ys = [p.y for p in shown] or [0.0]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    span_x, span_y = (x1 - x0) or 1.0, (y1 - y0) or 1.0
    dots = []
    for p in shown:
        cx = pad + (p.x - x0) / span_x * (width - 2 * pad)
        cy = height - pad - (p.y - y0) / span_y * (height - 2 * pad)
        dots.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="{_colour(p.cluster_index)}" fill-opacity="0.75">'
            f"<title>{esc(titles.get(p.rule_id, p.rule_id))}</title></circle>"
        )
    legend = "".join(
        f'<span><span class="swatch" style="background:{_colour(c.index)}"></span>'
        f"#{c.index} {esc(c.name)} ({c.size})</span>"
        for c in clusters
    )
    caption = (
        f'<p class="muted">Showing {len(shown)} of {chart.total} rules.</p>' if len(shown) < chart.total else ""
    )
    return (
        f"<h3>{esc(technology)}</h3>"
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="Map of {esc(technology)} rules">'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fafbfd" stroke="#d9dee7"/>'
        f'{"".join(dots)}</svg><div class="legend">{legend}</div>{caption}'
    )


def _maps(data: ReportData) -> str:
    grouped: dict[str, list[ClusterLine]] = {}
    for cluster in data.clusters:
        grouped.setdefault(cluster.technology, []).append(cluster)
    sections = [_scatter(chart, grouped.get(chart.technology, [])) for chart in data.maps]
    return "".join(sections) or '<p class="muted">No rules to map.</p>'


def _top_rules(data: ReportData) -> str:
    names = {(c.technology, c.index): c.name for c in data.clusters}
    sections = []
    for technology, best in data.top_rules.items():
        items = []
        for rule in best:
            items.append(
                f"<li><strong>{_link(rule.url, rule.title)}</strong> "
                f'<span class="muted">({esc(rule.source_name)}; quality {esc(fmt_score(rule.quality_score))}; '
                f"cluster #{rule.cluster}: {esc(names.get((technology, rule.cluster or 0), ''))})</span>"
                f"<br>{esc(rule.body)}</li>"
            )
        sections.append(f'<h3>{esc(technology)}</h3><ol class="rules">{"".join(items)}</ol>')
    return "".join(sections) or '<p class="muted">No rules.</p>'


def _left_out(results: BatchResults, data: ReportData) -> str:
    """The rules a format's size budget kept out of its files in this tree (the first of each cluster)."""
    items = []
    for summary in results.clusters:
        for fmt, ids in sorted(summary.left_out.items()):
            for rule_id in ids[:LEFT_OUT_SHOWN]:
                known = data.left_out_titles.get((summary.technology, rule_id))
                name = _link(known[1], known[0]) if known else esc(rule_id)
                items.append(
                    f"<li>{esc(fmt)}: {name} <span class=\"muted\">({esc(summary.technology)} cluster "
                    f"#{summary.cluster_id}; the {esc(fmt)} budget had no room for it)</span></li>"
                )
            if len(ids) > LEFT_OUT_SHOWN:
                items.append(
                    f"<li>{esc(fmt)}: {len(ids) - LEFT_OUT_SHOWN} more of {esc(summary.technology)} cluster "
                    f"#{summary.cluster_id} (their ids are in batch_results.json)</li>"
                )
    if not items:
        return '<p class="muted">Every rule fits every format\'s budget.</p>'
    return f'<ul class="rules">{"".join(items)}</ul>'


SAMPLE_NOTE = (
    f"Rules are sampled here: at most {MAX_POINTS_PER_TECHNOLOGY} per technology on the maps, the "
    f"{TOP_RULES} best per technology, and the first {LEFT_OUT_SHOWN} left out per cluster and format; "
    "rules.jsonl and batch_results.json hold every rule."
)


def render_report(results: BatchResults, data: ReportData) -> str:
    """The whole report page as a string."""
    failed = "".join(f"<li>{esc(f.name)}: {esc(f.reason)}</li>" for f in results.sources_failed)
    body = [
        f"<h1>Rules report: {esc(results.catalog)}</h1>",
        f'<p class="meta">Crawl {esc(results.started_at)} to {esc(results.finished_at)}; built '
        f"{esc(results.built_at)}; generator {esc(results.generator or 'n/a')}; formats "
        f"{esc(', '.join(results.formats))}.</p>",
        _cards(results),
        "<h2>Quality metrics</h2>",
        _metrics_table(results),
        "<h2>Sources</h2>",
        _sources_table(results),
        f"<h3>Failures</h3><ul>{failed}</ul>" if failed else "",
        "<h2>Rule quality</h2>",
        _histogram(data.histogram, data.unscored),
        "<h2>Clusters</h2>",
        _cluster_chart(data.clusters),
        "<h2>Map of rule clusters</h2>",
        '<p class="muted">Each dot is a rule, placed by a 2-D TruncatedSVD of its technology\'s TF-IDF '
        "matrix and coloured by cluster; hover for the rule title.</p>",
        f'<p class="muted">{esc(SAMPLE_NOTE)}</p>',
        _maps(data),
        "<h2>Top rules per technology</h2>",
        _top_rules(data),
        "<h2>Left out by size budgets</h2>",
        _left_out(results, data),
    ]
    return PAGE.substitute(title=esc(f"Rules report: {results.catalog}"), css=CSS, body="\n".join(body))
