"""Rule `tests/test-removed`: a test present at base is gone at head (file or function).

Moved and renamed tests are not removals (see `matching`). A whole class or file of
removed tests is one finding. Removals carry line 0: the offending lines are gone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from backdev.domain.findings import Finding
from backdev.gates.tests.allowance import Allowance
from backdev.gates.tests.facts import FoundTest
from backdev.gates.tests.matching import ChangedTestFile, Matches

RULE = "tests/test-removed"
_FIX = "restore the test, or have the feature list it under `## Test Changes`"
_SHOWN = 5


def removed_tests(matches: Matches, allowance: Allowance) -> list[Finding]:
    """One finding per deleted test file, removed test class, or removed test function."""
    groups: dict[tuple[str, str], list[FoundTest]] = defaultdict(list)
    files: dict[str, ChangedTestFile] = {}
    for pair, test in matches.removed:
        if allowance.allows(pair.path, test.qualname):
            continue
        files[pair.path] = pair
        key = "" if pair.head is None else _gone_class(test, pair)
        groups[(pair.path, key)].append(test)
    findings: list[Finding] = []
    for (path, owner), tests in sorted(groups.items()):
        pair = files[path]
        if pair.head is None:
            what = f"test file {path} is deleted with {_tests(tests)}"
        elif owner:
            what = f"test class `{owner}` is removed with {_tests(tests)}"
        else:
            findings += [_finding(path, f"test `{t.qualname}` is removed", t, pair) for t in tests]
            continue
        findings.append(_finding(path, what, tests[0], pair))
    return findings


def _gone_class(test: FoundTest, pair: ChangedTestFile) -> str:
    """The outermost class of `test` when that class no longer exists at head, else ""."""
    outer = test.qualname.split("::")[0] if test.owner else ""
    if outer and pair.head is not None and outer not in pair.head.classes:
        return outer
    return ""


def _finding(path: str, what: str, test: FoundTest, pair: ChangedTestFile) -> Finding:
    evidence = pair.base.line_text(test.line) if pair.base is not None else ""
    return Finding(
        RULE,
        "error",
        path,
        0,
        f"{what} (it was at line {test.line} at base); removing tests hides regressions "
        "unless the feature says so",
        _FIX,
        evidence,
    )


def _tests(tests: Sequence[FoundTest]) -> str:
    names = ", ".join(t.qualname for t in tests[:_SHOWN])
    more = f" and {len(tests) - _SHOWN} more" if len(tests) > _SHOWN else ""
    count = f"{len(tests)} test{'' if len(tests) == 1 else 's'}"
    return f"its {count} ({names}{more})"
