"""The optional encoder reranker, on a tiny randomly initialised BERT built offline here.

Random weights say nothing of quality (that is bench/rerank_experiment.py's job, on the real encoder);
these tests check the mechanics: fine-tuning moves the scores, a saved reranker loads to the same
scores and refuses a changed file, the train command writes a card whose threshold comes from a
matching evaluation only, and a crawl selects by the blended scores or stops at its start with a
clear error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import transformers
from pytest_twisted import ensureDeferred
from scrapy.settings import Settings
from tokenizers import Tokenizer, models, pre_tokenizers, trainers

from rules_spider.compose import PageInfo
from rules_spider.corpus import rebuild as rebuild_module
from rules_spider.corpus.cli import main as corpus_main
from rules_spider.corpus.labels import LabelRecord, write_labels
from rules_spider.corpus.provenance import installed_page_units
from rules_spider.learning.engine import SelfImprovingEngine
from rules_spider.page_rules import Selection, page_to_rules
from rules_spider.reranker import loading
from rules_spider.reranker.blend import PLAUSIBLE_FROM
from rules_spider.reranker.card import RerankerError, read_card
from rules_spider.reranker.estimator import EncoderReranker
from rules_spider.reranker.persistence import load_reranker, save_reranker
from rules_spider.reranker.train import EVALUATION_FILE, evaluation_fields, weights_sha256
from rules_spider.rulemodel.persistence import load_rule_model
from tests.crawling import run_crawl

DIRECTIVES = [f"Always close the {w} before the process exits ." for w in ("pool", "socket", "file", "cursor")] + \
             [f"Never share one {w} between threads ." for w in ("session", "engine", "client", "lock")]
DESCRIPTIONS = [f"The {w} was added in version {v} ." for w, v in (("pool", 2), ("socket", 3), ("file", 4),
                                                                  ("cursor", 5))] + \
               [f"This page describes the {w} ." for w in ("session", "engine", "client", "lock")]
TEXTS, LABELS = DIRECTIVES + DESCRIPTIONS, [1] * len(DIRECTIVES) + [0] * len(DESCRIPTIONS)


@pytest.fixture(autouse=True)
def offline_hub(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-bert")
    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(TEXTS + ["guide | Pool > Closing | | `Pool.close()`"],
                            trainers.WordLevelTrainer(special_tokens=["[PAD]", "[UNK]"]))
    tokenizer = transformers.PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]")
    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    transformers.BertModel(transformers.BertConfig(
        vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=128, pad_token_id=tokenizer.pad_token_id,
    )).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def fitted(tiny_bert: Path) -> EncoderReranker:
    return EncoderReranker(base=tiny_bert, epochs=30, batch_size=4, learning_rate=3e-3).fit(TEXTS, LABELS)


def card_fields(**overrides: object) -> dict:
    fields = {"base": "tiny", "base_sha256": "0" * 64, "trained_at": "2026-12-03T00:00:00Z", "training_seconds": 1.0,
              "training_data_hash": "x", "units": len(TEXTS), "positives": sum(LABELS),
              "plausible_from": PLAUSIBLE_FROM, "threshold": 0.5, "threshold_rule": "test",
              "leave_one_set_out": None, "mean_precision": None, "mean_recall": None}
    return {**fields, **overrides}


def test_fine_tuning_separates_what_it_was_taught(tiny_bert: Path, fitted: EncoderReranker):
    before = EncoderReranker(base=tiny_bert, epochs=0).fit(TEXTS, LABELS).predict_proba(TEXTS)[:, 1]
    after = fitted.predict_proba(TEXTS)[:, 1]
    gap = lambda p: p[: len(DIRECTIVES)].min() - p[len(DIRECTIVES):].max()  # noqa: E731
    assert gap(after) > 0 > gap(before)
    with pytest.raises(ValueError, match="both classes"):
        EncoderReranker(base=tiny_bert).fit(TEXTS[:2], [1, 1])


def test_a_saved_reranker_scores_the_same_and_refuses_a_changed_file(tmp_path: Path, fitted: EncoderReranker):
    folder = tmp_path / "reranker"
    card = save_reranker(fitted, folder, **card_fields())
    loaded = load_reranker(folder)
    assert loaded.card == card and loaded.card.params["epochs"] == 30
    np.testing.assert_allclose(loaded.model.predict_proba(TEXTS), fitted.predict_proba(TEXTS), atol=1e-6)
    save_reranker(fitted, folder, **card_fields(threshold=0.7))  # replaces the folder whole
    assert read_card(folder).threshold == 0.7 and not list(tmp_path.glob(".reranker.*"))
    (folder / "head.safetensors").write_bytes(b"changed")
    with pytest.raises(RerankerError, match="head.safetensors"):
        load_reranker(folder)
    with pytest.raises(RerankerError, match="no reranker.json"):
        load_reranker(tmp_path)


def test_the_threshold_and_figures_come_from_an_evaluation_of_the_same_base_recipe_and_corpus():
    evaluation = json.loads(EVALUATION_FILE.read_text(encoding="utf-8"))
    same = (evaluation["base_sha256"], evaluation["epochs"], evaluation["training_data_hash"])
    fields = evaluation_fields(evaluation, *same, threshold=None)
    assert fields["threshold"] == evaluation["blend"]["threshold"]
    assert set(fields["leave_one_set_out"]) == set(evaluation["sets"]) and fields["mean_precision"] is not None
    for other in [("f" * 64, *same[1:]), (same[0], 3, same[2]), (*same[:2], "changed")]:
        with pytest.raises(ValueError, match="--threshold"):
            evaluation_fields(evaluation, *other, threshold=None)
        given = evaluation_fields(evaluation, *other, threshold=0.6)
        assert given["threshold"] == 0.6 and given["leave_one_set_out"] is None and given["mean_recall"] is None


PAGES = {
    "closing.html": "<p>Always close the pool before the process exits, otherwise workers leak.</p>"
                    "<p>The pool was added in version 2.0.</p><p>Never share one session between threads.</p>",
    "threads.html": "<p>Never share one engine between threads; create one per thread.</p>"
                    "<p>This page describes the engine.</p><p>You must not call stop() twice.</p>",
}


def test_the_train_command_fine_tunes_on_plausible_units_and_records_an_unevaluated_threshold(
        tmp_path: Path, tiny_bert: Path, monkeypatch, capsys):
    records = []
    for number, (name, body) in enumerate(PAGES.items()):
        page = tmp_path / name
        page.write_text(f"<html lang='en'><body><main><h1>Pool</h1>{body}</main></body></html>")
        for unit in installed_page_units(page):
            label = int(unit.unit.text.startswith(("Always", "Never", "You must")))
            records.append(LabelRecord(set=f"set{number}", package="demo-doc", version="1.0", path=str(page),
                                       hash=unit.hash, occurrence=unit.occurrence, label=label, labeler="A",
                                       subject="pool" if label else None))
    labels = tmp_path / "labels"
    for name in ("set0", "set1"):
        write_labels(labels / f"{name}.jsonl", [r for r in records if r.set == name])
    monkeypatch.setattr(rebuild_module, "installed_version", lambda package: "1.0")
    out = tmp_path / "reranker"
    assert corpus_main(["--labels", str(labels), "train-reranker", "--base", str(tiny_bert), "--out", str(out)]) == 1
    assert "--threshold" in capsys.readouterr().out and not out.exists()
    assert corpus_main(["--labels", str(labels), "train-reranker", "--base", str(tiny_bert), "--out", str(out),
                        "--threshold", "0.45", "--epochs", "1"]) == 0
    card = load_reranker(out).card
    assert card.threshold == 0.45 and card.leave_one_set_out is None and card.base_sha256 == weights_sha256(tiny_bert)
    assert 0 < card.units <= len(records) and card.positives == 4


INFO = PageInfo(url="https://docs.example/pool.html", source_name="Pool", technology="python")
PAGE = """<html lang="en"><body><main><h1>Pool</h1>
<h2>Closing</h2><p>Always call <code>Pool.close()</code> before the process exits, otherwise workers leak.</p>
<p>Never share one <code>Pool</code> between threads; create one per thread.</p>
<p>The pool was added in version 2.0.</p><p>This page describes the pool.</p></main></body></html>"""


def test_rules_are_selected_by_the_mean_of_both_scores_at_the_rerankers_threshold(tmp_path: Path,
                                                                                   fitted: EncoderReranker):
    word = page_to_rules(PAGE, INFO, Selection())
    version = load_rule_model(None).card.model_version
    folder = tmp_path / "reranker"
    for threshold in (0.0, 0.99):
        card = save_reranker(fitted, folder, **card_fields(threshold=threshold))
        result = page_to_rules(PAGE, INFO, Selection(reranker=folder))
        assert result.counts["units/reranked"] > 0
        assert result.model_version == f"{version}+{card.reranker_version}"
        assert all(r.quality_model == result.model_version for r in result.rules)
        if threshold == 0.0:
            assert len(result.rules) > len(word.rules)
        else:
            assert result.rules == []
    overridden = page_to_rules(PAGE, INFO, Selection(reranker=folder, threshold=0.0))
    assert len(overridden.rules) > len(word.rules)


def test_a_pages_scores_are_kept_for_the_next_run_of_the_same_reranker(tmp_path: Path, fitted: EncoderReranker,
                                                                         tiny_bert: Path):
    folder, cache = tmp_path / "reranker", tmp_path / "cache"
    save_reranker(fitted, folder, **card_fields(threshold=0.3))
    selection = Selection(reranker=folder, reranker_cache=cache)
    first, again = page_to_rules(PAGE, INFO, selection), page_to_rules(PAGE, INFO, selection)
    assert first.counts["units/reranked"] > 0 and "units/reranked_from_cache" not in first.counts
    assert again.counts["units/reranked_from_cache"] == first.counts["units/reranked"]
    assert "units/reranked" not in again.counts and again.rules == first.rules
    retrained = EncoderReranker(base=tiny_bert, epochs=1, batch_size=4).fit(TEXTS, LABELS)
    save_reranker(retrained, folder, **card_fields(threshold=0.3))
    assert page_to_rules(PAGE, INFO, selection).counts["units/reranked"] == first.counts["units/reranked"]


def test_feedback_keeps_rules_at_the_rerankers_threshold_unless_one_is_set(tmp_path: Path, fitted: EncoderReranker):
    folder = tmp_path / "reranker"
    save_reranker(fitted, folder, **card_fields(threshold=0.61))
    settings = Settings({"RULES_STATE_DIR": str(tmp_path / "state"), "RULES_RERANKER": str(folder)})
    with SelfImprovingEngine.from_settings(settings) as engine:
        assert engine.threshold == 0.61
    settings.set("RULES_RULE_THRESHOLD", "0.45")
    with SelfImprovingEngine.from_settings(settings) as engine:
        assert engine.threshold == 0.45


def test_a_missing_extra_names_it(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(loading, "_cache", {})
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(loading.MissingRerankerExtraError, match=r"local-llm extra: pip install 'rules-spider\[local-llm\]', and torch"):
        loading.current_reranker(tmp_path)


@ensureDeferred
async def test_a_crawl_with_a_reranker_uses_it_and_one_without_a_card_stops_at_its_start(
        tmp_path: Path, fitted: EncoderReranker, docs_server, write_catalog):
    catalog = write_catalog(f"sources:\n  - url: {docs_server.url('/sphinx/')}\n    name: Pyrite\n"
                            "    technology: python\n    max_pages: 4\n")
    folder = tmp_path / "reranker"
    card = save_reranker(fitted, folder, **card_fields(threshold=0.3))
    settings = {"RULES_OUTPUT_DIR": str(tmp_path / "out"), "RULES_FORMATS": "cursor", "RULES_RERANKER": str(folder)}
    crawl = await run_crawl(settings, catalog=str(catalog))
    assert crawl.stats["units/reranked"] > 0 and crawl.stats["rules/generated"] > 0
    assert crawl.stats["rules/quality_model"].endswith(f"+{card.reranker_version}")
    with pytest.raises(RerankerError, match="no reranker.json"):
        await run_crawl({**settings, "RULES_RERANKER": str(tmp_path / "nowhere")}, catalog=str(catalog))
