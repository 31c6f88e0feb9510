"""The regression-proof gate with fakes: new tests must fail on the base and pass on the head."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from backdev.application.gates import GateContext
from backdev.domain import evidence
from backdev.domain.changes import WORKTREE
from backdev.domain.features import Feature, Workflow
from backdev.domain.findings import GateResult
from backdev.gates.regression_proof import RegressionProofGate
from backdev.gates.regression_proof.added import find_tests
from tests.fakes.check import BASE, FakeTestRunner, changed_file, make_context

TEST_PATH = "tests/test_parse.py"
OLD_TESTS = """from shop.parse import parse


def test_parses_number():
    assert parse("1") == 1
"""
NEW_TESTS = (
    OLD_TESTS
    + """

def test_parses_negative_number():
    assert parse("-1") == -1
"""
)
NEW_LINE = 8  # the `def` line of test_parses_negative_number
NEW_ID = f"{TEST_PATH}::test_parses_negative_number"
SOURCE = {"src/shop/parse.py": "def parse(text):\n    return int(text)\n"}


def _feature(workflow: Workflow = "defect") -> Feature:
    return Feature(
        path="docs/features/BUG-7.md",
        format="markdown",
        id="BUG-7",
        title="Negative numbers",
        status="validated",
        workflow=workflow,
        scope=(),
        requirements=(),
        criteria=(),
        sections=(),
    )


def _result(nodeid: str, outcome: evidence.Outcome, message: str = "") -> evidence.TestResult:
    return evidence.TestResult(nodeid, outcome, nodeid.partition("::")[0], 1, message=message)


def _evidence(
    revision: str, *results: evidence.TestResult, problem: str | None = None
) -> evidence.TestEvidence:
    return evidence.TestEvidence(
        revision, ("pytest",), 1, tuple(results), problem=problem, output="tail"
    )


def _runner(base: list[evidence.TestResult], head: list[evidence.TestResult]) -> FakeTestRunner:
    return FakeTestRunner({BASE: _evidence(BASE, *base), WORKTREE: _evidence(WORKTREE, *head)})


def _context(
    runner: FakeTestRunner | None,
    head_tests: str = NEW_TESTS,
    *,
    workflow: Workflow = "defect",
    extra: dict[str, str] | None = None,
) -> GateContext:
    files = {**SOURCE, TEST_PATH: head_tests, **(extra or {})}
    return make_context(
        files,
        base_files={**SOURCE, TEST_PATH: OLD_TESTS},
        feature=_feature(workflow),
        tests=runner,
    )


def _run(context: GateContext) -> GateResult:
    return RegressionProofGate().run(context)


def _rules(result: GateResult) -> list[tuple[str, str, int]]:
    return [(f.rule, f.path, f.line) for f in result.findings]


def test_skips_when_no_feature_is_given() -> None:
    result = _run(make_context({TEST_PATH: NEW_TESTS}, tests=FakeTestRunner()))
    assert result.status == "skip"
    assert "no feature" in result.summary


def test_skips_when_the_feature_is_not_a_defect() -> None:
    workflows: tuple[Workflow, ...] = ("feature", "refactor")
    for workflow in workflows:
        result = _run(_context(FakeTestRunner(), workflow=workflow))
        assert result.status == "skip"
        assert "not a defect workflow" in result.summary


def test_passes_when_the_new_test_fails_on_base_and_passes_on_head() -> None:
    runner = _runner(
        base=[_result(NEW_ID, "failed", "assert -1 == 1")],
        head=[_result(f"{TEST_PATH}::test_parses_number", "passed"), _result(NEW_ID, "passed")],
    )
    result = _run(_context(runner, extra={"tests/conftest.py": "import pytest\n"}))
    assert result.status == "pass", result.findings
    assert "1 new test in 1 changed test file" in result.summary
    base_runs = [run for run in runner.runs if run[0] == BASE]
    assert len(base_runs) == 1
    _, selection, overlay = base_runs[0]
    assert selection == (NEW_ID,)
    assert overlay == {TEST_PATH: NEW_TESTS, "tests/conftest.py": "import pytest\n"}


def test_fails_without_running_anything_when_the_change_adds_no_test() -> None:
    runner = FakeTestRunner()
    edited = OLD_TESTS.replace('"1") == 1', '"2") == 2')
    result = _run(_context(runner, head_tests=edited))
    assert result.status == "fail"
    assert _rules(result) == [("regression-proof/no-regression-test", "", 0)]
    assert "reproduces" in result.findings[0].message
    assert runner.runs == []


def test_reports_a_missing_test_when_no_runner_is_wired() -> None:
    result = _run(make_context(SOURCE, feature=_feature()))
    assert _rules(result) == [("regression-proof/no-regression-test", "", 0)]


def test_skips_when_a_new_test_exists_but_no_runner_is_wired() -> None:
    result = _run(_context(None))
    assert result.status == "skip"
    assert "no test runner" in result.summary


def test_fails_at_the_def_line_when_the_new_test_passes_on_base() -> None:
    runner = _runner(base=[_result(NEW_ID, "passed")], head=[_result(NEW_ID, "passed")])
    result = _run(_context(runner))
    assert _rules(result) == [("regression-proof/passes-on-base", TEST_PATH, NEW_LINE)]
    assert "does not reproduce the defect" in result.findings[0].message
    assert result.findings[0].severity == "error"


def test_fails_at_the_def_line_when_the_new_test_fails_on_head() -> None:
    runner = _runner(
        base=[_result(NEW_ID, "failed")], head=[_result(NEW_ID, "failed", "assert 1 == -1")]
    )
    result = _run(_context(runner))
    assert _rules(result) == [("regression-proof/fails-on-head", TEST_PATH, NEW_LINE)]
    assert "assert 1 == -1" in result.findings[0].evidence


def test_fails_on_head_when_the_new_test_did_not_run_there() -> None:
    runner = _runner(base=[_result(NEW_ID, "failed")], head=[])
    result = _run(_context(runner))
    assert _rules(result) == [("regression-proof/fails-on-head", TEST_PATH, NEW_LINE)]
    assert "did not run" in result.findings[0].message


def test_warns_and_fails_when_the_new_test_only_errors_on_base() -> None:
    runner = _runner(
        base=[_result(NEW_ID, "error", "ImportError: cannot import name 'parse_signed'")],
        head=[_result(NEW_ID, "passed")],
    )
    result = _run(_context(runner))
    assert result.status == "fail"
    assert _rules(result) == [
        ("regression-proof/not-reproduced", "", 0),
        ("regression-proof/errors-on-base", TEST_PATH, NEW_LINE),
    ]
    warning = result.findings[1]
    assert warning.severity == "warning"
    assert "ImportError" in warning.evidence


def test_only_warns_about_an_erroring_test_when_another_new_test_reproduces() -> None:
    head_tests = NEW_TESTS + "\n\ndef test_parses_plus():\n    assert parse('+1') == 1\n"
    plus = f"{TEST_PATH}::test_parses_plus"
    runner = _runner(
        base=[_result(NEW_ID, "failed"), _result(plus, "error")],
        head=[_result(NEW_ID, "passed"), _result(plus, "passed")],
    )
    result = _run(_context(runner, head_tests=head_tests))
    assert result.status == "warn"
    assert _rules(result) == [("regression-proof/errors-on-base", TEST_PATH, 12)]


def test_counts_a_collection_problem_on_base_as_not_reproducing() -> None:
    runner = FakeTestRunner(
        {
            BASE: _evidence(BASE, problem="the tests could not be collected"),
            WORKTREE: _evidence(WORKTREE, _result(NEW_ID, "passed")),
        }
    )
    result = _run(_context(runner))
    assert _rules(result) == [
        ("regression-proof/not-reproduced", "", 0),
        ("regression-proof/errors-on-base", TEST_PATH, NEW_LINE),
    ]
    assert "could not be collected" in result.findings[0].message
    assert result.findings[0].evidence == "tail"


def test_fails_with_the_problem_and_skips_the_base_run_when_head_has_no_evidence() -> None:
    runner = FakeTestRunner({WORKTREE: _evidence(WORKTREE, problem="pytest timed out after 900 s")})
    result = _run(_context(runner))
    assert result.status == "fail"
    assert _rules(result) == [("regression-proof/no-evidence", "", 0)]
    assert "timed out" in result.findings[0].message
    assert result.findings[0].evidence == "tail"
    assert [run[0] for run in runner.runs] == [WORKTREE]


def test_treats_parametrised_cases_as_one_test_when_judging() -> None:
    head_tests = NEW_TESTS.replace(
        "\n\ndef test_parses_negative_number():",
        '\n\n@pytest.mark.parametrize("text", ["-1", "-2"])\n'
        "def test_parses_negative_number(text):",
    )
    runner = _runner(
        base=[_result(f"{NEW_ID}[-1]", "failed"), _result(f"{NEW_ID}[-2]", "passed")],
        head=[_result(f"{NEW_ID}[-1]", "passed"), _result(f"{NEW_ID}[-2]", "failed")],
    )
    result = _run(_context(runner, head_tests=head_tests))
    assert _rules(result) == [("regression-proof/fails-on-head", TEST_PATH, NEW_LINE + 1)]
    assert f"{NEW_ID}[-2]: failed" in result.findings[0].evidence
    assert runner.runs[-1][1] == (NEW_ID,)


def test_finds_new_test_methods_when_they_sit_in_a_test_class() -> None:
    head_tests = OLD_TESTS + "\n\nclass TestSigned:\n    def test_minus(self):\n        pass\n"
    nodeid = f"{TEST_PATH}::TestSigned::test_minus"
    runner = _runner(base=[_result(nodeid, "passed")], head=[_result(nodeid, "passed")])
    result = _run(_context(runner, head_tests=head_tests))
    assert _rules(result) == [("regression-proof/passes-on-base", TEST_PATH, 9)]
    assert runner.runs[-1][1] == (nodeid,)


def test_matches_node_ids_when_pytest_runs_from_a_subdirectory() -> None:
    short = "tests/test_parse.py::test_parses_negative_number"
    runner = FakeTestRunner(
        {
            BASE: _evidence(BASE, evidence.TestResult(short, "failed", "tests/test_parse.py")),
            WORKTREE: _evidence(
                WORKTREE, evidence.TestResult(short, "passed", "tests/test_parse.py")
            ),
        }
    )
    path = f"service/{TEST_PATH}"
    context = make_context(
        {path: NEW_TESTS}, base_files={path: OLD_TESTS}, feature=_feature(), tests=runner
    )
    assert _run(context).status == "pass"


def test_reports_an_unparsable_test_file_at_its_syntax_error() -> None:
    result = _run(_context(FakeTestRunner(), head_tests=OLD_TESTS + "\ndef test_broken(:\n"))
    assert ("regression-proof/unparsable-test-file", TEST_PATH, 7) in _rules(result)
    assert result.status == "fail"


def test_ignores_test_named_methods_when_their_class_is_not_collected() -> None:
    text = "class Helper:\n    def test_like(self):\n        pass\n\n\ndef test_real():\n    pass\n"
    assert find_tests(text, TEST_PATH) == {"test_real": 6}


def test_counts_an_added_test_file_as_all_new_when_it_did_not_exist_at_base() -> None:
    path = "tests/test_signed.py"
    nodeid = f"{path}::test_minus"
    runner = _runner(base=[_result(nodeid, "failed")], head=[_result(nodeid, "passed")])
    context = make_context(
        {path: "def test_minus():\n    assert False\n"},
        changed=[changed_file(path, "def test_minus():\n    assert False\n", status="added")],
        feature=_feature(),
        tests=runner,
    )
    result = _run(context)
    assert result.status == "pass"
    assert runner.runs[-1][1] == (nodeid,)


@dataclass
class _CollectingRunner(FakeTestRunner):
    """Like pytest on the base: any run that selects `broken` cannot collect at all."""

    broken: str = ""

    def run(
        self,
        revision: str,
        selection: Sequence[str] = (),
        overlay: Mapping[str, str] | None = None,
    ) -> evidence.TestEvidence:
        canned = super().run(revision, selection, overlay)
        if revision != BASE:
            return canned
        if any(s.startswith(self.broken) for s in selection):
            return _evidence(BASE, problem="the tests could not be collected")
        chosen = [r for r in canned.results if r.nodeid.split("[")[0] in selection]
        return _evidence(BASE, *chosen)


def test_runs_each_file_alone_when_one_new_file_cannot_be_collected_on_base() -> None:
    signed = "tests/test_signed.py"
    signed_id = f"{signed}::test_signed"
    runner = _CollectingRunner(
        {
            BASE: _evidence(BASE, _result(NEW_ID, "failed")),
            WORKTREE: _evidence(WORKTREE, _result(NEW_ID, "passed"), _result(signed_id, "passed")),
        },
        broken=signed,
    )
    text = "from shop.parse import signed\n\n\ndef test_signed():\n    assert signed('-1')\n"
    result = _run(_context(runner, extra={signed: text}))
    assert result.status == "warn"
    assert _rules(result) == [("regression-proof/errors-on-base", signed, 4)]
    assert "could not be collected" in result.findings[0].message
    assert [run[1] for run in runner.runs if run[0] == BASE] == [
        (NEW_ID, signed_id),
        (NEW_ID,),
        (signed_id,),
    ]
