"""Which statement each line belongs to, so that a change to any line of a multi-line
statement counts as a change to that statement.

coverage.py measures a statement at its first line only: an edited argument on the
third line of a call is an edit of the call, and must be judged as one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_BLOCKS = frozenset({"body", "orelse", "finalbody", "handlers", "cases", "decorator_list"})


@dataclass(frozen=True, slots=True)
class StatementMap:
    """Line -> first line of the innermost statement (or clause header) it belongs to.

    `code` holds the first lines of the statements coverage.py can measure: every
    statement but docstrings, plus decorators and `except`/`case` clauses.
    """

    starts: Mapping[int, int]
    code: frozenset[int]

    def touched(self, lines: Iterable[int]) -> frozenset[int]:
        """The statements (by first line) the given lines belong to; unmapped lines as is."""
        return frozenset(self.starts.get(line, line) for line in lines)


def map_statements(tree: ast.Module) -> StatementMap:
    """The statement map of a parsed module."""
    starts: dict[int, int] = {}
    code: set[int] = set()
    # ast.walk goes outside in, so an inner statement's lines overwrite its parent's
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt | ast.ExceptHandler):
            for decorator in getattr(node, "decorator_list", None) or []:
                _span(starts, decorator.lineno, decorator.end_lineno)
                code.add(decorator.lineno)
            end = _header_end(node, node.lineno) if _is_compound(node) else node.end_lineno
            _span(starts, node.lineno, end)
            if not _is_docstring(node):
                code.add(node.lineno)
        elif isinstance(node, ast.match_case):
            _span(starts, node.pattern.lineno, _header_end(node, node.pattern.lineno))
            code.add(node.pattern.lineno)
    return StatementMap(starts, frozenset(code))


def _is_compound(node: ast.AST) -> bool:
    return isinstance(getattr(node, "body", None), list)


def _header_end(node: ast.AST, first: int) -> int:
    """The last line of a compound statement's header (its condition, target, arguments),
    so that comments between the header and the body stay outside the statement."""
    end = first
    for name, value in ast.iter_fields(node):
        if name in _BLOCKS:
            continue
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, ast.AST):
                end = max(end, *(_end(n) for n in ast.walk(child)))
    return int(end)


def _end(node: ast.AST) -> int:
    return int(getattr(node, "end_lineno", None) or 0)


def _span(starts: dict[int, int], first: int, last: int | None) -> None:
    for line in range(first, (last or first) + 1):
        starts[line] = first


def _is_docstring(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )
