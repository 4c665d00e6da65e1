"""``scrapy feedback`` run as users run it: a subprocess in the project directory."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from rules_spider.learning.store import FeedbackStore
from tests.learning_simulation import simulate_feedback, simulate_rules

PROJECT = Path(__file__).resolve().parents[1]
SCRAPY = PROJECT / ".venv" / "bin" / "scrapy"


def feedback(state_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRAPY), "feedback", "-s", f"RULES_STATE_DIR={state_dir}", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_record_a_signal(tmp_path: Path) -> None:
    result = feedback(
        tmp_path,
        "--rule",
        "abc123",
        "--signal",
        "usage_success",
        "--value",
        "0.8",
        "--context",
        '{"session": "s1"}',
    )
    assert result.returncode == 0, result.stderr
    assert "recorded signal 1: rule abc123 usage_success=0.8 (source cli)" in result.stdout
    with FeedbackStore(tmp_path) as store:
        [signal] = store.signals()
    assert (signal.rule_id, signal.value, signal.context, signal.source) == (
        "abc123",
        0.8,
        {"session": "s1"},
        "cli",
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--rule", "r", "--signal", "usage_success", "--value", "1.5"],
            1,
            "value 1.5 is outside [0, 1]",
        ),
        (
            ["--rule", "r", "--signal", "relevance", "--value", "high"],
            2,
            "--value 'high' is not a number",
        ),
        (["--rule", "r", "--value", "0.5"], 2, "recording a signal needs --signal"),
        (
            ["--rule", "r", "--signal", "relevance", "--value", "0.5", "--context", "{"],
            2,
            "--context is not JSON",
        ),
        ([], 2, "choose one action"),
    ],
)
def test_bad_input_is_refused_with_the_reason(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    result = feedback(tmp_path, *args)
    assert result.returncode == code
    assert message in result.stdout + result.stderr
    if (tmp_path / "feedback.sqlite3").exists():
        with FeedbackStore(tmp_path) as store:
            assert store.signal_count() == 0


def test_import_reports_bad_lines_and_keeps_good_ones(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    lines = [
        {"rule_id": "r1", "signal_type": "usage_success", "value": 1},
        {
            "rule_id": "r1",
            "signal_type": "user_rating",
            "value": 0.4,
            "context": {"editor": "vim"},
            "timestamp": "2026-01-01T10:00:00+00:00",
            "source": "review-page",
        },
        "not json at all",
        {"rule_id": "r2", "signal_type": "relevance", "value": 7},
        {"rule_id": "r2", "signal_type": "relevance", "value": 0.5, "colour": "red"},
        {"rule_id": "r3", "signal_type": "effectiveness", "value": 0.9},
    ]
    events.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n\n"
    )
    result = feedback(tmp_path / "state", "--import", str(events))
    assert result.returncode == 1
    assert "imported 3 signals" in result.stdout and "3 bad lines" in result.stdout
    assert f"{events}:3: not JSON" in result.stderr
    assert f"{events}:4: value 7 is outside [0, 1]" in result.stderr
    assert f"{events}:5: colour: unknown field" in result.stderr
    with FeedbackStore(tmp_path / "state") as store:
        signals = store.signals()
    assert [s.rule_id for s in signals] == ["r1", "r1", "r3"]
    assert {s.source for s in signals} == {"import", "review-page"}

    clean = tmp_path / "clean.jsonl"
    clean.write_text(json.dumps(lines[0]) + "\n")
    assert feedback(tmp_path / "state", "--import", str(clean)).returncode == 0
    missing = feedback(tmp_path / "state", "--import", str(tmp_path / "missing.jsonl"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_retrain_and_stats(tmp_path: Path) -> None:
    population = simulate_rules(40, seed=21)
    with FeedbackStore(tmp_path) as store:
        store.upsert_rules([item.rule for item in population])
        store.add_signals(simulate_feedback(population, (5, 8), seed=22))

    result = feedback(tmp_path, "--retrain")
    assert result.returncode == 0, result.stderr
    output = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    assert output["training data"].endswith("40 of them your labels (each weighs 50 corpus units)")
    version = output["model version"]
    saved = json.loads((tmp_path / "rule_model" / "rule_model.json").read_text())
    assert saved["model_version"] == version and saved["user_labels"] == 40
    assert (tmp_path / "rule_model" / "rule_model.joblib").is_file()
    user_row = next(line for line in result.stdout.splitlines() if line.split()[:1] == ["user"])
    assert user_row.split()[1] == "40"  # the user's labels are held out as a set of their own

    stats = feedback(tmp_path, "--stats", "--limit", "5")
    assert stats.returncode == 0, stats.stderr
    text = stats.stdout
    assert f"Model: {version}" in text
    assert "Per technology" in text and "Per rule (top 5 by signals)" in text
    table = text.split("Per technology\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert table[0].split() == ["technology", "rules", "signals", "mean", "success"]
    technologies = {row.split()[0]: row.split() for row in table[2:]}
    assert set(technologies) == {"python", "javascript", "rust", "go"}
    assert sum(int(row[1]) for row in technologies.values()) == 40
    rules_table = text.split("Per rule (top 5 by signals)\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(rules_table) == 2 + 5
    assert "Per context value" in text and "technology" in text


def test_without_enough_feedback_there_is_no_model(tmp_path: Path) -> None:
    result = feedback(tmp_path, "--retrain")
    assert result.returncode == 0
    assert result.stdout.startswith("not trained: 0 labeled unit(s), 10 needed")
    stats = feedback(tmp_path, "--stats")
    assert stats.returncode == 0
    assert "(shipped)" in stats.stdout and "0 of them yours" in stats.stdout
