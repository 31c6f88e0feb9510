"""The run record in SQLite: one row per run, one row per event, views a person can query.

Events are stored as the JSON records of `domain/run_events.py` and appended one
transaction at a time, so a run killed at any moment leaves a record that ends at its
last whole event. Plain SQL views (`model_calls`, `attempts`, `commits`, `plans`,
`escalations`, `run_totals`) make the record readable with the `sqlite3` shell, e.g.
`SELECT * FROM run_totals;`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from backdev.adapters.import_graph.files import make_cache_dir
from backdev.application.agent_ports import RunSummary
from backdev.domain.errors import ConfigError
from backdev.domain.run_events import RunEvent, RunStarted, event_from_record, event_to_record

SCHEMA_VERSION = 1
"""Kept in `PRAGMA user_version`; a later schema migrates from the number it finds."""

_SCHEMA = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    feature TEXT NOT NULL,
    branch TEXT NOT NULL,
    model TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE events (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    at REAL NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE VIEW model_calls AS
    SELECT run_id, seq, at,
           json_extract(record, '$.step') AS step,
           json_extract(record, '$.usage[0]') AS input_tokens,
           json_extract(record, '$.usage[1]') AS output_tokens,
           json_extract(record, '$.cost') AS cost_usd
    FROM events WHERE kind = 'model-call';
CREATE VIEW attempts AS
    SELECT run_id, seq, at,
           json_extract(record, '$.step') AS step,
           json_extract(record, '$.attempt') AS attempt,
           json_extract(record, '$.verdict') AS verdict,
           json_extract(record, '$.fingerprints') AS fingerprints,
           json_extract(record, '$.summary') AS summary,
           json_extract(record, '$.report') AS gate_report
    FROM events WHERE kind = 'attempt';
CREATE VIEW commits AS
    SELECT run_id, seq, at,
           json_extract(record, '$.step') AS step,
           json_extract(record, '$.sha') AS sha
    FROM events WHERE kind = 'commit';
CREATE VIEW plans AS
    SELECT run_id, seq, at,
           json_extract(record, '$.plan.edge_cases') AS edge_cases,
           json_extract(record, '$.plan.steps') AS steps
    FROM events WHERE kind = 'plan';
CREATE VIEW escalations AS
    SELECT e.run_id, e.seq, e.at,
           json_extract(e.record, '$.number') AS number,
           json_extract(e.record, '$.rule') AS rule,
           json_extract(e.record, '$.question') AS question,
           json_extract(e.record, '$.path') AS dossier,
           (SELECT json_extract(a.record, '$.answer') FROM events AS a
            WHERE a.run_id = e.run_id AND a.kind = 'answered'
              AND json_extract(a.record, '$.number') = json_extract(e.record, '$.number')
            ORDER BY a.seq DESC LIMIT 1) AS answer
    FROM events AS e WHERE e.kind = 'escalated';
CREATE VIEW run_totals AS
    SELECT r.id AS run_id, r.feature, r.model, COUNT(m.seq) AS calls,
           COALESCE(SUM(m.input_tokens), 0) AS input_tokens,
           COALESCE(SUM(m.output_tokens), 0) AS output_tokens,
           COALESCE(SUM(m.cost_usd), 0.0) AS cost_usd
    FROM runs AS r LEFT JOIN model_calls AS m ON m.run_id = r.id
    GROUP BY r.id;
"""


class SqliteRunStore:
    """The `RunStore` in one SQLite file (normally `.backdev/runs.sqlite3`).

    Nothing touches the disk until the first write. Each call opens its own
    connection and closes it, so the store is safe to share between threads and a
    `backdev status` in another process can read while a run writes (WAL mode).
    """

    def __init__(self, path: Path) -> None:
        self._path = path

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    def create(self, started: RunEvent) -> int:
        """Insert a run and its first event in one transaction; returns the run's id."""
        if not isinstance(started, RunStarted):
            raise TypeError(f"a run starts with RunStarted, not {type(started).__name__}")
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO runs (feature, branch, model, created_at) VALUES (?, ?, ?, ?)",
                (started.feature, started.branch, started.model, started.at),
            )
            run_id = cursor.lastrowid
            assert run_id is not None  # an INSERT into a rowid table always sets it
            _insert_event(db, run_id, 1, started)
        return run_id

    def append(self, run_id: int, event: RunEvent) -> None:
        """Append `event` after the run's last one; committed (and synced) before returning."""
        with self._transaction() as db:
            self._require_run(db, run_id)
            row = db.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM events WHERE run_id = ?", (run_id,)
            ).fetchone()
            _insert_event(db, run_id, int(row[0]) + 1, event)

    def events(self, run_id: int) -> list[RunEvent]:
        """The run's events in order; a record that does not decode is a ConfigError."""
        with self._reading() as db:
            if db is None:
                raise self._unknown_run(run_id)
            self._require_run(db, run_id)
            rows = db.execute(
                "SELECT seq, record FROM events WHERE run_id = ? ORDER BY seq", (run_id,)
            ).fetchall()
        return [self._decode(run_id, int(seq), str(record)) for seq, record in rows]

    def runs(self) -> list[RunSummary]:
        """Every run, oldest first (none when the file does not exist yet)."""
        with self._reading() as db:
            if db is None:
                return []
            rows = db.execute("SELECT id, feature, branch FROM runs ORDER BY id").fetchall()
        return [RunSummary(int(i), str(feature), str(branch)) for i, feature, branch in rows]

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that commits on success and rolls back on any error."""
        try:
            make_cache_dir(self._path.parent)
        except OSError as exc:
            raise ConfigError(
                f"cannot create {self._path.parent} for the run record: {exc.strerror} — "
                "check the directory's permissions"
            ) from exc
        with self._connection() as db:
            try:
                db.execute("BEGIN IMMEDIATE")
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection | None]:
        """A connection for reading, or None when there is no record yet (nothing is created)."""
        if not self._path.exists():
            yield None
            return
        with self._connection() as db:
            yield db

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """An open, migrated connection; SQLite's failures become a ConfigError naming the file."""
        try:
            # isolation_level=None: transactions are begun explicitly, never implicitly.
            with closing(sqlite3.connect(self._path, timeout=10.0, isolation_level=None)) as db:
                # WAL lets a reader (`backdev status`) run beside the writer. A commit is in
                # the WAL file before COMMIT returns, so SIGKILL of the writer cannot lose it
                # even with synchronous=NORMAL; FULL also fsyncs the WAL at every commit, so
                # an appended event survives a power cut or OS crash too. Events come about
                # once per model call, so one fsync each costs nothing that matters.
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = FULL")
                db.execute("PRAGMA foreign_keys = ON")
                self._migrate(db)
                yield db
        except sqlite3.Error as exc:
            raise ConfigError(
                f"the run record {self._path} cannot be used: {exc} — if the file is damaged, "
                "move it aside and `backdev run` starts a new record"
            ) from exc

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Create the schema in a new file; refuse a file from a newer backdev."""
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise ConfigError(
                f"the run record {self._path} was written by a newer backdev (schema "
                f"{version}; this backdev reads up to {SCHEMA_VERSION}) — upgrade backdev"
            )
        db.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have created the schema while this one waited for the lock.
            if int(db.execute("PRAGMA user_version").fetchone()[0]) == 0:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _require_run(self, db: sqlite3.Connection, run_id: int) -> None:
        if db.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is None:
            raise self._unknown_run(run_id)

    def _unknown_run(self, run_id: int) -> ConfigError:
        return ConfigError(
            f"there is no run {run_id} in the run record {self._path} — "
            "`backdev status` lists the runs"
        )

    def _decode(self, run_id: int, seq: int, text: str) -> RunEvent:
        try:
            record = json.loads(text)
            if not isinstance(record, dict):
                raise ValueError("the record is not a JSON object")
            return event_from_record(record)
        except (ValueError, TypeError) as exc:
            raise ConfigError(
                f"the run record {self._path} holds an unreadable event (run {run_id}, "
                f"event {seq}): {exc} — the file was changed by hand or by another program"
            ) from exc


def _insert_event(db: sqlite3.Connection, run_id: int, seq: int, event: RunEvent) -> None:
    record = json.dumps(event_to_record(event), ensure_ascii=False, allow_nan=False)
    db.execute(
        "INSERT INTO events (run_id, seq, kind, at, record) VALUES (?, ?, ?, ?, ?)",
        (run_id, seq, event.kind, event.at, record),
    )
