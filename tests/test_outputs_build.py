from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from rules_spider.outputs import atomic
from rules_spider.outputs.atomic import recover_interrupted_commit, staged_tree, write_text_atomic
from rules_spider.clustering import cluster_rules
from rules_spider.outputs.build import build_outputs, load_previous_results, load_previous_run
from rules_spider.outputs.metrics import improvement_score
from rules_spider.outputs.pages import PageRecord, read_page_records
from rules_spider.outputs.batch_results import CatalogInfo, SourceInfo, crawl_stats_from_results
from rules_spider.settings import RULES_WRITERS
from rules_spider.writers.base import WriterRegistry
from rules_spider.writers.frontmatter import split_frontmatter
from rules_spider.writers.markdown import utf16_length
from tests.test_outputs_fixtures import make_rule, sample_rules, write_rules_jsonl

ALL_FORMATS = list(RULES_WRITERS)
REGISTRY = WriterRegistry(RULES_WRITERS)
CATALOG = CatalogInfo(
    "frameworks",
    ("python", "javascript", "go", "rust"),
    (
        SourceInfo("FastAPI", "python", "https://fastapi.tiangolo.com/"),
        SourceInfo("React", "javascript", "https://react.dev/"),
        SourceInfo("Go", "go", "https://go.dev/doc/"),
        SourceInfo("Rust", "rust", "https://doc.rust-lang.org/"),
    ),
)
CRAWL = {
    "started_at": "2025-01-01T10:00:00+00:00",
    "finished_at": "2025-01-01T10:05:00+00:00",
    "generator": "extractive",
    "sources": {"FastAPI": {"pages_crawled": 20}, "React": {"pages_crawled": 12}, "Go": {"pages_crawled": 9},
                "Rust": {"pages_crawled": 0}},
    "sources_failed": [{"name": "Rust", "reason": "robots.txt forbids /"}],
}


def build(out: Path, rules=None, formats=ALL_FORMATS, crawl=CRAWL, previous=None, **kwargs):
    source = write_rules_jsonl(out / "rules.jsonl", sample_rules(200) if rules is None else rules)
    return build_outputs(source, out, CATALOG, formats, crawl, previous, WriterRegistry(RULES_WRITERS), **kwargs)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_tree_layout_and_metadata(tmp_path):
    out = tmp_path / "output" / "frameworks"
    results = build(out)
    top = sorted(p.name for p in out.iterdir())
    assert top == [".rules-spider-tree.json", ".rules-spider.lock", "batch_results.json", "go", "javascript", "python", "report.html", "rules.jsonl"]
    for summary in results.clusters:
        tech, n = summary.technology, summary.cluster_id
        for fmt in ALL_FORMATS:
            directory = out / tech / f"{tech}_{fmt}_cluster_{n}"
            main = directory / f"{tech}_{fmt}_rules{REGISTRY.get(fmt).tree_suffix}"
            assert main.is_file()
            meta = json.loads((directory / "metadata.json").read_text())
            assert {"cluster_id", "technology", "coherence_score", "rules_count", "keywords", "sources", "name"} <= set(meta)
            assert meta["cluster_id"] == n and meta["technology"] == tech and meta["format"] == fmt
            assert meta["rules_count"] == summary.rules_count == len(meta["rule_ids"])
            assert meta["coherence_score"] == pytest.approx(summary.coherence_score)
            for rel in summary.files[fmt]:
                assert (out / rel).is_file()
            if fmt in {"cursor", "windsurf", "copilot", "cline", "kiro", "continue", "augment"} and tech != "unknown":
                assert split_frontmatter(main.read_text())[0] is not None
            if fmt == "windsurf":
                assert all(utf16_length((out / rel).read_text()) <= 12000 for rel in summary.files[fmt])


def test_tree_files_carry_the_extension_each_assistant_needs(tmp_path):
    out = tmp_path / "frameworks"
    build(out, formats=["cursor", "copilot", "llms_txt", "windsurf"])
    names = {p.name for p in out.rglob("*_rules*") if p.is_file()}
    assert "python_cursor_rules.mdc" in names and "python_copilot_rules.instructions.md" in names
    assert "python_llms_txt_rules.txt" in names and "python_windsurf_rules.md" in names
    assert not any(n.endswith(".md") for n in names if "_cursor_" in n)


def test_tree_grouped_by_source(tmp_path):
    out = tmp_path / "frameworks"
    rules = [r for r in sample_rules(40) if r.technology == "python"]
    rules += [dataclasses.replace(r, id=r.id[::-1], source_name="Starlette") for r in rules[:6]]
    results = build(out, rules=rules, formats=["cursor"], group_by="source")
    folders = {p.parent.name for p in (out / "python").rglob("*.mdc")}
    assert any(f.startswith("python_cursor_source_starlette_") for f in folders)
    assert any(f.startswith("python_cursor_source_fastapi_") for f in folders)
    for summary in results.clusters:
        for rel in summary.files["cursor"]:
            text = (out / rel).read_text()
            assert ("Starlette" in text) != ("FastAPI (Python)" in text)


def test_batch_results_contents(tmp_path):
    out = tmp_path / "frameworks"
    results = build(out)
    data = json.loads((out / "batch_results.json").read_text())
    for key in ("sources_processed", "sources_failed", "pages_crawled", "total_rules_generated", "clusters",
                "quality_metrics", "generator", "started_at", "finished_at"):
        assert key in data
    assert data["sources_processed"] == 3
    assert data["sources_failed"] == [{"name": "Rust", "reason": "robots.txt forbids /"}]
    assert data["pages_crawled"] == 41
    assert data["total_rules_generated"] == 200 == sum(c["rules_count"] for c in data["clusters"])
    assert data["generator"] == "extractive"
    assert data["started_at"] == CRAWL["started_at"]
    metrics = data["quality_metrics"]
    assert metrics["technology_coverage"] == pytest.approx(3 / 4)
    assert metrics["improvement_score"] is None
    assert results.model_dump(mode="json") == data


def test_rules_jsonl_is_annotated_with_clusters(tmp_path):
    out = tmp_path / "frameworks"
    results = build(out)
    lines = [json.loads(line) for line in (out / "rules.jsonl").read_text().splitlines()]
    assert len(lines) == 200
    by_tech = {(c.technology, c.cluster_id) for c in results.clusters}
    assert all((line["technology"], line["cluster"]) in by_tech for line in lines)


def test_bad_lines_are_skipped_and_counted(tmp_path):
    out = tmp_path / "frameworks"
    rules = sample_rules(20)
    path = write_rules_jsonl(out / "rules.jsonl", rules)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("{not json\n")
        handle.write(json.dumps({"id": "x", "title": "no body"}) + "\n")
        handle.write(path.read_text().splitlines()[0] + "\n")  # duplicate
    results = build_outputs(path, out, CATALOG, ["cursor"], None, None, WriterRegistry(RULES_WRITERS))
    assert results.rules_file.model_dump() == {"lines": 23, "rules": 20, "invalid": 2, "duplicates": 1}
    assert "{not json" in (out / "rules.jsonl").read_text()


def test_without_crawl_stats(tmp_path):
    results = build(tmp_path / "c", crawl=None)
    assert results.pages_crawled is None
    assert results.sources_failed == []
    assert results.sources_processed == 3  # sources with rules


def test_improvement_against_the_run_the_build_replaces(tmp_path):
    out = tmp_path / "frameworks"
    rules = sample_rules(200)
    pages = sorted({r.url: PageRecord(r.url, r.source_name, r.technology, tuple(r.keywords)) for r in rules}.values(),
                   key=lambda p: p.url)  # fmt: skip
    first = build(out, rules=rules, pages=pages)
    assert first.quality_metrics.improvement_score is None and first.quality_metrics.semantic_richness is not None
    assert read_page_records([out / "pages.jsonl"]) == pages
    previous = load_previous_run(out)
    assert previous is not None and len(previous.rules) == 200 and previous.pages == pages
    fewer = [r for r in rules if r.technology != "go"]
    second = build(out, rules=fewer, previous=previous, pages=pages)
    expected = improvement_score(cluster_rules(fewer).rules, pages, previous, CATALOG.technologies)
    assert second.quality_metrics.improvement_score == pytest.approx(expected) and expected < 0
    rebuilt_stats = crawl_stats_from_results(load_previous_results(out))
    assert rebuilt_stats["pages_crawled"] == 41


def test_rebuild_removes_stale_technologies_but_not_user_files(tmp_path):
    out = tmp_path / "frameworks"
    build(out)
    (out / "notes.txt").write_text("mine")
    (out / ".parts").mkdir()
    (out / ".parts" / "run.jsonl").write_text("{}\n")
    only_python = [r for r in sample_rules(200) if r.technology == "python"]
    build(out, rules=only_python, formats=["cursor"])
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "batch_results.json", "notes.txt", "python", "report.html", "rules.jsonl"]
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / ".parts" / "run.jsonl").is_file()
    assert all("_cursor_cluster_" in d.name for d in (out / "python").iterdir())
    assert not [p for p in out.iterdir() if p.name.startswith((".staging-", ".trash-"))]


def test_hostile_technology_and_source_names_stay_inside(tmp_path):
    out = tmp_path / "root" / "frameworks"
    evil = [make_rule("../../etc", "x", "Escape attempt one.", 1), make_rule("CON", "x", "Reserved name.", 2)]
    evil.append(make_rule("a/b\\c", "x", "Slashes.", 3))
    results = build(out, rules=evil, formats=["cursor", "windsurf"])
    files = [p for p in (tmp_path).rglob("*") if p.is_file()]
    assert all(out in p.parents for p in files if p.name != "rules.jsonl" or p.parent == out)
    dirs = {p.name for p in out.iterdir() if p.is_dir()}
    assert dirs == {"etc", "con_", "a-b-c"}
    assert {c.technology for c in results.clusters} == {"../../etc", "CON", "a/b\\c"}


def test_write_text_atomic_keeps_old_file_when_replace_fails(tmp_path, monkeypatch):
    target = tmp_path / "f.md"
    write_text_atomic(target, "old")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_text_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.md"]


def _fail_after(monkeypatch, name: str, calls: int):
    real = getattr(os, name)
    count = {"n": 0}

    def flaky(*args, **kwargs):
        count["n"] += 1
        if count["n"] > calls:
            raise OSError(f"simulated crash in os.{name}")
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, flaky)
    return count


@pytest.mark.parametrize("name", ["replace", "rename"])
def test_crash_mid_build_leaves_previous_tree_intact(tmp_path, monkeypatch, name):
    out = tmp_path / "frameworks"
    build(out, formats=["cursor", "windsurf"])
    before = snapshot(out)
    source = tmp_path / "next.jsonl"
    write_rules_jsonl(source, sample_rules(90))
    # Count the calls a successful build makes, then fail at each of them in turn.
    shutil.copytree(out, tmp_path / "dry")
    with monkeypatch.context() as patch:
        counter = _fail_after(patch, name, 10**6)
        build_outputs(source, tmp_path / "dry", CATALOG, ["agents"], None, None, WriterRegistry(RULES_WRITERS))
        total = counter["n"]
    assert total >= 1
    for calls in range(total):
        with monkeypatch.context() as patch:
            _fail_after(patch, name, calls)
            with pytest.raises(OSError, match="simulated crash"):
                build_outputs(source, out, CATALOG, ["agents"], None, None, WriterRegistry(RULES_WRITERS))
        # If the rollback itself could not finish (the same call kept failing), the next run's
        # recovery completes it from the journal.
        recover_interrupted_commit(out)
        assert snapshot(out) == before, f"os.{name} failing after {calls} calls"


def test_writer_error_mid_build_leaves_previous_tree_intact(tmp_path, monkeypatch):
    out = tmp_path / "frameworks"
    build(out, formats=["cursor"])
    before = snapshot(out)
    from rules_spider.writers.windsurf import WindsurfWriter

    def explode(self, cluster, context):
        raise RuntimeError("renderer bug")

    monkeypatch.setattr(WindsurfWriter, "render_group", explode)
    path = out / "rules.jsonl"
    with pytest.raises(RuntimeError):
        build_outputs(path, out, CATALOG, ["cursor", "windsurf"], None, None, WriterRegistry(RULES_WRITERS))
    assert snapshot(out) == before


def test_killed_mid_commit_is_rolled_back_on_next_run(tmp_path, monkeypatch):
    out = tmp_path / "tree"
    with staged_tree(out) as staged:
        (staged.root / "a").mkdir()
        (staged.root / "a" / "x.md").write_text("old a")
        (staged.root / "b.json").write_text("old b")
        staged.owned |= {"a", "b.json"}
    before = snapshot(out)

    # Die after the first entry was swapped in: no rollback runs (the process is gone).
    monkeypatch.setattr(atomic, "_undo_commit", lambda *args: None)
    _fail_after(monkeypatch, "replace", 2)
    with pytest.raises(OSError):
        with staged_tree(out) as staged:
            (staged.root / "a").mkdir()
            (staged.root / "a" / "x.md").write_text("new a")
            (staged.root / "b.json").write_text("new b")
            (staged.root / "c.html").write_text("new c")
            staged.owned |= {"a", "b.json", "c.html"}
    monkeypatch.undo()
    assert any(p.name.startswith(".trash-") for p in out.iterdir())
    recover_interrupted_commit(out)
    assert snapshot(out) == before


def test_yaml_of_every_format_in_the_tree_parses(tmp_path):
    out = tmp_path / "frameworks"
    build(out)
    for path in (p for p in out.rglob("*_rules*") if p.suffix in {".md", ".mdc", ".txt"}):
        text = path.read_text()
        if text.startswith("---\n"):
            meta, _ = split_frontmatter(text)
            assert isinstance(meta, dict), path
            yaml.safe_dump(meta)


def test_sizes_for_a_200_rule_sample(tmp_path, capsys):
    out = tmp_path / "frameworks"
    build(out)
    sizes: dict[str, list[int]] = {}
    for path in (p for p in out.rglob("*_rules*") if p.suffix in {".md", ".mdc", ".txt"}):
        fmt = next(f for f in ALL_FORMATS if f"_{f}_cluster_" in path.parent.name)
        sizes.setdefault(fmt, []).append(len(path.read_bytes()))
    with capsys.disabled():
        print("\n[sizes] 200 rules, 3 technologies: format files total_bytes max_file_bytes")
        for fmt in ALL_FORMATS:
            print(f"[sizes] {fmt:9} {len(sizes[fmt]):3} {sum(sizes[fmt]):8} {max(sizes[fmt]):7}")
        print(f"[sizes] report.html {len((out / 'report.html').read_bytes())} bytes")
    assert max(sizes["agents"]) <= 12 * 1024


def test_empty_rules_file_builds_an_empty_tree(tmp_path):
    out = tmp_path / "frameworks"
    results = build(out, rules=[], crawl=None)
    assert results.total_rules_generated == 0 and results.clusters == []
    assert results.quality_metrics.overall_coherence is None
    assert (out / "report.html").is_file() and (out / "batch_results.json").is_file()
    missing = build_outputs(tmp_path / "nope.jsonl", tmp_path / "other", CATALOG, ["cursor"], None, None,
                            WriterRegistry(RULES_WRITERS))
    assert missing.total_rules_generated == 0


def test_unknown_format_fails_before_writing(tmp_path):
    out = tmp_path / "frameworks"
    with pytest.raises(KeyError, match="nope"):
        build(out, formats=["cursor", "nope"])
    assert sorted(p.name for p in out.iterdir()) == ["rules.jsonl"]


def test_write_text_atomic_permissions(tmp_path):
    fresh = tmp_path / "fresh.md"
    write_text_atomic(fresh, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask
    private = tmp_path / "private.md"
    private.write_text("old")
    private.chmod(0o600)
    write_text_atomic(private, "new")
    assert private.stat().st_mode & 0o777 == 0o600 and private.read_text() == "new"
