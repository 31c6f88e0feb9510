"""The plan a model submits before any code is written, and its validation."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from backdev.domain.conversation import JsonValue


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """One small step aimed at one acceptance criterion."""

    criterion: str
    intent: str


@dataclass(frozen=True, slots=True)
class Plan:
    """Edge cases and failure modes the model identified, and its small steps."""

    edge_cases: tuple[str, ...]
    steps: tuple[PlannedStep, ...]


def parse_plan(
    arguments: Mapping[str, JsonValue], criteria: Sequence[str], proven: Collection[str]
) -> Plan | list[str]:
    """The plan in `submit_plan`'s arguments, or the problems the model must fix.

    Every step names a criterion of the feature; every criterion not already
    `proven` (by passing linked tests) has at least one step; a proven criterion
    needs none.
    """
    problems: list[str] = []
    edge_cases = _strings(arguments.get("edge_cases"), "edge_cases", problems)
    raw_steps = arguments.get("steps")
    steps: list[PlannedStep] = []
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.append("`steps` must be a non-empty list of {criterion, intent} objects")
    else:
        for number, raw in enumerate(raw_steps, 1):
            step = _step(raw, number, criteria, problems)
            if step is not None:
                steps.append(step)
    planned = {step.criterion for step in steps}
    missing = [c for c in criteria if c not in proven and c not in planned]
    if missing and not problems:
        problems.append(
            f"no step aims at {', '.join(missing)}: every criterion without passing "
            "tests needs at least one step"
        )
    if problems:
        return problems
    return Plan(tuple(edge_cases), tuple(steps))


def _strings(value: JsonValue | None, name: str, problems: list[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"`{name}` must be a list of non-empty strings")
        return []
    return [str(v).strip() for v in value]


def _step(
    raw: JsonValue, number: int, criteria: Sequence[str], problems: list[str]
) -> PlannedStep | None:
    if not isinstance(raw, dict):
        problems.append(f"step {number} must be an object with `criterion` and `intent`")
        return None
    criterion, intent = raw.get("criterion"), raw.get("intent")
    if not isinstance(criterion, str) or criterion.strip() not in criteria:
        problems.append(
            f"step {number}: `criterion` must be one of {', '.join(criteria)}, got {criterion!r}"
        )
        return None
    if not isinstance(intent, str) or not intent.strip():
        problems.append(f"step {number}: `intent` must say in a sentence what the step does")
        return None
    return PlannedStep(criterion.strip(), intent.strip())
