"""FeedbackStore: validation, schema, durability under SIGKILL, concurrent writers."""

from __future__ import annotations

import math
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rules_spider.items import Rule
from rules_spider.learning.signals import InvalidSignalError, make_signal
from rules_spider.learning.store import FeedbackStore, SchemaVersionError
from rules_spider.learning.schema import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    with FeedbackStore(tmp_path / "state") as opened:
        yield opened


def make_rule(rule_id: str = "r1", **fields: object) -> Rule:
    values: dict[str, object] = {
        "id": rule_id,
        "title": "Use Depends() for shared dependencies",
        "body": "Declare shared dependencies with `Depends()` instead of calling them.",
        "technology": "python",
        "framework": "fastapi",
        "source_name": "FastAPI",
        "url": "https://fastapi.example/tutorial/dependencies/",
        "evidence": "FastAPI has a very powerful but intuitive Dependency Injection system.",
        "category": "api_usage",
        "example": "def read(q = Depends(common)): ...",
        "source_priority": 5,
        "heuristic_score": 0.62,
    }
    values.update(fields)
    return Rule(**values)  # type: ignore[arg-type]


def test_round_trip_of_a_signal(store: FeedbackStore) -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    signal_id = store.add_signal("r1", "usage_success", 0.8, {"session": "s1"}, "cli", moment)
    [stored] = store.signals()
    assert stored.id == signal_id
    assert (stored.rule_id, stored.signal_type, stored.value) == ("r1", "usage_success", 0.8)
    assert stored.context == {"session": "s1"}
    assert stored.source == "cli"
    assert stored.timestamp == moment


def test_custom_signal_types_are_accepted(store: FeedbackStore) -> None:
    store.add_signal("r1", "copied_to_clipboard", 1.0)
    assert store.signals()[0].signal_type == "copied_to_clipboard"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"value": 1.5}, "value 1.5 is outside [0, 1]"),
        ({"value": -0.1}, "value -0.1 is outside [0, 1]"),
        ({"value": math.nan}, "value nan is not a number"),
        ({"value": "0.3"}, "value '0.3' is not a number"),
        ({"value": True}, "value True is not a number"),
        ({"signal_type": "Usage-Success"}, "signal_type 'Usage-Success' is not one of"),
        ({"signal_type": "x" * 65}, "custom name matching"),
        ({"rule_id": ""}, "rule_id '' must be"),
        ({"context": ["not", "an", "object"]}, "context must be a JSON object, got list"),
        ({"context": {"bad": math.inf}}, "context is not a JSON object"),
        ({"source": ""}, "source '' must be"),
    ],
)
def test_invalid_signals_are_rejected_with_the_value_named(
    store: FeedbackStore, fields: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {"rule_id": "r1", "signal_type": "usage_success", "value": 0.5}
    arguments.update(fields)
    with pytest.raises(InvalidSignalError, match=message.replace("[", r"\[").replace("(", r"\(")):
        store.add_signal(**arguments)  # type: ignore[arg-type]
    assert store.signal_count() == 0


def test_unknown_fields_and_naive_timestamps_are_rejected() -> None:
    with pytest.raises(InvalidSignalError, match="colour: unknown field"):
        make_signal(rule_id="r", signal_type="relevance", value=0.1, colour="red")
    with pytest.raises(InvalidSignalError, match="timestamp"):
        make_signal(
            rule_id="r", signal_type="relevance", value=0.1, timestamp="2026-01-01T00:00:00"
        )


def test_database_settings_and_schema_version(store: FeedbackStore) -> None:
    assert store.read("PRAGMA journal_mode")[0][0] == "wal"
    assert store.read("PRAGMA synchronous")[0][0] == 2  # FULL
    assert store.read("PRAGMA user_version")[0][0] == SCHEMA_VERSION == 3
    assert store.read("PRAGMA busy_timeout")[0][0] == 30_000


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    FeedbackStore(tmp_path).close()
    with sqlite3.connect(tmp_path / "feedback.sqlite3") as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(SchemaVersionError, match="schema version 99"):
        FeedbackStore(tmp_path)


def test_signals_filtered_by_rule_time_and_type(store: FeedbackStore) -> None:
    now = datetime.now(UTC)
    store.add_signal("a", "usage_success", 1.0, timestamp=now - timedelta(days=10))
    store.add_signal("a", "user_rating", 0.5, timestamp=now)
    store.add_signal("b", "user_rating", 0.2, timestamp=now)
    assert [s.value for s in store.signals(rule_ids=["a"])] == [1.0, 0.5]
    assert [s.rule_id for s in store.signals(since=now - timedelta(days=1))] == ["a", "b"]
    assert [s.value for s in store.signals(signal_types=["usage_success"])] == [1.0]
    assert store.signal_count(since=now - timedelta(days=1)) == 2


def test_rule_upsert_keeps_first_seen_and_refreshes_features(store: FeedbackStore) -> None:
    first = datetime(2026, 1, 1, tzinfo=UTC)
    later = datetime(2026, 2, 1, tzinfo=UTC)
    store.upsert_rules([make_rule(example=None, heuristic_score=None)], seen_at=first)
    store.upsert_rules([make_rule(title="Prefer Depends()")], seen_at=later)
    [record] = store.rule_records()
    assert record.title == "Prefer Depends()"
    assert record.has_example is True
    assert record.heuristic_score == 0.62
    assert (record.first_seen, record.last_seen) == (first, later)
    assert store.rule_records(["missing"]) == []


def test_state_values_and_atomic_updates(store: FeedbackStore) -> None:
    assert store.get_state("missing", "default") == "default"
    store.set_state("ab_test/x", {"variant": "a"})
    store.set_state("other", [1, 2])
    assert store.update_state("counter", lambda value: (value or 0) + 1) == 1
    assert store.update_state("counter", lambda value: value + 1) == 2
    assert store.state_items("ab_test/") == {"ab_test/x": {"variant": "a"}}


def test_a_failed_update_leaves_the_state_unchanged(store: FeedbackStore) -> None:
    store.set_state("key", 1)

    def explode(value: int) -> int:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.update_state("key", explode)
    assert store.get_state("key") == 1


WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from rules_spider.learning.store import FeedbackStore

    state_dir, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = FeedbackStore(state_dir)
    print("ready", flush=True)
    while not (Path(state_dir) / "go").exists():  # start writing together
        time.sleep(0.01)
    for i in range(count):
        signal_id = store.add_signal(f"{name}-{i}", "usage_success", 1.0, {"i": i}, name)
        store.update_state("writes", lambda n: (n or 0) + 1)
        print(signal_id, f"{name}-{i}", flush=True)
    """
)


def _writer(tmp_path: Path, name: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path / "state"), name, str(count)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_acknowledged_signals_survive_sigkill(tmp_path: Path) -> None:
    writer = _writer(tmp_path, "killed", 1_000_000)
    acknowledged = []
    assert writer.stdout is not None
    assert writer.stdout.readline() == "ready\n"
    (tmp_path / "state" / "go").touch()
    for line in writer.stdout:
        acknowledged.append(line.split()[1])
        if len(acknowledged) == 150:
            os.kill(writer.pid, signal.SIGKILL)
            break
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    with FeedbackStore(tmp_path / "state") as store:
        stored = {s.rule_id for s in store.signals()}
        assert set(acknowledged) <= stored
        assert store.integrity_check() == "ok"


def test_two_processes_write_concurrently(tmp_path: Path) -> None:
    # Both also create the database at once: schema creation must not race.
    writers = [_writer(tmp_path, name, 150) for name in ("left", "right")]
    for writer in writers:
        assert writer.stdout is not None
        assert writer.stdout.readline() == "ready\n"
    (tmp_path / "state" / "go").touch()
    for writer in writers:
        writer.communicate(timeout=120)
        assert writer.returncode == 0
    with FeedbackStore(tmp_path / "state") as store:
        signals = store.signals()
        assert len(signals) == 300
        assert {s.source for s in signals} == {"left", "right"}
        assert len({s.rule_id for s in signals}) == 300
        assert store.get_state("writes") == 300  # read-modify-write never lost an update
        assert store.integrity_check() == "ok"


def test_a_version_1_database_migrates_and_keeps_its_rules(tmp_path: Path) -> None:
    from rules_spider.learning.schema import SCHEMA_V1

    conn = sqlite3.connect(tmp_path / "feedback.sqlite3")
    conn.executescript(SCHEMA_V1)
    conn.execute("INSERT INTO rules VALUES ('r1','python',NULL,'security','t','b','e',0,3,NULL,'http://x/',1,1)")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with FeedbackStore(tmp_path) as store:
        [record] = store.rule_records()
        assert record.id == "r1" and record.unit is None
        unit = {"text": "Never do X.", "marked": "Never do X.", "kind": "sentence"}
        store.add_unit_label("r1", 0, origin="review", unit=unit, failure="description")
        [label] = store.unit_labels()
        assert (label.rule_id, label.label, label.origin, label.failure, label.unit) == ("r1", 0, "review", "description", unit)
        with pytest.raises(ValueError, match="label must be 0 or 1"):
            store.add_unit_label("r1", 2, origin="review", unit=unit)
