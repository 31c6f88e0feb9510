"""The public API at a revision, read with `ast`: exported names and their call signatures.

Breaking changes are what count: a removed or renamed name, a removed or renamed
parameter, a new required parameter, reordered positional parameters. An added
optional parameter, or a required one becoming optional, is compatible.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Reader = Callable[[str], str | None]
"""The text of a repository path at one revision (None: no such file)."""

_MAX_HOPS = 4


@dataclass(frozen=True, slots=True)
class Signature:
    """What callers depend on: parameter names, positional order, and which are required."""

    positional: tuple[str, ...]
    required: frozenset[str]
    names: frozenset[str]


@dataclass(frozen=True, slots=True)
class ApiChange:
    """One breaking change of the public API, where it is at head."""

    path: str
    line: int
    description: str
    evidence: str


@dataclass(frozen=True, slots=True)
class _Module:
    name: str
    path: str
    tree: ast.Module
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Definition:
    path: str
    line: int
    text: str
    signature: Signature | None


def api_changes(
    modules: Sequence[str],
    names: Sequence[str],
    read_base: Reader,
    read_head: Reader,
    parse: Callable[[str], ast.Module] = ast.parse,
) -> list[ApiChange]:
    """Breaking changes to what `modules` export (`__all__`) and to the dotted `names` listed.

    A module without `__all__` at base declares no API, unless it is in `names`,
    where its public top-level names count. `parse` may share its trees: they are only read.
    """
    base, head = _Tree(read_base, parse), _Tree(read_head, parse)
    changes: list[ApiChange] = []
    for entry in dict.fromkeys((*modules, *names)):
        before = base.load(entry)
        if before is not None:
            explicit = entry in names
            exported = _exports(before, all_public=explicit)
            if exported is not None:
                changes.extend(_module_changes(before, exported, head.load(entry), base, head))
            continue
        module, _, name = entry.rpartition(".")
        before = base.load(module) if module else None
        if before is not None and _find(before, name, base) is not None:
            changes.extend(_name_changes(before, (name,), head.load(module), base, head))
    return changes


def _module_changes(
    before: _Module, exported: tuple[str, ...], after: _Module | None, base: _Tree, head: _Tree
) -> list[ApiChange]:
    if after is None:
        return [ApiChange(before.path, 0, f"public module `{before.name}` was removed", "")]
    declared = _exports(after, all_public=False)
    if declared is None:  # `__all__` dropped: whatever the module still binds is still there
        star = _has_star_import(after)
        declared = tuple(n for n in exported if star or _find(after, n, head) is not None)
    changes: list[ApiChange] = []
    line, text = _all_line(after)
    for name in exported:
        if name not in declared:
            description = f"public name `{before.name}.{name}` was removed or renamed"
            changes.append(ApiChange(after.path, line, description, text))
    kept = tuple(name for name in exported if name in declared)
    return changes + _name_changes(before, kept, after, base, head)


def _name_changes(
    before: _Module, names: Sequence[str], after: _Module | None, base: _Tree, head: _Tree
) -> list[ApiChange]:
    changes: list[ApiChange] = []
    for name in names:
        old = _find(before, name, base)
        new = _find(after, name, head) if after is not None else None
        qualified = f"{before.name}.{name}"
        if old is None:
            continue  # bound in a way `ast` cannot follow (e.g. a star import): nothing to compare
        if new is None:
            if after is None or not _has_star_import(after):
                path = after.path if after is not None else before.path
                description = f"public `{qualified}` was removed or renamed"
                changes.append(ApiChange(path, 0, description, ""))
            continue
        if old.signature is None or new.signature is None:
            continue
        detail = _breaking(old.signature, new.signature)
        if detail:
            description = f"the signature of public `{qualified}` changed ({detail})"
            changes.append(ApiChange(new.path, new.line, description, new.text))
    return changes


def _breaking(old: Signature, new: Signature) -> str:
    gone = sorted(old.names - new.names)
    if gone:
        return f"parameter {', '.join(gone)} removed or renamed"
    required = sorted(new.required - old.required)
    if required:
        return f"new required parameter {', '.join(required)}"
    order_before = [p for p in old.positional if p in new.positional]
    order_after = [p for p in new.positional if p in old.positional]
    if order_before != order_after:
        return "positional parameters reordered"
    return ""


class _Tree:
    """The modules of one revision, each read and parsed at most once."""

    def __init__(self, read: Reader, parse: Callable[[str], ast.Module]) -> None:
        self._read = read
        self._syntax = parse
        self._modules: dict[str, _Module | None] = {}

    def load(self, module: str) -> _Module | None:
        """The parsed module (src or flat layout), or None when absent or unparsable."""
        if module not in self._modules:
            self._modules[module] = self._parse(module)
        return self._modules[module]

    def _parse(self, module: str) -> _Module | None:
        relative = module.replace(".", "/")
        for path in (
            f"src/{relative}.py",
            f"src/{relative}/__init__.py",
            f"{relative}.py",
            f"{relative}/__init__.py",
        ):
            text = self._read(path)
            if text is None:
                continue
            try:
                tree = self._syntax(text)
            except (SyntaxError, ValueError, RecursionError):
                return None  # cannot be compared; the architecture gate reports unparsable files
            return _Module(module, path, tree, tuple(text.splitlines()))
        return None


def _exports(module: _Module, *, all_public: bool) -> tuple[str, ...] | None:
    for node in _top_level(module.tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and _binds(node, "__all__"):
            value = node.value
            if isinstance(value, ast.List | ast.Tuple):
                return tuple(
                    item.value
                    for item in value.elts
                    if isinstance(item, ast.Constant) and isinstance(item.value, str)
                )
    if not all_public:
        return None
    return tuple(
        node.name
        for node in _top_level(module.tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and not node.name.startswith("_")
    )


def _all_line(module: _Module) -> tuple[int, str]:
    for node in _top_level(module.tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and _binds(node, "__all__"):
            return node.lineno, module.lines[node.lineno - 1].strip()
    return 0, ""


def _find(module: _Module, name: str, read: _Tree, hops: int = 0) -> _Definition | None:
    """Where `name` is bound in `module`, following `from x import name` a few hops."""
    found: _Definition | None = None
    for node in _top_level(module.tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            found = _definition(module, node, _function_signature(node.args, skip_first=False))
        elif isinstance(node, ast.ClassDef) and node.name == name:
            found = _definition(module, node, _class_signature(node))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    target = _imported_module(module, node)
                    source = read.load(target) if target and hops < _MAX_HOPS else None
                    deeper = _find(source, alias.name, read, hops + 1) if source else None
                    found = deeper or _definition(module, node, None)
        elif isinstance(node, ast.Import | ast.Assign | ast.AnnAssign) and _binds(node, name):
            found = _definition(module, node, None)
    return found


def _top_level(tree: ast.Module) -> list[ast.stmt]:
    """Top-level statements, including those under a top-level `if` or `try`."""
    statements: list[ast.stmt] = []
    for node in tree.body:
        statements.append(node)
        if isinstance(node, ast.If | ast.Try):
            statements.extend(node.body)
            statements.extend(node.orelse)
    return statements


def _has_star_import(module: _Module) -> bool:
    return any(
        isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)
        for node in _top_level(module.tree)
    )


def _binds(node: ast.stmt, name: str) -> bool:
    if isinstance(node, ast.Import):
        return any((a.asname or a.name.split(".")[0]) == name for a in node.names)
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return any(isinstance(t, ast.Name) and t.id == name for t in targets)


def _definition(module: _Module, node: ast.stmt, signature: Signature | None) -> _Definition:
    return _Definition(module.path, node.lineno, module.lines[node.lineno - 1].strip(), signature)


def _imported_module(module: _Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.name.split(".")
    package = parts if module.path.endswith("__init__.py") else parts[:-1]
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join([*base, *([node.module] if node.module else [])])


def _function_signature(args: ast.arguments, *, skip_first: bool) -> Signature:
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    defaults = len(args.defaults)
    required = set(positional[: len(positional) - defaults] if defaults else positional)
    required |= {a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None}
    names = set(positional) | {a.arg for a in args.kwonlyargs}
    if args.vararg:
        names.add(f"*{args.vararg.arg}")
    if args.kwarg:
        names.add(f"**{args.kwarg.arg}")
    if skip_first and positional:
        first = positional.pop(0)
        names.discard(first)
        required.discard(first)
    return Signature(tuple(positional), frozenset(required), frozenset(names))


def _class_signature(node: ast.ClassDef) -> Signature | None:
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            return _function_signature(item.args, skip_first=True)
    if not any("dataclass" in ast.unparse(d) for d in node.decorator_list):
        return None
    fields: list[str] = []
    required: set[str] = set()
    for item in node.body:
        if not (isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)):
            continue
        if "ClassVar" in ast.unparse(item.annotation):
            continue
        fields.append(item.target.id)
        if item.value is None or _field_without_default(item.value):
            required.add(item.target.id)
    return Signature(tuple(fields), frozenset(required), frozenset(fields))


def _field_without_default(value: ast.expr) -> bool:
    if not (isinstance(value, ast.Call) and ast.unparse(value.func).endswith("field")):
        return False
    return not any(k.arg in ("default", "default_factory") for k in value.keywords)
