"""Bedrock Converse backend: a stubbed real client, and a fake Converse server over HTTP."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber
from pydantic import ValidationError

from rules_spider.generation.base import GeneratorOutputError
from rules_spider.generation.bedrock import (
    DEFAULT_MODEL_ID,
    BedrockConfig,
    BedrockGenerator,
    converse_request,
)
from rules_spider.generation.llm_generator import LlmBackendError
from rules_spider.generation.prompt import SYSTEM_PROMPT, build_prompt
from tests.fake_llm_servers import FakeLlmServer, bedrock_error, converse_reply
from tests.llm_helpers import PARAGRAPH, CountingStats, sample_page, valid_answer

CONVERSE_PATH = f"/model/{DEFAULT_MODEL_ID}/converse"


@pytest.fixture
def fake_aws_env(monkeypatch, tmp_path):
    """Fake credentials, and no shared config or instance metadata to stumble on."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFAKEFAKEFAKE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_MAX_ATTEMPTS", raising=False)
    monkeypatch.delenv("AWS_RETRY_MODE", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def server(fake_aws_env):
    with FakeLlmServer() as fake:
        yield fake


def http_generator(server, stats=None, cache_dir=None, **config):
    settings = {"endpoint_url": server.url, "region": "us-east-1", **config}
    return BedrockGenerator(settings, stats=stats, cache_dir=cache_dir)


# --- botocore Stubber on a real client ----------------------------------------

def stubbed_client():
    return boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id="AKIDFAKEFAKEFAKE",
        aws_secret_access_key="fake-secret",
    )


def converse_response(text: str) -> dict:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15},
        "metrics": {"latencyMs": 1},
    }


def test_stubbed_converse_request_and_rules():
    client = stubbed_client()
    config = BedrockConfig(temperature=0.2, max_tokens=900)
    page = sample_page()
    expected = converse_request(
        DEFAULT_MODEL_ID,
        build_prompt(page, max_rules=config.max_rules_per_page, max_input_chars=config.max_input_chars),
        temperature=0.2,
        max_tokens=900,
    )
    stats = CountingStats()
    with Stubber(client) as stubber:
        stubber.add_response("converse", converse_response(valid_answer()), expected)
        rules = BedrockGenerator(config, stats=stats, client=client).generate(page)
        stubber.assert_no_pending_responses()
    assert [(r.evidence, r.generator) for r in rules] == [(PARAGRAPH, "bedrock")]
    assert expected["system"] == [{"text": SYSTEM_PROMPT}]
    assert expected["inferenceConfig"] == {"maxTokens": 900, "temperature": 0.2}
    assert (stats["rules/llm/input_tokens"], stats["rules/llm/output_tokens"]) == (10, 5)


def test_stubbed_repair_then_failure_falls_back():
    client = stubbed_client()
    with Stubber(client) as stubber:
        stubber.add_response("converse", converse_response("I cannot help with that."))
        stubber.add_response("converse", converse_response('{"rules": [{"title": 1}]}'))
        with pytest.raises(GeneratorOutputError, match="still invalid"):
            BedrockGenerator({}, client=client).generate(sample_page())
        stubber.assert_no_pending_responses()


def test_stubbed_service_error_is_a_backend_error():
    client = stubbed_client()
    stats = CountingStats()
    with Stubber(client) as stubber:
        stubber.add_client_error(
            "converse", service_error_code="AccessDeniedException",
            service_message="no access to model", http_status_code=403,
        )
        with pytest.raises(LlmBackendError, match="AccessDeniedException: no access to model"):
            BedrockGenerator({}, stats=stats, client=client).generate(sample_page())
    assert stats["rules/llm/backend_errors"] == 1


# --- fake Converse endpoint over HTTP -------------------------------------------

def test_http_converse_request_shape(server):
    server.enqueue(converse_reply(valid_answer()))
    stats = CountingStats()
    rules = http_generator(server, stats, temperature=0.4, max_tokens=1234).generate(sample_page())
    assert [r.evidence for r in rules] == [PARAGRAPH]
    [call] = server.calls
    assert call.path == CONVERSE_PATH
    assert call.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDFAKEFAKEFAKE/")
    body = call.json
    assert body["inferenceConfig"] == {"maxTokens": 1234, "temperature": 0.4}
    assert body["system"] == [{"text": SYSTEM_PROMPT}]
    assert [m["role"] for m in body["messages"]] == ["user"]
    assert PARAGRAPH in body["messages"][0]["content"][0]["text"]
    assert stats["rules/llm/requests"] == 1


def test_http_model_id_goes_in_the_path(server):
    server.enqueue(converse_reply(valid_answer()))
    gen = http_generator(server, model_id="anthropic.claude-3-haiku-20240307-v1:0")
    gen.generate(sample_page())
    assert server.calls[0].path == "/model/anthropic.claude-3-haiku-20240307-v1:0/converse"
    assert gen.model == "anthropic.claude-3-haiku-20240307-v1:0"


def test_http_throttling_is_retried_by_botocore(server):
    server.enqueue(bedrock_error(429, "ThrottlingException", "Too many requests"),
                   converse_reply(valid_answer()))
    stats = CountingStats()
    rules = http_generator(server, stats).generate(sample_page())
    assert len(rules) == 1
    assert server.call_count == 2
    assert stats["rules/llm/requests"] == 1
    assert stats["rules/llm/backend_errors"] == 0


def test_http_server_error_is_retried_by_botocore(server):
    server.enqueue(bedrock_error(500, "InternalServerException"), converse_reply(valid_answer()))
    assert len(http_generator(server).generate(sample_page())) == 1
    assert server.call_count == 2


def test_http_retries_run_out_into_a_backend_error(server):
    server.default = bedrock_error(503, "ServiceUnavailableException", "try later")
    with pytest.raises(LlmBackendError, match="ServiceUnavailableException: try later"):
        http_generator(server, max_retries=1).generate(sample_page())
    assert server.call_count == 2


def test_http_invalid_answer_is_repaired_in_the_same_conversation(server):
    server.enqueue(converse_reply("```json\n{\"rules\": [\n```"), converse_reply(valid_answer()))
    assert len(http_generator(server).generate(sample_page())) == 1
    assert server.call_count == 2
    messages = server.calls[1].json["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert messages[0] == server.calls[0].json["messages"][0]
    assert "not valid JSON" in messages[2]["content"][0]["text"]


def test_http_answer_stopped_at_max_tokens_is_counted(server):
    stats = CountingStats()
    server.enqueue(converse_reply('{"rules": [', stop_reason="max_tokens"),
                   converse_reply(valid_answer()))
    http_generator(server, stats).generate(sample_page())
    assert stats["rules/llm/output_truncated"] == 1


def test_http_second_run_is_served_from_cache(server, tmp_path):
    server.enqueue(converse_reply(valid_answer()))
    first = http_generator(server, cache_dir=tmp_path).generate(sample_page())
    stats = CountingStats()
    second = http_generator(server, stats, cache_dir=tmp_path).generate(sample_page())
    assert second == first
    assert server.call_count == 1
    assert (stats["rules/llm/cache_hit"], stats["rules/llm/requests"]) == (1, 0)


def test_client_config_follows_bedrock_config(server):
    gen = http_generator(server, max_retries=7, retry_mode="adaptive", read_timeout=33.0)
    client_config = gen.backend._client.meta.config
    assert client_config.retries["mode"] == "adaptive"
    assert client_config.retries["total_max_attempts"] == 8  # the first try + 7 retries
    assert client_config.read_timeout == 33.0
    assert gen.backend._client.meta.endpoint_url == server.url
    gen.close()


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"temperature": 3}, "temperature"),
        ({"endpoint_url": "127.0.0.1:9"}, "endpoint_url"),
        ({"retry_mode": "legacy"}, "retry_mode"),
        ({"modelid": "x"}, "modelid"),
        ({"max_concurrent": 0}, "max_concurrent"),
    ],
)
def test_bad_config_names_the_field(config, field):
    with pytest.raises(ValidationError, match=field):
        BedrockConfig.model_validate(config)


def test_default_model_is_nova_lite():
    assert BedrockConfig().model_id == "amazon.nova-lite-v1:0"
    assert json.loads(BedrockConfig().model_dump_json())["max_retries"] >= 1
