"""The `privacy` gate: no sensitive data in logs, errors or responses; errors handled."""

from __future__ import annotations

import ast
import bisect
import io
import sys
import tokenize
from collections.abc import Iterable, Iterator

from backdev.application.gates import GateContext
from backdev.domain.changes import ChangedFile
from backdev.domain.findings import Finding, GateResult
from backdev.gates.privacy import defaults, leaks, responses, swallowed
from backdev.gates.privacy.issues import Issue

GATE_ID = "privacy"
UNPARSABLE_RULE = "privacy/unparsable"
_IGNORED_COMMENTS = ("pragma:", "type:")
"""Comments for tools, not for readers: they do not explain an ignored exception."""


class PrivacyGate:
    """An AST analysis of the changed, non-test Python files, judged on the added lines.

    Test files are not checked: they log and swallow on purpose and hold dummy values.
    """

    @property
    def id(self) -> str:
        """The stable gate id."""
        return GATE_ID

    def run(self, context: GateContext) -> GateResult:
        """Parse each changed Python file at head and report the rules its added lines break."""
        files = [f for f in context.python_files(include_tests=False) if f.added_lines]
        if not files:
            return GateResult.skipped(GATE_ID, "no added lines in non-test Python files")
        findings: list[Finding] = []
        for changed in files:
            findings.extend(_check_file(changed, context.read_head(changed.path), context))
        noun = "file" if len(files) == 1 else "files"
        return GateResult.judged(GATE_ID, findings, checked=f"{len(files)} Python {noun}")


def _check_file(changed: ChangedFile, text: str | None, context: GateContext) -> Iterator[Finding]:
    if text is None:
        yield _unparsable(changed.path, 0, "it is not UTF-8 text")
        return
    try:
        tree = context.parse(text)
    except SyntaxError as error:
        yield _unparsable(changed.path, error.lineno or 0, error.msg)
        return
    except (ValueError, RecursionError) as error:  # null bytes; absurdly deep nesting
        yield _unparsable(changed.path, 0, str(error) or type(error).__name__)
        return
    nodes = list(_touching(tree, sorted(changed.added_lines)))
    handlers = any(isinstance(node, ast.ExceptHandler) for node in nodes)
    issues: list[Issue] = [
        *leaks.find(nodes),
        *responses.find(nodes),
        *defaults.find(nodes),
        *swallowed.find(nodes, _commented_lines(text) if handlers else frozenset()),
    ]
    lines = text.splitlines()
    yield from _on_added_lines(changed, lines, issues)


def _touching(tree: ast.AST, added: list[int]) -> Iterator[ast.AST]:
    """The tree's nodes whose lines include an added line: rules only report on those, and
    skipping the rest keeps a small change in a large file fast."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        start = getattr(node, "lineno", None)
        if start is not None:
            end = getattr(node, "end_lineno", None) or start
            index = bisect.bisect_left(added, start)
            if index == len(added) or added[index] > end:
                continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _on_added_lines(
    changed: ChangedFile, lines: list[str], issues: Iterable[Issue]
) -> Iterator[Finding]:
    """One finding per rule and line, on the first of an issue's lines the change added."""
    seen: set[tuple[str, int]] = set()
    for issue in issues:
        line = next((n for n in issue.lines if n in changed.added_lines), None)
        if line is None or (issue.rule, line) in seen:
            continue
        seen.add((issue.rule, line))
        yield Finding(
            rule=issue.rule,
            severity=issue.severity,
            path=changed.path,
            line=line,
            message=issue.message,
            fix=issue.fix,
            evidence=_evidence(lines, line, issue.literal),
            cwe=issue.cwe,
        )


def _evidence(lines: list[str], line: int, literal: str | None) -> str:
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    if literal:
        shown = (literal[:4] if len(literal) >= 12 else "") + "…"
        text = text.replace(literal, shown)
    return text[:200]


def _unparsable(path: str, line: int, reason: str) -> Finding:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    return Finding(
        rule=UNPARSABLE_RULE,
        severity="warning",
        path=path,
        line=line,
        message=f"Python {version} cannot parse this file ({reason}), so the privacy "
        "rules could not check it.",
        fix="fix the syntax error, or run backdev with a Python that supports this syntax",
    )


def _commented_lines(text: str) -> frozenset[int]:
    """Lines that carry a comment meant for a reader."""
    lines: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                body = token.string.lstrip("#").strip().lower()
                if body and not body.startswith(_IGNORED_COMMENTS):
                    lines.add(token.start[0])
    except (tokenize.TokenError, SyntaxError):
        pass  # the AST parsed, so this only loses comments: narrow handlers stay warnings
    return frozenset(lines)
