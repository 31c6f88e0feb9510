"""Rule `tests/test-weakened`: an existing test asserts less, or a test cannot fail.

Three signs: fewer assertions than the same test had at base (assert statements,
`assert*` calls, `pytest.raises`/`warns`, calls to the file's own asserting helpers);
an assertion that is always true (`assert True`); a broad `except` that swallows
failures. The last two count only where the change adds them.
"""

from __future__ import annotations

from collections.abc import Sequence

from backdev.domain.findings import Finding
from backdev.gates.tests.allowance import Allowance
from backdev.gates.tests.facts import FoundTest
from backdev.gates.tests.matching import ChangedTestFile, Matches

RULE = "tests/test-weakened"
_FIX = "keep the test's assertions, or have the feature list it under `## Test Changes`"


def weakened_tests(
    pairs: Sequence[ChangedTestFile], matches: Matches, allowance: Allowance
) -> list[Finding]:
    """A finding per test that lost assertions, and per always-true assert or swallowing except."""
    findings: list[Finding] = []
    for pair in pairs:
        if pair.head is None:
            continue
        for test in pair.head.tests.values():
            if allowance.allows(pair.path, test.qualname):
                continue
            base = matches.base_of(pair.path, test.qualname)
            before = base.test if base is not None else None
            findings += _fewer_assertions(pair, test, before)
            findings += _new_lines(
                pair,
                test,
                test.trivial_asserts,
                len(before.trivial_asserts) if before else 0,
                what="asserts something always true, so it cannot fail",
                fix="assert the behaviour under test instead of a constant",
            )
            findings += _new_lines(
                pair,
                test,
                test.broad_handlers,
                len(before.broad_handlers) if before else 0,
                what="catches every exception without failing, so errors no longer fail it",
                fix="catch the specific exception, or let it propagate (use pytest.raises)",
            )
    return findings


def _fewer_assertions(
    pair: ChangedTestFile, test: FoundTest, before: FoundTest | None
) -> list[Finding]:
    if before is None or test.assertions >= before.assertions:
        return []
    line = next(
        (n for n in sorted(pair.added_lines) if test.start <= n <= test.end),
        0,
    )
    evidence = pair.head.line_text(line or test.line) if pair.head is not None else ""
    return [
        Finding(
            RULE,
            "error",
            pair.path,
            line,
            f"test `{test.qualname}` now makes {test.assertions} assertion"
            f"{'' if test.assertions == 1 else 's'}, {before.assertions} at base; "
            "a weaker test lets regressions through",
            _FIX,
            evidence,
        )
    ]


def _new_lines(
    pair: ChangedTestFile,
    test: FoundTest,
    lines: Sequence[int],
    before: int,
    *,
    what: str,
    fix: str,
) -> list[Finding]:
    if len(lines) <= before or pair.head is None:
        return []
    return [
        Finding(
            RULE,
            "error",
            pair.path,
            line,
            f"test `{test.qualname}` {what}",
            fix,
            pair.head.line_text(line),
        )
        for line in lines
        if line in pair.added_lines
    ]
