from __future__ import annotations

import pytest
from pydantic import ValidationError

from rules_spider.generation.base import RuleGenerator
from rules_spider.generation.bedrock import BedrockGenerator
from rules_spider.generation.openai_compat import OpenAICompatGenerator
from rules_spider.generation.registry import GENERATORS, make_generator
from tests.fake_llm_servers import FakeLlmServer, chat_reply
from tests.llm_helpers import CountingStats, sample_page, valid_answer


def test_unknown_name_lists_the_choices():
    with pytest.raises(ValueError, match="bedrock, transformers, openai") as excinfo:
        make_generator("gpt5", {})
    assert "'gpt5'" in str(excinfo.value)
    assert set(GENERATORS) == {"extractive", "bedrock", "transformers", "openai"}


def test_openai_generator_is_built_with_stats_and_cache(tmp_path):
    stats = CountingStats()
    with FakeLlmServer(default=chat_reply(valid_answer())) as server:
        config = {"base_url": server.url, "model": "qwen2.5:0.5b", "max_rules_per_page": 4}
        gen = make_generator("openai", config, stats, tmp_path)
        assert isinstance(gen, OpenAICompatGenerator) and isinstance(gen, RuleGenerator)
        assert (gen.name, gen.model, gen.max_rules_per_page) == ("openai", "qwen2.5:0.5b", 4)
        gen.generate(sample_page())
        make_generator("openai", config, stats, tmp_path).generate(sample_page())
    assert server.call_count == 1
    assert stats["rules/llm/cache_hit"] == 1


def test_bedrock_generator_is_built(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFAKEFAKEFAKE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret")
    gen = make_generator("bedrock", {"region": "eu-west-1"}, None, None)
    assert isinstance(gen, BedrockGenerator)
    assert gen.model == "amazon.nova-lite-v1:0"
    assert gen.backend._client.meta.region_name == "eu-west-1"
    gen.close()


@pytest.mark.parametrize(
    ("name", "config", "field"),
    [
        ("bedrock", {"temperature": "hot"}, "temperature"),
        ("bedrock", {"model": "x"}, "model"),
        ("openai", {"model": "m"}, "base_url"),
        ("transformers", {}, "model_path"),
        ("transformers", {"model_path": "/nonexistent/model"}, "/nonexistent/model"),
    ],
)
def test_bad_config_is_a_validation_error_naming_the_field(name, config, field):
    with pytest.raises(ValidationError, match=field):
        make_generator(name, config, None, None)


def test_extractive_generator_is_built():
    gen = make_generator("extractive", {}, None, None)
    assert gen.name == "extractive"
    assert isinstance(gen, RuleGenerator)
