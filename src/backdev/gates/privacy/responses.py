"""Rule: exception text and tracebacks must not be sent back to callers in responses."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from backdev.gates.privacy.issues import Issue

RULE = "privacy/exception-in-response"
CWE_ERROR_INFO_EXPOSURE = 209
_TRACEBACK_FUNCTIONS = frozenset(
    {"format_exc", "format_exception", "format_exception_only", "format_tb", "format_stack"}
)
_EXCEPTION_TEXT_ATTRIBUTES = frozenset({"args", "message", "msg", "strerror"})
_RESPONSE_FUNCTIONS = frozenset({"jsonify", "make_response", "abort", "json_response"})
_DETAIL_KEYWORDS = frozenset(
    {"detail", "description", "text", "body", "reason", "content", "status_code"}
)
_STRING_BUILDERS = frozenset({"str", "repr", "format", "join"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_SEQUENCES = (ast.List, ast.Tuple, ast.Set)


def find(nodes: Iterable[ast.AST]) -> Iterator[Issue]:
    """Exception details inside an `except` handler that end up in a response."""
    for node in nodes:
        if isinstance(node, ast.ExceptHandler):
            for leak in _handler_leaks(node):
                yield Issue(
                    RULE,
                    "error",
                    (leak.lineno,),
                    "exception details are sent back to the caller: messages and tracebacks "
                    "reveal internals (paths, queries, versions) that help an attacker.",
                    "log the exception on the server and return a generic message "
                    "(with a correlation id)",
                    CWE_ERROR_INFO_EXPOSURE,
                )


def _handler_leaks(handler: ast.ExceptHandler) -> Iterator[ast.expr]:
    seen: set[int] = set()
    for node in _handler_nodes(handler.body):
        found: list[ast.expr] = []
        if isinstance(node, ast.Return) and node.value is not None:
            found = list(_exposed(node.value, handler.name, inside=False))
        elif isinstance(node, ast.Call) and _is_response(node):
            found = list(_exposed(node, handler.name, inside=False))
        for leak in found:
            if id(leak) not in seen:
                seen.add(id(leak))
                yield leak


def _handler_nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node of the handler's body, not entering nested functions or classes."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        for child in reversed(list(ast.iter_child_nodes(node))):
            if not isinstance(child, _SCOPES):
                stack.append(child)


def _exposed(node: ast.expr, name: str | None, *, inside: bool) -> Iterator[ast.expr]:
    """Exception text in a returned body or a response's arguments, also nested.

    A returned dict or list is a response body; a returned tuple only when it pairs a body
    with an HTTP status (`return str(exc), 500`), since helpers return `(value, problems)`
    pairs to their callers. A bare `return str(exc)` is such a message, not a response,
    and so is text inside any other object (`Problem(..., str(exc))`).
    """
    if inside and _is_exception_text(node, name):
        yield node
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _exposed(value, name, inside=True)
    elif isinstance(node, ast.List | ast.Set) or (
        isinstance(node, ast.Tuple) and any(_is_status(e) for e in node.elts)
    ):
        for element in node.elts:
            yield from _exposed(element, name, inside=True)
    elif isinstance(node, ast.Tuple):
        for element in node.elts:
            if isinstance(element, ast.Call):
                yield from _exposed(element, name, inside=False)
    elif isinstance(node, ast.Call) and (_is_response(node) or _callee(node) == "dict"):
        for arg in node.args:
            yield from _exposed(arg, name, inside=True)
        for keyword in node.keywords:
            yield from _exposed(keyword.value, name, inside=True)


def _is_exception_text(node: ast.AST, name: str | None) -> bool:
    """Whether `node` is the exception's text or a traceback, possibly formatted into a string.

    `str(exc)`, `repr(exc)`, `exc.args`, `f"...{exc}"`, `"%s" % exc`, `traceback.format_exc()`.
    """
    if _exposes(node, name):
        return True
    if isinstance(node, ast.JoinedStr):
        return any(_is_exception_text(value, name) for value in node.values)
    if isinstance(node, ast.FormattedValue):
        return _is_exception_text(node.value, name)
    if isinstance(node, ast.BinOp):
        return _is_exception_text(node.left, name) or _is_exception_text(node.right, name)
    if isinstance(node, ast.Call) and _callee(node) in _STRING_BUILDERS:
        return any(_is_exception_text(arg, name) for arg in node.args)
    return False


def _exposes(part: ast.AST, name: str | None) -> bool:
    if isinstance(part, ast.Call):
        callee = _callee(part)
        return (
            callee in _TRACEBACK_FUNCTIONS
            or (callee == "exc_info" and _on(part, "sys"))
            or (callee in ("str", "repr", "format") and any(_is(a, name) for a in part.args))
        )
    if isinstance(part, ast.Attribute):
        return part.attr in _EXCEPTION_TEXT_ATTRIBUTES and _is(part.value, name)
    if isinstance(part, ast.FormattedValue):
        return _is(part.value, name)
    if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Mod):
        right = part.right
        elements = right.elts if isinstance(right, ast.Tuple) else [right]
        return any(_is(e, name) for e in elements)
    return False


def _is_response(call: ast.Call) -> bool:
    """`JSONResponse(...)`, `Response(...)`, `jsonify(...)`, `abort(...)`, and HTTP errors
    that carry a status or a detail for the client: `HTTPException(500, detail=...)`.

    `http.client.HTTPException("...")` (a client-side error with a message only) is not one.
    """
    callee = _callee(call)
    if callee in _RESPONSE_FUNCTIONS or callee.endswith("Response"):
        return True
    is_http_error = callee.endswith(("HTTPException", "HttpException", "APIException")) or (
        callee.startswith("HTTP") and callee[4:5].isupper()
    )
    return is_http_error and (
        any(k.arg in _DETAIL_KEYWORDS for k in call.keywords)
        or bool(call.args and _is_status(call.args[0]))
    )


def _is_status(node: ast.AST) -> bool:
    """An HTTP status: `500`, `status.HTTP_500_INTERNAL_SERVER_ERROR`, `HTTPStatus.NOT_FOUND`."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int) and 100 <= node.value <= 599
    text = ast.unparse(node) if isinstance(node, ast.Name | ast.Attribute) else ""
    return "HTTP" in text or "status" in text.lower()


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _on(call: ast.Call, module: str) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and (func.value.id == module)
    )


def _is(node: ast.AST, name: str | None) -> bool:
    return name is not None and isinstance(node, ast.Name) and node.id == name
