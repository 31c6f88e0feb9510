"""The public signatures of a module: what its callers depend on, read from the AST.

Public are the module-level functions and classes named in a literal `__all__` (without
one: those whose names do not start with `_`), and the methods of public classes that
are public or special (`__init__`, `__call__`, ...). A signature is the parameters'
names, kinds and whether each has a default, plus how it is called (`async`, a
property, a static or class method). Annotations and default values are not compared:
they do not break a caller. `@overload` stubs are left out; the implementation counts.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

ParamKind = Literal[
    "positional-only", "positional", "var-positional", "keyword-only", "var-keyword"
]

_Function = ast.FunctionDef | ast.AsyncFunctionDef
_PROPERTIES = frozenset({"property", "cached_property", "functools.cached_property"})
_CALL_KINDS = {"staticmethod": "staticmethod", "classmethod": "classmethod"}
_ACCESSORS = frozenset({"setter", "getter", "deleter"})
_OVERLOADS = frozenset({"overload", "typing.overload", "typing_extensions.overload"})


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter as a caller sees it."""

    name: str
    kind: ParamKind
    default: bool


@dataclass(frozen=True, slots=True)
class Signature:
    """A public function, class or method; `name` is `f`, `C` or `C.m` (`C.p.setter`)."""

    name: str
    kind: str
    """`def`, `async def`, `class`, `property`, `staticmethod`, `classmethod`, `setter`, ..."""
    params: tuple[Param, ...]
    line: int

    @property
    def shape(self) -> tuple[str, tuple[Param, ...]]:
        """What must stay equal for callers to keep working."""
        return self.kind, self.params

    def shown(self) -> str:
        """The signature as a reader would write it, defaults as `=…`."""
        if self.kind == "class":
            return f"class {self.name}"
        return f"{self.kind} {self.name}({_shown(self.params)})"


def public_signatures(tree: ast.Module) -> Mapping[str, Signature]:
    """Every public signature of the module, by name."""
    exported = _all_names(tree)
    found: dict[str, Signature] = {}
    for node in tree.body:
        if not isinstance(node, _Function | ast.ClassDef) or not _exported(node.name, exported):
            continue
        if isinstance(node, ast.ClassDef):
            found[node.name] = Signature(node.name, "class", (), node.lineno)
            for member in node.body:
                if isinstance(member, _Function) and _public_member(member.name):
                    _add(found, _function(f"{node.name}.{member.name}", member))
        else:
            _add(found, _function(node.name, node))
    return found


def other_bindings(tree: ast.Module) -> frozenset[str]:
    """Names bound at module level (and `C.x` in class bodies) other than by `def`/`class`.

    An alias (`old = new`) or a re-export keeps an old name callable, so its loss is
    not a removal, though its signature can no longer be compared.
    """
    names = set(_bound(tree.body, ""))
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names.update(_bound(node.body, f"{node.name}."))
    return frozenset(names)


def _function(name: str, node: _Function) -> Signature | None:
    kind = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    for decorator in node.decorator_list:
        called = _dotted(decorator.func if isinstance(decorator, ast.Call) else decorator)
        if called in _OVERLOADS:
            return None
        if called in _PROPERTIES:
            kind = "property"
        elif called in _CALL_KINDS:
            kind = _CALL_KINDS[called]
        elif called.rpartition(".")[2] in _ACCESSORS and isinstance(decorator, ast.Attribute):
            kind = decorator.attr
            name = f"{name}.{decorator.attr}"
    return Signature(name, kind, _params(node.args), node.lineno)


def _params(args: ast.arguments) -> tuple[Param, ...]:
    positional = [*args.posonlyargs, *args.args]
    # Defaults belong to the last positional parameters.
    first_default = len(positional) - len(args.defaults)
    params = [
        Param(
            arg.arg,
            "positional-only" if index < len(args.posonlyargs) else "positional",
            index >= first_default,
        )
        for index, arg in enumerate(positional)
    ]
    if args.vararg is not None:
        params.append(Param(args.vararg.arg, "var-positional", False))
    params += [
        Param(arg.arg, "keyword-only", default is not None)
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True)
    ]
    if args.kwarg is not None:
        params.append(Param(args.kwarg.arg, "var-keyword", False))
    return tuple(params)


def _shown(params: tuple[Param, ...]) -> str:
    parts: list[str] = []
    starred = any(p.kind == "var-positional" for p in params)
    for index, param in enumerate(params):
        if param.kind == "keyword-only" and not starred:
            parts.append("*")
            starred = True
        prefix = {"var-positional": "*", "var-keyword": "**"}.get(param.kind, "")
        parts.append(f"{prefix}{param.name}{'=…' if param.default else ''}")
        following = params[index + 1] if index + 1 < len(params) else None
        if param.kind == "positional-only" and (
            following is None or following.kind != "positional-only"
        ):
            parts.append("/")
    return ", ".join(parts)


def _add(found: dict[str, Signature], signature: Signature | None) -> None:
    if signature is not None:
        found[signature.name] = signature  # a later definition replaces an earlier one


def _all_names(tree: ast.Module) -> frozenset[str] | None:
    """The names of a literal `__all__` (with literal `+=`), or None without one."""
    names: set[str] | None = None
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and _is_all(node):
            names = _strings(node.value)
            if names is None:
                return None  # computed: fall back to the naming convention
        elif isinstance(node, ast.AugAssign) and _is_all(node):
            extra = _strings(node.value)
            if names is None or extra is None:
                return None
            names |= extra
    return frozenset(names) if names is not None else None


def _is_all(node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> bool:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)


def _strings(value: ast.expr | None) -> set[str] | None:
    if not isinstance(value, ast.List | ast.Tuple):
        return None
    names = [e.value for e in value.elts if isinstance(e, ast.Constant)]
    if len(names) != len(value.elts) or not all(isinstance(n, str) for n in names):
        return None
    return {str(n) for n in names}


def _exported(name: str, exported: frozenset[str] | None) -> bool:
    return name in exported if exported is not None else not name.startswith("_")


def _public_member(name: str) -> bool:
    return not name.startswith("_") or (name.startswith("__") and name.endswith("__"))


def _bound(body: list[ast.stmt], prefix: str) -> Iterator[str]:
    for node in body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    yield prefix + target.id
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            yield prefix + node.target.id
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                yield prefix + (alias.asname or alias.name.partition(".")[0])


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value)
        return f"{owner}.{node.attr}" if owner else node.attr
    return ""
