"""The `behaviour-preserved` gate: a refactoring changes structure, never behaviour.

Existing tests stay as they were, the suite is green before and after, the public
signatures of the changed modules stay the same, and their line coverage does not
drop. The first and third are read from the code; the others need the suite's runs at
base and head (shared with the other gates). Without a test runner the static
findings are still reported, but the gate never passes on them alone.
"""

from __future__ import annotations

from backdev.application.gates import GateContext, feature_or_skip
from backdev.domain.changes import ChangedFile
from backdev.domain.findings import Finding, GateResult
from backdev.gates.behaviour_preserved.api import signature_findings
from backdev.gates.behaviour_preserved.covered import coverage_findings
from backdev.gates.behaviour_preserved.kept_tests import kept_test_findings
from backdev.gates.behaviour_preserved.source import GATE_ID, Versions, python_files, versions
from backdev.gates.behaviour_preserved.suite import no_evidence, suite_findings


class BehaviourPreservedGate:
    """Tests, public signatures and coverage are the same after a refactoring as before."""

    @property
    def id(self) -> str:
        """The gate id, `behaviour-preserved`."""
        return GATE_ID

    def run(self, context: GateContext) -> GateResult:
        """Compare the change's tests and modules with base; compare the suite's runs."""
        feature = feature_or_skip(context, GATE_ID, "refactor")
        if isinstance(feature, GateResult):
            return feature
        tests, broken_tests = _parsed(context, list(python_files(context, tests=True)))
        modules = list(python_files(context, tests=False))
        sources, broken_sources = _parsed(context, modules)
        findings = [*broken_tests, *broken_sources]
        findings += kept_test_findings(tests)
        findings += signature_findings(sources)
        checked = f"{_count(len(tests), 'test file')}, {_count(len(modules), 'module')}"
        if context.evidence is None:
            if findings:
                return GateResult.judged(GATE_ID, findings, f"{checked}; no test runner")
            return GateResult.skipped(
                GATE_ID, "no test runner is wired: the suite and coverage could not be compared"
            )
        base, head = context.evidence.base(), context.evidence.head()
        problems = [no_evidence(e, w) for e, w in ((base, "base"), (head, "head")) if e.problem]
        if problems:
            return GateResult.judged(GATE_ID, [*findings, *problems], checked)
        findings += suite_findings(base, head)
        findings += coverage_findings(
            base.coverage,
            head.coverage,
            (f.old_path or f.path for f in modules if f.status not in ("added", "copied")),
            (f.path for f in modules if f.status != "deleted"),
        )
        return GateResult.judged(
            GATE_ID, findings, f"{checked}, the suite at base and head ({len(head.results)} tests)"
        )


def _parsed(context: GateContext, files: list[ChangedFile]) -> tuple[list[Versions], list[Finding]]:
    parsed: list[Versions] = []
    broken: list[Finding] = []
    for changed in files:
        found = versions(context, changed)
        if isinstance(found, Finding):
            broken.append(found)
        else:
            parsed.append(found)
    return parsed, broken


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
