"""The `ac` pytest plugin on its own: links, registration, and the records it writes.

Items and configs are small hand-made fakes carrying only what the plugin reads;
reports are real `pytest.TestReport`s. Real pytest runs of the plugin are in
tests/integration/test_pytest_runner_repos.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal, cast

import pytest

from backdev.entrypoints import pytest_plugin
from backdev.entrypoints.pytest_plugin import (
    MARKER_HELP,
    OUTPUT_ENV,
    RECORDER_NAME,
    Recorder,
    criteria_in_name,
    links_of,
)


class FakeItem:
    """What the plugin reads from a pytest item."""

    def __init__(
        self,
        obj: Callable[..., Any],
        marks: tuple[tuple[str, ...], ...] = (),
        name: str | None = None,
        path: Path | None = None,
        cls: type | None = None,
    ) -> None:
        self.obj = obj
        self.cls = cls
        self.originalname = name or obj.__name__
        self.name = self.originalname
        self.nodeid = f"tests/test_x.py::{self.name}"
        self.path = path or Path(__file__)
        # `ac` marks as pytest would hand them out; built by hand because the real
        # `pytest.mark.ac` needs the marker registered in this very test session.
        self._marks = [SimpleNamespace(name="ac", args=args) for args in marks]

    def iter_markers(self, name: str) -> Iterator[SimpleNamespace]:
        return (mark for mark in self._marks if mark.name == name)


class FakePluginManager:
    def __init__(self) -> None:
        self.plugins: dict[str, object] = {}

    def has_plugin(self, name: str) -> bool:
        return name in self.plugins

    def register(self, plugin: object, name: str) -> None:
        self.plugins[name] = plugin


class FakeConfig:
    """A config with ini markers, a plugin manager, and where pytest ran from."""

    def __init__(self, base: Path, rootdir: Path | None = None) -> None:
        self.markers: list[str] = []
        self.pluginmanager = FakePluginManager()
        self.invocation_params = SimpleNamespace(dir=base)
        self.rootpath = rootdir or base

    def getini(self, name: str) -> list[str]:
        assert name == "markers"
        return self.markers

    def addinivalue_line(self, name: str, line: str) -> None:
        assert name == "markers"
        self.markers.append(line)


def _item(fake: FakeItem) -> pytest.Item:
    return cast(pytest.Item, fake)


def _config(fake: FakeConfig) -> pytest.Config:
    return cast(pytest.Config, fake)


def test_name_links_are_found_when_the_test_name_spells_a_criterion() -> None:
    assert criteria_in_name("test_ac_1_request_stores_token") == ["AC-1"]
    assert criteria_in_name("test_AC1_unknown_email") == ["AC-1"]
    assert criteria_in_name("test_AC12Unknown") == ["AC-12"]
    assert criteria_in_name("test_ac_1_and_ac_3") == ["AC-1", "AC-3"]


def test_name_links_are_not_found_when_letters_only_resemble_an_id() -> None:
    assert criteria_in_name("test_vacuum_1") == []
    assert criteria_in_name("test_track1") == []
    assert criteria_in_name("test_ac_dc") == []
    assert criteria_in_name("test_acme12") == []


def test_marker_links_are_normalised_when_ids_are_written_loosely() -> None:
    def test_marked() -> None:
        pass

    item = FakeItem(test_marked, (("AC-1", "ac-3"), ("AC-2, AC_4",)))

    assert links_of(_item(item)) == [
        ("AC-1", "marker"),
        ("AC-3", "marker"),
        ("AC-2", "marker"),
        ("AC-4", "marker"),
    ]


def test_every_source_links_once_when_a_test_names_criteria_several_ways() -> None:
    def test_ac_1_reset() -> None:
        """Proves AC-1 and AC-2; AC-2 again."""

    item = FakeItem(test_ac_1_reset, (("AC-1",),))

    assert links_of(_item(item)) == [
        ("AC-1", "marker"),
        ("AC-1", "name"),
        ("AC-1", "docstring"),
        ("AC-2", "docstring"),
    ]


def test_bdd_links_come_from_scenario_tags_when_pytest_bdd_bound_the_test() -> None:
    # pytest-bdd's `@scenario` leaves the Gherkin scenario on the test function as
    # `__scenario__`, whose `tags` are the tag names without the `@`.
    def test_reset_scenario() -> None:
        pass

    scenario = SimpleNamespace(tags={"AC-3", "smoke", "@AC-1", "AC-x"})
    test_reset_scenario.__scenario__ = scenario  # type: ignore[attr-defined]

    assert links_of(_item(FakeItem(test_reset_scenario))) == [
        ("AC-1", "bdd"),
        ("AC-3", "bdd"),
    ]


def test_no_links_are_made_when_a_test_mentions_no_criterion() -> None:
    def test_plain() -> None:
        """Checks totals; mentions ACME-1 and ac-1 loosely."""

    assert links_of(_item(FakeItem(test_plain))) == []


def test_marker_and_recorder_register_once_when_two_plugin_copies_configure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(OUTPUT_ENV, str(tmp_path / "records.jsonl"))
    config = FakeConfig(tmp_path)

    pytest_plugin.pytest_configure(_config(config))
    recorder = config.pluginmanager.plugins[RECORDER_NAME]
    pytest_plugin.pytest_configure(_config(config))  # the entry-point copy, or the `-p` copy

    assert config.markers == [MARKER_HELP]
    assert config.pluginmanager.plugins == {RECORDER_NAME: recorder}
    cast(Recorder, recorder).pytest_unconfigure()


def test_nothing_is_recorded_when_backdev_did_not_ask_for_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(OUTPUT_ENV, raising=False)
    config = FakeConfig(tmp_path)

    pytest_plugin.pytest_configure(_config(config))

    assert config.markers == [MARKER_HELP]
    assert config.pluginmanager.plugins == {}


def test_phases_fold_into_one_outcome_when_reports_arrive_per_phase(tmp_path: Path) -> None:
    records = _recorded(
        tmp_path,
        {
            "passes": [_report("setup"), _report("call"), _report("teardown")],
            "fails": [_report("setup"), _report("call", "failed", "E   assert 1 == 2")],
            "setup_errors": [_report("setup", "failed", "E   RuntimeError: no db")],
            "teardown_errors": [
                _report("call"),
                _report("teardown", "failed", "E   OSError: locked"),
            ],
            "skips": [_report("setup", "skipped", ("x.py", 3, "Skipped: later"))],
            "xfails": [_report("call", "skipped", None, wasxfail="bug 12")],
            "xpasses": [_report("call", "passed", None, wasxfail="bug 13")],
        },
    )

    assert {r["nodeid"]: (r["outcome"], r["message"]) for r in records[:-1]} == {
        "tests/test_x.py::passes": ("passed", ""),
        "tests/test_x.py::fails": ("failed", "assert 1 == 2"),
        "tests/test_x.py::setup_errors": ("error", "RuntimeError: no db"),
        "tests/test_x.py::teardown_errors": ("error", "OSError: locked"),
        "tests/test_x.py::skips": ("skipped", "later"),
        "tests/test_x.py::xfails": ("xfailed", "bug 12"),
        "tests/test_x.py::xpasses": ("xpassed", "bug 13"),
    }
    assert records[-1] == {"kind": "session", "exitstatus": 1}


def test_records_carry_def_line_links_and_context_when_a_described_test_finishes(
    tmp_path: Path,
) -> None:
    config = FakeConfig(tmp_path, rootdir=tmp_path / "backend")
    switched: list[str] = []
    recorder = Recorder(_config(config), tmp_path / "records.jsonl", switched.append)
    item = FakeItem(_decorated_test, (("AC-7",),), path=Path(__file__))

    recorder.pytest_runtest_protocol(_item(item))
    recorder.pytest_runtest_logreport(_report("call", nodeid=item.nodeid))
    recorder.pytest_runtest_logfinish(item.nodeid)
    recorder.pytest_unconfigure()
    (record,) = _lines(tmp_path / "records.jsonl")

    assert record["nodeid"] == "backend/tests/test_x.py::_decorated_test"
    assert record["line"] == _decorated_test.__code__.co_firstlineno + 1
    assert record["links"] == [{"criterion": "AC-7", "source": "marker"}]
    assert record["context"] == "backend/tests/test_x.py::_decorated_test"


def test_records_carry_no_context_when_the_recorder_does_not_switch_coverage(
    tmp_path: Path,
) -> None:
    recorder = Recorder(_config(FakeConfig(tmp_path)), tmp_path / "records.jsonl")
    item = FakeItem(_decorated_test)

    recorder.pytest_runtest_protocol(_item(item))
    recorder.pytest_runtest_logreport(_report("call", nodeid=item.nodeid))
    recorder.pytest_runtest_logfinish(item.nodeid)
    recorder.pytest_unconfigure()
    (record,) = _lines(tmp_path / "records.jsonl")

    assert record["context"] is None


def test_a_collection_error_is_recorded_when_a_module_cannot_be_imported(
    tmp_path: Path,
) -> None:
    recorder = Recorder(_config(FakeConfig(tmp_path)), tmp_path / "records.jsonl")
    longrepr = (
        "ImportError while importing test module\nE   ModuleNotFoundError: No module named 'x'"
    )
    report = pytest.CollectReport("tests/test_y.py", "failed", longrepr, [])

    recorder.pytest_collectreport(report)
    recorder.pytest_unconfigure()

    assert _lines(tmp_path / "records.jsonl") == [
        {
            "kind": "collect-error",
            "nodeid": "tests/test_y.py",
            "path": "tests/test_y.py",
            "message": "ModuleNotFoundError: No module named 'x'",
        }
    ]


def _identity(function: Callable[[], None]) -> Callable[[], None]:
    return function


@_identity
def _decorated_test() -> None:
    pass


def _report(
    when: Literal["setup", "call", "teardown"],
    outcome: Literal["passed", "failed", "skipped"] = "passed",
    longrepr: tuple[str, int, str] | str | None = None,
    wasxfail: str | None = None,
    nodeid: str = "",
) -> pytest.TestReport:
    report = pytest.TestReport(nodeid, ("tests/test_x.py", 0, "x"), {}, outcome, longrepr, when)
    if wasxfail is not None:
        report.wasxfail = wasxfail
    return report


def _recorded(tmp_path: Path, tests: dict[str, list[pytest.TestReport]]) -> list[dict[str, Any]]:
    recorder = Recorder(_config(FakeConfig(tmp_path)), tmp_path / "records.jsonl")
    for name, reports in tests.items():
        nodeid = f"tests/test_x.py::{name}"
        for report in reports:
            report.nodeid = nodeid
            recorder.pytest_runtest_logreport(report)
        recorder.pytest_runtest_logfinish(nodeid)
    recorder.pytest_sessionfinish(1)
    recorder.pytest_unconfigure()
    return _lines(tmp_path / "records.jsonl")


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
