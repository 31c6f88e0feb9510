"""Reading the `ac` plugin's JSON records into domain test results.

Each line is one record: a test that ran, a module that could not be collected, or
the session's end. Lines that do not parse are skipped: a test printing to the same
file must not turn the whole run into a crash. A test's coverage context is its node id
(the plugin switches coverage.py to it), so the records' `context` field needs no reading.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from backdev.domain.evidence import LinkSource, Outcome, TestLink, TestResult

_OUTCOMES = frozenset({"passed", "failed", "error", "skipped", "xfailed", "xpassed"})
_SOURCES = frozenset({"marker", "bdd", "name", "docstring"})


@dataclass(frozen=True, slots=True)
class RunRecords:
    """What the plugin wrote during one run.

    `exit_status` is pytest's own exit status, None when the session never finished.
    """

    results: tuple[TestResult, ...] = ()
    collect_errors: tuple[TestResult, ...] = ()
    exit_status: int | None = None


def read_records(path: Path) -> RunRecords:
    """Parse the records file; a missing file means the plugin never ran."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return RunRecords()
    results: list[TestResult] = []
    errors: list[TestResult] = []
    exit_status: int | None = None
    for line in lines:
        record = _parse(line)
        kind = record.get("kind")
        if kind == "session" and isinstance(record.get("exitstatus"), int):
            exit_status = cast(int, record["exitstatus"])
        elif kind == "collect-error":
            errors.append(_collect_error(record))
        elif kind == "test" and record.get("outcome") in _OUTCOMES:
            results.append(_test(record))
    return RunRecords(tuple(results), tuple(errors), exit_status)


def _parse(line: str) -> dict[str, object]:
    try:
        value = json.loads(line)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _test(record: dict[str, object]) -> TestResult:
    links = tuple(
        TestLink(str(link["criterion"]), cast(LinkSource, link["source"]))
        for link in _list(record.get("links"))
        if isinstance(link, dict) and link.get("source") in _SOURCES and link.get("criterion")
    )
    return TestResult(
        nodeid=str(record.get("nodeid", "")),
        outcome=cast(Outcome, record["outcome"]),
        path=str(record.get("path", "")),
        line=_int(record.get("line")),
        links=links,
        message=str(record.get("message") or ""),
    )


def _collect_error(record: dict[str, object]) -> TestResult:
    nodeid = str(record.get("nodeid", ""))
    return TestResult(
        nodeid=nodeid,
        outcome="error",
        path=str(record.get("path") or nodeid.split("::", maxsplit=1)[0]),
        message=str(record.get("message") or "could not be collected"),
    )


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _int(value: object) -> int:
    return value if isinstance(value, int) and value > 0 else 0
