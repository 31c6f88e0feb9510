"""How strongly a test asserts: its assertions, and the ones that cannot fail.

Assertions are `assert` statements, `assert*` calls (unittest, mock), `pytest.raises`,
`pytest.warns`, `pytest.fail`, and calls to the file's own asserting helpers. A run
over parametrized cases, or a loop over a literal list, counts each case, so folding
repeated asserts into either does not look like weakening.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

Function = ast.FunctionDef | ast.AsyncFunctionDef

_BROAD = frozenset({"Exception", "BaseException"})
_CHECKS = frozenset({"pytest.raises", "pytest.warns", "pytest.fail"})


@dataclass(frozen=True, slots=True)
class Strength:
    """A test's assertions per run, and the lines of those that prove nothing."""

    assertions: int
    trivial: tuple[int, ...]
    """Lines of assertions that cannot fail (`assert True`, `assertTrue(1)`)."""
    swallowing: tuple[int, ...]
    """Lines of `except:`/`except Exception` handlers that neither re-raise nor fail."""


def measure(node: Function, helpers: frozenset[str]) -> Strength:
    """The strength of the test function `node`."""
    trivial: list[int] = []
    swallowing: list[int] = []
    for child in ast.walk(node):
        if _is_trivial(child):
            trivial.append(getattr(child, "lineno", 0))
        elif isinstance(child, ast.ExceptHandler) and _is_broad(child.type) and _swallows(child):
            swallowing.append(child.lineno)
    assertions = _cases(node) * sum(_checks(stmt, helpers) for stmt in node.body)
    return Strength(assertions, tuple(trivial), tuple(swallowing))


def asserting_helpers(functions: Iterable[Function]) -> frozenset[str]:
    """Names of the (non-test) functions that assert: calling one counts as an assertion."""
    return frozenset(
        node.name
        for node in functions
        if any(
            isinstance(child, ast.Assert)
            or (isinstance(child, ast.Call) and _is_check(child, frozenset()))
            for child in ast.walk(node)
        )
    )


def dotted_name(node: ast.AST) -> str:
    """`a.b.c` for a name or attribute chain, else ""."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted_name(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def terminal_name(node: ast.AST) -> str:
    """The last name of a name or attribute chain (`assertEqual` in `self.assertEqual`)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _checks(node: ast.AST, helpers: frozenset[str]) -> int:
    if isinstance(node, ast.Assert):
        return 1
    if isinstance(node, ast.For | ast.AsyncFor) and isinstance(
        node.iter, ast.List | ast.Tuple | ast.Set
    ):
        body = sum(_checks(stmt, helpers) for stmt in node.body)
        rest = sum(_checks(stmt, helpers) for stmt in node.orelse)
        return max(len(node.iter.elts), 1) * body + rest
    own = 1 if isinstance(node, ast.Call) and _is_check(node, helpers) else 0
    return own + sum(_checks(child, helpers) for child in ast.iter_child_nodes(node))


def _cases(node: Function) -> int:
    """How many cases `@pytest.mark.parametrize` decorators with literal values produce."""
    cases = 1
    for decorator in node.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and dotted_name(decorator.func).endswith("mark.parametrize")
            and len(decorator.args) > 1
            and isinstance(decorator.args[1], ast.List | ast.Tuple)
        ):
            cases *= max(len(decorator.args[1].elts), 1)
    return cases


def _is_check(call: ast.Call, helpers: frozenset[str]) -> bool:
    name = terminal_name(call.func)
    return (
        name.lstrip("_").startswith("assert")
        or dotted_name(call.func) in _CHECKS
        or name in helpers
    )


def _is_trivial(node: ast.AST) -> bool:
    if isinstance(node, ast.Assert):
        return _always_true(node.test)
    return (
        isinstance(node, ast.Call)
        and terminal_name(node.func) == "assertTrue"
        and bool(node.args)
        and _always_true(node.args[0])
    )


def _always_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and bool(node.value) and node.value is not Ellipsis


def _is_broad(node: ast.expr | None) -> bool:
    if node is None:
        return True
    if isinstance(node, ast.Tuple):
        return any(_is_broad(item) for item in node.elts)
    return terminal_name(node) in _BROAD


def _swallows(handler: ast.ExceptHandler) -> bool:
    """True when the handler neither re-raises nor fails the test."""
    for child in ast.walk(handler):
        if isinstance(child, ast.Raise):
            return False
        if isinstance(child, ast.Call) and terminal_name(child.func) == "fail":
            return False
    return True
