"""Rules from any OpenAI-compatible chat-completions server (Ollama, vLLM, llama.cpp).

Plain HTTP with the standard library: ``POST {base_url}/chat/completions``.
429 and 5xx answers and refused connections are retried with exponential
backoff (honouring ``Retry-After``); other failures, or retries running out,
raise :class:`LlmBackendError` so the page falls back. JSON mode
(``response_format: {"type": "json_object"}``) is asked for when
``json_mode`` is on; a server that rejects the field gets the request again
without it, and is not sent it afterwards.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field, SecretStr, field_validator

from rules_spider.generation.llm_generator import (
    Completion,
    LlmBackendError,
    LlmGeneratorConfig,
    LlmRuleGenerator,
    parse_config,
)

if TYPE_CHECKING:
    from pathlib import Path

    from rules_spider.generation.base import StatsLike
    from rules_spider.generation.prompt import Prompt

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Error bodies are quoted in exceptions up to this length.
_MAX_ERROR_BODY_CHARS = 300


class OpenAICompatConfig(LlmGeneratorConfig):
    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    # The API root, as the OpenAI SDK takes it: http://localhost:11434/v1 for Ollama.
    base_url: str
    model: str = Field(min_length=1)
    api_key: SecretStr | None = None
    # Name of an environment variable holding the key, to keep it out of settings files.
    api_key_env: str | None = None
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(default=4096, ge=1, le=200_000)
    timeout: float = Field(default=120.0, gt=0)
    json_mode: bool = True
    max_retries: int = Field(default=4, ge=0, le=20)
    backoff_base: float = Field(default=0.5, ge=0)
    backoff_max: float = Field(default=30.0, ge=0)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    def resolved_api_key(self) -> str | None:
        if self.api_key is not None:
            return self.api_key.get_secret_value()
        if self.api_key_env:
            return os.environ.get(self.api_key_env) or None
        return None


def chat_request(
    model: str, prompt: Prompt, *, temperature: float, max_tokens: int, json_mode: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": model,
        "messages": [
            {"role": "system", "content": prompt.system},
            *({"role": m.role, "content": m.content} for m in prompt.messages),
        ],
        "temperature": temperature,
        "max_tokens": max_tokens,
        "stream": False,
    }
    if json_mode:
        body["response_format"] = {"type": "json_object"}
    return body


def completion_from_chat(response: Mapping[str, Any]) -> Completion:
    choices = response.get("choices")
    if not isinstance(choices, list) or not choices:
        raise LlmBackendError("chat completion response has no choices")
    choice = choices[0]
    message = choice.get("message") if isinstance(choice, Mapping) else None
    if not isinstance(message, Mapping):
        raise LlmBackendError("chat completion choice has no message object")
    content = message.get("content")
    usage = response.get("usage")
    usage = usage if isinstance(usage, Mapping) else {}
    return Completion(
        text=content if isinstance(content, str) else "",
        truncated=choice.get("finish_reason") == "length",
        input_tokens=usage.get("prompt_tokens"),
        output_tokens=usage.get("completion_tokens"),
    )


def _rejects_response_format(status: int, body: str) -> bool:
    return status in (400, 422) and "response_format" in body


class OpenAICompatBackend:
    def __init__(self, config: OpenAICompatConfig) -> None:
        self.model = config.model
        self._config = config
        self._url = f"{config.base_url}/chat/completions"
        self._api_key = config.resolved_api_key()
        self._json_mode = config.json_mode

    def complete(self, prompt: Prompt) -> Completion:
        json_mode = self._json_mode
        body = chat_request(
            self.model, prompt, temperature=self._config.temperature,
            max_tokens=self._config.max_tokens, json_mode=json_mode,
        )
        status, payload = self._post_with_retries(body)
        if json_mode and _rejects_response_format(status, payload):
            logger.warning("%s rejects response_format; sending requests without it", self._url)
            self._json_mode = False
            body.pop("response_format")
            status, payload = self._post_with_retries(body)
        if status != 200:
            raise LlmBackendError(
                f"{self._url} answered HTTP {status}: {payload[:_MAX_ERROR_BODY_CHARS]}"
            )
        try:
            response = json.loads(payload)
        except (json.JSONDecodeError, RecursionError) as exc:  # RecursionError: absurdly nested JSON
            raise LlmBackendError(f"{self._url} answered with non-JSON: {exc}") from exc
        if not isinstance(response, dict):
            raise LlmBackendError(f"{self._url} answered with a JSON {type(response).__name__}")
        return completion_from_chat(response)

    def close(self) -> None:
        """Nothing to release: every request opens its own connection."""

    def _post_with_retries(self, body: dict[str, Any]) -> tuple[int, str]:
        """``(status, body text)`` of the last attempt; raises when no answer came."""
        data = json.dumps(body).encode()
        attempt = 0
        while True:
            try:
                status, payload, retry_after = self._post(data)
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt >= self._config.max_retries:
                    raise LlmBackendError(f"{self._url} unreachable: {exc}") from exc
                status, payload, retry_after = 0, str(exc), None
            else:
                if status not in RETRY_STATUSES or attempt >= self._config.max_retries:
                    return status, payload
            delay = self._backoff(attempt, retry_after)
            logger.debug("Retrying %s in %.2fs after %s", self._url, delay, status or payload)
            time.sleep(delay)
            attempt += 1

    def _post(self, data: bytes) -> tuple[int, str, float | None]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(self._url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self._config.timeout) as response:
                return response.status, response.read().decode("utf-8", "replace"), None
        except urllib.error.HTTPError as exc:
            with exc:
                payload = exc.read().decode("utf-8", "replace")
            return exc.code, payload, _retry_after_seconds(exc.headers.get("Retry-After"))

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        ceiling = min(self._config.backoff_max, self._config.backoff_base * 2**attempt)
        delay = random.uniform(0, ceiling)  # full jitter
        if retry_after is not None:
            delay = max(delay, min(retry_after, self._config.backoff_max))
        return delay


def _retry_after_seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None  # an HTTP date; the exponential backoff is good enough
    return seconds if seconds >= 0 else None


class OpenAICompatGenerator(LlmRuleGenerator):
    name = "openai"

    def __init__(
        self,
        config: OpenAICompatConfig | Mapping[str, Any],
        *,
        stats: StatsLike | None = None,
        cache_dir: Path | str | None = None,
    ) -> None:
        self.config = parse_config(OpenAICompatConfig, config)
        super().__init__(
            OpenAICompatBackend(self.config),
            config=self.config,
            stats=stats,
            cache_dir=cache_dir,
        )
