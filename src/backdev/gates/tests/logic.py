"""The units of logic in a Python source file, to tell which ones a change touched.

A unit is a function or method (by dotted name), a class's own statements (fields,
class attributes), or the module's top-level statements. Each is compared as an AST
without docstrings, comments, formatting or type annotations, so a change to those
alone touches no logic. Declarations are not logic: imports, `__all__`, stubs (`...`,
`pass`, `raise NotImplementedError`), `TYPE_CHECKING` and `__main__` blocks, loggers
and type variables.

Comparing is lazy: a unit whose source text did not change has the same logic, so
only units whose text differs are reduced to their shape. The trees may come from a
cache shared with other gates, so nothing here changes them.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Hashable, Iterable

MODULE = "<module>"
_DECLARING_CALLS = frozenset(
    {"getLogger", "get_logger", "TypeVar", "NewType", "ParamSpec", "TypeVarTuple"}
)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_WITH_DOCSTRING = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)
_ANNOTATION = ("Name", "'_'", ("Load",))
"""What an annotated assignment's annotation becomes: its type is not logic, the fact
that the target is annotated (declared) is."""

Parse = Callable[[str], ast.Module]
Shape = Hashable


class ModuleUnits:
    """The units of one module text; raises SyntaxError or ValueError when unparsable."""

    def __init__(self, text: str, parse: Parse = ast.parse) -> None:
        tree = parse(text)
        self._lines = text.splitlines()
        self.units: dict[str, tuple[ast.stmt, ...]] = {}
        self._shapes: dict[str, Shape] = {}
        top: list[ast.stmt] = []
        for node in _without_docstring(tree.body):
            if isinstance(node, _FUNCTIONS):
                self._add_function(node, node.name)
            elif isinstance(node, ast.ClassDef):
                self._add_class(node, node.name)
            elif not _is_declaration(node):
                top.append(node)
        if top:
            self.units[MODULE] = tuple(top)

    def text(self, name: str) -> str:
        """The source lines of a unit, decorators included."""
        spans = []
        for node in self.units[name]:
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
            spans.append("\n".join(self._lines[first - 1 : node.end_lineno or node.lineno]))
        return "\n".join(spans)

    def shape(self, name: str) -> Shape:
        """The unit's logic: equal for two units exactly when their ASTs are equal once
        docstrings and annotations are dropped."""
        known = self._shapes.get(name)
        if known is None:
            known = self._shapes[name] = tuple(_shape(node) for node in self.units[name])
        return known

    def own_name(self, name: str) -> str:
        """A function's own name (part of its shape), "" for a block of statements."""
        nodes = self.units[name]
        return nodes[0].name if isinstance(nodes[0], _FUNCTIONS) else ""

    def _add_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> None:
        if not all(_is_stub(stmt) for stmt in _without_docstring(node.body)):
            self.units[name] = (node,)

    def _add_class(self, node: ast.ClassDef, name: str) -> None:
        own: list[ast.stmt] = []
        for stmt in _without_docstring(node.body):
            if isinstance(stmt, _FUNCTIONS):
                self._add_function(stmt, f"{name}.{stmt.name}")
            elif isinstance(stmt, ast.ClassDef):
                self._add_class(stmt, f"{name}.{stmt.name}")
            elif not _is_stub(stmt) and not _is_declaration(stmt):
                own.append(stmt)
        if own:
            self.units[name] = tuple(own)


class MovedUnits:
    """Where a unit at head may have moved from: the units of the changed modules at base.

    A unit whose logic is found here was moved, not changed: moving a tested function
    to another module needs no test. Shapes are computed only for candidates (a
    function of the same name, or any block of statements).
    """

    def __init__(self, texts: Iterable[str] = (), parse: Parse = ast.parse) -> None:
        self._by_name: dict[str, list[tuple[ModuleUnits, str]]] = {}
        for text in texts:
            try:
                module = ModuleUnits(text, parse)
            except (SyntaxError, ValueError, RecursionError):
                continue  # an unparsable base file offers no unit to have moved from
            for name in module.units:
                self._by_name.setdefault(module.own_name(name), []).append((module, name))

    def holds(self, own_name: str, shape: Shape) -> bool:
        """True when a unit with this logic existed at base in one of the modules."""
        return any(module.shape(name) == shape for module, name in self._by_name.get(own_name, ()))


def changed_units(
    base: str | None,
    head: str,
    elsewhere: MovedUnits | None = None,
    parse: Parse = ast.parse,
) -> tuple[str, ...] | str:
    """Units present at head whose logic differs from base, or why head cannot be parsed."""
    try:
        after = ModuleUnits(head, parse)
    except (SyntaxError, ValueError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        return f"line {line}: {getattr(exc, 'msg', exc)}" if line else str(exc)
    before: ModuleUnits | None = None
    if base is not None:
        try:
            before = ModuleUnits(base, parse)
        except (SyntaxError, ValueError, RecursionError):
            before = None
    changed: list[str] = []
    for name in after.units:
        if before is not None and name in before.units and _same(before, after, name):
            continue
        if elsewhere is not None and elsewhere.holds(after.own_name(name), after.shape(name)):
            continue
        changed.append(name)
    return tuple(changed)


def _same(before: ModuleUnits, after: ModuleUnits, name: str) -> bool:
    # Equal text is the cheap, common answer; only differing text is reduced to a shape.
    return before.text(name) == after.text(name) or before.shape(name) == after.shape(name)


def logic_units(text: str) -> dict[str, Shape]:
    """Unit name -> its logic; raises SyntaxError for unparsable text."""
    module = ModuleUnits(text)
    return {name: module.shape(name) for name in module.units}


def _shape(node: object) -> Shape:
    """A nested tuple equal to another exactly when `ast.dump` of the two would be equal,
    after dropping docstrings, return and argument annotations, and the annotation of an
    annotated assignment."""
    if isinstance(node, list):
        return tuple(_shape(item) for item in node)
    if not isinstance(node, ast.AST):
        return repr(node)  # as ast.dump does: 1, 1.0 and True differ
    fields: list[Shape] = [type(node).__name__]
    for field in node._fields:
        value = getattr(node, field, None)
        if field == "body" and isinstance(node, _WITH_DOCSTRING):
            value = _without_docstring(list(value or ())) or [ast.Pass()]
        elif (field == "returns" and isinstance(node, _FUNCTIONS)) or (
            field == "annotation" and isinstance(node, ast.arg)
        ):
            value = None
        elif field == "annotation" and isinstance(node, ast.AnnAssign):
            fields.append(_ANNOTATION)
            continue
        fields.append(_shape(value))
    return tuple(fields)


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


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return body[1:]
    return body
