"""Rules `tests/test-skipped` and `tests/xfail-added`: the change adds a skip or xfail marker.

A marker counts as added when its test (or class, or module) has more markers of that
name at head than its base counterpart had, and the marker sits on an added line; so a
moved or reformatted marker is not new.
"""

from __future__ import annotations

from collections.abc import Sequence

from backdev.domain.findings import Finding
from backdev.gates.tests.allowance import Allowance
from backdev.gates.tests.facts import MODULE, FileFacts, Marker
from backdev.gates.tests.matching import ChangedTestFile, Matches

SKIPPED = "tests/test-skipped"
XFAIL = "tests/xfail-added"


def added_markers(
    pairs: Sequence[ChangedTestFile], matches: Matches, allowance: Allowance
) -> list[Finding]:
    """A finding for every skip or xfail marker the change adds."""
    by_path = {pair.path: pair for pair in pairs}
    findings: list[Finding] = []
    for pair in pairs:
        if pair.head is None:
            continue
        for marker in pair.head.markers:
            if marker.line not in pair.added_lines:
                continue
            if allowance.allows(pair.path, "" if marker.owner == MODULE else marker.owner):
                continue
            before = _base_count(marker, pair, matches, by_path)
            if _count(pair.head, marker.owner, marker) > before:
                findings.append(_finding(pair.path, marker, pair.head))
    return findings


def _base_count(
    marker: Marker,
    pair: ChangedTestFile,
    matches: Matches,
    by_path: dict[str, ChangedTestFile],
) -> int:
    base = matches.base_of(pair.path, marker.owner)
    if base is not None:
        facts = by_path[base.path].base
        return _count(facts, base.test.qualname, marker) if facts is not None else 0
    return _count(pair.base, marker.owner, marker) if pair.base is not None else 0


def _count(facts: FileFacts, owner: str, like: Marker) -> int:
    return sum(
        1 for m in facts.markers if m.owner == owner and m.kind == like.kind and m.name == like.name
    )


def _finding(path: str, marker: Marker, head: FileFacts) -> Finding:
    where = "the module" if marker.owner == MODULE else f"`{marker.owner}`"
    if marker.kind == "skip":
        rule, what = SKIPPED, f"the change skips {where} with `{marker.name}`"
        why = "a skipped test proves nothing"
    else:
        rule, what = XFAIL, f"the change marks {where} as expected to fail with `{marker.name}`"
        why = "an xfail test hides the failure it should report"
    return Finding(
        rule,
        "error",
        path,
        marker.line,
        f"{what}; {why} unless the feature says so",
        "make the test pass instead, or have the feature list it under `## Test Changes`",
        head.line_text(marker.line),
    )
