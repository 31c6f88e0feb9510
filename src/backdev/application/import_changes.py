"""Whether a change can alter the import graph at all.

Building import graphs is the most expensive work of a static check. Most changes
edit function bodies and touch no import statement; for those the graph at head is
the graph at base, so no contract violation and no coupling can be new, and the
graphs need not be built.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

from backdev.application.gates import GateContext
from backdev.domain.imports import ImportGraph

_ImportKey = tuple[str, str, tuple[str, ...], int]


def imports_may_have_changed(context: GateContext) -> bool:
    """False only when every changed Python file keeps exactly the import statements it had.

    Added, deleted, renamed or unparsable Python files, and files that cannot be
    read at either side, may change the graph: the answer is then True.
    """
    for changed in context.change.files:
        paths = (changed.path, changed.old_path or changed.path)
        if not any(p.endswith(".py") for p in paths):
            continue
        if changed.status != "modified" or changed.binary:
            return True
        before = context.read_base(changed.old_path or changed.path)
        after = context.read_head(changed.path)
        if before is None or after is None:
            return True
        old, new = _imports(before, context), _imports(after, context)
        if old is None or new is None or old != new:
            return True
    return False


def base_and_head_graphs(
    context: GateContext, packages: Sequence[str]
) -> tuple[ImportGraph, ImportGraph]:
    """The graphs at the change's base and head, built at the same time: each build runs
    in a child process, so on a machine with two cores a cold check waits for one."""
    imports = context.ports.imports
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="backdev-graph") as pool:
        base = pool.submit(imports.graph, context.change.base, packages)
        head = imports.graph(context.change.head, packages)
        return base.result(), head


def _imports(text: str, context: GateContext) -> list[_ImportKey] | None:
    """Every import statement of a module, anywhere in it, as a sorted list; None if unparsable."""
    try:
        tree = context.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    keys: list[_ImportKey] = []
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            keys.extend(("import", alias.name, (alias.asname or "",), 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names = tuple(sorted(alias.name for alias in node.names))
            keys.append(("from", node.module or "", names, node.level))
    return sorted(keys)


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, nested ones included; expressions are skipped, as no import
    statement can sit inside one (a module's tree is mostly expressions)."""
    pending = list(body)
    while pending:
        node = pending.pop()
        yield node
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(node, name, ()):
                if isinstance(child, ast.stmt):
                    pending.append(child)
                else:  # an except handler or a match case holds statements
                    pending.extend(getattr(child, "body", ()))
