from __future__ import annotations

import dataclasses
import re

import pytest
import yaml
from llms_txt import parse_llms_file

from rules_spider.clustering import cluster_rules
from rules_spider.settings import RULES_WRITERS
from rules_spider.writers.base import RenderContext, Writer, WriterRegistry, parse_formats
from rules_spider.writers.budget import parse_budget
from rules_spider.writers.frontmatter import cursor_frontmatter, plain_scalar, split_frontmatter
from rules_spider.writers.globs import TECHNOLOGY_GLOBS, globs_for
from rules_spider.writers.groups import RuleGroup, cluster_groups, source_groups
from rules_spider.writers.markdown import fence, utf16_length
from rules_spider.writers.memory_file import merge_block
from tests.rule_sets import fixed_rules, padded
from tests.test_outputs_fixtures import make_rule, sample_rules

REGISTRY = WriterRegistry(RULES_WRITERS)
CONTEXT = RenderContext(catalog="frameworks")
FILLER = ("best practice", "follow best practices", "make sure to", "as an ai", "always remember", "in conclusion")


def one_group(technology: str = "python", count: int = 6, **kwargs) -> RuleGroup:
    rules = [make_rule(technology, "dependencies", f"Dependencies with yield clean up after response {n}.", n, **kwargs)
             for n in range(count)]
    rules = [dataclasses.replace(r, keywords=["dependencies", "yield"]) for r in rules]
    (group,) = cluster_groups(cluster_rules(rules, max_clusters=1).clusters)
    return group


def fixed_groups() -> list[RuleGroup]:
    return source_groups(cluster_rules(fixed_rules()).clusters)


def group_of(source: str) -> RuleGroup:
    return next(g for g in fixed_groups() if g.sources == (source,))


def frontmatter_of(text: str) -> dict | None:
    data, _ = split_frontmatter(text)
    return data


def test_registry_loads_every_writer_from_settings():
    assert REGISTRY.names == ["cursor", "windsurf", "agents", "claude", "copilot", "cline", "kiro", "continue",
                              "gemini", "zed", "junie", "amazonq", "augment", "aider", "llms_txt"]
    for name in REGISTRY.names:
        writer = REGISTRY.get(name)
        assert isinstance(writer, Writer)
        assert writer.name == name and writer.assistant
    assert [w.name for w in REGISTRY.select("all")] == REGISTRY.names
    with pytest.raises(KeyError, match="Unknown rule format.*nope"):
        REGISTRY.select(["cursor", "nope"])
    assert parse_formats(" Cursor, windsurf,cursor ,") == ["cursor", "windsurf"]


def test_globs_cover_every_named_technology():
    named = {"python", "javascript", "typescript", "go", "rust", "java", "kotlin", "csharp", "ruby", "php", "swift",
             "sql", "css", "shell", "docker", "kubernetes", "terraform", "aws", "gcp", "azure", "ml"}
    assert named <= set(TECHNOLOGY_GLOBS)
    assert globs_for("Python") == globs_for("py") == TECHNOLOGY_GLOBS["python"]
    assert globs_for("cobol-on-mars") == ()
    for technology, globs in TECHNOLOGY_GLOBS.items():
        value = ",".join(globs)
        assert yaml.safe_load(f"globs: {value}") == {"globs": value}, technology


def test_cursor_frontmatter_keys_and_types():
    text = REGISTRY.get("cursor").render_group(group_of("Quillpy"), CONTEXT)[0].text
    meta = frontmatter_of(text)
    assert set(meta) == {"description", "globs", "alwaysApply"}
    assert isinstance(meta["globs"], str) and meta["globs"].startswith(",".join(globs_for("python")))
    assert "migrations/**" in meta["globs"].split(",")  # named by a rule
    assert meta["alwaysApply"] is False
    assert meta["description"].endswith(".") and meta["description"].count(". ") == 0
    raw = text.split("---\n")[1]
    assert '"' not in raw and "'" not in raw  # Cursor keeps quotes as part of a value


def test_cursor_without_globs_is_agent_requested():
    meta = frontmatter_of(REGISTRY.get("cursor").render_group(group_of("Lumen"), CONTEXT)[0].text)
    assert set(meta) == {"description", "alwaysApply"} and meta["alwaysApply"] is False


def test_cursor_frontmatter_survives_hostile_text():
    text = cursor_frontmatter("Evil: source #1 'quoted' - [x] {y} *z* & | > %", ["**/*.py", "pyproject.toml"])
    meta = frontmatter_of(text)
    assert meta["globs"] == "pyproject.toml,**/*.py"
    raw_values = [line.split(": ", 1)[1] for line in text.splitlines() if ": " in line]
    assert not any(v.startswith(("'", '"')) for v in raw_values)
    assert yaml.safe_load(f"description: {plain_scalar('a: b # c')}")["description"] == plain_scalar("a: b # c")


def test_windsurf_frontmatter_glob_and_model_decision():
    meta = frontmatter_of(REGISTRY.get("windsurf").render_group(group_of("Harbor"), CONTEXT)[0].text)
    assert meta["trigger"] == "glob" and meta["globs"][: len(globs_for("docker"))] == list(globs_for("docker"))
    meta = frontmatter_of(REGISTRY.get("windsurf").render_group(group_of("Lumen"), CONTEXT)[0].text)
    assert set(meta) == {"trigger", "description"} and meta["trigger"] == "model_decision"


def test_windsurf_keeps_12000_characters_per_file_and_splits_between_rules():
    long_body = "Configure the connection pool size to match the worker count. " * 25
    group = one_group(count=60, body_extra=long_body)
    parts = REGISTRY.get("windsurf").render_group(group, CONTEXT)
    assert len(parts) > 1
    assert sorted(rid for p in parts for rid in p.rule_ids) == sorted(r.id for r in group.rules)
    sizes = [utf16_length(p.text) for p in parts]
    assert max(sizes) <= 12000 and max(sizes) > 6000  # the 6,000 limit is the global rules file's
    for i, part in enumerate(parts, start=1):
        assert frontmatter_of(part.text)["trigger"] == "glob"
        assert f"(part {i} of {len(parts)})" in part.text
    for rule in group.rules:
        homes = [p for p in parts if rule.id in p.rule_ids]
        assert len(homes) == 1 and rule.body.strip() in homes[0].text and rule.evidence in homes[0].text


def test_a_rule_too_long_for_any_file_loses_its_example_then_its_place():
    huge_example = dataclasses.replace(make_rule("python", "async", "Keep handlers non-blocking.", 0),
                                       example="x = 1\n" * 2500, example_language="python")
    huge_body = dataclasses.replace(make_rule("python", "async", "Avoid blocking.", 2), body="word " * 3000)
    normal = make_rule("python", "async", "Use async drivers.", 4)
    (group,) = cluster_groups(cluster_rules([huge_example, huge_body, normal], max_clusters=1).clusters)
    parts = REGISTRY.get("windsurf").render_group(group, CONTEXT)
    text = "".join(p.text for p in parts)
    assert all(utf16_length(p.text) <= 12000 for p in parts)
    assert huge_example.body in text and "x = 1\n" * 10 not in text and "example is left out" in text
    assert [o.rule.id for o in parts[0].left_out] == [huge_body.id] and huge_body.body not in text
    assert "longer than the windsurf budget of 12,000 characters on its own" in parts[0].left_out[0].reason


def test_cursor_files_keep_to_500_lines():
    rules = padded([r for r in fixed_rules() if r.source_name == "Quillpy"], "Line of explanation", 0)
    rules = [dataclasses.replace(r, example="\n".join(f"step_{i}()" for i in range(150)), example_language="python")
             for r in rules]
    (group,) = source_groups(cluster_rules(rules).clusters)
    parts = REGISTRY.get("cursor").render_group(group, CONTEXT)
    budget = parse_budget("500 lines")
    assert len(parts) > 1 and all(budget.fits(p.text) for p in parts)
    assert sorted(i for p in parts for i in p.rule_ids) == sorted(r.id for r in rules)


def test_copilot_frontmatter_and_manual_attach_without_globs():
    meta = frontmatter_of(REGISTRY.get("copilot").render_group(group_of("Tessera"), CONTEXT)[0].text)
    assert set(meta) == {"applyTo", "description"} and isinstance(meta["applyTo"], str)
    assert "**/*.test.ts" in meta["applyTo"].split(",")
    meta = frontmatter_of(REGISTRY.get("copilot").render_group(group_of("Lumen"), CONTEXT)[0].text)
    assert set(meta) == {"description"}
    from rules_spider.writers import copilot

    assert "only when it is\nattached to a request by hand" in copilot.__doc__
    assert "attached by description" not in copilot.__doc__


def test_cline_claude_kiro_continue_augment_frontmatter():
    quillpy, lumen = group_of("Quillpy"), group_of("Lumen")
    render = lambda name, group: frontmatter_of(REGISTRY.get(name).render_group(group, CONTEXT)[0].text)  # noqa: E731
    assert render("cline", quillpy)["paths"][0] == "pyproject.toml" and render("cline", lumen) is None
    assert isinstance(render("claude", quillpy)["paths"], list) and render("claude", lumen) is None
    assert render("kiro", quillpy)["inclusion"] == "fileMatch"
    assert isinstance(render("kiro", quillpy)["fileMatchPattern"], list)
    assert set(render("kiro", lumen)) == {"inclusion", "name", "description"} and render("kiro", lumen)["inclusion"] == "auto"
    meta = render("continue", quillpy)
    assert list(meta) == ["name", "globs", "description", "alwaysApply"] and meta["alwaysApply"] is False
    assert set(render("continue", lumen)) == {"name", "description", "alwaysApply"}
    meta = render("augment", quillpy)
    assert meta["type"] == "agent_requested" and "pyproject.toml" in meta["description"]
    assert frontmatter_of(REGISTRY.get("amazonq").render_group(quillpy, CONTEXT)[0].text) is None


def test_claude_writes_rule_files_and_a_short_index():
    files = REGISTRY.get("claude").project_files(fixed_groups(), CONTEXT)
    paths = [f.path for f in files]
    assert paths[-1] == "CLAUDE.md" and all(p.startswith(".claude/rules/") for p in paths[:-1])
    index = files[-1].rendered.text
    assert index.count("\n") < 200 and index.count("- `.claude/rules/") == len(paths) - 1
    assert "@" not in index  # an @import would load path-scoped rules in every session
    assert "always loaded" in index and "loaded when Claude reads `pyproject.toml`" in index


@pytest.mark.parametrize("name", ["agents", "gemini", "zed", "junie", "aider"])
def test_memory_files_pack_by_priority_within_budget(name):
    rules = [make_rule("python", "validation", f"Validate request bodies with models, case {n}.", n,
                       quality=n / 400, body_extra="Field constraints are enforced before the handler runs. " * 8)
             for n in range(400)]
    groups = source_groups(cluster_rules(rules).clusters)
    writer = REGISTRY.get(name)
    rendered = writer.project_files(groups, CONTEXT)[0].rendered
    budget = CONTEXT.budget_for(name)
    begin = rendered.text.index("<!-- rules-spider:begin")
    assert budget.measure(rendered.text[begin:]) <= budget.limit + 120  # the block; markers aside
    assert rendered.left_out and len(rendered.rule_ids) + len(rendered.left_out) == 400
    kept = [r.quality_score for r in rules if r.id in set(rendered.rule_ids)]
    assert min(kept) >= max(o.rule.quality_score for o in rendered.left_out)
    assert f"_{len(rendered.left_out)} lower-priority rules were left out" in rendered.text


def test_pinned_rules_are_packed_first():
    rules = [make_rule("python", "validation", f"Validate request bodies with models, case {n}.", n,
                       quality=n / 400, body_extra="Field constraints are enforced before the handler runs. " * 8)
             for n in range(200)]
    weakest = min(rules, key=lambda r: r.quality_score)
    context = dataclasses.replace(CONTEXT, pinned=frozenset({weakest.id}))
    rendered = REGISTRY.get("agents").project_files(source_groups(cluster_rules(rules).clusters), context)[0].rendered
    assert weakest.id in rendered.rule_ids


def test_agents_block_merges_into_user_file():
    user = "# My project\n\nRun `make test` before committing.\n"
    merged = merge_block(user, "## Rules\n\nold", "frameworks")
    assert merged.startswith(user.rstrip("\n"))
    again = merge_block(merged, "## Rules\n\nnew", "frameworks")
    assert "old" not in again and "new" in again and again.count("rules-spider:begin") == 1
    assert merge_block(again, "## Cloud", "cloud").count("rules-spider:begin") == 2


def test_aider_config_gets_the_read_line_without_losing_the_users_settings():
    from rules_spider.writers.aider import aider_config

    assert aider_config(None) == "read: CONVENTIONS.md\n"
    assert aider_config("# mine\nauto-commits: false\n") == "# mine\nauto-commits: false\nread: CONVENTIONS.md\n"
    assert aider_config("read: [CONVENTIONS.md, notes.md]\n") == "read: [CONVENTIONS.md, notes.md]\n"
    assert aider_config("read: notes.md\n") is None  # would need a list rewritten: left to the user


LLMS_ITEM = re.compile(r"^- \[[^\]]+\]\([^)\s]+\): .+$")


def test_llms_txt_is_read_by_the_reference_parser():
    rules = fixed_rules()
    hostile = dataclasses.replace(rules[0], title="Use [brackets] and \\ backslashes [x](y)")
    groups = source_groups(cluster_rules([hostile, *rules[1:]]).clusters)
    (project_file,) = REGISTRY.get("llms_txt").project_files(groups, CONTEXT)
    text = project_file.rendered.text
    parsed = parse_llms_file(text)
    assert parsed.title == "frameworks documentation rules" and parsed.summary.startswith("13 rules")
    items = [item for section in parsed.sections.values() for item in section]
    assert len(items) == len(rules)
    by_title = {item["title"]: item for item in items}
    for rule in rules[1:]:
        assert by_title[rule.title]["url"] == rule.url and rule.body in by_title[rule.title]["desc"]
    assert "Use (brackets) and \\ backslashes (x)(y)" in {i["title"] for i in items}
    assert all(LLMS_ITEM.match(line) for line in text.splitlines() if line.startswith("- "))


@pytest.mark.parametrize("name", [n for n in RULES_WRITERS if n != "claude"])
def test_every_rule_shows_guidance_example_source_and_evidence(name):
    rules = sample_rules(40)
    groups = cluster_groups(cluster_rules(rules).clusters)
    writer = REGISTRY.get(name)
    texts = {r.id: "" for r in rules}
    for group in groups:
        for part in writer.render_group(group, CONTEXT):
            for rid in part.rule_ids:
                texts[rid] += part.text
    for rule in rules:
        text = texts[rule.id]
        assert rule.body in text and rule.evidence in text
        for url in rule.urls:
            assert url in text
        if rule.example and name != "llms_txt":
            assert f"```{rule.example_language}\n{rule.example}\n```" in text
    everything = "".join(texts.values()).lower()
    for phrase in FILLER:
        assert phrase not in everything


def test_fence_is_longer_than_backticks_inside():
    block = fence("print('```')\n````", "python")
    assert block.startswith("`````python\n") and block.endswith("\n`````")
    assert fence("x", "c++; rm -rf /").startswith("```c++rm-rf\n")


@pytest.mark.parametrize("name", ["cursor", "windsurf", "claude", "copilot", "cline", "kiro", "continue", "amazonq",
                                  "augment"])
def test_rule_directory_targets_split_within_their_budget_and_lose_no_rule(name):
    rules = padded(fixed_rules(), "The page explains the reason at length", 40)
    groups = source_groups(cluster_rules(rules).clusters)
    writer = REGISTRY.get(name)
    budget = CONTEXT.budget_for(name)
    shown: list[str] = []
    for group in groups:
        parts = writer.render_group(group, CONTEXT)
        assert all(budget.fits(p.text) for p in parts)
        shown += [i for p in parts for i in p.rule_ids]
    assert sorted(shown) == sorted(r.id for r in rules)
    paths = [f.path for f in writer.project_files(groups, CONTEXT)]
    assert any("-part2" in p for p in paths) == (budget.unit == "chars")  # Cursor's 500 lines hold these


def test_registry_matches_the_api_formats():
    from rules_spider.api import RuleFormat

    assert [f.value for f in RuleFormat] == REGISTRY.names
