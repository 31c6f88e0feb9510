"""The threshold rule: enough of the change's executable lines run under the tests."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from backdev.domain.findings import Finding
from backdev.gates.coverage.measured import MeasuredFile

UNCOVERED_LINES = "coverage/uncovered-lines"


@dataclass(frozen=True, slots=True)
class LineTotals:
    """How many of the change's executable lines there are, and how many ran."""

    executable: int
    covered: int

    @property
    def percent(self) -> float:
        """The covered share, rounded down to one decimal (100 when nothing is executable)."""
        if not self.executable:
            return 100.0
        return math.floor(self.covered * 1000 / self.executable) / 10

    def below(self, minimum: float) -> bool:
        """True when the covered share is under `minimum` percent (compared exactly)."""
        return self.covered * 100 < minimum * self.executable


def totals(files: Iterable[MeasuredFile]) -> LineTotals:
    """The executable and covered added lines over every measured file."""
    executable = covered = 0
    for measured in files:
        executable += len(measured.executable)
        covered += len(measured.executable) - len(measured.uncovered)
    return LineTotals(executable, covered)


def uncovered_findings(
    files: Sequence[MeasuredFile], counted: LineTotals, minimum: float
) -> list[Finding]:
    """One finding per file with uncovered added lines, when the change is under `minimum`."""
    if not counted.below(minimum):
        return []
    findings: list[Finding] = []
    for measured in files:
        uncovered = measured.uncovered
        if not uncovered:
            continue
        ranges = line_ranges(uncovered, measured.coverage.statements)
        count = len(uncovered)
        findings.append(
            Finding(
                rule=UNCOVERED_LINES,
                severity="error",
                path=measured.path,
                line=min(uncovered),
                message=(
                    f"{count} changed executable line{'' if count == 1 else 's'} of this file "
                    f"{'is' if count == 1 else 'are'} not run by any test ({ranges}); the change "
                    f"covers {counted.percent:g}% of its {counted.executable} changed executable "
                    f"lines, below the minimum of {minimum:g}%"
                ),
                fix=f"add tests that execute lines {ranges}, or remove the code nothing needs",
                evidence=ranges,
            )
        )
    return findings


def line_ranges(lines: Iterable[int], statements: Iterable[int]) -> str:
    """`lines` as ranges such as `3-5, 9`; lines that are not statements (comments, blank
    lines) never break a range, as in coverage.py's own report."""
    wanted = set(lines)
    runs: list[tuple[int, int]] = []
    start = end = 0
    for line in sorted(set(statements) | wanted):
        if line in wanted:
            if not start:
                start = line
            end = line
        elif start:
            runs.append((start, end))
            start = 0
    if start:
        runs.append((start, end))
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
