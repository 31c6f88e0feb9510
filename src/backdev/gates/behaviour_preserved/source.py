"""Parsing a changed Python file at base or head, and the change's Python files by kind."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from backdev.application.gates import GateContext
from backdev.domain.changes import ChangedFile
from backdev.domain.findings import Finding

GATE_ID = "behaviour-preserved"


@dataclass(frozen=True, slots=True)
class Versions:
    """A changed Python file's parsed trees: None where the file does not exist."""

    changed: ChangedFile
    base_path: str | None
    base: ast.Module | None
    head: ast.Module | None


def python_files(context: GateContext, *, tests: bool) -> Iterator[ChangedFile]:
    """Changed Python files (deleted ones included) that are tests, or that are not."""
    for changed in context.change.files:
        if changed.binary or changed.submodule:
            continue
        paths = {changed.path, changed.old_path or changed.path}
        if not all(p.endswith(".py") for p in paths):
            continue
        if any(context.is_excluded(p) for p in paths):
            continue
        if any(context.is_test(p) for p in paths) == tests:
            yield changed


def versions(context: GateContext, changed: ChangedFile) -> Versions | Finding:
    """Both trees of a changed file, or a finding naming the revision where it does not parse.

    An added or copied file has no base to compare with; a deleted one has no head.
    """
    base_path = None if changed.status in ("added", "copied") else changed.old_path or changed.path
    base = head = None
    if base_path is not None:
        text = context.read_base(base_path)
        parsed = _parse(text, base_path) if text is not None else None
        if isinstance(parsed, tuple):
            return _unparsable(base_path, *parsed, "the base")
        base = parsed
    if changed.status != "deleted":
        text = context.read_head(changed.path)
        parsed = _parse(text, changed.path) if text is not None else None
        if isinstance(parsed, tuple):
            return _unparsable(changed.path, *parsed, "the head")
        head = parsed
    return Versions(changed, base_path, base, head)


def _parse(text: str, path: str) -> ast.Module | tuple[int, str]:
    """The tree, or the line and reason of the syntax error."""
    try:
        return ast.parse(text, filename=path)
    except SyntaxError as exc:
        return exc.lineno or 1, f"line {exc.lineno}: {exc.msg}"
    except ValueError as exc:  # null bytes in the source
        return 1, str(exc)


def _unparsable(path: str, line: int, why: str, where: str) -> Finding:
    return Finding(
        f"{GATE_ID}/unparsable-file",
        "error",
        path,
        line,
        f"{path} cannot be parsed at {where} ({why}): its tests and signatures cannot be compared",
        "fix the syntax error",
    )
