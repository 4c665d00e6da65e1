"""Rules from Amazon Bedrock models through the Converse API (boto3).

Throttling and 5xx answers are retried by botocore itself (``standard`` or
``adaptive`` retry mode, exponential backoff with jitter); what still fails
after ``max_retries`` becomes an :class:`LlmBackendError`, so the page falls
back to the extractive generator. Credentials come from the usual AWS chain
(environment, profile, instance role).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ConfigDict, Field, field_validator

from rules_spider.generation.llm_generator import (
    Completion,
    LlmBackendError,
    LlmGeneratorConfig,
    LlmRuleGenerator,
    parse_config,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from rules_spider.generation.base import StatsLike
    from rules_spider.generation.prompt import Prompt

logger = logging.getLogger(__name__)

DEFAULT_MODEL_ID = "amazon.nova-lite-v1:0"
# Used only when neither the config nor the AWS environment names a region.
FALLBACK_REGION = "us-east-1"


class BedrockConfig(LlmGeneratorConfig):
    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model_id: str = Field(default=DEFAULT_MODEL_ID, min_length=1)
    region: str | None = None
    profile: str | None = None
    temperature: float = Field(default=0.0, ge=0.0, le=1.0)
    max_tokens: int = Field(default=4096, ge=1, le=200_000)
    # A VPC endpoint, or a local fake in tests.
    endpoint_url: str | None = None
    max_retries: int = Field(default=4, ge=0, le=20)
    retry_mode: Literal["standard", "adaptive"] = "standard"
    connect_timeout: float = Field(default=10.0, gt=0)
    read_timeout: float = Field(default=120.0, gt=0)

    @field_validator("endpoint_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value


def make_bedrock_client(config: BedrockConfig) -> Any:
    """A ``bedrock-runtime`` client whose retries and timeouts follow ``config``."""
    session = boto3.session.Session(profile_name=config.profile)
    region = config.region or session.region_name or FALLBACK_REGION
    client_config = Config(
        retries={"mode": config.retry_mode, "max_attempts": config.max_retries},
        connect_timeout=config.connect_timeout,
        read_timeout=config.read_timeout,
        max_pool_connections=max(10, config.max_concurrent),
        user_agent_extra="rules-spider",
    )
    return session.client(
        "bedrock-runtime",
        region_name=region,
        endpoint_url=config.endpoint_url,
        config=client_config,
    )


def converse_request(
    model_id: str, prompt: Prompt, *, temperature: float, max_tokens: int
) -> dict[str, Any]:
    """Keyword arguments of ``client.converse`` for ``prompt``."""
    return {
        "modelId": model_id,
        "system": [{"text": prompt.system}],
        "messages": [
            {"role": message.role, "content": [{"text": message.content}]}
            for message in prompt.messages
        ],
        "inferenceConfig": {"maxTokens": max_tokens, "temperature": temperature},
    }


def completion_from_converse(response: Mapping[str, Any]) -> Completion:
    content = response.get("output", {}).get("message", {}).get("content", [])
    # Reasoning models add reasoningContent blocks; only text blocks are the answer.
    text = "".join(block["text"] for block in content if "text" in block)
    usage = response.get("usage") or {}
    return Completion(
        text=text,
        truncated=response.get("stopReason") == "max_tokens",
        input_tokens=usage.get("inputTokens"),
        output_tokens=usage.get("outputTokens"),
    )


class BedrockBackend:
    def __init__(self, config: BedrockConfig, *, client: Any | None = None) -> None:
        self.model = config.model_id
        self._temperature = config.temperature
        self._max_tokens = config.max_tokens
        self._client = client if client is not None else make_bedrock_client(config)

    def complete(self, prompt: Prompt) -> Completion:
        request = converse_request(
            self.model, prompt, temperature=self._temperature, max_tokens=self._max_tokens
        )
        try:
            response = self._client.converse(**request)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise LlmBackendError(
                f"Bedrock converse with {self.model} failed: "
                f"{error.get('Code', 'error')}: {error.get('Message', exc)}"
            ) from exc
        except BotoCoreError as exc:
            raise LlmBackendError(f"Bedrock converse with {self.model} failed: {exc}") from exc
        return completion_from_converse(response)

    def close(self) -> None:
        self._client.close()


class BedrockGenerator(LlmRuleGenerator):
    name = "bedrock"

    def __init__(
        self,
        config: BedrockConfig | Mapping[str, Any] | None = None,
        *,
        stats: StatsLike | None = None,
        cache_dir: Path | str | None = None,
        client: Any | None = None,
    ) -> None:
        self.config = parse_config(BedrockConfig, config)
        super().__init__(
            BedrockBackend(self.config, client=client),
            config=self.config,
            stats=stats,
            cache_dir=cache_dir,
        )
