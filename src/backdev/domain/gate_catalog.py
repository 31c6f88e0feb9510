"""The built-in gates' ids and the options each accepts.

Used to validate DoD annotations (`{gate: coverage, min: 90}`) and the
`[tool.backdev.gates.<id>]` tables before any gate runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

OptionKind = Literal["int", "number", "str", "bool", "choice", "str_list"]


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """What one gate option accepts."""

    kind: OptionKind
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GateSpec:
    """A gate's stable id, what it proves, and its options."""

    id: str
    summary: str
    options: Mapping[str, OptionSpec]


def _spec(gate_id: str, summary: str, **options: OptionSpec) -> GateSpec:
    return GateSpec(gate_id, summary, MappingProxyType(dict(options)))


_PERCENT = OptionSpec("number", "a percentage from 0 to 100", minimum=0, maximum=100)
_PATTERNS = OptionSpec("str_list", "a list of gitignore-style patterns")

BUILTIN_GATES: Mapping[str, GateSpec] = MappingProxyType(
    {
        spec.id: spec
        for spec in (
            _spec("scope", "changed files lie inside the feature's scope"),
            _spec(
                "size",
                "the change stays within its line and file budget",
                max_lines=OptionSpec("int", "changed lines of non-test code", minimum=1),
                max_files=OptionSpec("int", "changed files", minimum=1),
                exclude=_PATTERNS,
            ),
            _spec("architecture", "the change adds no contract violation or unjustified coupling"),
            _spec("secrets", "no secret in added lines", baseline=OptionSpec("str", "a file path")),
            _spec("privacy", "no sensitive values in logs, errors or responses"),
            _spec(
                "security",
                "no insecure patterns on changed lines",
                severity=OptionSpec(
                    "choice", "the lowest severity reported", choices=("low", "medium", "high")
                ),
            ),
            _spec("tests", "changed logic comes with tests; no test deleted, skipped or weakened"),
            _spec("coverage", "changed lines and failure paths are covered", min=_PERCENT),
            _spec(
                "acceptance",
                "every criterion has a linked test that passed",
                criteria=OptionSpec("str_list", "a list of criterion ids such as AC-1"),
            ),
            _spec(
                "checks",
                "the project's own lint, type, test and build commands pass",
                timeout=OptionSpec("int", "seconds per command", minimum=1),
            ),
            _spec("docs", "structural changes come with an ADR or docs change"),
            _spec("dod", "every Definition of Done item is proven or attested"),
            _spec("regression-proof", "a defect's new test fails before the fix and passes after"),
            _spec("behaviour-preserved", "a refactoring keeps tests, signatures and coverage"),
        )
    }
)


def option_error(gate_id: str, key: str, value: object) -> str | None:
    """Why `key = value` is not a valid option of `gate_id`, or None when it is.

    The gate id must already be known; unknown ids are reported by the caller.
    """
    spec = BUILTIN_GATES[gate_id].options.get(key)
    if spec is None:
        known = ", ".join(sorted(BUILTIN_GATES[gate_id].options)) or "none"
        return f"gate '{gate_id}' has no option '{key}' (its options: {known})"
    return _value_error(key, spec, value)


def _value_error(key: str, spec: OptionSpec, value: object) -> str | None:
    wrong = f"option '{key}' must be {spec.help}, not {value!r}"
    if spec.kind == "bool":
        return None if isinstance(value, bool) else wrong
    if spec.kind == "str":
        return None if isinstance(value, str) and value.strip() else wrong
    if spec.kind == "choice":
        return None if value in spec.choices else f"{wrong} (one of: {', '.join(spec.choices)})"
    if spec.kind == "str_list":
        ok = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
        return None if ok else wrong
    return _number_error(key, spec, value, wrong)


def _number_error(key: str, spec: OptionSpec, value: object, wrong: str) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return wrong
    if spec.kind == "int" and not isinstance(value, int):
        return wrong
    if isinstance(value, float) and math.isnan(value):
        return wrong  # NaN slips through both bounds checks below
    if spec.minimum is not None and value < spec.minimum:
        return f"option '{key}' must be at least {spec.minimum:g}, not {value!r}"
    if spec.maximum is not None and value > spec.maximum:
        return f"option '{key}' must be at most {spec.maximum:g}, not {value!r}"
    return None
