from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from rules_spider.outputs.export import EXPORT_MANIFEST, export_rules
from rules_spider.settings import RULES_WRITERS
from rules_spider.writers.base import WriterRegistry
from rules_spider.writers.frontmatter import split_frontmatter
from tests.test_outputs_fixtures import sample_rules, write_rules_jsonl

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ALL_FORMATS = list(RULES_WRITERS)
REGISTRY = WriterRegistry(RULES_WRITERS)


def files_under(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def rules_file(tmp_path) -> Path:
    return write_rules_jsonl(tmp_path / "output" / "frameworks" / "rules.jsonl", sample_rules(200))


@pytest.fixture
def project(tmp_path) -> Path:
    path = tmp_path / "project"
    path.mkdir()
    (path / "src").mkdir()
    (path / "src" / "app.py").write_text("print('hi')\n")
    return path


def check_project_files(project: Path) -> None:
    mdc = sorted((project / ".cursor" / "rules").glob("*.mdc"))
    assert mdc
    for path in mdc:
        meta, _ = split_frontmatter(path.read_text())
        assert set(meta) <= {"description", "globs", "alwaysApply"} and meta["alwaysApply"] is False
        assert isinstance(meta.get("globs", ""), str)
    for path in (project / ".windsurf" / "rules").glob("*.md"):
        meta, _ = split_frontmatter(path.read_text())
        assert meta["trigger"] in {"glob", "model_decision"}
        assert len(path.read_text().encode("utf-16-le")) // 2 <= 6000
    for path in (project / ".github" / "instructions").glob("*.instructions.md"):
        meta, _ = split_frontmatter(path.read_text())
        assert isinstance(meta["applyTo"], str)
    assert list((project / ".clinerules").glob("*.md"))
    assert len((project / "AGENTS.md").read_bytes()) <= 32 * 1024
    assert (project / "CLAUDE.md").is_file()
    assert (project / "llms.txt").read_text().startswith("# frameworks documentation rules\n\n> ")
    assert (project / EXPORT_MANIFEST).is_file()


def test_export_writes_every_assistant_path(rules_file, project, tmp_path):
    outside_before = files_under(tmp_path / "output")
    result = export_rules(rules_file, project, "frameworks", ALL_FORMATS, REGISTRY)
    assert result.written and not result.skipped
    check_project_files(project)
    assert (project / "src" / "app.py").read_text() == "print('hi')\n"
    assert files_under(tmp_path / "output") == outside_before
    again = export_rules(rules_file, project, "frameworks", ALL_FORMATS, REGISTRY)
    assert again.written == [] and len(again.unchanged) == len(result.written)


def test_export_keeps_user_text_and_user_files(rules_file, project):
    (project / "AGENTS.md").write_text("# Team notes\n\nRun `make check` first.\n")
    (project / "llms.txt").write_text("# Our own llms.txt\n")
    result = export_rules(rules_file, project, "frameworks", ["agents", "llms_txt", "cursor"], REGISTRY)
    agents = (project / "AGENTS.md").read_text()
    assert agents.startswith("# Team notes\n\nRun `make check` first.\n")
    assert "<!-- rules-spider:begin catalog=frameworks -->" in agents
    assert ("llms.txt", "exists and was not written by rules-spider (use force)") in result.skipped
    assert (project / "llms.txt").read_text() == "# Our own llms.txt\n"

    mdc = sorted((project / ".cursor" / "rules").glob("*.mdc"))[0]
    mdc.write_text(mdc.read_text() + "\nmy edit\n")
    again = export_rules(rules_file, project, "frameworks", ["agents", "cursor"], REGISTRY)
    relative = str(mdc.relative_to(project))
    assert relative in [path for path, _ in again.skipped]
    assert mdc.read_text().endswith("my edit\n")
    assert (project / "AGENTS.md").read_text() == agents

    forced = export_rules(rules_file, project, "frameworks", ["cursor", "llms_txt"], REGISTRY, force=True)
    assert relative in forced.written and "llms.txt" in forced.written
    assert "my edit" not in mdc.read_text()


def test_export_removes_its_own_stale_files(rules_file, project, tmp_path):
    export_rules(rules_file, project, "frameworks", ["cursor"], REGISTRY)
    before = {p.name for p in (project / ".cursor" / "rules").glob("*.mdc")}
    fewer = write_rules_jsonl(tmp_path / "fewer.jsonl", [r for r in sample_rules(200) if r.technology == "go"])
    result = export_rules(fewer, project, "frameworks", ["cursor"], REGISTRY)
    after = {p.name for p in (project / ".cursor" / "rules").glob("*.mdc")}
    assert after and after < before
    assert {Path(p).name for p in result.removed} == before - after
    manifest = json.loads((project / EXPORT_MANIFEST).read_text())
    assert set(manifest["catalogs"]["frameworks"]["cursor"]) == {f".cursor/rules/{n}" for n in after}


def test_export_never_writes_through_a_symlink_out_of_the_project(rules_file, project, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, project / ".cursor")
    result = export_rules(rules_file, project, "frameworks", ["cursor", "agents"], REGISTRY)
    assert list(outside.iterdir()) == []
    assert result.skipped and all(path.startswith(".cursor/") for path, _ in result.skipped)
    assert (project / "AGENTS.md").is_file()


def run_scrapy(*args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )


def test_export_rules_command(rules_file, project, tmp_path):
    out_root = rules_file.parent.parent
    proc = run_scrapy(
        "export_rules",
        "-a", "catalog=frameworks",
        "-a", f"target={project}",
        "-a", "formats=" + ",".join(ALL_FORMATS),
        "-s", f"RULES_OUTPUT_DIR={out_root}",
    )
    assert proc.returncode == 0, proc.stderr
    assert "Exported 200 rules" in proc.stdout
    check_project_files(project)

    bad = run_scrapy("export_rules", "-a", "catalog=frameworks", "-a", f"target={project}", "-a", "formats=nope",
                     "-s", f"RULES_OUTPUT_DIR={out_root}")
    assert bad.returncode != 0 and "nope" in bad.stderr + bad.stdout
    missing = run_scrapy("export_rules", "-a", "catalog=frameworks", "-s", f"RULES_OUTPUT_DIR={out_root}")
    assert missing.returncode != 0 and "target" in missing.stderr + missing.stdout


def test_build_rules_command_rebuilds_from_rules_jsonl(rules_file, tmp_path):
    out_root = rules_file.parent.parent
    catalog = tmp_path / "frameworks.yaml"
    catalog.write_text(yaml.safe_dump({
        "name": "frameworks",
        "sources": [
            {"url": "https://fastapi.tiangolo.com/", "name": "FastAPI", "technology": "python"},
            {"url": "https://react.dev/", "name": "React", "technology": "javascript"},
            {"url": "https://go.dev/doc/", "name": "Go", "technology": "go"},
            {"url": "https://doc.rust-lang.org/book/", "name": "Rust", "technology": "rust"},
        ],
    }))
    proc = run_scrapy("build_rules", "-a", f"catalog={catalog}", "-a", "formats=cursor,agents",
                      "-s", f"RULES_OUTPUT_DIR={out_root}")
    if proc.returncode != 0 and "catalog" in proc.stderr.lower():
        proc = run_scrapy("build_rules", "-a", "catalog=frameworks", "-a", "technologies=python,javascript,go,rust",
                          "-a", "formats=cursor,agents", "-s", f"RULES_OUTPUT_DIR={out_root}")
    assert proc.returncode == 0, proc.stderr
    results = json.loads((out_root / "frameworks" / "batch_results.json").read_text())
    assert results["total_rules_generated"] == 200
    assert results["quality_metrics"]["technology_coverage"] == pytest.approx(0.75)
    assert (out_root / "frameworks" / "python" / "python_cursor_cluster_0" / "python_cursor_rules.md").is_file()
    assert (out_root / "frameworks" / "report.html").is_file()
