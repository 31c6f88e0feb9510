"""Failure scenarios: every `raise` and `except` block the change adds runs under a test.

An untested error path is the code most likely to be wrong when it finally runs, so
these count one by one, whatever the overall percentage. A `raise` inside an except
block that is itself reported is part of that one failure path and not reported again.
"""

from __future__ import annotations

from backdev.domain.findings import Finding
from backdev.gates.coverage.measured import MeasuredFile
from backdev.gates.coverage.syntax import SourceFacts

UNTESTED_RAISE = "coverage/untested-raise"
UNTESTED_EXCEPT = "coverage/untested-except"


def failure_findings(measured: MeasuredFile, facts: SourceFacts) -> list[Finding]:
    """Findings for the added raise statements and except blocks no test executed."""
    findings: list[Finding] = []
    reported: list[tuple[int, int]] = []
    for handler in sorted(facts.handlers, key=lambda h: h.line):
        if _untested(measured, handler.line):
            reported.append((handler.line, handler.end))
            findings.append(
                Finding(
                    rule=UNTESTED_EXCEPT,
                    severity="error",
                    path=measured.path,
                    line=handler.line,
                    message=(
                        "the except block the change adds never runs under the tests, so "
                        "this failure path is untested"
                    ),
                    fix="add a test that makes the guarded code raise, so this handler runs",
                    evidence=measured.text(handler.line),
                )
            )
    for line in sorted(facts.raises):
        if _untested(measured, line) and not any(a <= line <= b for a, b in reported):
            findings.append(
                Finding(
                    rule=UNTESTED_RAISE,
                    severity="error",
                    path=measured.path,
                    line=line,
                    message=(
                        "the raise statement the change adds never runs under the tests, so "
                        "this failure scenario is untested"
                    ),
                    fix="add a test that triggers this error and checks it (pytest.raises)",
                    evidence=measured.text(line),
                )
            )
    return findings


def _untested(measured: MeasuredFile, line: int) -> bool:
    """An added, measured line that no test ran (pragma-excluded lines are not measured)."""
    return line in measured.touched and measured.counts(line) and not measured.runs(line)
