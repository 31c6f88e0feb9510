"""Which functions of a test module pytest would collect, found with `ast`."""

from __future__ import annotations

import ast
from collections.abc import Iterator

TestFunction = ast.FunctionDef | ast.AsyncFunctionDef


def collected_tests(tree: ast.Module) -> Iterator[tuple[str, TestFunction]]:
    """(qualname, node) of each `test*` function at module level or in a test class.

    A class counts when its name starts with `Test` or it has a base class (a
    `unittest.TestCase`, say); qualnames join classes and names with `::`, as in
    pytest's node ids (`TestCart::test_total`).
    """
    yield from _walk(tree.body, "")


def _walk(body: list[ast.stmt], owner: str) -> Iterator[tuple[str, TestFunction]]:
    for node in body:
        if isinstance(node, TestFunction) and node.name.startswith("test"):
            yield _join(owner, node.name), node
        elif isinstance(node, ast.ClassDef) and (node.name.startswith("Test") or node.bases):
            yield from _walk(node.body, _join(owner, node.name))


def _join(owner: str, name: str) -> str:
    return f"{owner}::{name}" if owner else name
