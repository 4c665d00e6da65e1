"""FeedbackStore: the durable SQLite store every front end writes feedback to.

One file, ``<state dir>/feedback.sqlite3``, in WAL mode with
``synchronous=FULL``: a call that returned has committed, and its row
survives the writer being killed (SIGKILL) right after. Several processes
may write at once (a crawl, ``scrapy feedback``, a review page, an MCP
server); writers wait up to ``busy_timeout_ms`` for each other.

The public API is small on purpose:

* signals: :meth:`add_signal`, :meth:`add_signals`, :meth:`signals`, :meth:`signal_count`
* rule features: :meth:`upsert_rules`, :meth:`rule_records`
* judgements: :meth:`add_unit_label`, :meth:`unit_labels`, :meth:`decisions`, and
  :meth:`record`, which stores a judgement's signals, labeled units and review
  decisions in one transaction
* engine state (JSON values): :meth:`get_state`, :meth:`set_state`,
  :meth:`update_state`, :meth:`state_items`
* :meth:`read` runs a read-only query (for the analyses in this package),
  :meth:`integrity_check`, :meth:`close`.

Instances are thread-safe (one connection behind a lock), so async code can
call them through ``asyncio.to_thread``.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rules_spider.items import unit_json
from rules_spider.learning.schema import MIGRATIONS, SCHEMA_VERSION
from rules_spider.learning.signals import FeedbackSignal, make_signal

if TYPE_CHECKING:
    from rules_spider.items import Rule

logger = logging.getLogger(__name__)

DB_FILENAME = "feedback.sqlite3"
# SQLite's default limit on host parameters is 32766; stay far below it.
_IN_CHUNK = 500


class SchemaVersionError(RuntimeError):
    """The database was written by a newer rules-spider than this one."""


@dataclass(frozen=True, slots=True)
class StoredSignal:
    id: int
    rule_id: str
    signal_type: str
    value: float
    context: dict[str, Any]
    source: str
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class RuleRecord:
    """The features of a rule as the crawl last saw it."""

    id: str
    technology: str
    framework: str | None
    category: str
    title: str
    body: str
    evidence: str
    has_example: bool
    source_priority: int
    heuristic_score: float | None
    url: str
    first_seen: datetime
    last_seen: datetime
    unit: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class StoredUnitLabel:
    """A judgement of one rule's unit: 1 keep (guidance), 0 not, with where it came from."""

    id: int
    rule_id: str
    label: int
    origin: str
    failure: str | None
    unit: dict[str, Any]
    context: dict[str, Any]
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class UnitLabelEntry:
    """A labeled unit to store (see :meth:`FeedbackStore.add_unit_label`)."""

    rule_id: str
    label: int
    origin: str
    unit: dict[str, Any]
    failure: str | None = None
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DecisionEntry:
    """One review action on a rule: accept, reject (``reason``: a failure kind), edit (old and new
    title and body), pin or unpin."""

    rule_id: str
    catalog: str
    action: str
    reason: str | None = None
    old_title: str | None = None
    old_body: str | None = None
    new_title: str | None = None
    new_body: str | None = None


@dataclass(frozen=True, slots=True)
class StoredDecision:
    id: int
    entry: DecisionEntry
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class RecordedIds:
    """Row ids of what :meth:`FeedbackStore.record` stored."""

    signals: list[int]
    labels: list[int]
    decisions: list[int]


def _epoch(moment: datetime) -> float:
    return moment.astimezone(UTC).timestamp()


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _IN_CHUNK):
        yield items[start : start + _IN_CHUNK]


class FeedbackStore:
    """Feedback signals, rule features and engine state in ``state_dir``."""

    def __init__(self, state_dir: str | Path, *, busy_timeout_ms: int = 30_000) -> None:
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.state_dir / DB_FILENAME
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            self.path,
            timeout=busy_timeout_ms / 1000,
            isolation_level=None,  # transactions are explicit (BEGIN IMMEDIATE)
            check_same_thread=False,
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        mode = self._switch_to_wal(busy_timeout_ms / 1000)
        if mode.lower() != "wal":
            raise RuntimeError(f"could not switch {self.path} to WAL mode (got {mode!r})")
        self._conn.execute("PRAGMA synchronous = FULL")
        self._migrate()

    def _switch_to_wal(self, timeout_s: float) -> str:
        # SQLite answers SQLITE_BUSY at once, without its busy handler, when two connections
        # switch a new database to WAL together; retry until the timeout instead.
        deadline = time.monotonic() + timeout_s
        delay = 0.005
        while True:
            try:
                return str(self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.2)

    # -- lifecycle -------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> FeedbackStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; IMMEDIATE takes the write lock up front so two
        processes never deadlock upgrading a read lock."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self._write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"{self.path} has schema version {version}; this rules-spider "
                    f"knows versions up to {SCHEMA_VERSION}: upgrade rules-spider"
                )
            for target in range(version, SCHEMA_VERSION):
                for statement in _split_sql(MIGRATIONS[target]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target + 1}")
                logger.info("Feedback store %s migrated to schema %d", self.path, target + 1)

    # -- signals ---------------------------------------------------------------

    def add_signal(
        self,
        rule_id: str,
        signal_type: str,
        value: float,
        context: dict[str, Any] | None = None,
        source: str = "api",
        timestamp: datetime | None = None,
    ) -> int:
        """Validate and store one signal; returns its row id once committed.

        Raises :class:`~rules_spider.learning.signals.InvalidSignalError`
        (a ``ValueError``) naming the bad field and value.
        """
        signal = make_signal(
            rule_id=rule_id,
            signal_type=signal_type,
            value=value,
            context=context or {},
            source=source,
            timestamp=timestamp,
        )
        return self.add_signals([signal])[0]

    def add_signals(self, signals: Iterable[FeedbackSignal]) -> list[int]:
        """Store already validated signals in one transaction; returns their row ids."""
        pending = list(signals)
        with self._write() as conn:
            return [self._insert_signal(conn, signal) for signal in pending]

    @staticmethod
    def _insert_signal(conn: sqlite3.Connection, s: FeedbackSignal) -> int:
        cursor = conn.execute(
            "INSERT INTO signals (rule_id, signal_type, value, context, source, ts) VALUES (?, ?, ?, ?, ?, ?)",
            (s.rule_id, s.signal_type, s.value, json.dumps(s.context, allow_nan=False, sort_keys=True), s.source,
             _epoch(s.timestamp_or_now())),
        )
        return int(cursor.lastrowid or 0)

    def signals(
        self,
        *,
        rule_ids: Sequence[str] | None = None,
        since: datetime | None = None,
        signal_types: Sequence[str] | None = None,
    ) -> list[StoredSignal]:
        """Signals ordered by time, optionally only some rules, types, or recent ones."""
        clauses: list[str] = []
        params: list[Any] = []
        if since is not None:
            clauses.append("ts >= ?")
            params.append(_epoch(since))
        if signal_types is not None:
            clauses.append(f"signal_type IN ({','.join('?' * len(signal_types))})")
            params.extend(signal_types)
        rows: list[sqlite3.Row] = []
        if rule_ids is None:
            rows = self._select_signals(clauses, params)
        else:
            for chunk in _chunks(list(rule_ids)):
                rows.extend(
                    self._select_signals(
                        [*clauses, f"rule_id IN ({','.join('?' * len(chunk))})"],
                        [*params, *chunk],
                    )
                )
            rows.sort(key=lambda row: (row["ts"], row["id"]))
        return [
            StoredSignal(
                id=row["id"],
                rule_id=row["rule_id"],
                signal_type=row["signal_type"],
                value=row["value"],
                context=json.loads(row["context"]),
                source=row["source"],
                timestamp=_utc(row["ts"]),
            )
            for row in rows
        ]

    def _select_signals(self, clauses: list[str], params: list[Any]) -> list[sqlite3.Row]:
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return self.read(f"SELECT * FROM signals{where} ORDER BY ts, id", params)

    def signal_count(self, *, since: datetime | None = None) -> int:
        if since is None:
            return int(self.read("SELECT COUNT(*) FROM signals")[0][0])
        return int(self.read("SELECT COUNT(*) FROM signals WHERE ts >= ?", [_epoch(since)])[0][0])

    # -- rules -----------------------------------------------------------------

    def upsert_rules(
        self, rules: Sequence[Rule], *, seen_at: datetime | None = None, units: Sequence[str | None] | None = None
    ) -> int:
        """Record (or refresh) the features of ``rules``; ``first_seen`` is kept.

        ``units``: each rule's ``unit`` already as ``unit_json`` (None for none), when the caller has it.
        """
        now = _epoch(seen_at or datetime.now(UTC))
        if units is None:
            units = [unit_json(rule.unit) if rule.unit else None for rule in rules]
        rows = [
            (
                rule.id,
                rule.technology,
                rule.framework,
                rule.category,
                rule.title,
                rule.body,
                rule.evidence,
                int(bool(rule.example and rule.example.strip())),
                int(rule.source_priority),
                rule.heuristic_score,
                rule.url,
                now,
                now,
                unit,
            )
            for rule, unit in zip(rules, units, strict=True)
        ]
        with self._write() as conn:
            conn.executemany(
                """
                INSERT INTO rules (id, technology, framework, category, title, body, evidence,
                                   has_example, source_priority, heuristic_score, url,
                                   first_seen, last_seen, unit)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    technology = excluded.technology, framework = excluded.framework,
                    category = excluded.category, title = excluded.title,
                    body = excluded.body, evidence = excluded.evidence,
                    has_example = excluded.has_example,
                    source_priority = excluded.source_priority,
                    heuristic_score = excluded.heuristic_score, url = excluded.url,
                    last_seen = excluded.last_seen, unit = COALESCE(excluded.unit, rules.unit)
                """,
                rows,
            )
        return len(rows)

    def rule_records(self, rule_ids: Sequence[str] | None = None) -> list[RuleRecord]:
        if rule_ids is None:
            rows = self.read("SELECT * FROM rules ORDER BY id")
        else:
            rows = []
            for chunk in _chunks(list(rule_ids)):
                rows.extend(
                    self.read(
                        f"SELECT * FROM rules WHERE id IN ({','.join('?' * len(chunk))})", chunk
                    )
                )
        return [
            RuleRecord(
                id=row["id"],
                technology=row["technology"],
                framework=row["framework"],
                category=row["category"],
                title=row["title"],
                body=row["body"],
                evidence=row["evidence"],
                has_example=bool(row["has_example"]),
                source_priority=row["source_priority"],
                heuristic_score=row["heuristic_score"],
                url=row["url"],
                first_seen=_utc(row["first_seen"]),
                last_seen=_utc(row["last_seen"]),
                unit=json.loads(row["unit"]) if row["unit"] else None,
            )
            for row in rows
        ]

    # -- labeled units -------------------------------------------------------------

    def add_unit_label(self, rule_id: str, label: int, *, origin: str, unit: dict[str, Any],
                       failure: str | None = None, context: dict[str, Any] | None = None,
                       at: datetime | None = None) -> int:
        """Record a judgement of ``rule_id``'s unit (a review decision, an MCP outcome)."""
        entry = UnitLabelEntry(rule_id, label, origin, unit, failure, context or {})
        return self.record(labels=[entry], at=at).labels[0]

    def record(self, *, signals: Sequence[FeedbackSignal] = (), labels: Sequence[UnitLabelEntry] = (),
               decisions: Sequence[DecisionEntry] = (), at: datetime | None = None) -> RecordedIds:
        """Store signals, labeled units and review decisions in one transaction (all or none)."""
        for entry in labels:
            if entry.label not in (0, 1):
                raise ValueError(f"label must be 0 or 1, got {entry.label!r}")
        ts = _epoch(at or datetime.now(UTC))
        ids = RecordedIds([], [], [])
        with self._write() as conn:
            for signal in signals:
                ids.signals.append(self._insert_signal(conn, signal))
            for entry in labels:
                cursor = conn.execute(
                    "INSERT INTO unit_labels (rule_id, label, origin, failure, unit, context, ts) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (entry.rule_id, entry.label, entry.origin, entry.failure,
                     json.dumps(entry.unit, ensure_ascii=False, sort_keys=True),
                     json.dumps(entry.context, ensure_ascii=False, sort_keys=True), ts),
                )
                ids.labels.append(int(cursor.lastrowid or 0))
            for decision in decisions:
                cursor = conn.execute(
                    "INSERT INTO decisions (rule_id, catalog, action, reason, old_title, old_body, new_title,"
                    " new_body, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (decision.rule_id, decision.catalog, decision.action, decision.reason, decision.old_title,
                     decision.old_body, decision.new_title, decision.new_body, ts),
                )
                ids.decisions.append(int(cursor.lastrowid or 0))
        return ids

    def decisions(self, *, after_id: int = 0) -> list[StoredDecision]:
        """Review decisions in the order they were made (those with an id above ``after_id``)."""
        return [
            StoredDecision(
                id=row["id"],
                entry=DecisionEntry(rule_id=row["rule_id"], catalog=row["catalog"], action=row["action"],
                                    reason=row["reason"], old_title=row["old_title"], old_body=row["old_body"],
                                    new_title=row["new_title"], new_body=row["new_body"]),
                timestamp=_utc(row["ts"]),
            )
            for row in self.read("SELECT * FROM decisions WHERE id > ? ORDER BY ts, id", [after_id])
        ]

    def unit_labels(self) -> list[StoredUnitLabel]:
        """Every labeled unit, oldest first."""
        return [
            StoredUnitLabel(id=row["id"], rule_id=row["rule_id"], label=row["label"], origin=row["origin"],
                            failure=row["failure"], unit=json.loads(row["unit"]), context=json.loads(row["context"]),
                            timestamp=_utc(row["ts"]))
            for row in self.read("SELECT * FROM unit_labels ORDER BY ts, id")
        ]

    # -- engine state ------------------------------------------------------------

    def get_state(self, key: str, default: Any = None) -> Any:
        rows = self.read("SELECT value FROM state WHERE key = ?", [key])
        return json.loads(rows[0][0]) if rows else default

    def set_state(self, key: str, value: Any) -> None:
        payload = json.dumps(value, allow_nan=False, sort_keys=True)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO state (key, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (key, payload, time.time()),
            )

    def update_state(self, key: str, update: Callable[[Any], Any], default: Any = None) -> Any:
        """Read-modify-write ``key`` atomically (across processes); returns the new value."""
        with self._write() as conn:
            rows = conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchall()
            current = json.loads(rows[0][0]) if rows else default
            new = update(current)
            conn.execute(
                "INSERT INTO state (key, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (key, json.dumps(new, allow_nan=False, sort_keys=True), time.time()),
            )
        return new

    def state_items(self, prefix: str = "") -> dict[str, Any]:
        """Every state entry whose key starts with ``prefix``."""
        rows = self.read(
            "SELECT key, value FROM state WHERE substr(key, 1, ?) = ? ORDER BY key",
            [len(prefix), prefix],
        )
        return {row["key"]: json.loads(row["value"]) for row in rows}

    # -- maintenance -------------------------------------------------------------

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Run one read-only statement and return its rows."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def integrity_check(self) -> str:
        """``"ok"`` or SQLite's description of the damage."""
        return "\n".join(str(row[0]) for row in self.read("PRAGMA integrity_check"))


def _split_sql(script: str) -> list[str]:
    """Statements of a migration script (they contain no ``;`` inside literals)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [stmt.strip() for stmt in "\n".join(lines).split(";") if stmt.strip()]
