"""The close step one technology at a time: bounded memory, the same bytes with or without worker
processes, part lines sorted by technology without losing any, and export-rules on the tree's clusters."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.settings import Settings

from rules_spider.catalog import Catalog, DocumentationSource
from rules_spider.config import RulesConfig
from rules_spider.items import Rule, rule_dict, unit_json
from rules_spider.learning.batches import BATCHES_KEY
from rules_spider.learning.store import FeedbackStore
from rules_spider.outputs import build, export
from rules_spider.outputs.batch_results import BatchResults
from rules_spider.outputs.export import export_rules
from rules_spider.outputs.finalize import finalize_run
from rules_spider.outputs.pages import PageRecord
from rules_spider.outputs.rules_io import rule_line
from rules_spider.outputs.parts import PAGES_SUFFIX
from rules_spider.settings import RULES_WRITERS
from rules_spider.writers.base import WriterRegistry
from tests.test_determinism import output_bytes
from tests.test_outputs_fixtures import PASSAGES, make_rule, sample_rules, write_rules_jsonl

TOPICS = [(topic, passage) for topics in PASSAGES.values() for topic, ps in topics.items() for passage in ps]
REGISTRY = WriterRegistry(RULES_WRITERS)


def distinct_rules(count: int, technologies: list[str]) -> Iterator[Rule]:
    """``count`` rules spread over ``technologies``, each its own guidance (the merge keeps them all)."""
    for n in range(count):
        topic, passage = TOPICS[n % len(TOPICS)]
        rule = make_rule(technologies[n % len(technologies)], topic, f"{passage} (case {n}: {topic}{n})", n)
        page = f"{rule.url}-{n // 40}"
        yield dataclasses.replace(rule, url=page, urls=[page])


def run_close(
    root: Path, technologies: list[str], lines: list[str], trace: bool = False, **settings: object
) -> tuple[BatchResults, Path]:
    """A finished crawl's close step over a part file of ``lines`` (``trace``: with tracemalloc on)."""
    values = Settings()
    values.setmodule("rules_spider.settings")
    values.setdict({"RULES_OUTPUT_DIR": str(root / "out"), "RULES_STATE_DIR": str(root / "state"),
                    "RULES_CLOSE_WORKERS": 0, "RULES_FORMATS": "cursor,windsurf", **settings})  # fmt: skip
    config = RulesConfig.from_settings(values)
    sources = tuple(DocumentationSource(url=f"https://docs.example.org/{t}/", name=t.title(), technology=t)
                    for t in technologies)  # fmt: skip
    part = root / "part.jsonl"
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_text("".join(lines), encoding="utf-8")
    del lines[:]
    if trace:
        tracemalloc.start()
    return finalize_run(Catalog("close", root / "close.yaml", sources), config, [part], []), config.catalog_dir("close")


def close(root: Path, count: int, technologies: list[str], **settings: object) -> tuple[BatchResults, Path]:
    lines = [json.dumps(rule_dict(rule)) + "\n" for rule in distinct_rules(count, technologies)]
    return run_close(root, technologies, lines, **settings)


def close_peak(root: Path, count: int, technologies: list[str], **settings: object) -> int:
    """The most memory the close step allocated at once (Python objects and numpy arrays alike), in this
    process (not in its build workers, if any)."""
    try:
        results, _ = close(root, count, technologies, trace=True, **settings)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert results.total_rules_generated == count
    return peak


FOUR = ["python", "javascript", "go", "rust"]


def test_close_step_memory_follows_the_largest_technology_not_the_catalog(tmp_path):
    close(tmp_path / "warm", 100, FOUR)  # lazy imports and caches, before anything is measured
    one = close_peak(tmp_path / "one", 1200, ["python"])
    four = close_peak(tmp_path / "four", 4 * 1200, FOUR)  # four technologies, each as big as `one`
    big = close_peak(tmp_path / "big", 4 * 1200, ["python"])  # one technology as big as all four
    assert four < 1.5 * one, (one, four)
    # What is measured does grow with the rules held: one technology of all the rules costs more.
    assert big > 2 * four, (four, big)


def test_worker_processes_write_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "PARALLEL_ABOVE_RULES", 0)  # the decision is the building process's
    _, inline = close(tmp_path / "inline", 900, ["python", "go", "rust"])
    results, parallel = close(tmp_path / "workers", 900, ["python", "go", "rust"], RULES_CLOSE_WORKERS=2)
    assert results.total_rules_generated == 900
    first, second = output_bytes(inline), output_bytes(parallel)
    assert len(first) > 10 and sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    # The report too, but for the line that says when it was built.
    reports = [re.sub(r'<p class="meta">.*?</p>', "", (d / "report.html").read_text()) for d in (inline, parallel)]
    assert reports[0] == reports[1]


def test_a_building_process_holds_no_outcome_of_its_workers_once_merged(tmp_path, monkeypatch):
    # Each worker's outcome used to come back with every page's keywords, and each stayed held (by its
    # future) until the last technology was merged: on the dense bench ~15 MiB a technology.
    monkeypatch.setattr(build, "PARALLEL_ABOVE_RULES", 0)
    pages = "".join(PageRecord(f"https://docs.example.org/page{n}", "Python", "python",
                               tuple(f"keyword{n}x{k}" for k in range(10))).to_json() + "\n" for n in range(4000))
    peaks = []
    for technologies in (FOUR[:2], [f"{t}{n}" for t in FOUR for n in (1, 2)]):
        root = tmp_path / str(len(technologies))
        root.mkdir()
        (root / f"part{PAGES_SUFFIX}").write_text(pages, encoding="utf-8")
        peaks.append(close_peak(root, 800, technologies, RULES_CLOSE_WORKERS=2))
    two, eight = peaks
    assert eight < 1.3 * two, (two, eight)


def test_part_lines_reach_their_technology(tmp_path, caplog):
    """A rule's unit may carry a key of the same name; a line that is no rule is skipped, said so."""
    rules = [rule_dict(r) for r in distinct_rules(30, ["python", "go"])]
    rules[0]["unit"] = {"text": rules[0]["evidence"], "technology": "go"}  # nested, after the rule's own
    rules[1]["unit"] = {"technology": "python"}
    rules[1] = {"unit": rules[1].pop("unit"), **rules[1]}  # nested first, then the rule's own
    lines = [json.dumps(rule) + "\n" for rule in rules]
    lines.append('{"id": "x", "technology": "go", "title": \n')  # not JSON
    lines.append(json.dumps({"id": "y", "title": "No technology"}) + "\n")
    with caplog.at_level(logging.WARNING):
        _, catalog_dir = run_close(tmp_path, ["python", "go"], lines)
    written = [json.loads(line) for line in (catalog_dir / "rules.jsonl").read_text().splitlines()]
    assert sorted((r["id"], r["technology"]) for r in written) == sorted((r["id"], r["technology"]) for r in rules)
    # the passes hold units as their JSON text: they come out as the same objects, not as strings
    units = {r["id"]: r["unit"] for r in written}
    assert [units[r["id"]] for r in rules[:2]] == [rules[0]["unit"], rules[1]["unit"]]
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2


def test_a_part_line_of_the_pipeline_and_one_of_another_writer_give_the_same_rules_file(tmp_path):
    # A pass cuts a unit's JSON out of a line the pipeline wrote (``rule_line``) instead of encoding it
    # again; a line of any other shape has its unit encoded. rules.jsonl must not tell them apart.
    rules = list(distinct_rules(40, ["python", "go"]))
    for n, rule in enumerate(rules):
        rule.unit = {"text": rule.evidence, "kind": "sentence", "heading_path": ["A", f"B{n}"], "term": None}
    rules[0].title = 'Quote the key: , "unit": {"text": "not this"} stays in the title.'
    pipeline = [rule_line(r, cluster=None, unit=unit_json(r.unit)) for r in rules]
    other = []
    for rule in rules:
        data = rule_dict(rule)
        data["unit"] = dict(reversed(list(rule.unit.items())))  # keys in another order
        other.append(json.dumps({"written_by": "elsewhere", **data}) + "\n")
    _, first = run_close(tmp_path / "pipeline", ["python", "go"], pipeline)
    _, second = run_close(tmp_path / "other", ["python", "go"], other)
    text = (first / "rules.jsonl").read_text(encoding="utf-8")
    assert text == (second / "rules.jsonl").read_text(encoding="utf-8")
    written = {json.loads(line)["id"]: json.loads(line) for line in text.splitlines()}
    assert {r.id: r.unit for r in rules} == {i: r["unit"] for i, r in written.items()}
    assert written[rules[0].id]["title"] == rules[0].title


def built_tree(tmp_path: Path) -> Path:
    out = tmp_path / "output" / "frameworks"
    rules_file = write_rules_jsonl(out / "rules.jsonl", sample_rules(200))
    build.build_outputs(rules_file, out, build.CatalogInfo("frameworks", ("python", "javascript", "go")),
                        ["cursor"], None, None, REGISTRY)  # fmt: skip
    return out


def project_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_export_takes_the_clusters_of_the_output_tree(tmp_path, monkeypatch):
    out = built_tree(tmp_path)
    # The same rules without their tree: export clusters them itself.
    elsewhere = tmp_path / "elsewhere" / "rules.jsonl"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes((out / "rules.jsonl").read_bytes())
    (tmp_path / "a").mkdir()
    clustered = export_rules(elsewhere, tmp_path / "a", "frameworks", ["cursor", "agents"], REGISTRY, group_by="cluster")

    def no_clustering(*args, **kwargs):
        raise AssertionError("export-rules clustered the rules again")

    monkeypatch.setattr(export, "cluster_rules", no_clustering)
    (tmp_path / "b").mkdir()
    reused = export_rules(out / "rules.jsonl", tmp_path / "b", "frameworks", ["cursor", "agents"], REGISTRY,
                          group_by="cluster")  # fmt: skip
    assert reused.clusters == clustered.clusters == len(json.loads((out / "batch_results.json").read_text())["clusters"])
    assert project_files(tmp_path / "b") == project_files(tmp_path / "a")


@pytest.mark.parametrize("change", ["rule without cluster", "cluster of another size"])
def test_export_clusters_again_when_the_tree_does_not_account_for_the_rules(tmp_path, monkeypatch, change):
    out = built_tree(tmp_path)
    lines = [json.loads(line) for line in (out / "rules.jsonl").read_text().splitlines()]
    if change == "rule without cluster":
        lines[0]["cluster"] = None
    else:
        lines.pop()
    (out / "rules.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    calls = []
    real = export.cluster_rules
    monkeypatch.setattr(export, "cluster_rules", lambda *a, **k: calls.append(1) or real(*a, **k))
    (tmp_path / "project").mkdir()
    export_rules(out / "rules.jsonl", tmp_path / "project", "frameworks", ["cursor"], REGISTRY)
    assert calls == [1]


def test_the_close_step_records_its_batch_without_the_engine(tmp_path, monkeypatch):
    # The engine imports scikit-learn and SciPy: seconds and ~60 MiB of a building process whose
    # workers do the clustering.
    monkeypatch.setitem(sys.modules, "rules_spider.learning.engine", None)
    close(tmp_path, 30, ["python"])
    with FeedbackStore(tmp_path / "state") as store:
        history = store.get_state(BATCHES_KEY)["history"]
    assert [entry["n_rules"] for entry in history] == [30]
