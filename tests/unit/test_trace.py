"""The trace use case and its renderings: criterion -> linked tests -> outcome, gaps shown."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rich.console import Console

from backdev.application.lint import SpecParsers
from backdev.application.trace import TraceServices, build_trace, run_trace
from backdev.domain.changes import WORKTREE
from backdev.domain.errors import ConfigError
from backdev.domain.evidence import LinkSource, Outcome
from backdev.domain.evidence import TestEvidence as Evidence
from backdev.domain.evidence import TestLink as Link
from backdev.domain.evidence import TestResult as Result
from backdev.domain.features import AcceptanceCriterion, Feature
from backdev.domain.problems import Parsed
from backdev.entrypoints.reports.trace_render import (
    print_trace,
    render_trace_json,
    render_trace_markdown,
    trace_dict,
)
from tests.fakes.check import FakeTestRunner
from tests.fakes.specs import (
    FakeConfigSource,
    FakeContractSource,
    FakeDodParser,
    FakePrinciplesParser,
    FakeProjectFiles,
)

FEATURE_PATH = "docs/features/reset.md"
FEATURE = Feature(
    path=FEATURE_PATH,
    format="markdown",
    id="FEAT-012",
    title="Password reset",
    status="validated",
    workflow="feature",
    scope=(),
    requirements=(),
    criteria=(
        AcceptanceCriterion("AC-1", "Token stored", (), "", 10),
        AcceptanceCriterion("AC-2", "Same response", (), "", 15),
        AcceptanceCriterion("AC-3", "Token expires", (), "", 20),
        AcceptanceCriterion("AC-4", "Audit entry", (), "", 25),
    ),
    sections=(),
)


def _test(name: str, outcome: Outcome, *links: tuple[str, LinkSource]) -> Result:
    return Result(
        f"tests/test_reset.py::{name}",
        outcome,
        "tests/test_reset.py",
        1,
        tuple(Link(c, s) for c, s in links),
    )


RESULTS = (
    _test("test_token", "passed", ("AC-1", "marker"), ("AC-1", "docstring"), ("AC-2", "name")),
    _test("test_same", "failed", ("AC-2", "marker")),
    _test("test_expiry", "skipped", ("AC-3", "marker")),
    _test("test_unrelated", "passed"),
)
EVIDENCE = Evidence(WORKTREE, ("pytest",), 1, RESULTS)


def test_marks_each_criterion_proven_failing_or_missing_when_traced() -> None:
    trace = build_trace(FEATURE, EVIDENCE)

    assert [(c.id, c.status) for c in trace.criteria] == [
        ("AC-1", "proven"),
        ("AC-2", "failing"),
        ("AC-3", "missing"),
        ("AC-4", "missing"),
    ]
    assert (trace.feature, trace.path, trace.revision) == ("FEAT-012", FEATURE_PATH, WORKTREE)


def test_lists_the_linked_tests_and_how_they_link_when_traced() -> None:
    first, second, third, fourth = build_trace(FEATURE, EVIDENCE).criteria

    assert [(t.nodeid, t.outcome, t.links) for t in first.tests] == [
        ("tests/test_reset.py::test_token", "passed", ("marker", "docstring"))
    ]
    assert [t.links for t in second.tests] == [("name",), ("marker",)]
    assert [t.nodeid for t in second.unproven] == ["tests/test_reset.py::test_same"]
    assert [t.outcome for t in third.tests] == ["skipped"]
    assert fourth.tests == ()


def test_traces_only_the_chosen_criteria_when_restricted() -> None:
    trace = build_trace(FEATURE, EVIDENCE, only={"AC-2"})

    assert [c.id for c in trace.criteria] == ["AC-2"]


def test_counts_every_criterion_missing_when_the_run_produced_no_evidence() -> None:
    broken = Evidence(WORKTREE, ("pytest",), 2, problem="collection error", output="E  boom")

    trace = build_trace(FEATURE, broken)

    assert trace.count("missing") == 4
    assert (trace.problem, trace.output) == ("collection error", "E  boom")


def test_renders_the_versioned_json_schema_when_asked_for_json() -> None:
    data = json.loads(render_trace_json(build_trace(FEATURE, EVIDENCE)))

    assert data["schema"] == "backdev.trace/1"
    assert data["feature"] == "FEAT-012"
    assert data["criteria"][0] == {
        "id": "AC-1",
        "title": "Token stored",
        "line": 10,
        "status": "proven",
        "tests": [
            {
                "nodeid": "tests/test_reset.py::test_token",
                "outcome": "passed",
                "links": ["marker", "docstring"],
            }
        ],
    }
    assert data["criteria"][3] == {
        "id": "AC-4",
        "title": "Audit entry",
        "line": 25,
        "status": "missing",
        "tests": [],
    }
    assert "problem" not in data


def test_adds_the_problem_to_the_json_when_the_run_produced_no_evidence() -> None:
    broken = Evidence(WORKTREE, ("pytest",), 2, problem="collection error", output="E  boom")

    data = trace_dict(build_trace(FEATURE, broken))

    assert (data["problem"], data["output"]) == ("collection error", "E  boom")


def test_shows_a_gap_row_in_markdown_when_a_criterion_has_no_test() -> None:
    markdown = render_trace_markdown(build_trace(FEATURE, EVIDENCE))

    assert markdown.startswith("### backdev trace — FEAT-012: Password reset\n")
    assert "1 of 4 criteria proven, 1 failing, 2 missing" in markdown
    assert "| `AC-4` Audit entry | ⚠️ missing | no linked test ran (gap) | | |" in markdown
    assert (
        "| `AC-2` Same response | ❌ failing | `tests/test_reset.py::test_token` | passed | name |"
        in markdown
    )
    assert "|  |  | `tests/test_reset.py::test_same` | failed | marker |" in markdown


def test_prints_every_criterion_and_the_gaps_when_shown_in_a_terminal() -> None:
    console = Console(record=True, width=160, color_system=None)

    print_trace(build_trace(FEATURE, EVIDENCE), console)

    text = console.export_text()
    assert "FEAT-012: Password reset" in text
    assert "AC-3 Token expires" in text
    assert "tests/test_reset.py::test_expiry" in text
    assert "AC-4 Audit entry" in text
    assert "no linked test ran (gap)" in text
    assert "1 of 4 criteria proven, 1 failing, 2 missing" in text


@dataclass
class _CannedFeatureParser:
    """Parses every feature file into FEATURE."""

    parsed: list[str] = field(default_factory=list)

    def parse(self, path: Path, shown_as: str) -> Parsed[Feature]:
        self.parsed.append(shown_as)
        return Parsed(FEATURE, ())


def _services(runner: FakeTestRunner) -> TraceServices:
    project = FakeProjectFiles({FEATURE_PATH: "---\nid: FEAT-012\n---\n"})
    specs = SpecParsers(
        features=_CannedFeatureParser(),
        principles=FakePrinciplesParser(project),
        dod=FakeDodParser(project),
        config=FakeConfigSource(),
        contracts=FakeContractSource(),
        files=project,
    )
    return TraceServices(specs, runner)


def test_runs_the_whole_suite_at_the_working_tree_when_tracing_a_feature_by_id() -> None:
    runner = FakeTestRunner({WORKTREE: EVIDENCE})

    trace = run_trace(_services(runner), "FEAT-012")

    assert runner.runs == [(WORKTREE, (), {})]
    assert [c.status for c in trace.criteria] == ["proven", "failing", "missing", "missing"]


def test_raises_a_config_error_when_the_feature_cannot_be_found() -> None:
    with pytest.raises(ConfigError, match="FEAT-999"):
        run_trace(_services(FakeTestRunner()), "FEAT-999")
