"""A changed source file together with what the test run measured of it."""

from __future__ import annotations

from dataclasses import dataclass

from backdev.domain.evidence import FileCoverage

_SHOWN = 200


@dataclass(frozen=True, slots=True)
class MeasuredFile:
    """One changed non-test source file: the statements the change adds or edits (by
    first line, see `statements`), its head text and its coverage."""

    path: str
    touched: frozenset[int]
    coverage: FileCoverage
    lines: tuple[str, ...]

    @property
    def executable(self) -> frozenset[int]:
        """Touched lines coverage.py counts as statements (pragma-excluded lines are not)."""
        return self.touched & self.coverage.statements

    @property
    def uncovered(self) -> frozenset[int]:
        """Touched statements no test executed."""
        return self.executable - self.coverage.executed

    def runs(self, line: int) -> bool:
        """True when `line` is a statement that some test executed."""
        return line in self.coverage.executed

    def counts(self, line: int) -> bool:
        """True when coverage.py measures `line` (a statement not excluded by a pragma)."""
        return line in self.coverage.statements

    def text(self, line: int) -> str:
        """The stripped source of `line`, shortened for a message."""
        if 0 < line <= len(self.lines):
            return self.lines[line - 1].strip()[:_SHOWN]
        return ""
