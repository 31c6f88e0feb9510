"""Which parts of an expression carry a sensitive value into wherever the expression goes."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from backdev.gates.privacy.names import is_sensitive

# Calls that hand their argument's text on unchanged; any other call (len, mask, hash,
# bool, a method) is taken to transform the value, so its arguments are not followed.
_PASS_THROUGH = frozenset({"str", "repr", "format"})
_PASS_THROUGH_METHODS = frozenset({"format", "strip", "lower", "upper", "encode", "decode"})
_LOOKUPS = frozenset({"get", "pop", "getlist", "getenv"})
_OWNERLESS = frozenset({"self", "cls"})


def sensitive_parts(node: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    """Each sub-expression of `node` that holds a sensitive value, with how to name it."""
    if isinstance(node, ast.Name):
        if isinstance(node.ctx, ast.Load) and is_sensitive(node.id):
            yield node, node.id
    elif isinstance(node, ast.Attribute):
        owner = _owner(node.value)
        if is_sensitive(node.attr, owner):
            yield node, f"{owner}.{node.attr}" if owner else node.attr
    elif isinstance(node, ast.Subscript):
        key = _string(node.slice)
        if key is not None:
            if is_sensitive(key, _owner(node.value)):
                yield node, f'["{key}"]'
        elif not isinstance(node.slice, ast.Slice):  # `api_key[-4:]` is how values are masked
            yield from sensitive_parts(node.value)
    elif isinstance(node, ast.Call):
        yield from _call_parts(node)
    elif isinstance(node, ast.Dict):
        for key_node, value in zip(node.keys, node.values, strict=True):
            key = _string(key_node) if key_node is not None else None
            if key is not None and is_sensitive(key) and carries_value(value):
                yield value, f'"{key}"'
            else:
                yield from sensitive_parts(value)
    else:
        for child in _carriers(node):
            yield from sensitive_parts(child)


def carries_value(node: ast.AST) -> bool:
    """Whether an expression named by a sensitive key (`password=...`) passes a value on:
    not a literal (`["too short"]`), a test (`x is None`) or a transforming call (`len(x)`)."""
    if isinstance(node, ast.Compare | ast.UnaryOp | ast.Lambda):
        return False
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute):
            return func.attr in _PASS_THROUGH_METHODS or func.attr in _LOOKUPS
        return isinstance(func, ast.Name) and func.id in (*_PASS_THROUGH, "getenv")
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return True
    return False


def string_value(node: ast.AST | None) -> str | None:
    """The text of a string literal, else None."""
    return _string(node) if node is not None else None


def _call_parts(call: ast.Call) -> Iterator[tuple[ast.AST, str]]:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else None
    method = func.attr if isinstance(func, ast.Attribute) else None
    key = _string(call.args[0]) if call.args else None
    if (method in _LOOKUPS or name == "getenv") and key is not None:
        receiver = func.value if isinstance(func, ast.Attribute) else None
        if is_sensitive(key, _owner(receiver) if receiver is not None else None):
            yield call, f'"{key}"'
        return
    if name in _PASS_THROUGH or method == "format":
        for arg in call.args:
            yield from sensitive_parts(arg)
        for keyword in call.keywords:
            if (
                keyword.arg is not None
                and is_sensitive(keyword.arg)
                and carries_value(keyword.value)
            ):
                yield keyword.value, keyword.arg
            else:
                yield from sensitive_parts(keyword.value)
    elif method in _PASS_THROUGH_METHODS and isinstance(func, ast.Attribute):
        yield from sensitive_parts(func.value)


def _carriers(node: ast.AST) -> list[ast.AST]:
    """The children whose value ends up in `node`'s value (not a test, not a callee)."""
    if isinstance(node, ast.JoinedStr):
        return list(node.values)
    if isinstance(node, ast.FormattedValue):
        return [node.value]
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.BoolOp):
        return list(node.values)
    if isinstance(node, ast.IfExp):
        return [node.body, node.orelse]
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return list(node.elts)
    if isinstance(node, ast.Starred | ast.NamedExpr):
        return [node.value]
    return []  # constants, comparisons, lambdas, comprehensions: no value passes through


def _owner(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Name):
        return None if node.id in _OWNERLESS else node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _string(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None
