from __future__ import annotations

import dataclasses
import re

import pytest
import yaml

from rules_spider.clustering import RuleCluster, cluster_rules
from rules_spider.settings import RULES_WRITERS
from rules_spider.writers.agents import AGENTS_MAX_BYTES
from rules_spider.writers.base import RenderContext, Writer, WriterRegistry, parse_formats
from rules_spider.writers.claude import CLAUDE_MAX_CHARS
from rules_spider.writers.frontmatter import cursor_frontmatter, plain_scalar, split_frontmatter
from rules_spider.writers.globs import TECHNOLOGY_GLOBS, globs_for
from rules_spider.writers.markdown import fence, utf16_length
from rules_spider.writers.memory_file import merge_block
from rules_spider.writers.windsurf import WINDSURF_MAX_CHARS
from tests.test_outputs_fixtures import make_rule, sample_rules

REGISTRY = WriterRegistry(RULES_WRITERS)
CONTEXT = RenderContext(catalog="frameworks")
FILLER = ("best practice", "follow best practices", "make sure to", "as an ai", "always remember", "in conclusion")


def one_cluster(technology: str = "python", count: int = 6, **kwargs) -> RuleCluster:
    rules = [make_rule(technology, "dependencies", f"Dependencies with yield clean up after response {n}.", n, **kwargs)
             for n in range(count)]
    rules = [dataclasses.replace(r, keywords=["dependencies", "yield"]) for r in rules]
    (cluster,) = cluster_rules(rules, max_clusters=1).clusters
    return cluster


def frontmatter_of(text: str) -> dict | None:
    data, _ = split_frontmatter(text)
    return data


def test_registry_loads_every_writer_from_settings():
    assert REGISTRY.names == ["cursor", "windsurf", "agents", "claude", "copilot", "cline", "llms_txt"]
    for name in REGISTRY.names:
        writer = REGISTRY.get(name)
        assert isinstance(writer, Writer)
        assert writer.name == name
    with pytest.raises(KeyError, match="Unknown rule format.*nope"):
        REGISTRY.select(["cursor", "nope"])
    assert parse_formats(" Cursor, windsurf,cursor ,") == ["cursor", "windsurf"]


def test_globs_cover_every_named_technology():
    named = {"python", "javascript", "typescript", "go", "rust", "java", "kotlin", "csharp", "ruby", "php", "swift",
             "sql", "css", "shell", "docker", "kubernetes", "terraform", "aws", "gcp", "azure", "ml"}
    assert named <= set(TECHNOLOGY_GLOBS)
    assert globs_for("Python") == globs_for("py") == TECHNOLOGY_GLOBS["python"]
    assert globs_for("k8s") == TECHNOLOGY_GLOBS["kubernetes"]
    assert globs_for("cobol-on-mars") == ()
    for technology, globs in TECHNOLOGY_GLOBS.items():
        value = ",".join(globs)
        assert yaml.safe_load(f"globs: {value}") == {"globs": value}, technology


def test_cursor_frontmatter_keys_and_types():
    text = REGISTRY.get("cursor").render_cluster(one_cluster(), CONTEXT)[0].text
    meta = frontmatter_of(text)
    assert set(meta) == {"description", "globs", "alwaysApply"}
    assert isinstance(meta["globs"], str) and meta["globs"] == ",".join(globs_for("python"))
    assert meta["alwaysApply"] is False
    assert isinstance(meta["description"], str) and "\n" not in meta["description"]
    assert meta["description"].endswith(".") and meta["description"].count(". ") == 0
    raw = text.split("---\n")[1]
    assert '"' not in raw and "'" not in raw  # Cursor keeps quotes as part of a value


def test_cursor_without_known_globs_has_description_only():
    meta = frontmatter_of(REGISTRY.get("cursor").render_cluster(one_cluster("cobol"), CONTEXT)[0].text)
    assert set(meta) == {"description", "alwaysApply"}
    assert meta["alwaysApply"] is False


def test_cursor_frontmatter_survives_hostile_text():
    text = cursor_frontmatter("Evil: source #1 'quoted' - [x] {y} *z* & | > %", ["**/*.py", "pyproject.toml"])
    meta = frontmatter_of(text)
    assert meta["globs"] == "pyproject.toml,**/*.py"
    raw_values = [line.split(": ", 1)[1] for line in text.splitlines() if ": " in line]
    assert not any(v.startswith(("'", '"')) for v in raw_values)  # no wrapping quotes for Cursor to keep
    assert plain_scalar("- : #") in ("", "-")
    assert yaml.safe_load(f"description: {plain_scalar('a: b # c')}")["description"] == plain_scalar("a: b # c")


def test_windsurf_frontmatter_glob_and_model_decision():
    meta = frontmatter_of(REGISTRY.get("windsurf").render_cluster(one_cluster(), CONTEXT)[0].text)
    assert meta == {"trigger": "glob", "globs": list(globs_for("python"))}
    meta = frontmatter_of(REGISTRY.get("windsurf").render_cluster(one_cluster("cobol"), CONTEXT)[0].text)
    assert set(meta) == {"trigger", "description"} and meta["trigger"] == "model_decision"


def test_windsurf_splits_sixty_long_rules_between_rules():
    long_body = "Configure the connection pool size to match the worker count. " * 25
    cluster = one_cluster(count=60, body_extra=long_body)
    parts = REGISTRY.get("windsurf").render_cluster(cluster, CONTEXT)
    assert len(parts) > 1
    shown = [rid for p in parts for rid in p.rule_ids]
    assert sorted(shown) == sorted(r.id for r in cluster.rules)
    for i, part in enumerate(parts, start=1):
        assert utf16_length(part.text) <= WINDSURF_MAX_CHARS
        assert part.rule_ids
        assert frontmatter_of(part.text)["trigger"] == "glob"
        assert f"(part {i} of {len(parts)})" in part.text
    for rule in cluster.rules:
        homes = [p for p in parts if rule.body.strip() in p.text]
        assert len(homes) == 1 and rule.id in homes[0].rule_ids
        assert rule.evidence in homes[0].text


def test_windsurf_drops_example_then_rule_when_one_rule_is_too_long():
    huge_example = make_rule("python", "async", "Keep handlers non-blocking.", 0)
    huge_example = dataclasses.replace(huge_example, example="x = 1\n" * 1500, example_language="python")
    huge_body = dataclasses.replace(make_rule("python", "async", "Avoid blocking.", 2), body="word " * 2000)
    normal = make_rule("python", "async", "Use async drivers.", 4)
    (cluster,) = cluster_rules([huge_example, huge_body, normal], max_clusters=1).clusters
    parts = REGISTRY.get("windsurf").render_cluster(cluster, CONTEXT)
    text = "".join(p.text for p in parts)
    assert all(utf16_length(p.text) <= WINDSURF_MAX_CHARS for p in parts)
    assert huge_example.body in text and "x = 1\n" * 10 not in text
    assert "example is left out" in text
    assert huge_body.id in parts[0].left_out and huge_body.body not in text
    assert "1 rule is longer than Windsurf's 6,000-character file limit" in parts[0].text


def test_copilot_frontmatter():
    meta = frontmatter_of(REGISTRY.get("copilot").render_cluster(one_cluster(), CONTEXT)[0].text)
    assert set(meta) == {"applyTo", "description"}
    assert meta["applyTo"] == ",".join(globs_for("python"))
    meta = frontmatter_of(REGISTRY.get("copilot").render_cluster(one_cluster("cobol"), CONTEXT)[0].text)
    assert set(meta) == {"description"}


def test_cline_frontmatter():
    meta = frontmatter_of(REGISTRY.get("cline").render_cluster(one_cluster(), CONTEXT)[0].text)
    assert meta == {"paths": list(globs_for("python"))}
    assert frontmatter_of(REGISTRY.get("cline").render_cluster(one_cluster("cobol"), CONTEXT)[0].text) is None


@pytest.mark.parametrize(("name", "limit", "measure"), [
    ("agents", AGENTS_MAX_BYTES, lambda t: len(t.encode("utf-8"))),
    ("claude", CLAUDE_MAX_CHARS, utf16_length),
])
def test_memory_files_drop_lowest_quality_rules_to_fit(name, limit, measure):
    rules = [make_rule("python", "validation", f"Validate request bodies with models, case {n}.", n,
                       quality=n / 400, body_extra="Field constraints are enforced before the handler runs. " * 8)
             for n in range(400)]
    clusters = cluster_rules(rules).clusters
    (project_file,) = REGISTRY.get(name).project_files(clusters, CONTEXT)
    rendered = project_file.rendered
    assert measure(rendered.text) <= limit
    assert rendered.left_out and rendered.rule_ids
    assert len(rendered.rule_ids) + len(rendered.left_out) == 400
    kept = {r.id: r.quality_score for r in rules if r.id in set(rendered.rule_ids)}
    dropped = [r.quality_score for r in rules if r.id in set(rendered.left_out)]
    assert min(kept.values()) >= max(dropped)
    assert f"_{len(rendered.left_out)} lower-quality rules were left out" in rendered.text
    (cluster_file,) = REGISTRY.get(name).render_cluster(clusters[0], CONTEXT)
    assert measure(cluster_file.text) <= limit


def test_agents_block_merges_into_user_file():
    user = "# My project\n\nRun `make test` before committing.\n"
    merged = merge_block(user, "## Rules\n\nold", "frameworks")
    assert merged.startswith(user.rstrip("\n"))
    again = merge_block(merged, "## Rules\n\nnew", "frameworks")
    assert "old" not in again and "new" in again and again.count("rules-spider:begin") == 1
    assert again.startswith(user.rstrip("\n"))
    other = merge_block(again, "## Cloud", "cloud")
    assert other.count("rules-spider:begin") == 2


LLMS_ITEM = re.compile(r"^- \[(?:[^\]\\]|\\.)+\]\(\S+\): .+$")


def test_llms_txt_follows_the_spec():
    clusters = cluster_rules(sample_rules(60)).clusters
    (project_file,) = REGISTRY.get("llms_txt").project_files(clusters, CONTEXT)
    lines = project_file.rendered.text.splitlines()
    assert lines[0].startswith("# ") and lines[1] == "" and lines[2].startswith("> ")
    sections = [line for line in lines if line.startswith("## ")]
    assert len(sections) == len(clusters)
    assert not any(line.startswith("### ") for line in lines)
    items = [line for line in lines if line.startswith("- ")]
    assert len(items) == 60 and all(LLMS_ITEM.match(item) for item in items)
    hostile = dataclasses.replace(sample_rules(1)[0], title="a [link](x) \\ here")
    (cluster,) = cluster_rules([hostile]).clusters
    (part,) = REGISTRY.get("llms_txt").render_cluster(cluster, CONTEXT)
    assert LLMS_ITEM.match([line for line in part.text.splitlines() if line.startswith("- ")][0])


@pytest.mark.parametrize("name", list(RULES_WRITERS))
def test_every_rule_shows_guidance_example_source_and_evidence(name):
    rules = sample_rules(40)
    clusters = cluster_rules(rules).clusters
    writer = REGISTRY.get(name)
    texts = {r.id: "" for r in rules}
    for cluster in clusters:
        for part in writer.render_cluster(cluster, CONTEXT):
            for rid in part.rule_ids:
                texts[rid] += part.text
    for rule in rules:
        text = texts[rule.id]
        assert rule.body in text
        assert rule.evidence in text
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
