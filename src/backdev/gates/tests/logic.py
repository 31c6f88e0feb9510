"""The units of logic in a Python source file, to tell which ones a change touched.

A unit is a function or method (by dotted name), a class's own statements (fields,
class attributes), or the module's top-level statements. Each is compared as an AST
without docstrings, comments, formatting or type annotations, so a change to those
alone touches no logic. Declarations are not logic: imports, `__all__`, stubs (`...`,
`pass`, `raise NotImplementedError`), `TYPE_CHECKING` and `__main__` blocks, loggers
and type variables.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import lru_cache

MODULE = "<module>"
_DECLARING_CALLS = frozenset(
    {"getLogger", "get_logger", "TypeVar", "NewType", "ParamSpec", "TypeVarTuple"}
)


def changed_units(
    base: str | None, head: str, elsewhere: frozenset[str] = frozenset()
) -> tuple[str, ...] | str:
    """Units present at head whose logic differs from base, or why head cannot be parsed.

    A unit whose logic is one of `elsewhere` (the units the changed files had at base)
    was moved, not changed: moving a tested function to another module needs no test.
    """
    try:
        after = logic_units(head)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        return f"line {line}: {getattr(exc, 'msg', exc)}" if line else str(exc)
    try:
        before = logic_units(base) if base is not None else {}
    except (SyntaxError, ValueError):
        before = {}
    return tuple(
        name
        for name, shape in after.items()
        if before.get(name) != shape and shape not in elsewhere
    )


def base_shapes(texts: Iterable[str]) -> frozenset[str]:
    """Every unit's logic in the given module texts (unparsable ones are left out)."""
    shapes: set[str] = set()
    for text in texts:
        try:
            shapes.update(logic_units(text).values())
        except (SyntaxError, ValueError):
            # An unparsable base file offers no unit to have moved from; nothing to add.
            continue
    return frozenset(shapes)


def logic_units(text: str) -> dict[str, str]:
    """Unit name -> a dump of its logic; raises SyntaxError for unparsable text."""
    return dict(_units_of(text))


@lru_cache(maxsize=256)
def _units_of(text: str) -> tuple[tuple[str, str], ...]:
    """The units of `text`, computed once per text: the gate reads each base file twice
    (to compare it with head, and as a place a moved unit may come from)."""
    tree = _Stripped().visit(ast.parse(text))
    units: dict[str, str] = {}
    top: list[ast.stmt] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            _add_function(node, node.name, units)
        elif isinstance(node, ast.ClassDef):
            _add_class(node, node.name, units)
        elif not _is_declaration(node):
            top.append(node)
    if top:
        units[MODULE] = _dump(top)
    return tuple(units.items())


def _add_function(
    node: ast.FunctionDef | ast.AsyncFunctionDef, name: str, units: dict[str, str]
) -> None:
    if not all(_is_stub(stmt) for stmt in node.body):
        units[name] = ast.dump(node)


def _add_class(node: ast.ClassDef, name: str, units: dict[str, str]) -> None:
    own: list[ast.stmt] = []
    for stmt in node.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            _add_function(stmt, f"{name}.{stmt.name}", units)
        elif isinstance(stmt, ast.ClassDef):
            _add_class(stmt, f"{name}.{stmt.name}", units)
        elif not _is_stub(stmt) and not _is_declaration(stmt):
            own.append(stmt)
    if own:
        units[name] = _dump(own)


def _is_declaration(node: ast.stmt) -> bool:
    if isinstance(node, ast.Import | ast.ImportFrom | ast.Pass) or _is_stub(node):
        return True
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return True
    if isinstance(node, ast.Assign):
        dunder = all(
            isinstance(t, ast.Name) and t.id.startswith("__") and t.id.endswith("__")
            for t in node.targets
        )
        return dunder or _declaring_call(node.value)
    if isinstance(node, ast.AnnAssign):
        return node.value is None or _declaring_call(node.value)
    if isinstance(node, ast.If):
        test = ast.unparse(node.test)
        return test.endswith("TYPE_CHECKING") or test.startswith("__name__ ==")
    return False


def _is_stub(node: ast.stmt) -> bool:
    if isinstance(node, ast.Pass):
        return True
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return node.value.value is Ellipsis or isinstance(node.value.value, str)
    if isinstance(node, ast.Raise) and node.exc is not None:
        raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"
    return False


def _declaring_call(node: ast.expr) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in _DECLARING_CALLS


def _dump(statements: list[ast.stmt]) -> str:
    return ast.dump(ast.Module(body=statements, type_ignores=[]))


class _Stripped(ast.NodeTransformer):
    """Drops docstrings and type annotations: changing them changes no behaviour."""

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.returns = None
        node.body = _without_docstring(node.body)
        return self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        node.returns = None
        node.body = _without_docstring(node.body)
        return self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.body = _without_docstring(node.body)
        return self.generic_visit(node)

    def visit_Module(self, node: ast.Module) -> ast.AST:
        node.body = _without_docstring(node.body)
        return self.generic_visit(node)

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.annotation = None
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        node.annotation = ast.Name(id="_", ctx=ast.Load())
        return self.generic_visit(node)


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return body[1:] or [ast.Pass()]
    return body
