"""The `acceptance` gate: every criterion of the feature is proven by linked tests that passed.

A test proves a criterion only when it is linked to it (`@pytest.mark.ac("AC-1")`, a
pytest-bdd scenario, `test_ac_1_...` or the id in its docstring) and ran and passed in
this run. A criterion whose linked tests were all skipped or deselected, or were never
collected, is missing; one with a failed, errored, xfailed, xpassed or skipped linked
test is failing. The option `criteria` (a list of ids) restricts which criteria are
judged, e.g. during `backdev run`, where only the steps done so far count.
"""

from __future__ import annotations

from collections.abc import Sequence

from backdev.application.gates import GateContext, feature_or_skip
from backdev.application.trace import CriterionTrace, TracedTest, build_trace
from backdev.domain.evidence import TestEvidence
from backdev.domain.features import Feature
from backdev.domain.findings import Finding, GateResult

GATE_ID = "acceptance"
NO_LINKED_TEST = f"{GATE_ID}/no-linked-test"
LINKED_TEST_FAILED = f"{GATE_ID}/linked-test-failed"
UNKNOWN_CRITERION = f"{GATE_ID}/unknown-criterion"
NO_EVIDENCE = f"{GATE_ID}/no-evidence"
_SHOWN_TESTS = 5
_OUTPUT_TAIL = 1500


class AcceptanceGate:
    """Each judged criterion needs at least one linked test, and all of them must pass."""

    @property
    def id(self) -> str:
        """The gate id, `acceptance`."""
        return GATE_ID

    def run(self, context: GateContext) -> GateResult:
        """Trace each criterion through the head's test run and report the unproven ones."""
        feature = feature_or_skip(context, GATE_ID)
        if isinstance(feature, GateResult):
            return feature
        wanted = _wanted(context)
        unknown = [c for c in wanted or () if feature.criterion(c) is None]
        judged = [c for c in feature.criteria if wanted is None or c.id in wanted]
        if not judged and not unknown:
            return GateResult.skipped(GATE_ID, _nothing_to_judge(feature, wanted))
        if not judged:
            return GateResult.judged(
                GATE_ID, [_unknown_finding(feature, unknown)], "the option `criteria`"
            )
        if context.evidence is None:
            return GateResult.skipped(
                GATE_ID, "no test runner is wired, so no test evidence to judge the criteria by"
            )
        evidence = context.evidence.head()
        if evidence.problem is not None:
            return GateResult.judged(GATE_ID, [_no_evidence(evidence)], "the project's test run")
        trace = build_trace(feature, evidence, only={c.id for c in judged})
        findings = [_unknown_finding(feature, unknown)] if unknown else []
        findings += [
            found
            for criterion in trace.criteria
            if (found := _criterion_finding(feature, criterion)) is not None
        ]
        return GateResult.judged(GATE_ID, findings, _checked(feature, trace.criteria, evidence))


def _no_evidence(evidence: TestEvidence) -> Finding:
    """The tests could not tell anything: no criterion can be proven."""
    return Finding(
        rule=NO_EVIDENCE,
        severity="error",
        path="",
        line=0,
        message=f"the project's tests could not produce evidence ({evidence.problem}), "
        "so no acceptance criterion can be shown to be satisfied",
        fix=evidence.fix
        or "make the test suite collect and run (`pytest` at the repository root), then check",
        evidence=evidence.output[-_OUTPUT_TAIL:].strip(),
    )


def _wanted(context: GateContext) -> tuple[str, ...] | None:
    """The ids of the option `criteria`, or None to judge every criterion."""
    value = context.options.get("criteria")
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return None


def _nothing_to_judge(feature: Feature, wanted: Sequence[str] | None) -> str:
    if wanted is not None:
        return f"no criterion of feature {feature.id} selected (option `criteria` is empty)"
    return f"feature {feature.id} has no acceptance criteria"


def _criterion_finding(feature: Feature, criterion: CriterionTrace) -> Finding | None:
    named = f"acceptance criterion {criterion.id} ({criterion.title})"
    if criterion.status == "missing":
        if criterion.tests:
            message = (
                f"{named} is not proven: none of its linked tests ran in this run "
                f"({_listed(criterion.tests)}); a test that did not run proves nothing"
            )
            fix = (
                "make the linked tests run: remove the skip or deselection, or fix what skips them"
            )
        else:
            message = f"{named} has no linked test in this run, so nothing shows it is satisfied"
            fix = f'add a passing test marked @pytest.mark.ac("{criterion.id}") that proves it'
        return Finding(
            NO_LINKED_TEST,
            "error",
            feature.path,
            criterion.line,
            message,
            fix,
            evidence=_evidence(criterion.tests) or _how_to_link(criterion.id),
        )
    if criterion.status == "failing":
        unproven = criterion.unproven
        share = (
            "its linked test did not pass"
            if len(criterion.tests) == 1
            else f"{len(unproven)} of its {len(criterion.tests)} linked tests did not pass"
        )
        message = f"{named} is not proven: {share} ({_listed(unproven)})"
        return Finding(
            LINKED_TEST_FAILED,
            "error",
            feature.path,
            criterion.line,
            message,
            "make every linked test run and pass: fix the code or the test, never the link",
            evidence=_evidence(unproven),
        )
    return None


def _unknown_finding(feature: Feature, unknown: Sequence[str]) -> Finding:
    known = ", ".join(c.id for c in feature.criteria) or "none"
    return Finding(
        UNKNOWN_CRITERION,
        "error",
        feature.path,
        feature.criteria_line,
        f"the option `criteria` names {', '.join(unknown)}, which feature {feature.id} "
        f"does not define (its criteria: {known})",
        "name only criteria the feature defines in the option `criteria`",
    )


def _listed(tests: Sequence[TracedTest]) -> str:
    shown = [f"{t.nodeid} {t.outcome}" for t in tests[:_SHOWN_TESTS]]
    more = len(tests) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _evidence(tests: Sequence[TracedTest]) -> str:
    lines = [
        f"{t.nodeid}: {t.outcome}" + (f": {t.message}" if t.message else "")
        for t in tests[:_SHOWN_TESTS]
    ]
    return "\n".join(line[:300] for line in lines)


def _how_to_link(criterion: str) -> str:
    number = criterion.removeprefix("AC-")
    return (
        f'no test links to {criterion}: use @pytest.mark.ac("{criterion}"), a test named '
        f"test_ac_{number}_..., or {criterion} in a test's docstring"
    )


def _checked(feature: Feature, criteria: Sequence[CriterionTrace], evidence: TestEvidence) -> str:
    count = len(criteria)
    tests = len(evidence.results)
    return (
        f"{count} criteri{'on' if count == 1 else 'a'} of {feature.id} "
        f"against {tests} test{'' if tests == 1 else 's'}"
    )
