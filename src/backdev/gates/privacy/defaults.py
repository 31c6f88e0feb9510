"""Rule: credentials must not have literal defaults in configuration code."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator

from backdev.gates.privacy.flows import string_value
from backdev.gates.privacy.issues import Issue
from backdev.gates.privacy.names import is_sensitive

RULE = "privacy/credential-default"
CWE_HARD_CODED_CREDENTIALS = 798
_ENV_LOOKUPS = frozenset({"getenv", "get", "setdefault"})
_SETTINGS_DECORATORS = frozenset({"dataclass", "define", "frozen", "attrs", "s"})
_FIELD_FACTORIES = frozenset({"Field", "field", "SecretStr", "SecretBytes", "attrib", "ib"})
# Values that name a header or point somewhere are not credentials.
_NOT_A_CREDENTIAL = re.compile(r"(?i)^(authorization|bearer|x-[a-z0-9-]+|[a-z]+://\S*|/\S*)$")


def find(nodes: Iterable[ast.AST]) -> Iterator[Issue]:
    """Environment lookups and settings fields that fall back to a literal credential."""
    for node in nodes:
        if isinstance(node, ast.Call):
            found = _env_default(node)
            if found is not None:
                yield _issue(node, *found)
        elif isinstance(node, ast.ClassDef) and _is_settings_class(node):
            for statement in node.body:
                found = _field_default(statement)
                if found is not None:
                    yield _issue(statement, *found)


def _env_default(call: ast.Call) -> tuple[str, str] | None:
    """A sensitive key looked up with a literal default.

    `os.getenv("DB_PASSWORD", "x")`, `os.environ.get("API_KEY", "x")`, `config("K", default="x")`.

    Returns the key and the literal default, or None.
    """
    if not call.args:
        return None
    key = string_value(call.args[0])
    if key is None or not is_sensitive(key):
        return None
    default = next((k.value for k in call.keywords if k.arg == "default"), None)
    func = call.func
    is_env = (isinstance(func, ast.Name) and func.id == "getenv") or (
        isinstance(func, ast.Attribute)
        and func.attr in _ENV_LOOKUPS
        and (func.attr == "getenv" or _names_environ(func.value))
    )
    if default is None and is_env and len(call.args) > 1:
        default = call.args[1]
    if default is None or not (is_env or any(k.arg == "default" for k in call.keywords)):
        return None
    literal = _credential(default)
    return (key, literal) if literal is not None else None


def _field_default(statement: ast.stmt) -> tuple[str, str] | None:
    """`password: str = "x"`, `api_key = Field("x")`, `token: SecretStr = SecretStr("x")`."""
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        name, value = statement.target.id, statement.value
    elif (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        name, value = statement.targets[0].id, statement.value
    else:
        return None
    if value is None or not is_sensitive(name):
        return None
    if isinstance(value, ast.Call) and _callee(value) in _FIELD_FACTORIES:
        default = next((k.value for k in value.keywords if k.arg == "default"), None)
        value = default if default is not None else (value.args[0] if value.args else value)
    literal = _credential(value)
    return (name, literal) if literal is not None else None


def _issue(node: ast.AST, name: str, literal: str) -> Issue:
    return Issue(
        RULE,
        "error",
        (getattr(node, "lineno", 0),),
        f"`{name}` falls back to a literal credential: where the setting is missing the "
        "service runs with a secret that anyone who can read the code knows.",
        "remove the default so a missing credential fails at startup; read it from the "
        "environment or a secret store",
        CWE_HARD_CODED_CREDENTIALS,
        literal,
    )


def _credential(node: ast.AST) -> str | None:
    text = string_value(node)
    if text is None and isinstance(node, ast.Constant) and isinstance(node.value, bytes):
        text = node.value.decode("utf-8", "replace")
    if text is None or not text.strip() or _NOT_A_CREDENTIAL.match(text.strip()):
        return None
    return text


def _is_settings_class(node: ast.ClassDef) -> bool:
    """Pydantic settings and models, `*Settings`/`*Config` classes, dataclasses and attrs."""
    for base in node.bases:
        name = _name(base)
        if name in ("BaseModel", "BaseSettings") or name.endswith(("Settings", "Config")):
            return True
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if _name(target) in _SETTINGS_DECORATORS:
            return True
    return False


def _names_environ(node: ast.AST) -> bool:
    return _name(node) == "environ"


def _callee(call: ast.Call) -> str:
    return _name(call.func)


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""
