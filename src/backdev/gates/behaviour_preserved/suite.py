"""Rules `suite-red-on-head` and `suite-red-on-base`: the suite is green before and after.

A test is red when it failed or errored. Only what the change turned red is the
change's fault (an error); tests already red at base make a warning — the refactoring
started from red, so those tests prove nothing about the behaviour they cover.
"""

from __future__ import annotations

from collections.abc import Sequence

from backdev.domain.evidence import TestEvidence, TestResult
from backdev.domain.findings import Finding
from backdev.gates.behaviour_preserved.source import GATE_ID

_RED = frozenset({"failed", "error"})
_SHOWN = 10
_NAMED = 3
_TAIL = 1500


def suite_findings(base: TestEvidence, head: TestEvidence) -> list[Finding]:
    """Red tests at head that were not red at base (error), and red tests at base (warning)."""
    red_base = red(base)
    was_red = {r.nodeid for r in red_base}
    turned_red = [r for r in red(head) if r.nodeid not in was_red]
    findings: list[Finding] = []
    if turned_red:
        findings.append(
            Finding(
                f"{GATE_ID}/suite-red-on-head",
                "error",
                "",
                0,
                f"{_fail(turned_red)} at head but not at base ({_names(turned_red)}): "
                "the refactoring changed behaviour the tests pin down",
                "make the refactoring keep the behaviour, so that the suite is green again",
                _listing(turned_red),
            )
        )
    if red_base:
        still = sum(1 for r in red(head) if r.nodeid in was_red)
        findings.append(
            Finding(
                f"{GATE_ID}/suite-red-on-base",
                "warning",
                "",
                0,
                f"{_fail(red_base)} already at base ({_names(red_base)}; {still} still at "
                "head): the refactoring started from a red suite, which proves nothing for "
                "those tests",
                "refactor from a green suite: fix or quarantine the failing tests first",
                _listing(red_base),
            )
        )
    return findings


def no_evidence(evidence: TestEvidence, where: str) -> Finding:
    """The tests could not run at `where`: nothing about behaviour can be proven."""
    return Finding(
        f"{GATE_ID}/no-evidence",
        "error",
        "",
        0,
        f"the tests could not produce evidence at the {where}: {evidence.problem}; "
        "without both runs a preserved behaviour cannot be shown",
        "make the test suite run at both revisions (see the output), then check again",
        evidence.output.strip()[-_TAIL:],
    )


def red(evidence: TestEvidence) -> list[TestResult]:
    """The tests that failed or errored, in run order."""
    return [r for r in evidence.results if r.outcome in _RED]


def _fail(results: Sequence[TestResult]) -> str:
    return "1 test fails" if len(results) == 1 else f"{len(results)} tests fail"


def _names(results: Sequence[TestResult]) -> str:
    shown = ", ".join(r.nodeid.rpartition("::")[2] for r in results[:_NAMED])
    return shown + (", ..." if len(results) > _NAMED else "")


def _listing(results: Sequence[TestResult]) -> str:
    lines = [
        f"{r.nodeid}: {r.outcome}" + (f" — {r.message}" if r.message else "")
        for r in results[:_SHOWN]
    ]
    if len(results) > _SHOWN:
        lines.append(f"... and {len(results) - _SHOWN} more")
    return "\n".join(lines)
