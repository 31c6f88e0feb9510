"""The tests a change adds: test functions present at head but not at base, per test file.

A test is a function whose name starts with `test`, at module level or in a class
pytest collects (named `Test…`, or with a base class such as `unittest.TestCase`).
Tests are compared by name, so a parametrised test is one test and an edited test is
not a new one. The head texts of every changed test file (helpers, conftest and data
included) form the overlay that carries the new tests over to the base revision.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from backdev.application.gates import GateContext
from backdev.application.python_tests import collected_tests
from backdev.domain.changes import ChangedFile

_NOT_TEST_MODULES = frozenset({"conftest.py", "__init__.py"})


@dataclass(frozen=True, slots=True)
class NewTest:
    """A test function the change adds; `line` is its `def` line at head."""

    path: str
    qualname: str
    """`test_x`, or `TestClass::test_x` for a method (pytest's node id form)."""
    line: int

    @property
    def nodeid(self) -> str:
        """The node id that selects the test (all of its parametrised cases)."""
        return f"{self.path}::{self.qualname}"


@dataclass(frozen=True, slots=True)
class Unparsable:
    """A changed test file whose head text is not valid Python."""

    path: str
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class AddedTests:
    """What the change adds to the tests, and what the base run needs from head."""

    tests: tuple[NewTest, ...]
    overlay: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    unparsable: tuple[Unparsable, ...] = ()
    files: int = 0
    """How many changed Python test files were examined."""


def added_tests(context: GateContext) -> AddedTests:
    """The new test functions of the change's test files, in path and line order."""
    tests: list[NewTest] = []
    overlay: dict[str, str] = {}
    broken: list[Unparsable] = []
    examined = 0
    for changed in _test_files(context):
        head = context.read_head(changed.path)
        if head is None:
            continue  # binary or not UTF-8: it cannot hold Python tests
        overlay[changed.path] = head
        if not _is_test_module(changed.path):
            continue
        examined += 1
        found = find_tests(head, changed.path)
        if isinstance(found, Unparsable):
            broken.append(found)
            continue
        before = _base_tests(context, changed)
        tests += [
            NewTest(changed.path, name, line)
            for name, line in sorted(found.items(), key=lambda item: item[1])
            if name not in before
        ]
    return AddedTests(tuple(tests), MappingProxyType(overlay), tuple(broken), examined)


def find_tests(text: str, path: str) -> dict[str, int] | Unparsable:
    """Test qualname -> `def` line for every test function pytest would collect in `text`."""
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        return Unparsable(path, exc.lineno or 1, f"line {exc.lineno}: {exc.msg}")
    except ValueError as exc:  # null bytes in the source
        return Unparsable(path, 1, str(exc))
    return {qualname: node.lineno for qualname, node in collected_tests(tree)}


def _test_files(context: GateContext) -> Iterator[ChangedFile]:
    for changed in context.change.files:
        if changed.status == "deleted" or changed.binary or changed.submodule:
            continue
        if context.is_test(changed.path) and not context.is_excluded(changed.path):
            yield changed


def _is_test_module(path: str) -> bool:
    name = path.rpartition("/")[2]
    return name.endswith(".py") and name not in _NOT_TEST_MODULES


def _base_tests(context: GateContext, changed: ChangedFile) -> Mapping[str, int]:
    """The file's tests at base; none for an added or copied file.

    A base text that does not parse counts as having no tests: the fix repaired the
    file, and the base run (which gets the head text) shows what its tests do there.
    """
    if changed.status in ("added", "copied"):
        return {}
    text = context.read_base(changed.old_path or changed.path)
    found = find_tests(text, changed.path) if text is not None else {}
    return found if isinstance(found, dict) else {}
