"""What gates report: findings, a gate's result, and the whole check's report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
GateStatus = Literal["pass", "fail", "warn", "skip"]
Verdict = Literal["pass", "fail"]
REPORT_SCHEMA = "backdev.check/1"


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule broken by the change: what rule, where, why, and how to fix it.

    `line` is 0 for a finding about a whole file or the whole change; `path` is ""
    for a finding about the whole change.
    """

    rule: str
    severity: Severity
    path: str
    line: int
    message: str
    fix: str
    evidence: str = ""
    cwe: int | None = None


@dataclass(frozen=True, slots=True)
class GateResult:
    """A gate's verdict on the change. A failed gate is data, never an exception."""

    gate: str
    status: GateStatus
    summary: str
    findings: tuple[Finding, ...] = ()

    @classmethod
    def skipped(cls, gate: str, reason: str) -> GateResult:
        """Nothing to check: the reason says why (never a silent pass)."""
        return cls(gate, "skip", reason)

    @classmethod
    def judged(cls, gate: str, findings: Iterable[Finding], checked: str) -> GateResult:
        """The status follows from the findings; `checked` says what was examined."""
        found = tuple(sorted(findings, key=_finding_order))
        errors = sum(1 for f in found if f.severity == "error")
        warnings = len(found) - errors
        if errors:
            status: GateStatus = "fail"
            summary = f"{_count(errors, 'error')}" + (
                f", {_count(warnings, 'warning')}" if warnings else ""
            )
        elif warnings:
            status, summary = "warn", _count(warnings, "warning")
        else:
            status, summary = "pass", "no findings"
        return cls(gate, status, f"{summary} ({checked})", found)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """The result of `backdev check`: every gate's result and the verdict."""

    base: str
    head: str
    gates: tuple[GateResult, ...]

    @property
    def verdict(self) -> Verdict:
        """`fail` when any gate failed; warnings and skips do not fail a change."""
        return "fail" if any(g.status == "fail" for g in self.gates) else "pass"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _finding_order(finding: Finding) -> tuple[str, int, str]:
    return (finding.path, finding.line, finding.rule)
