"""Branch arms: every arm of an `if`/`elif`/`else`, a `match` case or a loop that the change
adds is taken by at least one test.

An arm counts as added when its branching statement is added or edited, or when it
leads into an `else` or `elif` the change adds to an existing statement. The arms come
from coverage.py's arc analysis; the AST only names them.
"""

from __future__ import annotations

import re

from backdev.domain.findings import Finding
from backdev.gates.coverage.measured import MeasuredFile
from backdev.gates.coverage.syntax import Branching, SourceFacts

UNTAKEN_BRANCH = "coverage/untaken-branch"
_NO_BRANCH = re.compile(
    r"#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(branch|BRANCH)"
    r"|^\s*(while|if) (True|1|False|0):"
)
"""coverage.py's default partial-branch markers: such lines are not expected to take every
arm (the runner's data normally leaves them out already)."""


def branch_findings(measured: MeasuredFile, facts: SourceFacts) -> list[Finding]:
    """One finding per branching line with an added arm that no test took."""
    findings: list[Finding] = []
    for line, targets in sorted(measured.coverage.branches.items()):
        branching = facts.branchings.get(line)
        if branching is None or not measured.counts(line):
            continue
        if _NO_BRANCH.search(measured.lines[line - 1] if line <= len(measured.lines) else ""):
            continue
        untaken = [
            target
            for target in sorted(targets, key=_order)
            if _added_arm(measured, branching, target)
            and (line, target) not in measured.coverage.taken
        ]
        if untaken:
            findings.append(_finding(measured, branching, untaken))
    return findings


def arm_name(branching: Branching, target: int) -> str:
    """A reader's name for the arm from `branching` to `target` (negative: leaves the code)."""
    where = f"line {target}" if target > 0 else "exit"
    if branching.kind in ("if", "elif"):
        if target == branching.body:
            return f"true arm ({where})"
        if target == branching.orelse and branching.orelse_kind == "elif":
            return f"false arm (to the elif at {where})"
        if target == branching.orelse:
            return f"else arm ({where})"
        return f"false arm ({where})"
    if branching.kind == "case":
        if target == branching.body:
            return f"arm where this case matches ({where})"
        return f"arm where this case does not match ({where})"
    if target == branching.body:
        return f"arm entering the loop body ({where})"
    if target == branching.orelse:
        return f"loop exit into its else ({where})"
    return f"loop exit ({where})"


def _added_arm(measured: MeasuredFile, branching: Branching, target: int) -> bool:
    if branching.line in measured.touched:
        return True
    # `else:` belongs to no statement, so an added one stays in `touched` as itself
    new_else = branching.else_line > 0 and branching.else_line in measured.touched
    return new_else and target == branching.orelse


def _finding(measured: MeasuredFile, branching: Branching, untaken: list[int]) -> Finding:
    names = [arm_name(branching, target) for target in untaken]
    ran = measured.runs(branching.line)
    why = "" if ran else " (the statement itself never ran)"
    return Finding(
        rule=UNTAKEN_BRANCH,
        severity="error",
        path=measured.path,
        line=branching.line,
        message=(
            f"no test takes the {' or the '.join(names)} of this `{branching.kind}`{why}: "
            "a branch arm the change adds that no test takes is unproven"
        ),
        fix=f"add a test that takes the {names[0]}"
        + (" and the other untaken arms" if len(names) > 1 else ""),
        evidence=measured.text(branching.line),
    )


def _order(target: int) -> tuple[bool, int]:
    """Arms into the code first, in line order; exits last."""
    return (target < 0, abs(target))
