"""Rule: exceptions must not be caught and silently dropped."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Set

from backdev.gates.privacy.issues import Issue

BROAD_RULE = "privacy/swallowed-exception"
NARROW_RULE = "privacy/swallowed-narrow-exception"
CWE_ERROR_WITHOUT_ACTION = 390
_BROAD = frozenset({"Exception", "BaseException"})


def find(nodes: Iterable[ast.AST], commented: Set[int]) -> Iterator[Issue]:
    """Handlers whose body does nothing (`pass`, `...`, `continue`).

    A broad handler (bare `except`, `Exception`, `BaseException`) is an error. A narrow
    one (`except KeyError: pass`) is a warning, and none at all when a comment in the
    handler says why; `commented` holds the lines that carry a comment. A handler that
    returns a fallback value, logs or re-raises has decided what to do and is not flagged;
    `contextlib.suppress(...)` states the intent and is not a handler at all.
    """
    for node in nodes:
        if not isinstance(node, ast.ExceptHandler) or not _does_nothing(node.body):
            continue
        lines = (node.lineno, *(statement.lineno for statement in node.body))
        if _is_broad(node.type):
            yield Issue(
                BROAD_RULE,
                "error",
                lines,
                f"`{_caught(node)}` swallows every error, including bugs and interrupts: "
                "failures disappear without a trace.",
                "catch the specific exception you expect, or log it and re-raise",
                CWE_ERROR_WITHOUT_ACTION,
            )
        elif not any(line in commented for line in range(node.lineno, _end(node) + 1)):
            yield Issue(
                NARROW_RULE,
                "warning",
                lines,
                f"`{_caught(node)}` is silently ignored; if that is deliberate, nothing "
                "tells the reader why.",
                "handle or log the error, or add a comment saying why ignoring it is safe",
                CWE_ERROR_WITHOUT_ACTION,
            )


def _does_nothing(body: list[ast.stmt]) -> bool:
    return all(
        isinstance(statement, ast.Pass | ast.Continue)
        or (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
        for statement in body
    )


def _is_broad(caught: ast.expr | None) -> bool:
    if caught is None:
        return True
    if isinstance(caught, ast.Tuple):
        return any(_is_broad(element) for element in caught.elts)
    name = caught.id if isinstance(caught, ast.Name) else getattr(caught, "attr", "")
    return name in _BROAD


def _caught(node: ast.ExceptHandler) -> str:
    return "except" if node.type is None else f"except {ast.unparse(node.type)}"


def _end(node: ast.ExceptHandler) -> int:
    return node.end_lineno if node.end_lineno is not None else node.lineno
