"""Rule `coverage-dropped`: line coverage of the changed modules is not lower than at base.

The ratio is taken over all changed non-test modules together (statements executed
over statements), each revision over the modules that exist in it, so code moved from
one module into a new one is compared as a whole. Modules the run did not measure are
left out of both sides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from backdev.domain.evidence import FileCoverage
from backdev.domain.findings import Finding
from backdev.gates.behaviour_preserved.source import GATE_ID


@dataclass(frozen=True, slots=True)
class Ratio:
    """Executed statements over statements."""

    covered: int
    total: int

    @property
    def percent(self) -> float:
        """The ratio in percent (100 for no statements)."""
        return 100.0 * self.covered / self.total if self.total else 100.0

    def is_below(self, other: Ratio) -> bool:
        """Exactly lower than `other`, without rounding."""
        return self.covered * other.total < other.covered * self.total


def coverage_findings(
    base: Mapping[str, FileCoverage],
    head: Mapping[str, FileCoverage],
    base_paths: Iterable[str],
    head_paths: Iterable[str],
) -> list[Finding]:
    """A finding when the head's ratio over `head_paths` is below the base's over `base_paths`."""
    before_files = [base[p] for p in dict.fromkeys(base_paths) if p in base]
    after_files = [head[p] for p in dict.fromkeys(head_paths) if p in head]
    before, after = ratio(before_files), ratio(after_files)
    if not before.total or not after.total or not after.is_below(before):
        return []
    was, now = _percents(before, after)
    return [
        Finding(
            f"{GATE_ID}/coverage-dropped",
            "error",
            "",
            0,
            f"line coverage of the changed modules dropped from {was} at base to {now} at "
            "head: a refactoring must leave its code at least as well tested",
            "cover the refactored code as well as before (the tests must not change)",
            _evidence(before_files, after_files),
        )
    ]


def ratio(files: Iterable[FileCoverage]) -> Ratio:
    """The combined ratio of `files`."""
    covered = total = 0
    for file in files:
        total += len(file.statements)
        covered += len(file.executed & file.statements)
    return Ratio(covered, total)


def _percents(before: Ratio, after: Ratio) -> tuple[str, str]:
    # One decimal, unless that would print two equal numbers for a real drop.
    for digits in (1, 2, 4):
        was, now = f"{before.percent:.{digits}f}%", f"{after.percent:.{digits}f}%"
        if was != now:
            break
    return (
        f"{was} ({before.covered}/{before.total} statements)",
        f"{now} ({after.covered}/{after.total})",
    )


def _evidence(before: list[FileCoverage], after: list[FileCoverage]) -> str:
    lines = [f"base {f.path}: {_one(f)}" for f in before]
    lines += [f"head {f.path}: {_one(f)}" for f in after]
    return "\n".join(lines)


def _one(file: FileCoverage) -> str:
    part = ratio([file])
    return f"{part.percent:.1f}% ({part.covered}/{part.total})"
