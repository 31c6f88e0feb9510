"""The run record as a list of events: appended one at a time, never rewritten.

A run's state is a fold over its events (`run_state.py`), so whatever moment a
run is killed at, the record holds every fact up to the last event, and resume
starts from exactly there. Events serialise to plain JSON records for the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from backdev.domain.conversation import JsonValue, Usage
from backdev.domain.limits import Limits
from backdev.domain.plan import Plan, PlannedStep
from backdev.domain.pricing import Price

Outcome = Literal["done", "escalated", "limits", "interrupted", "failed"]


@dataclass(frozen=True, slots=True)
class RunStarted:
    """A new run: what it builds, with which model, from which commit."""

    feature: str
    feature_path: str
    workflow: str
    model: str
    branch: str
    base: str
    limits: Limits
    price: Price
    at: float
    kind: Literal["started"] = "started"


@dataclass(frozen=True, slots=True)
class Resumed:
    """A new session of an existing run (after an answer, a limit, or a crash)."""

    limits: Limits
    at: float
    kind: Literal["resumed"] = "resumed"


@dataclass(frozen=True, slots=True)
class PlanSaved:
    plan: Plan
    at: float
    kind: Literal["plan"] = "plan"


@dataclass(frozen=True, slots=True)
class ModelCalled:
    """One model call: `step` 0 is planning."""

    step: int
    usage: Usage
    cost: float
    at: float
    kind: Literal["model-call"] = "model-call"


@dataclass(frozen=True, slots=True)
class AttemptJudged:
    """The gates' verdict on one attempt at a step; `report` is the JSON report."""

    step: int
    attempt: int
    verdict: Literal["pass", "fail"]
    fingerprints: tuple[str, ...]
    summary: str
    report: str
    at: float
    kind: Literal["attempt"] = "attempt"


@dataclass(frozen=True, slots=True)
class StepCommitted:
    step: int
    sha: str
    at: float
    kind: Literal["commit"] = "commit"


@dataclass(frozen=True, slots=True)
class Reverted:
    """The tree went back to `to`; the abandoned attempt is kept in `stash` (if any)."""

    to: str
    stash: str
    reason: str
    at: float
    kind: Literal["revert"] = "revert"


@dataclass(frozen=True, slots=True)
class Escalated:
    number: int
    rule: str
    path: str
    question: str
    at: float
    kind: Literal["escalated"] = "escalated"


@dataclass(frozen=True, slots=True)
class Answered:
    number: int
    answer: str
    at: float
    kind: Literal["answered"] = "answered"


@dataclass(frozen=True, slots=True)
class SessionEnded:
    outcome: Outcome
    detail: str
    at: float
    kind: Literal["ended"] = "ended"


RunEvent = (
    RunStarted
    | Resumed
    | PlanSaved
    | ModelCalled
    | AttemptJudged
    | StepCommitted
    | Reverted
    | Escalated
    | Answered
    | SessionEnded
)


def event_to_record(event: RunEvent) -> dict[str, JsonValue]:
    """The event as a JSON-ready dict (its `kind` included)."""
    record: dict[str, JsonValue] = {}
    for name in event.__slots__:
        value = getattr(event, name)
        if isinstance(value, Limits):
            value = {
                "max_steps": value.max_steps,
                "max_cost": value.max_cost,
                "max_minutes": value.max_minutes,
                "max_tokens": value.max_tokens,
            }
        elif isinstance(value, Price):
            value = [value.input_per_million, value.output_per_million]
        elif isinstance(value, Usage):
            value = [value.input_tokens, value.output_tokens]
        elif isinstance(value, Plan):
            value = {
                "edge_cases": list(value.edge_cases),
                "steps": [{"criterion": s.criterion, "intent": s.intent} for s in value.steps],
            }
        elif isinstance(value, tuple):
            value = list(value)
        record[name] = value
    return record


def event_from_record(record: Mapping[str, JsonValue]) -> RunEvent:
    """The event a record holds; a malformed record or unknown kind raises ValueError."""
    r = _Record(record)
    kind = record.get("kind")
    if kind == "started":
        price = r.pair("price")
        return RunStarted(
            feature=r.text("feature"),
            feature_path=r.text("feature_path"),
            workflow=r.text("workflow"),
            model=r.text("model"),
            branch=r.text("branch"),
            base=r.text("base"),
            limits=_limits(record.get("limits")),
            price=Price(_number(price[0]), _number(price[1])),
            at=r.number("at"),
        )
    if kind == "resumed":
        return Resumed(_limits(record.get("limits")), r.number("at"))
    if kind == "plan":
        return PlanSaved(_plan(record.get("plan")), r.number("at"))
    if kind == "model-call":
        usage = r.pair("usage")
        tokens = Usage(int(_number(usage[0])), int(_number(usage[1])))
        return ModelCalled(int(r.number("step")), tokens, r.number("cost"), r.number("at"))
    if kind == "attempt":
        prints = record.get("fingerprints")
        if not isinstance(prints, list):
            raise ValueError("`fingerprints` must be a list")
        return AttemptJudged(
            step=int(r.number("step")),
            attempt=int(r.number("attempt")),
            verdict="pass" if r.text("verdict") == "pass" else "fail",
            fingerprints=tuple(str(p) for p in prints),
            summary=r.text("summary"),
            report=r.text("report"),
            at=r.number("at"),
        )
    if kind == "commit":
        return StepCommitted(int(r.number("step")), r.text("sha"), r.number("at"))
    if kind == "revert":
        return Reverted(r.text("to"), r.text("stash"), r.text("reason"), r.number("at"))
    if kind == "escalated":
        return Escalated(
            int(r.number("number")),
            r.text("rule"),
            r.text("path"),
            r.text("question"),
            r.number("at"),
        )
    if kind == "answered":
        return Answered(int(r.number("number")), r.text("answer"), r.number("at"))
    if kind == "ended":
        outcome = r.text("outcome")
        if outcome not in ("done", "escalated", "limits", "interrupted", "failed"):
            raise ValueError(f"unknown outcome {outcome!r}")
        return SessionEnded(outcome, r.text("detail"), r.number("at"))  # type: ignore[arg-type]
    raise ValueError(f"unknown run event kind {kind!r}")


class _Record:
    """Typed access to one record's fields; a missing or mistyped field is a ValueError."""

    def __init__(self, record: Mapping[str, JsonValue]) -> None:
        self._record = record

    def text(self, name: str) -> str:
        value = self._record.get(name)
        if not isinstance(value, str):
            raise ValueError(f"`{name}` must be a string")
        return value

    def number(self, name: str) -> float:
        return _number(self._record.get(name))

    def pair(self, name: str) -> list[JsonValue]:
        value = self._record.get(name)
        if not isinstance(value, list) or len(value) != 2:
            raise ValueError(f"`{name}` must be a pair")
        return value


def _number(value: JsonValue | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {value!r}")
    return float(value)


def _plan(raw: JsonValue | None) -> Plan:
    if not isinstance(raw, dict):
        raise ValueError("`plan` must be an object")
    steps, edges = raw.get("steps"), raw.get("edge_cases")
    if not isinstance(steps, list) or not isinstance(edges, list):
        raise ValueError("`plan` needs `steps` and `edge_cases` lists")
    planned = []
    for step in steps:
        if not isinstance(step, dict):
            raise ValueError("each planned step must be an object")
        r = _Record(step)
        planned.append(PlannedStep(r.text("criterion"), r.text("intent")))
    return Plan(tuple(str(e) for e in edges), tuple(planned))


def _limits(raw: JsonValue | None) -> Limits:
    if not isinstance(raw, dict):
        raise ValueError("`limits` must be an object")

    def optional(name: str) -> float | None:
        value = raw.get(name)
        return None if value is None else _number(value)

    steps, tokens = optional("max_steps"), optional("max_tokens")
    return Limits(
        max_steps=None if steps is None else int(steps),
        max_cost=optional("max_cost"),
        max_minutes=optional("max_minutes"),
        max_tokens=None if tokens is None else int(tokens),
    )
