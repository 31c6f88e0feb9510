"""The acceptance gate with fakes: every criterion proven by linked tests that ran and passed."""

from __future__ import annotations

from collections.abc import Sequence

from backdev.application.gates import GateContext, GateOptions
from backdev.domain.changes import WORKTREE
from backdev.domain.evidence import LinkSource, Outcome
from backdev.domain.evidence import TestEvidence as Evidence
from backdev.domain.evidence import TestLink as Link
from backdev.domain.evidence import TestResult as Result
from backdev.domain.features import AcceptanceCriterion, Feature
from backdev.domain.findings import GateResult
from backdev.gates.acceptance import AcceptanceGate
from tests.fakes.check import FakeTestRunner, make_context

FEATURE_PATH = "docs/features/FEAT-012-reset.md"
CHANGE = {"src/accounts/reset.py": "x = 1\n"}


def _feature(*ids: str) -> Feature:
    criteria = tuple(
        AcceptanceCriterion(cid, f"title of {cid}", (), "", line=10 + 5 * index)
        for index, cid in enumerate(ids or ("AC-1", "AC-2"))
    )
    return Feature(
        path=FEATURE_PATH,
        format="markdown",
        id="FEAT-012",
        title="Password reset",
        status="validated",
        workflow="feature",
        scope=(),
        requirements=(),
        criteria=criteria,
        sections=(),
        criteria_line=8,
    )


def _test(
    name: str, outcome: Outcome, *criteria: str, source: LinkSource = "marker", message: str = ""
) -> Result:
    links = tuple(Link(c, source) for c in criteria)
    return Result(f"tests/test_reset.py::{name}", outcome, "tests/test_reset.py", 3, links, message)


def _context(
    results: Sequence[Result] = (),
    *,
    feature: Feature | None = None,
    options: GateOptions | None = None,
    problem: str | None = None,
    runner: bool = True,
) -> GateContext:
    evidence = Evidence(
        WORKTREE, ("pytest",), 0, tuple(results), problem=problem, output="collection failed"
    )
    return make_context(
        CHANGE,
        feature=feature if feature is not None else _feature(),
        options=options,
        tests=FakeTestRunner({WORKTREE: evidence}) if runner else None,
    )


def _run(context: GateContext) -> GateResult:
    return AcceptanceGate().run(context)


def test_passes_when_every_criterion_has_a_passing_linked_test() -> None:
    results = [_test("test_one", "passed", "AC-1"), _test("test_two", "passed", "AC-2", "AC-1")]

    result = _run(_context(results))

    assert (result.status, result.findings) == ("pass", ())
    assert result.summary == "no findings (2 criteria of FEAT-012 against 2 tests)"


def test_passes_when_a_criterion_is_linked_only_through_a_docstring() -> None:
    results = [
        _test("test_one", "passed", "AC-1", source="docstring"),
        _test("test_two", "passed", "AC-2", source="name"),
    ]

    assert _run(_context(results)).status == "pass"


def test_skips_when_no_feature_is_given() -> None:
    context = make_context(CHANGE, tests=FakeTestRunner())

    result = _run(context)

    assert result.status == "skip"
    assert result.summary == "no feature given: pass --feature or a `Feature:` trailer"


def test_skips_when_no_test_runner_is_wired() -> None:
    result = _run(_context(runner=False))

    assert result.status == "skip"
    assert "no test runner is wired" in result.summary


def test_fails_at_the_criterion_line_when_no_test_links_to_it() -> None:
    result = _run(_context([_test("test_one", "passed", "AC-1")]))

    (finding,) = result.findings
    assert result.status == "fail"
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "acceptance/no-linked-test",
        "error",
        FEATURE_PATH,
        15,
    )
    assert "AC-2 (title of AC-2)" in finding.message
    assert finding.fix == 'add a passing test marked @pytest.mark.ac("AC-2") that proves it'
    assert "test_ac_2_" in finding.evidence


def test_counts_a_criterion_as_missing_when_its_only_linked_test_was_skipped() -> None:
    results = [
        _test("test_one", "passed", "AC-1"),
        _test("test_two", "skipped", "AC-2", message="needs a mail server"),
    ]

    (finding,) = _run(_context(results)).findings

    assert (finding.rule, finding.line) == ("acceptance/no-linked-test", 15)
    assert "none of its linked tests ran" in finding.message
    assert finding.evidence == "tests/test_reset.py::test_two: skipped: needs a mail server"


def test_counts_a_criterion_as_missing_when_its_linked_test_was_deselected() -> None:
    results = [_test("test_one", "passed", "AC-1"), _test("test_two", "deselected", "AC-2")]

    (finding,) = _run(_context(results)).findings

    assert finding.rule == "acceptance/no-linked-test"


def test_names_the_tests_and_outcomes_when_a_linked_test_did_not_pass() -> None:
    results = [
        _test("test_one", "passed", "AC-1"),
        _test("test_two", "passed", "AC-2"),
        _test("test_three", "failed", "AC-2", message="AssertionError: assert 1 == 2"),
        _test("test_four", "xfailed", "AC-2"),
        _test("test_five", "error", "AC-2"),
        _test("test_six", "skipped", "AC-2"),
    ]

    (finding,) = _run(_context(results)).findings

    assert (finding.rule, finding.path, finding.line) == (
        "acceptance/linked-test-failed",
        FEATURE_PATH,
        15,
    )
    assert "4 of its 5 linked tests did not pass" in finding.message
    assert "tests/test_reset.py::test_three failed" in finding.message
    assert "tests/test_reset.py::test_four xfailed" in finding.message
    assert "tests/test_reset.py::test_six skipped" in finding.message
    assert "AssertionError: assert 1 == 2" in finding.evidence


def test_fails_with_the_output_when_the_tests_produce_no_evidence() -> None:
    (finding,) = _run(_context(problem="the tests could not be collected")).findings

    assert (finding.rule, finding.path, finding.line) == ("acceptance/no-evidence", "", 0)
    assert "could not be collected" in finding.message
    assert finding.evidence == "collection failed"


def test_judges_only_the_selected_criteria_when_the_option_names_them() -> None:
    results = [_test("test_one", "passed", "AC-1")]

    result = _run(_context(results, options={"criteria": ["AC-1"]}))

    assert result.status == "pass"
    assert "1 criterion of FEAT-012" in result.summary


def test_reports_an_unknown_criterion_when_the_option_names_one_the_feature_lacks() -> None:
    results = [_test("test_one", "passed", "AC-1")]

    result = _run(_context(results, options={"criteria": ["AC-1", "AC-9"]}))

    (finding,) = result.findings
    assert (finding.rule, finding.line) == ("acceptance/unknown-criterion", 8)
    assert "AC-9" in finding.message


def test_skips_when_the_option_selects_no_criterion() -> None:
    result = _run(_context(options={"criteria": []}))

    assert result.status == "skip"
    assert "option `criteria` is empty" in result.summary


def test_says_its_linked_test_did_not_pass_when_the_only_linked_test_errored() -> None:
    results = [_test("test_one", "passed", "AC-1"), _test("test_two", "error", "AC-2")]

    (finding,) = _run(_context(results)).findings

    assert finding.rule == "acceptance/linked-test-failed"
    assert "its linked test did not pass (tests/test_reset.py::test_two error)" in finding.message


def test_the_runners_fix_is_the_findings_fix_when_the_runner_knows_the_cause() -> None:
    evidence = Evidence(
        WORKTREE,
        ("pytest",),
        1,
        problem="coverage is not installed for /venv/bin/python",
        fix="run `/venv/bin/python -m pip install coverage`, or set [tool.backdev] python",
    )
    context = make_context(CHANGE, feature=_feature(), tests=FakeTestRunner({WORKTREE: evidence}))

    (finding,) = _run(context).findings

    assert finding.fix == evidence.fix
