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
        assert len(path.read_text().encode("utf-16-le")) // 2 <= 12000
    for path in (project / ".github" / "instructions").glob("*.instructions.md"):
        meta, _ = split_frontmatter(path.read_text())
        assert isinstance(meta["applyTo"], str)
    assert list((project / ".clinerules").glob("*.md"))
    assert len((project / "AGENTS.md").read_bytes()) <= 12 * 1024 + 200
    assert (project / "CLAUDE.md").is_file() and list((project / ".claude" / "rules").glob("*.md"))
    assert (project / "llms.txt").read_text().startswith("# frameworks documentation rules\n\n> ")
    assert (project / EXPORT_MANIFEST).is_file()


def test_export_writes_every_assistant_path(rules_file, project, tmp_path):
    outside_before = files_under(tmp_path / "output")
    result = export_rules(rules_file, project, "frameworks", ALL_FORMATS, REGISTRY)
    assert result.written and not result.skipped
    check_project_files(project)
    assert (project / "src" / "app.py").read_text() == "print('hi')\n"
    after = files_under(tmp_path / "output")
    assert {k: v for k, v in after.items() if not k.endswith("_budget.json")} == outside_before
    assert {k for k in after if k.endswith("_budget.json")} == {f"frameworks/{n}_budget.json" for n in ALL_FORMATS}
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
    assert after and after < before and all(name.startswith("go") for name in after)
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
    assert "Exported 200 rules of 3 sources" in proc.stdout
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
    assert (out_root / "frameworks" / "python" / "python_cursor_cluster_0" / "python_cursor_rules.mdc").is_file()
    assert (out_root / "frameworks" / "report.html").is_file()


# --- per source, detection, every assistant, budgets ------------------------------------------

from rules_spider.lint.runner import lint_path  # noqa: E402
from rules_spider.outputs.export import ExportError  # noqa: E402
from rules_spider.writers.base import RenderContext  # noqa: E402
from rules_spider.writers.budget import default_budgets, parse_budget  # noqa: E402
from rules_spider.writers.readers import READERS  # noqa: E402
from tests.rule_sets import fixed_rules  # noqa: E402


@pytest.fixture
def fixed_file(tmp_path) -> Path:
    return write_rules_jsonl(tmp_path / "output" / "tools" / "rules.jsonl", fixed_rules())


def test_export_writes_one_file_per_source(fixed_file, project):
    result = export_rules(fixed_file, project, "tools", ["cursor", "windsurf"], REGISTRY)
    assert result.sources == ["Harbor", "Lumen", "Quillpy", "Tessera"]
    assert sorted(p.name for p in (project / ".cursor" / "rules").iterdir()) == [
        "harbor.mdc", "lumen.mdc", "quillpy.mdc", "tessera.mdc"]
    quillpy = (project / ".cursor" / "rules" / "quillpy.mdc").read_text()
    assert "Quillpy" in quillpy and "Tessera" not in quillpy


def test_export_sources_picks_sources_and_names_unknown_ones(fixed_file, project):
    result = export_rules(fixed_file, project, "tools", ["windsurf"], REGISTRY, sources=["quillpy", "Harbor"])
    assert result.sources == ["Quillpy", "Harbor"]
    assert sorted(p.name for p in (project / ".windsurf" / "rules").iterdir()) == ["harbor.md", "quillpy.md"]
    with pytest.raises(ExportError, match="Nowhere.*the rules have: Harbor, Lumen, Quillpy, Tessera"):
        export_rules(fixed_file, project, "tools", ["windsurf"], REGISTRY, sources=["Nowhere"])


def test_export_detect_picks_the_sources_a_project_depends_on(fixed_file, project):
    (project / "pyproject.toml").write_text('[project]\nname = "shop"\ndependencies = ["quillpy>=3.1", "other-lib"]\n')
    (project / "package.json").write_text(json.dumps({"devDependencies": {"@tessera/runner": "^2.0"}}))
    result = export_rules(fixed_file, project, "tools", ["cursor"], REGISTRY, detect=True)
    assert result.sources == ["Quillpy", "Tessera"]
    assert result.detection.evidence["Quillpy"] == ["pyproject.toml: quillpy"]
    assert result.detection.evidence["Tessera"] == ["package.json: @tessera/runner"]
    assert sorted(p.name for p in (project / ".cursor" / "rules").iterdir()) == ["quillpy.mdc", "tessera.mdc"]
    bare = project.parent / "bare"
    bare.mkdir()
    with pytest.raises(ExportError, match="detect found none"):
        export_rules(fixed_file, bare, "tools", ["cursor"], REGISTRY, detect=True)


def loaded_rule_ids(project: Path, files: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """Rule ids each assistant loads, from the files it reads (one entry per time it is loaded)."""
    return {
        target: [rid for path, ids in files.items() if reader.reads(path) for rid in ids]
        for target, reader in READERS.items()
    }


def test_formats_all_installs_every_assistant_each_loading_every_rule_once(fixed_file, project, monkeypatch):
    budgets = {**default_budgets(), "agents": parse_budget("2 KiB")}
    rendered: dict[str, tuple[str, ...]] = {}

    result = export_rules(fixed_file, project, "tools", "all", REGISTRY,
                          context=RenderContext(catalog="tools", budgets=budgets))
    assert len({b.assistant for b in result.budgets}) >= 13 and not result.skipped
    manifest = json.loads((project / EXPORT_MANIFEST).read_text())["catalogs"]["tools"]
    assert len(manifest) == len(REGISTRY.names)
    for entry in result.budgets:
        assert entry.files, entry.target
    for path in (p for files in manifest.values() for p in files):
        text = (project / path).read_text()
        rendered[path] = tuple(r.id for r in fixed_rules() if r.body in text)
    everyone = sorted(r.id for r in fixed_rules())
    for target, ids in loaded_rule_ids(project, rendered).items():
        agents_left_out = {o["rule_id"] for b in result.budgets if b.target == target for o in b.left_out}
        assert sorted(ids) == sorted(set(everyone) - agents_left_out), target  # each rule once, none missing
    assert any("also load AGENTS.md" in note for note in result.notes)
    findings = lint_path(project)
    assert [f for f in findings if f.severity != "info"] == []
    assert {f.message for f in findings} == {
        "no applyTo: Copilot applies this file only when it is attached to a request by hand"}  # Lumen: no globs


def test_budget_report_lists_every_rule_left_out(fixed_file, project, tmp_path):
    budgets = {**default_budgets(), "gemini": parse_budget("1200 chars")}
    export_rules(fixed_file, project, "tools", ["gemini"], REGISTRY,
                 context=RenderContext(catalog="tools", budgets=budgets))
    report = json.loads((fixed_file.parent / "gemini_budget.json").read_text())
    assert report["target"] == "gemini" and report["budget"] == {"limit": 1200, "unit": "chars"}
    assert report["files"] == [{"path": "GEMINI.md", "size": report["files"][0]["size"], "rules": 2}]
    left = {item["rule_id"] for item in report["left_out"]}
    assert len(left) == len(fixed_rules()) - 2
    assert all("lower priority than the rules that fill the GEMINI.md budget" in i["reason"] for i in report["left_out"])
    kept_text = (project / "GEMINI.md").read_text()
    assert "11 lower-priority rules were left out" in kept_text
    for rule in fixed_rules():
        assert (rule.id in left) != (rule.body in kept_text)  # never half a rule


def test_export_rules_command_detects_and_reports(fixed_file, project):
    (project / "requirements.txt").write_text("harbor-cli==1.2  # containers\nquillpy\n")
    proc = run_scrapy("export-rules", "-a", "catalog=tools", "-a", f"target={project}", "-a", "formats=all",
                      "-a", "detect=1", "-s", f"RULES_OUTPUT_DIR={fixed_file.parent.parent}",
                      "-s", "RULES_BUDGET_AGENTS=1 KiB")
    assert proc.returncode == 0, proc.stderr
    assert "Detected from requirements.txt:" in proc.stdout and "Quillpy" in proc.stdout
    assert "Note: Cursor, Windsurf, GitHub Copilot, Cline, Kiro, Augment also load AGENTS.md" in proc.stdout
    assert "Left out by budgets" in proc.stdout and "agents" in proc.stdout
    assert (project / ".cursor" / "rules" / "quillpy.mdc").is_file()
    lint = run_scrapy("lint-rules", str(project), "--strict")
    assert lint.returncode == 0 and "0 errors, 0 warnings" in lint.stderr, lint.stdout
