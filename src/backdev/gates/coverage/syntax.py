"""What the AST says about a file at head: where its failure paths and branches are.

Line numbers follow coverage.py's convention of a statement's first line (for a
decorated definition, its first decorator), so they can be compared with the
measured statements and arcs.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from backdev.gates.coverage.statements import StatementMap, map_statements

BranchKind = Literal["if", "elif", "for", "while", "case"]
ElseKind = Literal["else", "elif", ""]


@dataclass(frozen=True, slots=True)
class Branching:
    """A statement that branches: where its body starts, and its else part (0: none).

    `else_line` is the line of the `else` keyword (for an elif, the elif's own line):
    when the change adds it, the arm into the else part is new even if the statement
    is old.
    """

    line: int
    kind: BranchKind
    body: int
    orelse: int = 0
    orelse_kind: ElseKind = ""
    else_line: int = 0


@dataclass(frozen=True, slots=True)
class Handler:
    """An `except` clause: its line and the last line of its block."""

    line: int
    end: int


@dataclass(frozen=True, slots=True)
class SourceFacts:
    """The statements, failure paths and branching statements of one file."""

    statements: StatementMap
    raises: frozenset[int]
    handlers: tuple[Handler, ...]
    branchings: Mapping[int, Branching]


def read_facts(
    text: str, path: str, parse: Callable[[str], ast.Module] = ast.parse
) -> SourceFacts | tuple[int, str]:
    """The facts of `text`, or (line, reason) when this Python cannot parse it.

    `parse` may hand out a tree shared with other gates: it is only read here.
    """
    try:
        tree = parse(text)
    except SyntaxError as error:
        return error.lineno or 0, error.msg
    except (ValueError, RecursionError) as error:  # null bytes; absurdly deep nesting
        return 0, str(error) or type(error).__name__
    lines = text.splitlines()
    raises: set[int] = set()
    handlers: list[Handler] = []
    branchings: dict[int, Branching] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise):
            raises.add(node.lineno)
        elif isinstance(node, ast.ExceptHandler):
            handlers.append(Handler(node.lineno, node.end_lineno or node.lineno))
        else:
            found = _branching(node, lines)
            if found is not None:
                # ast.walk goes outside in: the outer statement of a one-liner wins
                branchings.setdefault(found.line, found)
    return SourceFacts(map_statements(tree), frozenset(raises), tuple(handlers), branchings)


def _branching(node: ast.AST, lines: list[str]) -> Branching | None:
    if isinstance(node, ast.If):
        kind: BranchKind = "elif" if _starts_with(lines, node.lineno, "elif") else "if"
        if not node.orelse:
            return Branching(node.lineno, kind, _first(node.body))
        first = node.orelse[0]
        if isinstance(first, ast.If) and _starts_with(lines, first.lineno, "elif"):
            return Branching(
                node.lineno, kind, _first(node.body), first.lineno, "elif", first.lineno
            )
        orelse = _first(node.orelse)
        return Branching(
            node.lineno, kind, _first(node.body), orelse, "else", _else_line(node, orelse, lines)
        )
    if isinstance(node, ast.For | ast.AsyncFor | ast.While):
        loop: BranchKind = "while" if isinstance(node, ast.While) else "for"
        if not node.orelse:
            return Branching(node.lineno, loop, _first(node.body))
        orelse = _first(node.orelse)
        return Branching(
            node.lineno, loop, _first(node.body), orelse, "else", _else_line(node, orelse, lines)
        )
    if isinstance(node, ast.match_case):
        # a case has no position of its own: its pattern starts the `case` line
        return Branching(node.pattern.lineno, "case", _first(node.body))
    return None


def _first(body: list[ast.stmt]) -> int:
    """The line coverage.py reports for the first statement of a block (0: empty)."""
    if not body:
        return 0
    node = body[0]
    decorators: list[ast.expr] = getattr(node, "decorator_list", None) or []
    return min([node.lineno, *(d.lineno for d in decorators)])


def _else_line(
    node: ast.If | ast.For | ast.AsyncFor | ast.While, orelse: int, lines: list[str]
) -> int:
    """The line of the `else` keyword, between the end of the body and the else block."""
    body_end = node.body[-1].end_lineno or node.body[-1].lineno
    for line in range(orelse, body_end, -1):
        if _starts_with(lines, line, "else"):
            return line
    return 0


def _starts_with(lines: list[str], line: int, word: str) -> bool:
    return 0 < line <= len(lines) and lines[line - 1].lstrip().startswith(word)
