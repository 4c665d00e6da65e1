"""The labeled corpus: records by reference, import of a labeler's answers, rebuilding texts, agreement."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from rules_spider.corpus import rebuild as rebuild_module
from rules_spider.corpus.agreement import agreement
from rules_spider.corpus.importing import LabelImportError, import_answers
from rules_spider.corpus.labels import LabelRecord, iter_label_files, read_labels, write_labels
from rules_spider.corpus.provenance import installed_page_units
from rules_spider.corpus.rebuild import rebuild

DATA = Path(__file__).parent.parent / "data"
PAGE = """<html><body><main><h1>Gizmo</h1><p>Always close the gizmo. It leaks otherwise.</p>
<p>The gizmo was added in 2.0.</p></main></body></html>"""


def record(path: Path, text_hash: str, label: int = 0, **fields: object) -> LabelRecord:
    values = {"set": "demo", "package": "demo-doc", "version": "1.0", "path": str(path), "hash": text_hash,
              "label": label, "labeler": "A", **fields}
    if label and "subject" not in fields:
        values["subject"] = "gizmo"
    return LabelRecord(**values)  # type: ignore[arg-type]


def test_a_positive_names_its_subject_and_records_hold_no_text():
    with pytest.raises(ValueError, match="names the subject"):
        LabelRecord(set="s", package="p", version="1", path="/x", hash="0" * 16, label=1, labeler="A")
    with pytest.raises(ValueError, match="extra"):
        LabelRecord(set="s", package="p", version="1", path="/x", hash="0" * 16, label=0, labeler="A", text="copy")


def test_rebuild_finds_each_unit_by_hash_and_reports_what_it_cannot(tmp_path: Path, monkeypatch):
    page = tmp_path / "gizmo.html"
    page.write_text(PAGE)
    units = installed_page_units(page)
    monkeypatch.setattr(rebuild_module, "installed_version", lambda package: {"demo-doc": "1.0"}.get(package))
    records = [record(page, units[0].hash, 1), record(page, units[2].hash, 0, failure="changelog")]
    report = rebuild(records)
    assert report.ok and [u.unit.text for u in report.units] == ["Always close the gizmo.", "The gizmo was added in 2.0."]
    page.write_text(PAGE.replace("Always close", "Never drop"))
    report = rebuild(records)
    assert not report.ok and [r.hash for r in report.hash_not_found] == [units[0].hash]
    assert "hash not found" in report.summary()
    report = rebuild([record(page, units[2].hash, version="0.9")])
    assert report.version_mismatch == {"demo-doc": ("0.9", "1.0")}
    report = rebuild([record(page, units[2].hash, package="gone-doc")])
    assert "apt-get install gone-doc" in report.summary()


def test_a_labelers_answers_must_cover_every_unit_once(tmp_path: Path):
    units = {f"u{i}": {"id": f"u{i}", "set": "demo", "package": "demo-doc", "version": "1.0", "path": "/p",
                       "hash": f"{i:016x}", "occurrence": 0} for i in range(3)}
    answers = tmp_path / "labels.jsonl"
    answers.write_text("".join(json.dumps(a) + "\n" for a in [
        {"id": "u0", "label": 1, "subject": "x"}, {"id": "u1", "label": 0, "failure": "description"}]))
    with pytest.raises(LabelImportError, match="1 unit\\(s\\) not answered"):
        import_answers(answers, units, "A")
    answers.write_text(answers.read_text() + json.dumps({"id": "u0", "label": 0}) + "\n")
    with pytest.raises(LabelImportError, match="u0 answered twice"):
        import_answers(answers, units, "A")


def test_agreement_is_cohens_kappa_over_shared_units(tmp_path: Path):
    first = [record(Path("/p"), f"{i:016x}", int(i < 5)) for i in range(20)]
    second = [record(Path("/p"), f"{i:016x}", int(i < 4), labeler="B") for i in range(20)]
    result = agreement(first, second)
    assert result.units == 20 and result.observed == pytest.approx(0.95)
    # kappa = (0.95 - pe) / (1 - pe), pe = 0.25*0.2 + 0.75*0.8 = 0.65
    assert result.kappa == pytest.approx((0.95 - 0.65) / 0.35)
    write_labels(tmp_path / "a.jsonl", first)
    assert read_labels(tmp_path / "a.jsonl") == sorted(first, key=lambda r: r.hash)


def test_the_corpus_in_the_repository_is_the_size_the_model_card_says():
    records = [r for path in iter_label_files(DATA / "labels") for r in read_labels(path)]
    per_set = Counter(r.set for r in records)
    assert len(per_set) >= 10 and len(records) >= 4000 and sum(r.label for r in records) >= 800
    assert len({(r.path, r.hash, r.occurrence) for r in records}) == len(records)
    second = read_labels(DATA / "agreement" / "second_labeling.jsonl")
    assert len(second) == 300 and {r.labeler for r in second} == {"B"}
    assert agreement(records, second).kappa >= 0.7
