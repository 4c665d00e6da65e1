"""OpenAI-compatible backend: HTTP details, retries, JSON mode, keys."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rules_spider.generation.llm_generator import LlmBackendError
from rules_spider.generation.openai_compat import OpenAICompatConfig, OpenAICompatGenerator
from tests.fake_llm_servers import FakeLlmServer, Reply, chat_reply, http_error
from tests.llm_helpers import CountingStats, sample_page, valid_answer


@pytest.fixture
def server():
    with FakeLlmServer() as fake:
        yield fake


def generator(server, stats=None, **config):
    settings = {"base_url": f"{server.url}/v1/", "model": "llama3", "backoff_base": 0.01, **config}
    return OpenAICompatGenerator(settings, stats=stats)


def test_json_mode_is_requested_and_no_key_is_sent_by_default(server):
    server.enqueue(chat_reply(valid_answer()))
    generator(server).generate(sample_page())
    [call] = server.calls
    assert call.json["response_format"] == {"type": "json_object"}
    assert call.json["stream"] is False
    assert "authorization" not in call.headers


def test_server_rejecting_response_format_is_asked_again_without_it(server):
    server.enqueue(
        http_error(400, "unknown field: response_format"),
        chat_reply(valid_answer()),
        chat_reply(valid_answer()),
    )
    gen = generator(server)
    assert len(gen.generate(sample_page())) == 1
    gen.generate(sample_page("https://docs.example.org/other/"))
    assert "response_format" in server.calls[0].json
    assert "response_format" not in server.calls[1].json
    assert "response_format" not in server.calls[2].json


def test_json_mode_can_be_switched_off(server):
    server.enqueue(chat_reply(valid_answer()))
    generator(server, json_mode=False).generate(sample_page())
    assert "response_format" not in server.calls[0].json


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_throttling_and_server_errors_are_retried(server, status):
    stats = CountingStats()
    server.enqueue(http_error(status, headers={"Retry-After": "0"}), chat_reply(valid_answer()))
    assert len(generator(server, stats).generate(sample_page())) == 1
    assert server.call_count == 2
    # One logical request; the retry happened inside the backend.
    assert stats["rules/llm/requests"] == 1


def test_retries_run_out_into_a_backend_error(server):
    stats = CountingStats()
    server.default = http_error(503, "overloaded")
    with pytest.raises(LlmBackendError, match="HTTP 503.*overloaded"):
        generator(server, stats, max_retries=2).generate(sample_page())
    assert server.call_count == 3
    assert stats["rules/llm/backend_errors"] == 1


def test_client_errors_are_not_retried(server):
    server.default = http_error(401, "bad key")
    with pytest.raises(LlmBackendError, match="HTTP 401"):
        generator(server).generate(sample_page())
    assert server.call_count == 1


def test_unreachable_server_is_a_backend_error():
    with FakeLlmServer() as fake:
        url = fake.url
    gen = OpenAICompatGenerator(
        {"base_url": url, "model": "m", "max_retries": 1, "backoff_base": 0.01, "timeout": 2}
    )
    with pytest.raises(LlmBackendError, match="unreachable"):
        gen.generate(sample_page())


def test_non_json_body_is_a_backend_error(server):
    server.enqueue(Reply(status=200, body="<html>proxy error</html>"))
    with pytest.raises(LlmBackendError, match="non-JSON"):
        generator(server).generate(sample_page())


def test_api_key_from_config_or_environment(server, monkeypatch):
    server.default = chat_reply(valid_answer())
    generator(server, api_key="sk-config").generate(sample_page())
    monkeypatch.setenv("RULES_TEST_LLM_KEY", "sk-env")
    generator(server, api_key_env="RULES_TEST_LLM_KEY").generate(sample_page())
    assert [c.headers["authorization"] for c in server.calls] == ["Bearer sk-config", "Bearer sk-env"]


def test_api_key_is_not_shown_in_the_config_repr():
    config = OpenAICompatConfig(base_url="http://127.0.0.1:1/v1", model="m", api_key="sk-secret")
    assert "sk-secret" not in repr(config)


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"base_url": "localhost:11434", "model": "m"}, "base_url"),
        ({"base_url": "http://127.0.0.1:1"}, "model"),
        ({"base_url": "http://127.0.0.1:1", "model": "m", "temprature": 0.1}, "temprature"),
        ({"base_url": "http://127.0.0.1:1", "model": "m", "max_tokens": 0}, "max_tokens"),
    ],
)
def test_bad_config_names_the_field(config, field):
    with pytest.raises(ValidationError, match=field):
        OpenAICompatGenerator(config)
