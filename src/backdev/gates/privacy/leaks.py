"""Rule: sensitive values must not reach log calls, `print`, or exception messages."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from backdev.gates.privacy.flows import carries_value, sensitive_parts
from backdev.gates.privacy.issues import Issue
from backdev.gates.privacy.names import is_sensitive

LOG_RULE = "privacy/sensitive-data-in-log"
EXCEPTION_RULE = "privacy/sensitive-data-in-exception"
CWE_SENSITIVE_LOG = 532
CWE_SENSITIVE_ERROR = 209
_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log", "msg"}
)
_LOGGER_FACTORIES = frozenset({"getLogger", "get_logger", "getChild", "bind", "new"})
_LOG_OPTIONS = frozenset({"exc_info", "stack_info", "stacklevel", "level"})
_PRINT_OPTIONS = frozenset({"sep", "end", "file", "flush"})


def find(nodes: Iterable[ast.AST]) -> Iterator[Issue]:
    """Log, print and raise statements that carry a sensitive name's value."""
    for node in nodes:
        if isinstance(node, ast.Call):
            sink = _sink(node)
            if sink is not None:
                yield from _issues(node, sink, LOG_RULE)
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            yield from _issues(node.exc, "an exception message", EXCEPTION_RULE)


def _sink(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name) and func.id == "print":
        return "print"
    if isinstance(func, ast.Attribute) and func.attr in _LOG_METHODS and _is_logger(func.value):
        return f"{_dotted(func.value)}.{func.attr}"
    return None


def _issues(call: ast.Call, sink: str, rule: str) -> Iterator[Issue]:
    options = _PRINT_OPTIONS if sink == "print" else _LOG_OPTIONS
    args = call.args[1:] if sink.endswith(".log") else call.args  # skip the level
    found: list[tuple[ast.AST, str]] = []
    for arg in args:
        found.extend(sensitive_parts(arg))
    for keyword in call.keywords:
        if keyword.arg in options:
            continue
        if keyword.arg is not None and is_sensitive(keyword.arg):
            if carries_value(keyword.value):
                found.append((keyword.value, keyword.arg))  # structlog: log.info(..., token=t)
        else:
            found.extend(sensitive_parts(keyword.value))
    by_line: dict[int, list[str]] = {}
    for node, name in found:
        by_line.setdefault(getattr(node, "lineno", call.lineno), []).append(name)
    for line, names in sorted(by_line.items()):
        shown = ", ".join(f"`{n}`" for n in dict.fromkeys(names))
        yield _issue(rule, sink, shown, (line, call.lineno))


def _issue(rule: str, sink: str, shown: str, lines: tuple[int, ...]) -> Issue:
    if rule == LOG_RULE:
        return Issue(
            rule,
            "error",
            lines,
            f"{shown} reaches {sink}: logs and console output are kept, shipped and read "
            "widely, so a sensitive value there is exposed.",
            "log a non-sensitive identifier instead, or mask the value before logging it",
            CWE_SENSITIVE_LOG,
        )
    return Issue(
        rule,
        "error",
        lines,
        f"{shown} is put into {sink}: exception messages end up in logs, error trackers "
        "and sometimes responses.",
        "leave the value out of the message; name the record by a non-sensitive id instead",
        CWE_SENSITIVE_ERROR,
    )


def _is_logger(node: ast.AST) -> bool:
    """`logger`, `log`, `logging`, `self.logger`, `app.logger`, `structlog.get_logger()`."""
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in _LOGGER_FACTORIES
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    lowered = str(name).lower()
    return (
        lowered in ("log", "logging", "structlog")
        or "logger" in lowered
        or lowered.endswith("_log")
    )


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "logger"
