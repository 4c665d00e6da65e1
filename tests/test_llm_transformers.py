"""Local transformers backend on tiny randomly initialised models built offline here.

Random weights cannot write JSON, so these tests check the plumbing: loading
by architecture, prompt rendering, token limits, and that unusable output
goes through exactly one repair request before GeneratorOutputError.
"""

from __future__ import annotations

import shutil

import pytest
import torch
import transformers
from pydantic import ValidationError
from tokenizers import Tokenizer, models, pre_tokenizers, trainers

from rules_spider.generation.base import GeneratorOutputError, RuleGenerator
from rules_spider.generation.llm_generator import LlmBackendError
from rules_spider.generation.prompt import SYSTEM_PROMPT, build_prompt
from rules_spider.generation.transformers_local import (
    TransformersConfig,
    TransformersGenerator,
    model_fingerprint,
)
from tests.llm_helpers import CountingStats, sample_page

CORPUS = [
    '{ "rules" : [ { "title" : "t" , "body" : "b" , "evidence" : "e" , "category" : "c" } ] }',
    "Declare shared logic as dependencies with Depends instead of calling it everywhere .",
    "Never create a new database engine per request ; create it once at startup .",
    "You turn one page of software documentation into rules for AI coding assistants .",
]
CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|> {{ message['content'] }}\n"
    "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


@pytest.fixture(autouse=True)
def offline_hub(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def tiny_tokenizer():
    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(
        CORPUS, trainers.WordLevelTrainer(special_tokens=["[PAD]", "[UNK]", "[EOS]"])
    )
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", eos_token="[EOS]"
    )


@pytest.fixture(scope="module")
def model_dirs(tmp_path_factory):
    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("tiny-models")
    tokenizer = tiny_tokenizer()
    vocab, pad, eos = len(tokenizer), tokenizer.pad_token_id, tokenizer.eos_token_id

    causal = root / "tiny-gpt2"
    tokenizer.save_pretrained(causal)
    transformers.GPT2LMHeadModel(transformers.GPT2Config(
        vocab_size=vocab, n_layer=1, n_head=2, n_embd=32, n_positions=4096,
        bos_token_id=eos, eos_token_id=eos, pad_token_id=pad,
    )).save_pretrained(causal)

    chat = root / "tiny-gpt2-chat"
    shutil.copytree(causal, chat)
    chat_tokenizer = tiny_tokenizer()
    chat_tokenizer.chat_template = CHAT_TEMPLATE
    chat_tokenizer.save_pretrained(chat)

    seq2seq = root / "tiny-t5"
    tokenizer.save_pretrained(seq2seq)
    transformers.T5ForConditionalGeneration(transformers.T5Config(
        vocab_size=vocab, d_model=32, d_ff=64, d_kv=16, num_layers=1, num_decoder_layers=1,
        num_heads=2, pad_token_id=pad, eos_token_id=eos, decoder_start_token_id=pad,
    )).save_pretrained(seq2seq)
    return {"causal": causal, "chat": chat, "seq2seq": seq2seq}


@pytest.mark.parametrize(("kind", "encoder_decoder"), [("causal", False), ("seq2seq", True)])
def test_unusable_output_gets_one_repair_then_falls_back(model_dirs, kind, encoder_decoder):
    stats = CountingStats()
    gen = TransformersGenerator(
        {"model_path": str(model_dirs[kind]), "max_new_tokens": 8}, stats=stats
    )
    assert isinstance(gen, RuleGenerator)
    assert gen.backend.is_encoder_decoder is encoder_decoder
    assert gen.model == str(model_dirs[kind].resolve())
    with pytest.raises(GeneratorOutputError, match="still invalid after a repair request"):
        gen.generate(sample_page())
    assert stats["rules/llm/requests"] == 2
    assert stats["rules/llm/repair_requests"] == 1
    assert stats["rules/llm/invalid_output"] == 2
    assert stats["rules/llm/input_tokens"] > 100
    gen.close()


def test_completion_reports_tokens_and_the_limit(model_dirs):
    gen = TransformersGenerator({"model_path": model_dirs["causal"], "max_new_tokens": 5})
    prompt = build_prompt(sample_page(), max_rules=5, max_input_chars=10_000)
    completion = gen.backend.complete(prompt)
    assert isinstance(completion.text, str)
    assert completion.output_tokens <= 5
    assert completion.truncated == (completion.output_tokens == 5)


def test_chat_template_is_used_when_the_tokenizer_has_one(model_dirs):
    plain = TransformersGenerator({"model_path": model_dirs["causal"], "max_new_tokens": 4})
    chat = TransformersGenerator({"model_path": model_dirs["chat"], "max_new_tokens": 4})
    prompt = build_prompt(sample_page(), max_rules=5, max_input_chars=10_000)
    chat_text, uses_template = chat.backend._render(prompt)
    assert uses_template
    assert chat_text.startswith(f"<|system|> {SYSTEM_PROMPT}\n<|user|> ")
    assert chat_text.endswith("<|assistant|>")
    plain_text, uses_template = plain.backend._render(prompt)
    assert not uses_template
    assert plain_text.startswith(SYSTEM_PROMPT) and plain_text.endswith("Assistant:")
    with pytest.raises(GeneratorOutputError):
        chat.generate(sample_page())


def test_prompt_longer_than_the_input_limit_is_a_backend_error(model_dirs):
    stats = CountingStats()
    gen = TransformersGenerator(
        {"model_path": model_dirs["causal"], "max_input_tokens": 64}, stats=stats
    )
    with pytest.raises(LlmBackendError, match="takes at most 64"):
        gen.generate(sample_page())
    assert stats["rules/llm/backend_errors"] == 1


def test_missing_directory_error_names_the_path(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(ValidationError, match="model_path") as excinfo:
        TransformersGenerator({"model_path": str(missing)})
    assert str(missing) in str(excinfo.value)


def test_directory_without_config_json_is_refused(tmp_path):
    (tmp_path / "weights.bin").write_bytes(b"")
    with pytest.raises(ValidationError, match="has no config.json"):
        TransformersConfig(model_path=tmp_path)


def test_fingerprint_changes_when_the_model_is_replaced(model_dirs, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(model_dirs["causal"], copy)
    before = model_fingerprint(copy)
    assert before == model_fingerprint(model_dirs["causal"])
    (copy / "config.json").write_text((copy / "config.json").read_text().replace("4096", "2048"))
    assert model_fingerprint(copy) != before
