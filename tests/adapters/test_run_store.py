"""The SQLite run record: events round-trip, survive SIGKILL, and stay readable by a person."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
from contextlib import closing
from pathlib import Path

import pytest

import backdev
from backdev.adapters.run_store import SCHEMA_VERSION, SqliteRunStore
from backdev.application.agent_ports import RunStore, RunSummary
from backdev.domain.conversation import Usage
from backdev.domain.errors import ConfigError
from backdev.domain.limits import Limits
from backdev.domain.plan import Plan, PlannedStep
from backdev.domain.pricing import Price
from backdev.domain.run_events import (
    Answered,
    AttemptJudged,
    Escalated,
    ModelCalled,
    PlanSaved,
    Resumed,
    Reverted,
    RunEvent,
    RunStarted,
    SessionEnded,
    StepCommitted,
)
from tests.fakes.agent import FakeRunStore

SHA = "c" * 40


def _started(feature: str = "FEAT-012", at: float = 1000.0) -> RunStarted:
    return RunStarted(
        feature=feature,
        feature_path=f"docs/features/{feature}.md",
        workflow="feature",
        model="openai:gpt-4.1",
        branch=f"backdev/{feature}",
        base="a" * 40,
        limits=Limits(max_steps=20, max_cost=2.5, max_minutes=None, max_tokens=90_000),
        price=Price(2.0, 8.0),
        at=at,
    )


def _every_kind() -> list[RunEvent]:
    plan = Plan(("token reuse", "clock skew"), (PlannedStep("AC-1", "store the token"),))
    return [
        PlanSaved(plan, 1001.0),
        ModelCalled(0, Usage(1200, 300), 0.0048, 1002.0),
        ModelCalled(1, Usage(800, 100), 0.0024, 1003.0),
        AttemptJudged(1, 1, "fail", ("tests|t::a|AssertionError|x",), "1 gate failed", "{}", 1004),
        AttemptJudged(1, 2, "pass", (), "all gates pass", '{"verdict": "pass"}', 1005.0),
        StepCommitted(1, SHA, 1006.0),
        Reverted(SHA, "d" * 40, "stop-loss", 1007.0),
        Escalated(1, "stop-loss", ".backdev/escalations/FEAT-012-1.md", "Which email?", 1008.0),
        SessionEnded("escalated", "waiting for an answer", 1009.0),
        Resumed(Limits(max_steps=40), 2000.0),
        Answered(1, "the primary one — naïve ünïcode kept", 2001.0),
        SessionEnded("done", "", 2002.0),
    ]


@pytest.fixture(params=["sqlite", "fake"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> RunStore:
    """Both stores, so the fake the agent's tests use keeps the real store's rules."""
    if request.param == "sqlite":
        return SqliteRunStore(tmp_path / ".backdev" / "runs.sqlite3")
    return FakeRunStore()


def test_reads_back_every_kind_of_event_in_order_when_they_were_appended(store: RunStore) -> None:
    run_id = store.create(_started())
    for event in _every_kind():
        store.append(run_id, event)

    assert store.events(run_id) == [_started(), *_every_kind()]


def test_numbers_runs_from_one_and_lists_them_oldest_first_when_several_exist(
    store: RunStore,
) -> None:
    first = store.create(_started("FEAT-1"))
    second = store.create(_started("FEAT-2"))
    store.append(first, StepCommitted(1, SHA, 1001.0))

    assert (first, second) == (1, 2)
    assert store.runs() == [
        RunSummary(1, "FEAT-1", "backdev/FEAT-1"),
        RunSummary(2, "FEAT-2", "backdev/FEAT-2"),
    ]
    assert [e.kind for e in store.events(second)] == ["started"]


def test_refuses_the_run_id_when_no_such_run_exists(store: RunStore) -> None:
    store.create(_started())

    with pytest.raises(ConfigError, match="there is no run 7 in the run record"):
        store.append(7, StepCommitted(1, SHA, 1.0))
    with pytest.raises(ConfigError, match="there is no run 7"):
        store.events(7)


def test_refuses_to_start_a_run_when_the_first_event_is_not_run_started(store: RunStore) -> None:
    with pytest.raises(TypeError, match="RunStarted, not StepCommitted"):
        store.create(StepCommitted(1, SHA, 1.0))

    assert store.runs() == []


def test_touches_no_disk_when_the_store_is_only_built_and_read(tmp_path: Path) -> None:
    store = SqliteRunStore(tmp_path / ".backdev" / "runs.sqlite3")

    assert store.runs() == []
    with pytest.raises(ConfigError, match="there is no run 1"):
        store.events(1)
    assert not (tmp_path / ".backdev").exists()


def test_creates_a_self_ignoring_state_dir_when_the_first_run_is_written(tmp_path: Path) -> None:
    store = SqliteRunStore(tmp_path / ".backdev" / "runs.sqlite3")

    store.create(_started())

    assert (tmp_path / ".backdev" / ".gitignore").read_text(encoding="utf-8") == "*\n"
    with _open(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_shows_tokens_cost_attempts_commits_and_answers_when_the_views_are_queried(
    tmp_path: Path,
) -> None:
    store = SqliteRunStore(tmp_path / "runs.sqlite3")
    run_id = store.create(_started())
    for event in _every_kind():
        store.append(run_id, event)

    with _open(store.path) as db:
        calls = db.execute("SELECT step, input_tokens, output_tokens, cost_usd FROM model_calls")
        assert calls.fetchall() == [(0, 1200, 300, 0.0048), (1, 800, 100, 0.0024)]
        totals = db.execute("SELECT calls, input_tokens, output_tokens, cost_usd FROM run_totals")
        assert totals.fetchall() == [(2, 2000, 400, pytest.approx(0.0072))]
        attempts = db.execute("SELECT step, attempt, verdict, fingerprints FROM attempts")
        assert attempts.fetchall() == [
            (1, 1, "fail", '["tests|t::a|AssertionError|x"]'),
            (1, 2, "pass", "[]"),
        ]
        assert db.execute("SELECT step, sha FROM commits").fetchall() == [(1, SHA)]
        answered = db.execute("SELECT number, rule, question, answer FROM escalations")
        assert answered.fetchall() == [
            (1, "stop-loss", "Which email?", "the primary one — naïve ünïcode kept")
        ]
        steps = db.execute("SELECT steps FROM plans").fetchone()[0]
        assert json.loads(steps) == [{"criterion": "AC-1", "intent": "store the token"}]


def test_refuses_the_file_when_a_newer_backdev_wrote_it(tmp_path: Path) -> None:
    store = SqliteRunStore(tmp_path / "runs.sqlite3")
    store.create(_started())
    with _open(store.path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")

    with pytest.raises(ConfigError, match="written by a newer backdev") as caught:
        store.runs()
    assert str(store.path) in str(caught.value)


def test_names_the_file_when_it_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    path.write_bytes(b"this is not SQLite, it is a text file that happens to sit here\n" * 40)
    store = SqliteRunStore(path)

    with pytest.raises(ConfigError, match=r"the run record .*runs\.sqlite3 cannot be used"):
        store.runs()
    with pytest.raises(ConfigError, match="move it aside"):
        store.create(_started())


def test_names_the_run_and_event_when_a_stored_record_does_not_decode(tmp_path: Path) -> None:
    store = SqliteRunStore(tmp_path / "runs.sqlite3")
    run_id = store.create(_started())
    store.append(run_id, StepCommitted(1, SHA, 1001.0))
    with _open(store.path) as db:
        db.execute('UPDATE events SET record = \'{"kind": "commit"\' WHERE seq = 2')

    with pytest.raises(ConfigError, match=r"unreadable event \(run 1, event 2\)") as caught:
        store.events(run_id)
    assert str(store.path) in str(caught.value)


def test_keeps_every_event_once_when_threads_append_at_the_same_time(tmp_path: Path) -> None:
    store = SqliteRunStore(tmp_path / "runs.sqlite3")
    run_id = store.create(_started())

    def append_many(step: int) -> None:
        for number in range(15):
            store.append(run_id, StepCommitted(step, f"{number:040d}", 1001.0))

    threads = [threading.Thread(target=append_many, args=(step,)) for step in (1, 2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    commits = [e for e in store.events(run_id) if isinstance(e, StepCommitted)]
    assert sorted((e.step, e.sha) for e in commits) == sorted(
        (step, f"{number:040d}") for step in (1, 2, 3) for number in range(15)
    )


_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from backdev.adapters.run_store import SqliteRunStore
    from backdev.domain.run_events import AttemptJudged

    store = SqliteRunStore(Path(sys.argv[1]))
    run_id, number = int(sys.argv[2]), int(sys.argv[3])
    while True:
        number += 1
        report = str(number) * (20_000 // len(str(number)))
        store.append(run_id, AttemptJudged(number, 1, "fail", ("f",), str(number), report, 1.0))
        print(number, flush=True)
    """
)


def test_keeps_a_whole_prefix_and_goes_on_when_the_writer_is_killed_mid_run(
    tmp_path: Path,
) -> None:
    store = SqliteRunStore(tmp_path / "runs.sqlite3")
    run_id = store.create(_started())
    acknowledged = 0
    for _ in range(3):
        acknowledged = _kill_writer_after(store.path, run_id, len(store.events(run_id)) - 1)

        events = store.events(run_id)[1:]
        assert len(events) >= acknowledged  # nothing reported as appended went missing
        for number, event in enumerate(events, start=1):
            assert isinstance(event, AttemptJudged)
            assert (event.step, event.summary) == (number, str(number))
            assert event.report == str(number) * (20_000 // len(str(number)))
    with _open(store.path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    count = len(store.events(run_id))
    store.append(run_id, SessionEnded("interrupted", "killed", 5.0))
    assert len(store.events(run_id)) == count + 1


def _kill_writer_after(path: Path, run_id: int, done: int) -> int:
    """Start a child appending events, SIGKILL it after 25 more; the last number it reported."""
    env = {**os.environ, "PYTHONPATH": str(Path(backdev.__file__).parents[1])}
    command = [sys.executable, "-c", _WRITER, str(path), str(run_id), str(done)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as child:
        assert child.stdout is not None
        last = done
        for line in child.stdout:
            last = int(line)
            if last >= done + 25:
                break
        child.kill()
        child.wait()
    assert last >= done + 25, "the writer stopped before it was killed"
    return last


def _open(path: Path) -> closing[sqlite3.Connection]:
    return closing(sqlite3.connect(path, isolation_level=None))
