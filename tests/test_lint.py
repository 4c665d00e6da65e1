from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rules_spider.lint.runner import lint_path
from rules_spider.outputs.export import export_rules
from rules_spider.settings import RULES_WRITERS
from rules_spider.writers.base import WriterRegistry
from tests.rule_sets import fixed_rules
from tests.test_outputs_fixtures import write_rules_jsonl

RULE = "- Validate every request body against its schema before the handler runs (https://docs.example.org/v)."


def lint(tmp_path: Path, files: dict[str, str]) -> list[str]:
    for relative, text in files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return [str(f) for f in lint_path(tmp_path)]


def only(findings: list[str], path: str) -> list[str]:
    return [f for f in findings if f.startswith(path + ":")]


def test_unquoted_colon_makes_the_yaml_invalid(tmp_path):
    found = lint(tmp_path, {".cursor/rules/api.mdc": "---\ndescription: Routing: how to add routes\nglobs: src/**/*.py\n"
                            "alwaysApply: false\n---\n# API\n"})
    assert found == [".cursor/rules/api.mdc:2: error: frontmatter is not valid YAML (mapping values are not allowed "
                     "here); quote values that contain ': ' or ' #'"]


def test_windsurf_file_without_trigger_is_never_loaded(tmp_path):
    found = lint(tmp_path, {".windsurf/rules/style.md": "# Style\n\n" + RULE + "\n",
                            ".windsurf/rules/glob.md": "---\ntrigger: glob\n---\n# Glob\n\n" + RULE + "\n",
                            ".windsurf/rules/model.md": "---\ntrigger: model_decision\n---\n# M\n"})
    assert any(f.startswith(".windsurf/rules/style.md:1: error: no frontmatter with trigger: Windsurf does not load")
               for f in found)
    assert any("trigger: glob needs globs" in f for f in found)
    assert any("trigger: model_decision needs description" in f for f in found)


def test_windsurf_limit_is_12000_characters_per_workspace_file(tmp_path):
    head = "---\ntrigger: always_on\n---\n# Big\n\n"
    found = lint(tmp_path, {".windsurf/rules/mid.md": head + "x" * 9000 + " https://e.org\n",
                            ".windsurf/rules/big.md": head + "x" * 12500 + " https://e.org\n"})
    assert only(found, ".windsurf/rules/mid.md") == []
    assert only(found, ".windsurf/rules/big.md") == [
        ".windsurf/rules/big.md:1: error: 12,549 characters: over the 12,000 characters limit for this file; "
        "split it, never cut a rule"]


def test_cursor_always_apply_with_globs_and_string_booleans(tmp_path):
    found = lint(tmp_path, {
        ".cursor/rules/a.mdc": "---\ndescription: Use for API code.\nglobs: src/**/*.py\nalwaysApply: true\n---\n# A\n",
        ".cursor/rules/b.mdc": "---\ndescription: Use for API code.\nalwaysApply: 'false'\n---\n# B\n",
        ".cursor/rules/c.mdc": "---\ndescripton: Use for API code.\nglobs: src/{a,b/**/*.py\n---\n# C\n",
    })
    assert any(f.startswith(".cursor/rules/a.mdc:4: error: alwaysApply: true makes Cursor ignore globs") for f in found)
    assert ".cursor/rules/b.mdc:3: error: alwaysApply: Input should be a valid boolean" in found
    assert any(f.startswith(".cursor/rules/c.mdc:2: warning: unknown key 'descripton'") for f in found)
    assert ".cursor/rules/c.mdc:3: error: globs: glob 'src/{a,b/**/*.py' has an unclosed { }" in found


def test_cursor_500_lines_and_misplaced_or_legacy_files(tmp_path):
    long_rule = "---\ndescription: Use for API code.\nalwaysApply: false\n---\n# A\n\n" + "https://e.org\n" * 520
    found = lint(tmp_path, {".cursor/rules/long.mdc": long_rule, ".cursor/rules/plain.md": "# Plain\n",
                            ".cursorrules": "Use tabs.\n",
                            ".github/instructions/api.md": "---\napplyTo: '**/*.py'\n---\n# Api\n"})
    assert any(f.startswith(".cursor/rules/long.mdc:1: warning: 526 lines: over the 500 lines limit") for f in found)
    assert ".cursor/rules/plain.md:1: error: Cursor project rules are .mdc files; Cursor does not load this .md " \
           "(rename it to .mdc)" in found
    assert ".cursorrules:1: warning: .cursorrules is deprecated; move its rules to .cursor/rules/*.mdc" in found
    assert ".github/instructions/api.md:1: error: Copilot reads only *.instructions.md in .github/instructions/; " \
           "rename this file" in found


def test_copilot_without_apply_to_is_attached_by_hand(tmp_path):
    found = lint(tmp_path, {".github/instructions/db.instructions.md": "---\ndescription: Database code.\n---\n# Db\n",
                            ".github/instructions/py.instructions.md": "---\napplyTo:\n- '**/*.py'\n---\n# Py\n"})
    assert ".github/instructions/db.instructions.md:1: info: no applyTo: Copilot applies this file only when it is " \
           "attached to a request by hand" in found
    assert ".github/instructions/py.instructions.md:2: error: applyTo: Input should be a valid string" in found


def test_kiro_augment_continue_values(tmp_path):
    found = lint(tmp_path, {".kiro/steering/a.md": "---\ninclusion: fileMatch\n---\n# A\n",
                            ".kiro/steering/b.md": "---\ninclusion: sometimes\n---\n# B\n",
                            ".augment/rules/c.md": "---\ntype: agent_requested\n---\n# C\n",
                            ".continue/rules/d.md": "---\nname: D\nalwaysApply: yes please\n---\n# D\n"})
    assert ".kiro/steering/a.md:1: error: inclusion: fileMatch needs fileMatchPattern (Kiro includes the file for " \
           "those paths)" in found
    assert any(f.startswith(".kiro/steering/b.md:2: error: inclusion: Input should be 'always'") for f in found)
    assert any("type: agent_requested needs description" in f for f in found)
    assert ".continue/rules/d.md:3: error: alwaysApply: Input should be a valid boolean" in found


def test_agents_md_chain_over_codex_32_kib(tmp_path):
    found = lint(tmp_path, {"AGENTS.md": RULE + "\n" + "a" * 20000 + "\n", "services/api/AGENTS.md": "b" * 14000 + "\n",
                            "services/web/AGENTS.md": "c" * 4000 + "\n"})
    assert only(found, "AGENTS.md") == [] and only(found, "services/web/AGENTS.md") == []
    assert only(found, "services/api/AGENTS.md") == [
        "services/api/AGENTS.md:1: error: 34,105 bytes of AGENTS.md from the root down to here (2 files): Codex stops "
        "at 32,768, so the end of this file is never read"]


def test_claude_md_kept_short(tmp_path):
    found = lint(tmp_path, {"CLAUDE.md": "# Notes\n\n" + "".join(f"- note {i} https://e.org\n" for i in range(210))})
    assert found == ["CLAUDE.md:1: warning: 212 lines: over the 200 lines limit for this file; split it, never cut a rule"]


def test_the_same_rule_in_two_files_one_assistant_loads(tmp_path):
    found = lint(tmp_path, {"AGENTS.md": "# Rules\n\n" + RULE + "\n",
                            ".cursor/rules/api.mdc": "---\ndescription: Use for API code.\nalwaysApply: false\n---\n"
                                                     "# API\n\n" + RULE + "\n",
                            ".continue/rules/api.md": "---\nname: API\n---\n# API\n\n" + RULE + "\n"})
    assert found == ["AGENTS.md:3: warning: 1 rule also in .cursor/rules/api.mdc; Cursor loads both files, so twice"]


def test_rules_without_a_source_link(tmp_path):
    found = lint(tmp_path, {".clinerules/style.md": "# Style\n\n## Tabs\n\nIndent with tabs.\n\n## Links\n\n" + RULE + "\n",
                            "GEMINI.md": "# Mine\n\nNo link here at all, my own note.\n\n<!-- rules-spider:begin catalog=c -->\n"
                                         "## Rules\n\n### Ours\n\nA rule with no link.\n<!-- rules-spider:end catalog=c -->\n"})
    assert ".clinerules/style.md:3: warning: 1 of 2 rules have no source link (first: 'Tabs')" in found
    assert "GEMINI.md:8: error: rule 'Ours' has no source link" in found
    assert not any(f.startswith("GEMINI.md:1") for f in found)  # the user's own text is theirs


def test_llms_txt_titles_the_reference_parser_cannot_read(tmp_path):
    found = lint(tmp_path, {"llms.txt": "# Docs\n\n> Rules.\n\nAbout.\n\n## Rules\n\n- [Use \\[x\\] here](https://e.org/a): n\n"
                            "- [Fine](https://e.org/b): n\nnot an item\n"})
    assert found == ["llms.txt:9: error: not a '- [title](url): note' item; the llms.txt parser fails on it",
                     "llms.txt:11: error: not a '- [title](url): note' item; the llms.txt parser fails on it"]
    found = lint(tmp_path, {"llms.txt": "# Docs\n\n> Rules.\n\nAbout.\n\n## Rules\n\n- [Use \\[x](https://e.org/a) ok](https://e.org/b): n\n"})
    assert found == ["llms.txt:9: error: the llms.txt parser reads a title up to the first ']': no brackets or "
                     "backslash escapes in titles"]


@pytest.mark.parametrize("target", list(RULES_WRITERS))
def test_everything_we_write_passes_the_linter(tmp_path, target):
    rules_file = write_rules_jsonl(tmp_path / "out" / "c" / "rules.jsonl", fixed_rules())
    project = tmp_path / "project"
    project.mkdir()
    export_rules(rules_file, project, "c", [target], WriterRegistry(RULES_WRITERS))
    findings = lint_path(project)
    assert [f for f in findings if f.severity != "info"] == [], target


def test_command_exit_codes(tmp_path):
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "AGENTS.md").write_text(RULE + "\n")
    bad = tmp_path / "bad" / ".windsurf" / "rules"
    bad.mkdir(parents=True)
    (bad / "x.md").write_text("# x\n")
    run = lambda *a: subprocess.run([sys.executable, "-m", "scrapy", "lint-rules", *a], capture_output=True,  # noqa: E731
                                    text=True, cwd=tmp_path, timeout=120)
    assert run("ok").returncode == 0
    failing = run("bad")
    assert failing.returncode == 1 and failing.stdout.startswith(".windsurf/rules/x.md:1: error: ")
    assert "1 errors, 0 warnings" in failing.stderr
    assert run("missing").returncode != 0


def test_manifest_of_another_tool_is_ignored(tmp_path):
    (tmp_path / ".rules-spider.json").write_text(json.dumps(["not", "ours"]))
    assert lint(tmp_path, {"AGENTS.md": RULE + "\n"}) == []
