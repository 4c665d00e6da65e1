"""Rules from a local Hugging Face model directory, on this machine's CPU or GPU.

The directory holds ``config.json``, the weights and the tokenizer; an
encoder-decoder config (``is_encoder_decoder``, e.g. T5) loads as a seq2seq
model, anything else as a causal LM. Everything loads with
``local_files_only=True`` and ``trust_remote_code=False``: nothing is ever
downloaded, whatever ``HF_HUB_OFFLINE`` says. Generation is greedy unless
``do_sample`` is set, and one page is generated at a time (a lock), since a
model instance is not safe to call from several threads.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

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

    from rules_spider.generation.base import StatsLike
    from rules_spider.generation.prompt import Prompt

logger = logging.getLogger(__name__)

# Tokenizers without a known limit report this huge sentinel as model_max_length.
_NO_LIMIT = 10**9
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".gguf")


class TransformersConfig(LlmGeneratorConfig):
    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model_path: Path
    max_new_tokens: int = Field(default=1024, ge=1, le=32_768)
    do_sample: bool = False
    temperature: float | None = Field(default=None, gt=0.0, le=2.0)
    # Default: the model's context length minus max_new_tokens, when it states one.
    max_input_tokens: int | None = Field(default=None, ge=16)
    device: str = "cpu"
    dtype: Literal["float32", "bfloat16", "float16"] = "float32"

    @field_validator("model_path")
    @classmethod
    def _model_directory(cls, value: Path) -> Path:
        path = value.expanduser()
        if not path.is_dir():
            raise ValueError(f"model directory {str(path)!r} does not exist")
        if not (path / "config.json").is_file():
            raise ValueError(f"model directory {str(path)!r} has no config.json")
        return path.resolve()


def model_fingerprint(path: Path) -> str:
    """Changes when the model in ``path`` is replaced: config text plus weight file sizes."""
    digest = hashlib.sha256((path / "config.json").read_bytes())
    for weight in sorted(p for p in path.iterdir() if p.name.endswith(_WEIGHT_SUFFIXES)):
        digest.update(f"{weight.name}:{weight.stat().st_size}".encode())
    return digest.hexdigest()[:16]


def plain_transcript(prompt: Prompt) -> str:
    """The conversation as plain text, for models without a chat template."""
    turns = [f"{message.role.capitalize()}: {message.content}" for message in prompt.messages]
    return "\n\n".join([prompt.system, *turns, "Assistant:"])


class TransformersBackend:
    def __init__(self, config: TransformersConfig) -> None:
        import torch
        from transformers import (
            AutoConfig,
            AutoModelForCausalLM,
            AutoModelForSeq2SeqLM,
            AutoTokenizer,
        )

        path = str(config.model_path)
        self.model = path
        self.cache_identity = f"{path}#{model_fingerprint(config.model_path)}"
        self._config = config
        self._lock = threading.Lock()
        self._torch = torch
        model_config = AutoConfig.from_pretrained(path, local_files_only=True)
        self.is_encoder_decoder = bool(getattr(model_config, "is_encoder_decoder", False))
        model_class = AutoModelForSeq2SeqLM if self.is_encoder_decoder else AutoModelForCausalLM
        self._tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self._model = model_class.from_pretrained(
            path, local_files_only=True, trust_remote_code=False
        )
        self._model.to(device=config.device, dtype=getattr(torch, config.dtype))
        self._model.eval()
        self._max_input_tokens = config.max_input_tokens or self._context_budget(model_config)
        logger.info(
            "Loaded %s model from %s (input limit %s tokens)",
            "seq2seq" if self.is_encoder_decoder else "causal", path, self._max_input_tokens,
        )

    def complete(self, prompt: Prompt) -> Completion:
        # Fast tokenizers are not safe to share between threads either, so the
        # lock covers encoding and decoding as well as generation.
        with self._lock:
            return self._complete(prompt)

    def _complete(self, prompt: Prompt) -> Completion:
        text, uses_template = self._render(prompt)
        encoded = self._tokenizer(
            text, return_tensors="pt", add_special_tokens=not uses_template
        ).to(self._config.device)
        input_length = int(encoded["input_ids"].shape[-1])
        if self._max_input_tokens is not None and input_length > self._max_input_tokens:
            raise LlmBackendError(
                f"prompt is {input_length} tokens; {self.model} takes at most "
                f"{self._max_input_tokens} (lower max_input_chars or max_new_tokens)"
            )
        try:
            with self._torch.inference_mode():
                output = self._model.generate(**encoded, **self._generation_kwargs())
        except RuntimeError as exc:  # out of memory and device errors
            raise LlmBackendError(f"generation with {self.model} failed: {exc}") from exc
        sequence = output[0]
        # A causal LM echoes the prompt; a seq2seq decoder starts with its start token.
        new_tokens = sequence[1:] if self.is_encoder_decoder else sequence[input_length:]
        eos = self._tokenizer.eos_token_id
        hit_limit = len(new_tokens) >= self._config.max_new_tokens and (
            eos is None or int(new_tokens[-1]) != eos
        )
        return Completion(
            text=self._tokenizer.decode(new_tokens, skip_special_tokens=True),
            truncated=hit_limit,
            input_tokens=input_length,
            output_tokens=len(new_tokens),
        )

    def close(self) -> None:
        """Model memory is freed with the generator; nothing else is held open."""

    def _render(self, prompt: Prompt) -> tuple[str, bool]:
        if not getattr(self._tokenizer, "chat_template", None):
            return plain_transcript(prompt), False
        messages = [{"role": "system", "content": prompt.system}]
        messages += [{"role": m.role, "content": m.content} for m in prompt.messages]
        rendered = self._tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=True
        )
        return str(rendered), True

    def _generation_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "max_new_tokens": self._config.max_new_tokens,
            "do_sample": self._config.do_sample,
        }
        if self._config.do_sample and self._config.temperature is not None:
            kwargs["temperature"] = self._config.temperature
        pad = self._tokenizer.pad_token_id
        kwargs["pad_token_id"] = pad if pad is not None else self._tokenizer.eos_token_id
        return kwargs

    def _context_budget(self, model_config: Any) -> int | None:
        """Input tokens the model can take, from its config or tokenizer, if stated."""
        if self.is_encoder_decoder:
            limit = getattr(self._tokenizer, "model_max_length", None)
            return int(limit) if limit and limit < _NO_LIMIT else None
        for attribute in ("max_position_embeddings", "n_positions"):
            positions = getattr(model_config, attribute, None)
            if positions:
                return max(16, int(positions) - self._config.max_new_tokens)
        return None


class TransformersGenerator(LlmRuleGenerator):
    name = "transformers"

    def __init__(
        self,
        config: TransformersConfig | Mapping[str, Any],
        *,
        stats: StatsLike | None = None,
        cache_dir: Path | str | None = None,
    ) -> None:
        self.config = parse_config(TransformersConfig, config)
        super().__init__(
            TransformersBackend(self.config),
            config=self.config,
            stats=stats,
            cache_dir=cache_dir,
        )
