"""Bad input everywhere it comes in: each is a clear error naming the problem, or a counted fallback.

Catalogs (cases tests/test_catalog.py does not cover), spider arguments, the Python API,
feedback values, LLM replies and mislabelled page encodings.
"""

from __future__ import annotations

import json
import math
import time

import pytest
from pydantic import ValidationError
from pytest_twisted import ensureDeferred

from rules_spider.api import MLBatchProcessor, RuleFormat
from rules_spider.catalog import CatalogError, DocumentationSource, load_catalog
from rules_spider.charset import redecode_mislabelled
from rules_spider.generation.base import GeneratorOutputError
from rules_spider.generation.llm_schema import InvalidLlmOutput, parse_llm_output
from rules_spider.generation.openai_compat import OpenAICompatGenerator
from rules_spider.learning.engine import SelfImprovingEngine
from rules_spider.spiders.docs import SpiderArgumentError
from tests.crawling import run_crawl
from tests.fake_llm_servers import FakeLlmServer, Reply, chat_reply
from tests.llm_helpers import CountingStats, sample_page, valid_answer
from tests.test_catalog import GOOD
from tests.test_spider import SPIDER_ONLY

# --- catalogs ---------------------------------------------------------------------------------

ALIAS_BOMB = "name: bomb\nsources:\n  - url: https://a.example.org/\n    name: A\n    technology: python\n" + "".join(
    f"    {field}: &{chr(97 + i)} [{', '.join([f'*{chr(96 + i)}'] * 9) if i else ', '.join(['x'] * 9)}]\n"
    for i, field in enumerate(["allow", "deny", "allow", "deny", "allow", "deny", "allow", "deny", "allow"])
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "a catalog must be a mapping"),
        ("# only a comment\n", "a catalog must be a mapping"),
        ("sources: {a: 1}\n", "field 'sources'"),
        ("sources:\n  - just a string\n", "source #1: must be a mapping of fields"),
        (GOOD.replace("name: Example", 'name: "Ex\\0ample"'), "field 'name': Value error, must be printable"),
        (GOOD.replace("name: Example", 'name: "two\\nlines"'), "field 'name': Value error, must be printable"),
        (GOOD.replace("name: Example", "name: " + "n" * 101), "field 'name': String should have at most 100"),
        (GOOD.replace("name: Example", 'name: " padded "'), "field 'name'"),
        (GOOD.replace("technology: python", "technology: ../../etc"), "field 'technology'"),
        (GOOD.replace("technology: python", "technology: 42"), "field 'technology'"),
        (GOOD.replace("framework: example", "framework: [a, b]"), "field 'framework'"),
        (GOOD + "    max_pages: 0\n", "field 'max_pages': Input should be greater than or equal to 1"),
        (GOOD + "    max_pages: 100000000\n", "field 'max_pages': Input should be less than or equal to"),
        (GOOD + "    max_pages: lots\n", "field 'max_pages': Input should be a valid integer"),
        (GOOD + "    max_depth: -1\n", "field 'max_depth': Input should be greater than or equal to 0"),
        (GOOD + "    sitemap: perhaps\n", "field 'sitemap': Input should be a valid boolean"),
        (GOOD + "    allow: '/docs/'\n", "field 'allow'"),
        (GOOD + "    deny: [1, 2]\n", "field 'deny.0'"),
        (GOOD.replace("https://docs.example.org/guide/", "https://docs.example.org/a b/"), "must not contain whitespace"),
        (GOOD.replace("https://docs.example.org/guide/", "javascript:alert(1)"), "must be an absolute http(s) URL"),
        (GOOD.replace("https://docs.example.org/guide/", "https:///nohost"), "must be an absolute http(s) URL"),
        (GOOD + "include: [no_such_catalog]\n", "include 'no_such_catalog': unknown catalog"),
        ("name: [not, a, string]\nsources: []\n", "field 'name'"),
        (ALIAS_BOMB, "field 'allow.0'"),
    ],
)
def test_bad_catalog_is_refused_naming_the_problem(write_catalog, text, expected):
    started = time.monotonic()
    with pytest.raises(CatalogError) as info:
        load_catalog(str(write_catalog(text)))
    assert expected in str(info.value), str(info.value)
    assert time.monotonic() - started < 5  # the alias bomb is not expanded


def test_catalog_that_is_not_utf8_or_not_a_file(write_catalog, tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(GOOD.replace("Example", "Caf\xe9").encode("latin-1"))
    with pytest.raises(CatalogError, match="not UTF-8 text"):
        load_catalog(str(path))
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(CatalogError, match="catalog file not found"):
        load_catalog(str(tmp_path / "dir.yaml"))
    with pytest.raises(CatalogError, match="catalog file not found"):
        load_catalog(str(tmp_path / "missing.yaml"))


# --- spider arguments (a real crawler; they fail before any request) --------------------------


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ({"max_pages": "0"}, SpiderArgumentError, "-a max_pages: Input should be greater than or equal to 1"),
        ({"max_pages": "-5"}, SpiderArgumentError, "-a max_pages"),
        ({"max_pages": "2.5"}, SpiderArgumentError, "-a max_pages"),
        ({"max_depth": "-1"}, SpiderArgumentError, "-a max_depth: Input should be greater than or equal to 0"),
        ({"max_depth": "deep"}, SpiderArgumentError, "-a max_depth"),
        ({"catalog": ""}, SpiderArgumentError, "-a catalog"),
        ({"catalog": "/no/such/catalog.yaml"}, CatalogError, "catalog file not found"),
        ({"catalog": "no_such_catalog"}, CatalogError, "unknown catalog 'no_such_catalog'"),
        ({"sources": "Nope"}, CatalogError, "no source named 'Nope'"),
        ({"source": "Example"}, SpiderArgumentError, "-a source: Extra inputs are not permitted"),
    ],
)
@ensureDeferred
async def test_bad_spider_arguments_fail_at_start_with_the_reason(write_catalog, args, error, message):
    arguments = {"catalog": str(write_catalog(GOOD)), **args}
    with pytest.raises(error) as info:
        await run_crawl(SPIDER_ONLY, **arguments)
    assert message in str(info.value)


# --- the Python API ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"quality_threshold": 1.5}, "quality_threshold"),
        ({"quality_threshold": -0.1}, "quality_threshold"),
        ({"quality_threshold": math.nan}, "quality_threshold"),
        ({"quality_threshold": "high"}, "quality_threshold"),
        ({"max_concurrent": 0}, "max_concurrent"),
        ({"max_concurrent": -4}, "max_concurrent"),
        ({"max_concurrent": 5000}, "max_concurrent"),
        ({"max_concurrent": 2.5}, "max_concurrent"),
        ({"max_concurrent": "many"}, "max_concurrent"),
        ({"output_dir": ""}, "output_dir"),
    ],
)
def test_bad_processor_options_name_the_field(options, field):
    with pytest.raises(ValidationError) as info:
        MLBatchProcessor(**options)
    assert field in str(info.value)


def _run(coro):
    # pytest-twisted keeps an event loop running on the main thread: run on a fresh one elsewhere.
    from tests.test_learning_engine import run_async

    return run_async(coro)


@pytest.mark.parametrize(
    ("sources", "formats", "error", "message"),
    [
        ([], ["cursor"], ValueError, "at least one source"),
        ([{"url": "ftp://x.example.org/", "name": "X", "technology": "go"}], ["cursor"], ValidationError, "url"),
        ([{"url": "https://x.example.org/", "name": "X"}], ["cursor"], ValidationError, "technology"),
        ([{"url": "https://x.example.org/", "name": "X", "technology": "go", "priority": 9}], ["cursor"],
         ValidationError, "priority"),
        ([{"url": "https://x.example.org/", "name": "X", "technology": "go"}], ["word"], ValueError, "'word'"),
        (["https://x.example.org/"], ["cursor"], ValidationError, "DocumentationSource"),
    ],
)
def test_bad_batch_arguments_fail_before_any_crawl(tmp_path, sources, formats, error, message):
    processor = MLBatchProcessor(output_dir=tmp_path / "out")
    with pytest.raises(error, match=message):
        _run(processor.process_documentation_batch(sources, formats=formats))
    assert not (tmp_path / "out").exists()


def test_batch_catalog_name_never_becomes_a_path(tmp_path, monkeypatch):
    """The name goes into the catalog YAML; the YAML file itself stays in the temporary directory."""
    seen = {}

    async def fake_crawl(self, catalog_path, catalog_name, format_names, sources=()):
        seen["path"], seen["text"] = catalog_path, catalog_path.read_text()

    monkeypatch.setattr(MLBatchProcessor, "_crawl", fake_crawl)
    source = DocumentationSource(url="https://x.example.org/", name="X", technology="go")
    _run(MLBatchProcessor(output_dir=tmp_path).process_documentation_batch(
        [source], formats=[RuleFormat.CURSOR], catalog_name="../../../../evil"))
    assert seen["path"].name == "catalog.yaml" and ".." not in seen["path"].parts
    assert "name: ../../../../evil" in seen["text"]


# --- feedback values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signal_type", "value", "message"),
    [
        ("usage_success", 1.5, "outside"),
        ("usage_success", -0.01, "outside"),
        ("usage_success", math.nan, "not a number"),
        ("usage_success", math.inf, "outside"),
        ("usage_success", "0.5", "not a number"),
        ("usage_success", None, "not a number"),
        ("Usage Success", 0.5, "signal_type"),
        ("", 0.5, "signal_type"),
        ("x" * 500, 0.5, "signal_type"),
    ],
)
def test_bad_feedback_is_refused_and_nothing_is_stored(tmp_path, signal_type, value, message):
    with SelfImprovingEngine(state_dir=tmp_path) as engine:
        with pytest.raises(ValueError, match=message):
            _run(engine.collect_feedback_signal("rule-1", signal_type, value))
        assert engine.store.signal_count() == 0


@pytest.mark.parametrize(
    "options",
    [
        {"learning_rate": 0},
        {"learning_rate": 1.5},
        {"rule_threshold": 2},
        {"feedback_window_hours": -1},
        {"min_feedback_signals": 0},
        {"user_label_weight": 0},
        {"min_user_labels": 0},
    ],
)
def test_bad_engine_options_name_the_field(tmp_path, options):
    with pytest.raises(ValidationError) as info:
        SelfImprovingEngine(state_dir=tmp_path, **options)
    assert next(iter(options)) in str(info.value)


# --- LLM replies (cases tests/test_llm_schema.py and test_llm_openai.py do not cover) ---------------


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ('{"rules": ' + "[" * 20000 + "]" * 20000 + "}", "nested too deeply"),
        ("\ufeff" + valid_answer(), "only a JSON object"),
        ("null", "only a JSON object"),
        ('"rules"', "only a JSON object"),
        ("\x00\x01\x02", "only a JSON object"),
        ('{"rules": [{"title": NaN, "body": "b", "evidence": "one two three four", "category": "tip"}]}', "rules.0"),
        ('{"rules": [{"title": "t", "body": "b\x00", "evidence": "one two three four", "category": "tip"}]}',
         "not valid JSON"),
    ],
)
def test_more_invalid_llm_replies(reply, reason):
    with pytest.raises(InvalidLlmOutput, match=reason):
        parse_llm_output(reply, max_rules=10)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body={"choices": ["not an object"]}),
        Reply(body={"choices": [{"message": "not an object"}]}),
        Reply(body={"choices": [{"message": {"content": 5}}], "usage": 7}),
        Reply(body='{"choices": ' + "[" * 50000 + "]" * 50000 + "}"),
        Reply(body="<html><body>Bad gateway</body></html>"),
        Reply(body=""),
    ],
)
def test_malformed_chat_envelopes_are_generator_errors_the_pipeline_falls_back_on(reply):
    with FakeLlmServer(default=reply) as server:
        generator = OpenAICompatGenerator(
            {"base_url": f"{server.url}/v1", "model": "m", "backoff_base": 0.01, "max_retries": 0},
            stats=CountingStats(),
        )
        with pytest.raises(GeneratorOutputError):
            generator.generate(sample_page())


def test_llm_reply_with_an_enormous_rule_list_is_trimmed_and_counted():
    answer = json.loads(valid_answer())
    answer["rules"] = answer["rules"] * 500
    parsed = parse_llm_output(json.dumps(answer), max_rules=10)
    assert len(parsed.rule_set.rules) == 10 and parsed.trimmed == 490


def test_a_good_reply_after_bad_envelopes_still_works():
    with FakeLlmServer(default=chat_reply(valid_answer())) as server:
        server.enqueue(Reply(body={"choices": []}))
        generator = OpenAICompatGenerator(
            {"base_url": f"{server.url}/v1", "model": "m", "backoff_base": 0.01}, stats=CountingStats()
        )
        with pytest.raises(GeneratorOutputError):
            generator.generate(sample_page())
        assert len(generator.generate(sample_page())) == 1


# --- page encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "encoding", "expected"),
    [
        ("caf\u00e9 r\u00e9sum\u00e9".encode("latin-1"), "utf-8", "caf\u00e9 r\u00e9sum\u00e9"),
        ("\u201csmart\u201d \u2013 quotes".encode("cp1252"), "utf-8", "\u201csmart\u201d \u2013 quotes"),
        ("caf\u00e9".encode(), "utf-8", None),  # right as it is
        ("caf\u00e9 \ufffd".encode(), "utf-8", None),  # valid UTF-8 that holds U+FFFD itself
        ("caf\u00e9".encode("latin-1"), "cp1252", None),  # not labelled UTF-8: not ours to second-guess
    ],
)
def test_windows_1252_labelled_utf8_is_decoded_again(body, encoding, expected):
    text = body.decode(encoding, errors="replace")
    assert redecode_mislabelled(body, text, encoding) == expected
