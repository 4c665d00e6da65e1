"""SQLite schema of the feedback store, versioned with ``PRAGMA user_version``.

Each entry of :data:`MIGRATIONS` takes the database from version ``i`` to
``i + 1``; append a new entry (never edit an old one) to change the schema.
"""

from __future__ import annotations

SCHEMA_V1 = """
CREATE TABLE signals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id TEXT NOT NULL,
    signal_type TEXT NOT NULL,
    value REAL NOT NULL CHECK (value >= 0.0 AND value <= 1.0),
    context TEXT NOT NULL DEFAULT '{}'
        CHECK (json_valid(context) AND json_type(context) = 'object'),
    source TEXT NOT NULL,
    ts REAL NOT NULL  -- seconds since the epoch, UTC
);
CREATE INDEX signals_rule_ts ON signals (rule_id, ts);
CREATE INDEX signals_ts ON signals (ts);

CREATE TABLE rules (
    id TEXT PRIMARY KEY,
    technology TEXT NOT NULL,
    framework TEXT,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    evidence TEXT NOT NULL,
    has_example INTEGER NOT NULL CHECK (has_example IN (0, 1)),
    source_priority INTEGER NOT NULL,
    heuristic_score REAL,
    url TEXT NOT NULL,
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL
);
CREATE INDEX rules_technology ON rules (technology);

CREATE TABLE state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL CHECK (json_valid(value)),
    updated_at REAL NOT NULL
);
"""

# v2: the candidate unit each rule was composed from (JSON of units.Unit), and labeled units: the
# judgements (review decisions, MCP outcomes) that retrain the rule model.
SCHEMA_V2 = """
ALTER TABLE rules ADD COLUMN unit TEXT CHECK (unit IS NULL OR json_valid(unit));

CREATE TABLE unit_labels (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id TEXT NOT NULL,
    label INTEGER NOT NULL CHECK (label IN (0, 1)),
    origin TEXT NOT NULL,
    failure TEXT,
    unit TEXT NOT NULL CHECK (json_valid(unit) AND json_type(unit) = 'object'),
    context TEXT NOT NULL DEFAULT '{}'
        CHECK (json_valid(context) AND json_type(context) = 'object'),
    ts REAL NOT NULL
);
CREATE INDEX unit_labels_rule_ts ON unit_labels (rule_id, ts);
"""

# v3: review decisions, one row per action on the review page (accept, reject with its reason, edit with
# the old and new text, pin, unpin); the latest of each kind per rule is in force.
SCHEMA_V3 = """
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id TEXT NOT NULL,
    catalog TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('accept', 'reject', 'edit', 'pin', 'unpin')),
    reason TEXT,
    old_title TEXT,
    old_body TEXT,
    new_title TEXT,
    new_body TEXT,
    ts REAL NOT NULL,
    CHECK (action != 'edit' OR (new_title IS NOT NULL AND new_body IS NOT NULL))
);
CREATE INDEX decisions_rule_ts ON decisions (rule_id, ts);
"""

MIGRATIONS: tuple[str, ...] = (SCHEMA_V1, SCHEMA_V2, SCHEMA_V3)
SCHEMA_VERSION = len(MIGRATIONS)
