"""`backdev brief` and the next step: which criterion to work on, and its brief.

Pure use cases over loaded specs, an optional trace (the project's tests run
once) and an optional saved run plan, so that the CLI and the MCP server give
an outside tool the same answer the agent would work from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from backdev.agent.brief import Audience, compose_brief
from backdev.application.agent_ports import RunStore
from backdev.application.specs import LoadedSpecs
from backdev.application.trace import CriterionTrace, Trace
from backdev.domain.errors import ConfigError
from backdev.domain.features import WORKFLOWS, Feature, Workflow
from backdev.domain.gate_catalog import BUILTIN_GATES
from backdev.domain.plan import Plan, PlannedStep
from backdev.domain.run_state import fold

TOKEN_METHOD = "estimate: characters / 4"
"""tiktoken would download its encodings at first use; offline, the estimate is honest."""

WORKFLOW_GATES: dict[str, Workflow] = {
    "regression-proof": "defect",
    "behaviour-preserved": "refactor",
}
"""Gates that judge one workflow only; on a feature of another workflow they skip."""

_SHOWN_TESTS = 5


@dataclass(frozen=True, slots=True)
class NextStep:
    """The first criterion of a feature that its linked tests do not prove yet."""

    criterion: str
    title: str
    status: Literal["missing", "failing"]
    reason: str


@dataclass(frozen=True, slots=True)
class Brief:
    """A composed brief, its size, and what it asks for."""

    feature: str
    text: str
    tokens: int
    token_method: str
    step: str | None
    """`AC-2: its title`, or None when every criterion is proven (the review)."""
    criteria_left: tuple[str, ...]
    """Criteria not proven by the trace, in file order (all of them without a trace)."""


@dataclass(frozen=True, slots=True)
class _Target:
    step: PlannedStep
    number: int | None
    count: int | None
    plan: Plan | None


def next_step(trace: Trace) -> NextStep | None:
    """The first criterion in file order that is missing or failing; None when all are proven."""
    for criterion in trace.criteria:
        if criterion.status != "proven":
            return NextStep(
                criterion.id, criterion.title, criterion.status, _reason(trace, criterion)
            )
    return None


def make_brief(
    specs: LoadedSpecs,
    *,
    trace: Trace | None = None,
    plan: Plan | None = None,
    step: int | None = None,
    criterion: str | None = None,
    workflow: str | None = None,
    audience: Audience = "tool",
) -> Brief:
    """The brief for one step of `specs.feature`.

    The step is `criterion` (an id), else `step` (the N-th step of `plan` when
    there is one, else the N-th criterion not proven by `trace`), else the next
    step of `trace` (the first criterion without a `trace`). A plan step aimed
    at the chosen criterion lends its intent. When `trace` proves every
    criterion and no step is asked for, the brief asks for the review. Raises
    ConfigError for a step, criterion or workflow the feature does not have.
    """
    feature = specs.feature
    if feature is None:
        raise ConfigError("a brief needs a feature: pass a feature file's path or its id")
    check_selection(feature, plan, step=step, criterion=criterion, workflow=workflow)
    chosen = cast("Workflow | None", workflow)
    left = _left(feature, trace)
    target = _target(feature, trace, plan, left, step=step, criterion=criterion)
    text = compose_brief(
        specs,
        gates=gates_for(feature.workflow),
        workflow=chosen,
        plan=target.plan if target else None,
        step=target.step if target else None,
        step_number=target.number if target else None,
        step_count=target.count if target else None,
        audience=audience,
        status=_status(trace, target.step.criterion) if target else None,
    )
    label = None
    if target is not None:
        found = feature.criterion(target.step.criterion)
        label = f"{target.step.criterion}: {found.title if found else target.step.intent}"
    return Brief(feature.id, text, estimate_tokens(text), TOKEN_METHOD, label, left)


def check_selection(
    feature: Feature,
    plan: Plan | None,
    *,
    step: int | None = None,
    criterion: str | None = None,
    workflow: str | None = None,
) -> None:
    """Refuse what is wrong with the request before any test runs (ConfigError).

    A `step` beyond the criteria not yet proven can only be refused once the
    tests have run; `make_brief` does that.
    """
    if step is not None and criterion is not None:
        raise ConfigError("pass either --step or --criterion, not both")
    if workflow is not None and workflow not in WORKFLOWS:
        raise ConfigError(f"unknown --workflow {workflow!r}: use one of {', '.join(WORKFLOWS)}")
    if criterion is not None and feature.criterion(criterion) is None:
        ids = ", ".join(c.id for c in feature.criteria)
        raise ConfigError(
            f"criterion {criterion!r} is not in {feature.id} ({feature.path}); "
            f"its criteria are {ids}"
        )
    if step is not None and step < 1:
        raise ConfigError(f"--step {step} is not a step: steps are numbered from 1")
    if step is not None and plan is not None and step > len(plan.steps):
        raise ConfigError(
            f"--step {step} is not in the saved plan of {feature.id}: it has steps "
            f"1 to {len(plan.steps)} (`backdev status` shows them)"
        )


def latest_plan(store: RunStore, feature_id: str) -> Plan | None:
    """The plan saved by the latest run of this feature that saved one, if any."""
    for run in reversed(store.runs()):
        if run.feature == feature_id:
            plan = fold(run.run_id, store.events(run.run_id)).plan
            if plan is not None:
                return plan
    return None


def gates_for(workflow: Workflow) -> tuple[str, ...]:
    """The built-in gates `backdev check` runs on a feature of this workflow."""
    return tuple(g for g in BUILTIN_GATES if WORKFLOW_GATES.get(g, workflow) == workflow)


def estimate_tokens(text: str) -> int:
    """About how many tokens a model reads for `text` (characters / 4, rounded up)."""
    return (len(text) + 3) // 4


def _left(feature: Feature, trace: Trace | None) -> tuple[str, ...]:
    if trace is None:
        return tuple(c.id for c in feature.criteria)
    return tuple(c.id for c in trace.criteria if c.status != "proven")


def _target(
    feature: Feature,
    trace: Trace | None,
    plan: Plan | None,
    left: tuple[str, ...],
    *,
    step: int | None,
    criterion: str | None,
) -> _Target | None:
    if criterion is not None:
        return _aimed_at(feature, criterion, plan, left)
    if step is not None:
        return _numbered(feature, plan, left, step)
    if trace is None:
        return _aimed_at(feature, feature.criteria[0].id, plan, left)
    upcoming = next_step(trace)
    return _aimed_at(feature, upcoming.criterion, plan, left) if upcoming else None


def _numbered(feature: Feature, plan: Plan | None, left: tuple[str, ...], step: int) -> _Target:
    if plan is not None:
        return _Target(plan.steps[step - 1], step, len(plan.steps), plan)
    if step > len(left):
        known = f"1 to {len(left)} ({', '.join(left)})" if left else "none: all are proven"
        raise ConfigError(
            f"--step {step} is out of range: {feature.id} has no saved plan, so steps are "
            f"its criteria not yet proven, numbered {known}"
        )
    return _Target(_own_step(feature, left[step - 1]), step, len(left), None)


def _aimed_at(
    feature: Feature, criterion: str, plan: Plan | None, left: tuple[str, ...]
) -> _Target:
    if plan is not None:
        for number, planned in enumerate(plan.steps, start=1):
            if planned.criterion == criterion:
                return _Target(planned, number, len(plan.steps), plan)
    position = left.index(criterion) + 1 if criterion in left else None
    return _Target(_own_step(feature, criterion), position, len(left) or None, None)


def _own_step(feature: Feature, criterion: str) -> PlannedStep:
    found = feature.criterion(criterion)
    return PlannedStep(criterion, found.title if found and found.title else "make it hold")


def _status(trace: Trace | None, criterion: str) -> str | None:
    if trace is None:
        return None
    for traced in trace.criteria:
        if traced.id == criterion:
            if traced.status == "proven":
                passed = ", ".join(f"`{t.nodeid}`" for t in traced.tests[:_SHOWN_TESTS])
                return f"proven already; its linked tests pass ({passed})."
            return f"{traced.status}: {_reason(trace, traced)}."
    return None


def _reason(trace: Trace, criterion: CriterionTrace) -> str:
    if trace.problem is not None:
        return f"the tests produced no evidence ({trace.problem})"
    if not criterion.tests:
        number = criterion.id.removeprefix("AC-")
        return (
            f'no test is linked to it; link one with `@pytest.mark.ac("{criterion.id}")` '
            f"or `test_ac_{number}_` in its name"
        )
    shown = criterion.unproven[:_SHOWN_TESTS]
    listed = "; ".join(_outcome(t.nodeid, t.outcome, t.message) for t in shown)
    hidden = len(criterion.unproven) - len(shown)
    more = f" and {hidden} more" if hidden > 0 else ""
    if criterion.status == "missing":
        return f"its linked tests did not run: {listed}{more}"
    return f"its linked tests did not pass: {listed}{more}"


def _outcome(nodeid: str, outcome: str, message: str) -> str:
    first = message.strip().splitlines()[0] if message.strip() else ""
    return f"`{nodeid}` {outcome}" + (f" ({first[:160]})" if first else "")
