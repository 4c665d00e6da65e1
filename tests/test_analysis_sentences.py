"""Sentence splitting: dots that end sentences and dots that do not."""

from __future__ import annotations

import pytest

from rules_spider.analysis.sentences import sentence_spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call os.path.join() here. Then stop.", ["Call os.path.join() here.", "Then stop."]),
        ("Use a venv, e.g. venv or uv. It helps.", ["Use a venv, e.g. venv or uv.", "It helps."]),
        ("Pass a value, i.e. Django settings. Done.", ["Pass a value, i.e. Django settings.", "Done."]),
        ("Upgrade to v2.1 first. Then 3.12 works.", ["Upgrade to v2.1 first.", "Then 3.12 works."]),
        ("Edit setup.py and pyproject.toml. Save.", ["Edit setup.py and pyproject.toml.", "Save."]),
        ("See https://example.com/a.b. Next one.", ["See https://example.com/a.b.", "Next one."]),
        ("Run `x. Y` now. Done!", ["Run `x. Y` now.", "Done!"]),
        ("Is it safe? Yes. Mostly!", ["Is it safe?", "Yes.", "Mostly!"]),
        ("Ask Dr. Smith about it. Fine.", ["Ask Dr. Smith about it.", "Fine."]),
        ("Warning\nDo not do this.", ["Warning", "Do not do this."]),
        ("Ends without a dot", ["Ends without a dot"]),
        ("", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert [span.text for span in sentence_spans(text)] == expected


def test_spans_are_verbatim_slices() -> None:
    text = "  First one.   Second, with Client.close().\nThird  "
    for span in sentence_spans(text):
        assert text[span.start : span.end] == span.text
    assert [s.text for s in sentence_spans(text)] == ["First one.", "Second, with Client.close().", "Third"]
