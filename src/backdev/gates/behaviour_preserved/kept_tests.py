"""Rules `test-changed` and `test-removed`: a refactoring leaves every existing test as it was.

Tests are compared by qualified name between base and head. A test's shape is its
decorators, parameters and body without positions, so a test that merely moved within
its file is unchanged, while an edited assertion, a new marker or a renamed fixture
argument is a change. New tests may be added.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

from backdev.application.python_tests import TestFunction, collected_tests
from backdev.domain.findings import Finding
from backdev.gates.behaviour_preserved.source import GATE_ID, Versions


@dataclass(frozen=True, slots=True)
class ExistingTest:
    """A test function; `line` is its `def` line."""

    qualname: str
    line: int
    shape: str


def kept_test_findings(files: list[Versions]) -> list[Finding]:
    """One finding per test present at base that is gone or different at head."""
    findings: list[Finding] = []
    for version in files:
        if version.base is None or version.base_path is None:
            continue
        before = existing_tests(version.base)
        after = existing_tests(version.head) if version.head is not None else {}
        for name, test in before.items():
            now = after.get(name)
            if now is None:
                findings.append(_removed(version, test))
            elif now.shape != test.shape:
                findings.append(_changed(version.changed.path, test, now))
    return findings


def existing_tests(tree: ast.Module) -> Mapping[str, ExistingTest]:
    """Test qualname (`test_x`, `TestA::test_x`) -> the test, for tests pytest would collect."""
    return {
        qualname: ExistingTest(qualname, node.lineno, _shape(node))
        for qualname, node in collected_tests(tree)
    }


def _shape(node: TestFunction) -> str:
    # ast.dump leaves out line and column attributes by default: moving is not changing.
    parts = [*node.decorator_list, node.args, *node.body]
    kind = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    return "|".join([kind, *(ast.dump(part) for part in parts)])


def _removed(version: Versions, test: ExistingTest) -> Finding:
    path = version.base_path or version.changed.path
    gone = "its file is deleted" if version.head is None else "it is gone at head"
    return Finding(
        f"{GATE_ID}/test-removed",
        "error",
        path,
        test.line,
        f"existing test `{test.qualname}` (line {test.line} at base) is removed or renamed "
        f"({gone}): a refactoring must keep every test, they are the proof that behaviour "
        "is unchanged",
        "restore the test as it was at base",
    )


def _changed(path: str, before: ExistingTest, after: ExistingTest) -> Finding:
    return Finding(
        f"{GATE_ID}/test-changed",
        "error",
        path,
        after.line,
        f"existing test `{after.qualname}` is changed: a refactoring must pass the same "
        "tests, unchanged, before and after",
        "revert the test to its base version; change behaviour in a feature or defect change",
        f"at base line {before.line}",
    )
