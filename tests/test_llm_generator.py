"""The shared LLM generator logic, driven through a real OpenAI-compatible HTTP fake."""

from __future__ import annotations

import json
import pytest
from pytest_twisted import ensureDeferred

from rules_spider.analysis import grounding
from rules_spider.generation.base import GeneratorOutputError, RuleGenerator
from rules_spider.generation.llm_schema import MAX_RESPONSE_CHARS
from rules_spider.generation.openai_compat import OpenAICompatGenerator
from rules_spider.generation.prompt import SYSTEM_PROMPT
from rules_spider.ids import rule_id
from tests.crawling import run_crawl
from tests.fake_llm_servers import FakeLlmServer, chat_reply
from tests.llm_helpers import (
    CODE,
    PAGE_URL,
    PARAGRAPH,
    SUB_PARAGRAPH,
    WARNING,
    CountingStats,
    rule_json,
    sample_page,
    valid_answer,
)


@pytest.fixture
def server():
    with FakeLlmServer() as fake:
        yield fake


@pytest.fixture
def stats():
    return CountingStats()


def generator(server, stats=None, cache_dir=None, **config):
    settings = {"base_url": f"{server.url}/v1", "model": "fake-model", "backoff_base": 0.01, **config}
    return OpenAICompatGenerator(settings, stats=stats, cache_dir=cache_dir)


def test_valid_answer_becomes_rules_quoting_the_page(server, stats):
    server.enqueue(chat_reply(valid_answer(
        rule_json(PARAGRAPH),
        rule_json(WARNING, title="Create the engine once", category="Anti-Pattern"),
        rule_json(SUB_PARAGRAPH, title="Rely on dependency caching", category="performance",
                  example="async def read_items(db = Depends(get_db)):"),
    )))
    gen = generator(server, stats)
    assert isinstance(gen, RuleGenerator)
    page = sample_page()
    rules = gen.generate(page)

    assert [r.evidence for r in rules] == [PARAGRAPH, WARNING, SUB_PARAGRAPH]
    for rule in rules:
        assert rule.evidence in page.text
        assert rule.id == rule_id(PAGE_URL, rule.evidence)
        assert (rule.url, rule.urls, rule.generator) == (PAGE_URL, [PAGE_URL], "openai")
        assert (rule.technology, rule.framework, rule.source_name) == ("python", "fastapi", "FastAPI")
        assert rule.source_priority == 5
    assert [r.category for r in rules] == ["best_practice", "anti_pattern", "performance"]
    assert rules[0].section == ["Dependencies"]
    assert rules[2].section == ["Dependencies", "Sub-dependencies"]
    assert rules[2].example == "async def read_items(db = Depends(get_db)):"
    assert rules[2].example_language == "python"
    assert server.call_count == 1
    assert stats["rules/llm/requests"] == 1
    assert stats["rules/llm/rules"] == 3
    assert stats["rules/llm/input_tokens"] == 100
    assert stats["rules/llm/output_tokens"] == 30
    assert gen.model == "fake-model"


def test_request_carries_the_fixed_system_prompt_and_the_page_as_data(server):
    server.enqueue(chat_reply(valid_answer()))
    generator(server, temperature=0.3, max_tokens=777).generate(sample_page())
    [call] = server.calls
    assert call.path == "/v1/chat/completions"
    body = call.json
    assert body["model"] == "fake-model"
    assert (body["temperature"], body["max_tokens"]) == (0.3, 777)
    assert body["messages"][0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert body["messages"][1]["role"] == "user"
    assert PARAGRAPH in body["messages"][1]["content"]
    assert "do_not_send_raw_html" not in call.raw.decode()


def test_fenced_answer_needs_no_repair(server, stats):
    server.enqueue(chat_reply(f"```json\n{valid_answer()}\n```"))
    assert len(generator(server, stats).generate(sample_page())) == 1
    assert server.call_count == 1
    assert stats["rules/llm/invalid_output"] == 0


@pytest.mark.parametrize(
    "bad_answer",
    [
        '{"rules": [{"title": "unterminated',
        "",
        "Sure! Here are the rules you asked for.",
        f"<rules>{valid_answer()}</rules>",
        json.dumps({"rules": [{**rule_json(), "confidence": 0.9}]}),
        '{"rules": [], "padding": "' + "x" * MAX_RESPONSE_CHARS + '"}',
    ],
    ids=["broken-json", "empty", "prose", "markup", "wrong-schema", "enormous"],
)
def test_invalid_answer_gets_exactly_one_repair_request(server, stats, bad_answer):
    server.enqueue(chat_reply(bad_answer), chat_reply(valid_answer()))
    rules = generator(server, stats).generate(sample_page())
    assert [r.evidence for r in rules] == [PARAGRAPH]
    assert server.call_count == 2
    repair = server.calls[1].json["messages"]
    assert [m["role"] for m in repair] == ["system", "user", "assistant", "user"]
    assert repair[0]["content"] == SYSTEM_PROMPT
    assert repair[1] == server.calls[0].json["messages"][1]
    assert repair[2]["content"] == (bad_answer.strip()[:2000] or "(empty reply)")
    assert "could not be used" in repair[3]["content"]
    assert (stats["rules/llm/requests"], stats["rules/llm/repair_requests"]) == (2, 1)
    assert (stats["rules/llm/invalid_output"], stats["rules/llm/repaired"]) == (1, 1)


def test_invalid_twice_raises_generator_output_error(server, stats):
    server.enqueue(chat_reply("not json"), chat_reply('{"rules": "still wrong"}'))
    with pytest.raises(GeneratorOutputError, match="still invalid after a repair request"):
        generator(server, stats).generate(sample_page())
    assert server.call_count == 2
    assert stats["rules/llm/invalid_output"] == 2
    assert stats["rules/llm/repaired"] == 0


def test_answer_cut_by_the_token_limit_is_counted(server, stats):
    server.enqueue(chat_reply('{"rules": [{"title": "a', finish_reason="length"),
                   chat_reply(valid_answer()))
    generator(server, stats).generate(sample_page())
    assert stats["rules/llm/output_truncated"] == 1


def test_extra_rules_are_trimmed_with_a_count(server, stats):
    many = [rule_json(f"{PARAGRAPH[:40]} {i}") for i in range(8)]
    server.enqueue(chat_reply(valid_answer(*many)))
    rules = generator(server, stats, max_rules_per_page=3).generate(sample_page())
    assert len(rules) == 3
    assert stats["rules/llm/rules_trimmed"] == 5
    assert "at most 3 rules" in server.calls[0].json["messages"][1]["content"]


def test_same_evidence_twice_gives_one_rule_and_made_up_code_is_dropped(server, stats):
    server.enqueue(chat_reply(valid_answer(
        rule_json(PARAGRAPH, example="import os\nos.system('rm -rf /')"),
        rule_json(PARAGRAPH, title="Same quote, other words"),
    )))
    [rule] = generator(server, stats).generate(sample_page())
    assert rule.example is None
    assert stats["rules/llm/duplicate_evidence"] == 1
    assert stats["rules/llm/example_dropped"] == 1


def test_second_run_with_the_same_cache_dir_makes_no_requests(server, tmp_path):
    server.enqueue(chat_reply(valid_answer(rule_json(PARAGRAPH, example=CODE))))
    first_stats, second_stats = CountingStats(), CountingStats()
    first = generator(server, first_stats, cache_dir=tmp_path).generate(sample_page())
    second = generator(server, second_stats, cache_dir=tmp_path).generate(sample_page())
    assert server.call_count == 1
    assert second == first
    assert (first_stats["rules/llm/cache_miss"], first_stats["rules/llm/cache_hit"]) == (1, 0)
    assert (second_stats["rules/llm/cache_hit"], second_stats["rules/llm/requests"]) == (1, 0)


def test_cache_is_per_page_content_and_model(server, tmp_path):
    server.default = chat_reply(valid_answer())
    generator(server, cache_dir=tmp_path).generate(sample_page())
    generator(server, cache_dir=tmp_path).generate(sample_page(extra_paragraph="Changed page."))
    generator(server, cache_dir=tmp_path, model="other-model").generate(sample_page())
    assert server.call_count == 3
    generator(server, cache_dir=tmp_path).generate(sample_page())
    assert server.call_count == 3


def test_failed_pages_are_not_cached(server, tmp_path, stats):
    server.default = chat_reply("nope")
    for _ in range(2):
        with pytest.raises(GeneratorOutputError):
            generator(server, stats, cache_dir=tmp_path).generate(sample_page())
    assert server.call_count == 4
    assert stats["rules/llm/cache_hit"] == 0


@ensureDeferred
async def test_a_crawl_sends_at_most_rules_llm_max_concurrent_requests(server, docs_server, write_catalog, tmp_path):
    server.default = chat_reply(json.dumps({"rules": []}), delay=0.15)
    catalog = write_catalog(
        f"sources:\n  - url: {docs_server.url('/sphinx/')}\n    name: Pyrite\n    technology: python\n"
        "    deny: ['changelog']\n"
    )
    result = await run_crawl(
        {
            "RULES_OUTPUT_DIR": str(tmp_path / "out"),
            "RULES_GENERATOR": "openai",
            "RULES_GENERATOR_CONFIG": {"base_url": f"{server.url}/v1", "model": "fake-model"},
            "RULES_LLM_MAX_CONCURRENT": 2,
            "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        },
        catalog=str(catalog),
    )
    pages = result.stats["pages/extracted"]
    # One request a page (a page replaced by a shorter URL of the same content costs one more).
    assert pages >= 10 and result.stats["rules/llm/requests"] == server.call_count >= pages
    assert server.max_in_flight == 2


def test_page_without_text_costs_no_request(server, stats):
    page = sample_page()
    for section in page.sections:
        section.blocks = []
    page.text = ""
    assert generator(server, stats).generate(page) == []
    assert server.call_count == 0
    assert stats["rules/llm/empty_page"] == 1


def test_long_page_is_cut_and_counted(server, stats):
    server.enqueue(chat_reply(valid_answer()))
    generator(server, stats, max_input_chars=500).generate(
        sample_page(extra_paragraph="Padding sentence for a long page. " * 40)
    )
    assert stats["rules/llm/input_truncated"] == 1
    sent = server.calls[0].raw.decode()
    assert PARAGRAPH in sent
    assert sent.count("Padding sentence") < 40
    assert SUB_PARAGRAPH not in sent


def test_kept_rules_pass_the_pipeline_grounding_check(server):
    server.enqueue(chat_reply(valid_answer(
        rule_json(PARAGRAPH, example="return db.all()"),
        rule_json(WARNING, example=PARAGRAPH),  # prose offered as code: example dropped
    )))
    page = sample_page()
    rules = generator(server).generate(page)
    assert [r.example for r in rules] == ["return db.all()", None]
    assert all(grounding.is_grounded_in_page(rule, page) for rule in rules)
