"""What a Python test file holds: its tests, how strongly they assert, skip/xfail markers.

A test is a function whose name starts with `test`, at module level or in a class
(pytest's and unittest's default collection). Its fingerprint ignores its name and
decorators, so a test renamed (or moved) with its body intact is recognised.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from backdev.gates.tests.assertions import Function, asserting_helpers, dotted_name, measure

MarkerKind = Literal["skip", "xfail"]
MODULE = "<module>"

SKIP_MARKERS = frozenset(
    {
        "pytest.mark.skip",
        "pytest.mark.skipif",
        "mark.skip",
        "mark.skipif",
        "pytest.skip",
        "unittest.skip",
        "unittest.skipIf",
        "unittest.skipUnless",
    }
)
XFAIL_MARKERS = frozenset({"pytest.mark.xfail", "mark.xfail", "pytest.xfail"})
_IMPORTABLE: Mapping[str, Mapping[str, MarkerKind]] = {
    "pytest": {"skip": "skip", "xfail": "xfail"},
    "unittest": {"skip": "skip", "skipIf": "skip", "skipUnless": "skip"},
}


@dataclass(frozen=True, slots=True)
class FoundTest:
    """One test function; `qualname` is `test_x` or `TestClass::test_x`."""

    qualname: str
    start: int
    """First line, decorators included."""
    line: int
    end: int
    fingerprint: str
    assertions: int
    """Assertions one run makes, over all parametrized cases (see `_checks`)."""
    trivial_asserts: tuple[int, ...] = ()
    """Lines of assertions that cannot fail (`assert True`, `assert 1`)."""
    broad_handlers: tuple[int, ...] = ()
    """Lines of `except:`/`except Exception` handlers that neither re-raise nor fail."""

    @property
    def name(self) -> str:
        """The function's own name."""
        return self.qualname.rpartition("::")[2]

    @property
    def owner(self) -> str:
        """The enclosing class path (`TestA` or `TestA::TestB`), or "" at module level."""
        return self.qualname.rpartition("::")[0]


@dataclass(frozen=True, slots=True)
class Marker:
    """A skip or xfail marker; `owner` is the test or class it sits in, or MODULE."""

    kind: MarkerKind
    name: str
    line: int
    owner: str


@dataclass(frozen=True, slots=True)
class FileFacts:
    """The tests and markers of one test file at one revision."""

    path: str
    text: str
    tests: Mapping[str, FoundTest]
    classes: frozenset[str]
    markers: tuple[Marker, ...]

    def line_text(self, line: int) -> str:
        """The stripped text of a line (at most 200 characters), or ""."""
        lines = self.text.splitlines()
        return lines[line - 1].strip()[:200] if 0 < line <= len(lines) else ""


def read_facts(path: str, text: str) -> FileFacts | str:
    """The facts of a test file, or why it could not be parsed."""
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError) as exc:
        return _reason(exc)
    helpers = asserting_helpers(
        node
        for _, node in _definitions(tree.body, "")
        if not isinstance(node, ast.ClassDef) and not node.name.startswith("test")
    )
    tests: dict[str, FoundTest] = {}
    classes: set[str] = set()
    spans: list[tuple[int, int, str]] = []
    for owner, node in _definitions(tree.body, ""):
        if isinstance(node, ast.ClassDef):
            classes.add(_join(owner, node.name))
            spans.append((_start(node), _end(node), _join(owner, node.name)))
        elif node.name.startswith("test"):
            found = _test(_join(owner, node.name), node, helpers)
            tests[found.qualname] = found
            spans.append((found.start, found.end, found.qualname))
    return FileFacts(path, text, tests, frozenset(classes), _markers(tree, spans))


def _test(qualname: str, node: Function, helpers: frozenset[str]) -> FoundTest:
    strength = measure(node, helpers)
    shape = ast.dump(node.args) + ast.dump(ast.Module(body=node.body, type_ignores=[]))
    return FoundTest(
        qualname,
        _start(node),
        node.lineno,
        _end(node),
        shape,
        strength.assertions,
        strength.trivial,
        strength.swallowing,
    )


def _definitions(body: list[ast.stmt], owner: str) -> Iterator[tuple[str, ast.ClassDef | Function]]:
    for node in body:
        if isinstance(node, ast.ClassDef):
            yield owner, node
            yield from _definitions(node.body, _join(owner, node.name))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield owner, node


def _markers(tree: ast.Module, spans: list[tuple[int, int, str]]) -> tuple[Marker, ...]:
    imported = _imported_markers(tree)
    found: list[Marker] = []
    for node in ast.walk(tree):
        marker = _marker(node, imported)
        if marker is not None:
            name, kind, line = marker
            found.append(Marker(kind, name, line, _owner(line, spans)))
    return tuple(sorted(found, key=lambda m: (m.line, m.name)))


def _imported_markers(tree: ast.Module) -> dict[str, MarkerKind]:
    """Local names bound by `from pytest import skip` and the like."""
    imported: dict[str, MarkerKind] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = _IMPORTABLE.get(node.module, {})
            for alias in node.names:
                kind = names.get(alias.name)
                if kind is not None:
                    imported[alias.asname or alias.name] = kind
    return imported


def _marker(
    node: ast.AST, imported: Mapping[str, MarkerKind]
) -> tuple[str, MarkerKind, int] | None:
    if isinstance(node, ast.Attribute):
        name = dotted_name(node) or node.attr
        if name in SKIP_MARKERS or node.attr == "skipTest":
            return name, "skip", node.lineno
        if name in XFAIL_MARKERS:
            return name, "xfail", node.lineno
    elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in imported:
        return node.id, imported[node.id], node.lineno
    return None


def _owner(line: int, spans: list[tuple[int, int, str]]) -> str:
    inside = [(end - start, name) for start, end, name in spans if start <= line <= end]
    return min(inside)[1] if inside else MODULE


def _start(node: ast.ClassDef | Function) -> int:
    return min([node.lineno, *(d.lineno for d in node.decorator_list)])


def _end(node: ast.ClassDef | Function) -> int:
    return node.end_lineno or node.lineno


def _join(owner: str, name: str) -> str:
    return f"{owner}::{name}" if owner else name


def _reason(exc: SyntaxError | ValueError) -> str:
    if isinstance(exc, SyntaxError):
        return f"line {exc.lineno}: {exc.msg}"
    return str(exc)
