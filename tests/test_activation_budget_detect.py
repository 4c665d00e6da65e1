from __future__ import annotations

import json

import pytest

from rules_spider.clustering import cluster_rules
from rules_spider.outputs.detect import candidates, dependency_names, detect_sources
from rules_spider.writers.activation import infer_activation, named_globs
from rules_spider.writers.budget import Budget, BudgetError, parse_budget, priority_key
from rules_spider.writers.groups import source_groups
from tests.rule_sets import fixed_rules


@pytest.mark.parametrize(("text", "globs"), [
    ("Name test files *.test.ts so the runner finds them.", ("**/*.test.ts",)),
    ("Keep **/*.spec.js next to the code.", ("**/*.spec.js",)),
    ("Keep settings in pyproject.toml.", ("pyproject.toml", "**/pyproject.toml")),
    ("Pin the base image in your Dockerfile.", ("Dockerfile", "**/Dockerfile")),
    ("Write changes in `migrations/` with a downgrade.", ("migrations/**", "**/migrations/**")),
    ("Use `src/components/` for widgets.", ("src/components/**", "**/src/components/**")),
    ("See https://example.org/docs/ and and/or text.", ()),
    ("Multiply a*b and keep the score.", ()),
])
def test_named_globs(text, globs):
    assert named_globs(text) == globs


def test_activation_from_technology_and_rules_else_description():
    groups = {g.sources[0]: g for g in source_groups(cluster_rules(fixed_rules()).clusters)}
    quillpy = infer_activation(groups["Quillpy"])
    assert quillpy.globs[:4] == ("pyproject.toml", "**/*.py", "**/*.pyi", "**/requirements*.txt")
    assert "migrations/**" in quillpy.named and "migrations/**" in quillpy.globs
    tessera = infer_activation(groups["Tessera"])
    assert "**/*.test.ts" in tessera.globs and "tsconfig.json" in tessera.globs
    lumen = infer_activation(groups["Lumen"])
    assert lumen.globs == () and lumen.description.startswith("Use when working on cobol code")
    assert lumen.description.endswith(", as documented by Lumen.") and lumen.description.count(".") == 1


def test_budget_specs_and_measures():
    assert parse_budget("500 lines") == Budget(500, "lines")
    assert parse_budget("12,000 chars") == Budget(12000, "chars")
    assert parse_budget("12 KiB") == Budget(12288, "bytes")
    assert parse_budget("32768 bytes").describe() == "32,768 bytes"
    for bad in ("lots", "0 chars", "-3 lines", "12 MB"):
        with pytest.raises(BudgetError):
            parse_budget(bad)
    assert Budget(10, "chars").measure("é😀") == 3  # UTF-16 code units, as the editors count
    assert Budget(10, "bytes").measure("é😀") == 6
    assert Budget(10, "lines").measure("a\nb\n") == 2 and Budget(10, "lines").measure("a\nb") == 2


def test_priority_is_pinned_then_probability_then_category():
    rules = fixed_rules()
    security_low = next(r for r in rules if r.category == "security")
    ordered = sorted(rules, key=priority_key(frozenset({rules[-1].id})))
    assert ordered[0] is rules[-1]
    scores = [r.quality_score for r in ordered[1:]]
    assert scores == sorted(scores, reverse=True)
    tie = [r for r in rules if r.quality_score == security_low.quality_score]
    assert sorted(tie, key=priority_key(frozenset()))[0].category == "security"


def write(root, files):
    for name, text in files.items():
        (root / name).write_text(text)


def test_dependency_files_are_read(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[project]\ndependencies = ["Quill-Py[async]>=3", "zed_tools"]\n'
                          '[project.optional-dependencies]\ntest = ["tessera-py"]\n'
                          '[tool.poetry.dependencies]\npython = "^3.11"\nharbor = "*"\n',
        "requirements-dev.txt": "# dev\n-r requirements.txt\nlumen==1.0 ; python_version > '3.8'\n",
        "package.json": json.dumps({"dependencies": {"@tessera/core": "1"}, "peerDependencies": {"left": "2"}}),
        "go.mod": "module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/harbor-io/harbor/v2 v2.1.0\n)\n",
        "Cargo.toml": "[dependencies]\nquillpy-sys = \"0.3\"\n[dev-dependencies]\nlumen = \"1\"\n",
    })
    names = dependency_names(tmp_path)
    assert ("pyproject.toml", "Quill-Py") in names and ("pyproject.toml", "harbor") in names
    assert ("pyproject.toml", "python") not in names
    assert ("requirements-dev.txt", "lumen") in names and ("package.json", "@tessera/core") in names
    assert ("go.mod", "github.com/harbor-io/harbor/v2") in names and ("Cargo.toml", "lumen") in names
    assert candidates("github.com/harbor-io/harbor/v2") == ["githubcomharborioharborv2", "harbor", "harborio"]
    assert candidates("@tessera/core") == ["tesseracore", "tessera", "core"]


def test_detect_sources_matches_names_frameworks_and_aliases(tmp_path):
    write(tmp_path, {"requirements.txt": "quill-py\nacme-widgets\n", "package.json": '{"devDependencies": {"@tessera/runner": "1"}}'})
    sources = {"Quillpy": ["quillpy"], "Tessera": ["tessera"], "Harbor": ["harbor"], "Widgets": ["widgets"]}
    found = detect_sources(tmp_path, sources, aliases={"acme-widgets": "Widgets"})
    assert found.sources == ["Quillpy", "Widgets", "Tessera"]
    assert found.evidence["Widgets"] == ["requirements.txt: acme-widgets"]
    assert found.files == ["requirements.txt", "package.json"]


def test_a_broken_dependency_file_is_skipped_with_a_warning(tmp_path, caplog):
    write(tmp_path, {"package.json": "{not json", "requirements.txt": "quillpy\n"})
    found = detect_sources(tmp_path, {"Quillpy": ["quillpy"]})
    assert found.sources == ["Quillpy"] and "Skipping unreadable" in caplog.text
