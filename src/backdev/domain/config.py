"""The `[tool.backdev]` table: project context and constraints, with defaults."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from backdev.domain.dod import OptionValue
from backdev.domain.gate_catalog import BUILTIN_GATES, option_error
from backdev.domain.problems import Problem

DEFAULT_FEATURES: tuple[str, ...] = ("docs/features/**/*.md", "docs/features/**/*.feature")
DEFAULT_PRINCIPLES = "docs/engineering/architecture-principles.md"
DEFAULT_DOD = "docs/engineering/definition-of-done.md"
DEFAULT_ADR = "docs/adr"
DEFAULT_TESTS: tuple[str, ...] = (
    "tests/**",
    "test/**",
    "**/test_*.py",
    "**/*_test.py",
    "**/conftest.py",
)


@dataclass(frozen=True, slots=True)
class BackdevConfig:
    """Validated configuration; every field has a default, so no table is needed."""

    features: tuple[str, ...] = DEFAULT_FEATURES
    principles: str = DEFAULT_PRINCIPLES
    dod: str = DEFAULT_DOD
    adr: str = DEFAULT_ADR
    tests: tuple[str, ...] = DEFAULT_TESTS
    exclude: tuple[str, ...] = ()
    public_api: tuple[str, ...] = ()
    python: str | None = None
    base: str | None = None
    checks: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    gates: Mapping[str, Mapping[str, OptionValue | list[str]]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    source: str | None = None
    """The file the table was read from, or None for built-in defaults."""


_STR_KEYS = ("principles", "dod", "adr", "python", "base")
_LIST_KEYS = ("features", "tests", "exclude", "public_api")
KNOWN_KEYS: tuple[str, ...] = (*_STR_KEYS, *_LIST_KEYS, "checks", "gates")


def parse_config(
    table: Mapping[str, object], path: str, line_of: Callable[[str], int]
) -> tuple[BackdevConfig, list[Problem]]:
    """Validate a `[tool.backdev]` table already read from TOML.

    `line_of(dotted_key)` gives the line of a key such as `gates.size.max_lines`
    (or the table's line when it cannot tell). All problems are returned, not
    just the first; the config holds the defaults wherever a value was invalid.
    """
    problems: list[Problem] = []
    values: dict[str, object] = {}

    def report(key: str, message: str, fix: str) -> None:
        problems.append(Problem(path, line_of(key), message, fix))

    for key, value in table.items():
        if key in _STR_KEYS:
            if isinstance(value, str) and value.strip():
                values[key] = value
            else:
                report(key, f"`{key}` must be a non-empty string", f'write `{key} = "..."`')
        elif key in _LIST_KEYS:
            if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
                values[key] = tuple(value)
            elif isinstance(value, list) and not value and key in ("exclude", "public_api"):
                values[key] = ()
            else:
                report(key, f"`{key}` must be a list of strings", f'write `{key} = ["..."]`')
        elif key == "checks":
            values[key] = _parse_checks(value, report)
        elif key == "gates":
            values[key] = _parse_gates(value, report)
        else:
            report(
                key,
                f"unknown key `{key}` in [tool.backdev]",
                f"remove it or use one of: {', '.join(KNOWN_KEYS)}",
            )
    return BackdevConfig(source=path, **values), problems  # type: ignore[arg-type]


def _parse_checks(value: object, report: Callable[[str, str, str], None]) -> Mapping[str, str]:
    fix = 'write a table of commands, e.g. `[tool.backdev.checks]` with `lint = "ruff check ."`'
    if not isinstance(value, Mapping):
        report("checks", "`checks` must be a table of name = command", fix)
        return _frozen_str({})
    checks: dict[str, str] = {}
    for name, command in value.items():
        if isinstance(command, str) and command.strip():
            checks[str(name)] = command
        else:
            report(f"checks.{name}", f"check `{name}` must be a non-empty command string", fix)
    return _frozen_str(checks)


def _parse_gates(
    value: object, report: Callable[[str, str, str], None]
) -> Mapping[str, Mapping[str, OptionValue | list[str]]]:
    if not isinstance(value, Mapping):
        report(
            "gates", "`gates` must be a table of gate tables", "write `[tool.backdev.gates.size]`"
        )
        return MappingProxyType({})
    gates: dict[str, Mapping[str, OptionValue | list[str]]] = {}
    for gate_id, options in value.items():
        key = f"gates.{gate_id}"
        if gate_id not in BUILTIN_GATES:
            report(
                key,
                f"unknown gate `{gate_id}`",
                f"use one of: {', '.join(BUILTIN_GATES)}",
            )
            continue
        if not isinstance(options, Mapping):
            report(
                key, f"`gates.{gate_id}` must be a table", f"write `[tool.backdev.gates.{gate_id}]`"
            )
            continue
        valid: dict[str, OptionValue | list[str]] = {}
        for option, option_value in options.items():
            error = option_error(gate_id, str(option), option_value)
            if error is None:
                valid[str(option)] = option_value
            else:
                report(f"{key}.{option}", error, "correct or remove the option")
        gates[str(gate_id)] = MappingProxyType(valid)
    return MappingProxyType(gates)


def _frozen_str(mapping: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(mapping)
