"""The `regression-proof` gate: the tests a defect fix adds fail on the base and pass on the fix.

The head's outcomes come from the check's shared run of the whole suite; the base run
is the gate's own, of the new tests only, with the change's test files written over the
base revision. On the base only an ordinary failure reproduces the defect: a test that
errors there (an import of something the fix adds, a fixture that does not exist yet)
or does not run proves nothing, so it is a warning, and the gate fails when no new test
fails on the base at all.
"""

from __future__ import annotations

from collections.abc import Mapping

from backdev.application.gates import GateContext, feature_or_skip
from backdev.application.ports import TestRunner
from backdev.domain.evidence import TestEvidence
from backdev.domain.findings import Finding, GateResult
from backdev.gates.regression_proof.added import AddedTests, NewTest, added_tests
from backdev.gates.regression_proof.outcomes import Observed, on_base, on_head

GATE_ID = "regression-proof"
_TAIL = 1500


class RegressionProofGate:
    """A defect fix comes with a test that fails before the fix and passes after it."""

    @property
    def id(self) -> str:
        """The gate id, `regression-proof`."""
        return GATE_ID

    def run(self, context: GateContext) -> GateResult:
        """Find the change's new tests and run them on the base; read their head outcomes."""
        feature = feature_or_skip(context, GATE_ID, "defect")
        if isinstance(feature, GateResult):
            return feature
        added = added_tests(context)
        findings = [_unparsable(u.path, u.line, u.reason) for u in added.unparsable]
        if not added.tests:
            findings.append(_no_test(feature.id))
            return GateResult.judged(GATE_ID, findings, _examined(added))
        if context.evidence is None:
            if findings:
                return GateResult.judged(GATE_ID, findings, _examined(added))
            return GateResult.skipped(
                GATE_ID, "no test runner is wired: the new tests could not be run"
            )
        head = context.evidence.head()
        if head.problem is not None:
            findings.append(_no_evidence(head, "head"))
            return GateResult.judged(GATE_ID, findings, _examined(added))
        base = _base_runs(context.evidence.runner, context.change.base, added)
        findings += judge(added.tests, base, head)
        return GateResult.judged(
            GATE_ID, findings, f"{_examined(added)}, run on the base {context.change.base[:12]}"
        )


def judge(
    tests: tuple[NewTest, ...], base: Mapping[str, TestEvidence], head: TestEvidence
) -> list[Finding]:
    """Findings for the new tests given the base runs (by test file) and the head run."""
    findings: list[Finding] = []
    reproduced = False
    passed_on_base = False
    for test in tests:
        before = on_base(base[test.path], test)
        if before.verdict == "failed":
            reproduced = True
        elif before.verdict == "passed":
            passed_on_base = True
            findings.append(_passes_on_base(test, before))
        else:
            findings.append(_errors_on_base(test, before))
        after = on_head(head, test)
        if after.verdict != "passed":
            findings.append(_fails_on_head(test, after))
    if not reproduced and not passed_on_base:
        broken = [run for run in base.values() if run.problem is not None]
        findings.append(_not_reproduced(broken[0] if broken else None))
    return findings


def _base_runs(runner: TestRunner, base: str, added: AddedTests) -> dict[str, TestEvidence]:
    """The new tests' run on the base, by test file.

    One run for all of them; when it cannot collect and the tests span several files,
    one run per file, so that a file that cannot be collected on the base (it imports
    what the fix adds) does not hide what the other files' tests do there.
    """
    files = sorted({test.path for test in added.tests})
    run = runner.run(base, selection=[t.nodeid for t in added.tests], overlay=added.overlay)
    if run.problem is None or len(files) == 1:
        return dict.fromkeys(files, run)
    return {
        path: runner.run(
            base,
            selection=[t.nodeid for t in added.tests if t.path == path],
            overlay=added.overlay,
        )
        for path in files
    }


def _passes_on_base(test: NewTest, run: Observed) -> Finding:
    return Finding(
        f"{GATE_ID}/passes-on-base",
        "error",
        test.path,
        test.line,
        f"new test `{test.qualname}` passes on the base revision, without the fix: "
        "it does not reproduce the defect",
        "make the test assert the behaviour the defect breaks, so that it fails without the fix",
        run.detail,
    )


def _errors_on_base(test: NewTest, run: Observed) -> Finding:
    how = _how(run)
    return Finding(
        f"{GATE_ID}/errors-on-base",
        "warning",
        test.path,
        test.line,
        f"new test `{test.qualname}` {how} on the base revision instead of failing: "
        "an error or a skip there is no proof that it reproduces the defect",
        "make the test fail on an assertion without the fix (e.g. import what the fix adds "
        "inside the test)",
        run.detail,
    )


def _fails_on_head(test: NewTest, run: Observed) -> Finding:
    how = _how(run)
    return Finding(
        f"{GATE_ID}/fails-on-head",
        "error",
        test.path,
        test.line,
        f"new test `{test.qualname}` {how} with the fix: a regression test must pass once "
        "the defect is fixed",
        "make the fix pass the test, or correct the test",
        run.detail,
    )


def _not_reproduced(broken: TestEvidence | None) -> Finding:
    problem = f" (the base run: {broken.problem})" if broken is not None else ""
    return Finding(
        f"{GATE_ID}/not-reproduced",
        "error",
        "",
        0,
        f"no new test fails on the base revision{problem}: the defect is not shown to be "
        "reproduced",
        "add a test that fails on an assertion without the fix and passes with it",
        broken.output.strip()[-_TAIL:] if broken is not None else "",
    )


def _no_test(feature_id: str) -> Finding:
    return Finding(
        f"{GATE_ID}/no-regression-test",
        "error",
        "",
        0,
        f"the change adds no test, but feature {feature_id} is a defect: a defect fix needs "
        "a test that reproduces it",
        "add a test that fails on the base revision and passes with the fix",
    )


def _no_evidence(evidence: TestEvidence, where: str) -> Finding:
    return Finding(
        f"{GATE_ID}/no-evidence",
        "error",
        "",
        0,
        f"the tests could not produce evidence at the {where}: {evidence.problem}",
        "make the test suite run (see the output), then check again",
        evidence.output.strip()[-_TAIL:],
    )


def _unparsable(path: str, line: int, reason: str) -> Finding:
    return Finding(
        f"{GATE_ID}/unparsable-test-file",
        "error",
        path,
        line,
        f"test file {path} cannot be parsed ({reason}): its new tests cannot be found",
        "fix the syntax error",
    )


def _how(run: Observed) -> str:
    if run.outcome in ("not run", "not collected"):
        return "could not be collected" if run.outcome == "not collected" else "did not run"
    return f"ended `{run.outcome}`"


def _examined(added: AddedTests) -> str:
    tests = len(added.tests)
    files = added.files
    return (
        f"{tests} new test{'' if tests == 1 else 's'} in "
        f"{files} changed test file{'' if files == 1 else 's'}"
    )
