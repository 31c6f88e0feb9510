"""Where a run stands: a pure fold over its events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from backdev.domain.conversation import Usage
from backdev.domain.limits import Limits, Spent
from backdev.domain.plan import Plan, PlannedStep
from backdev.domain.run_events import (
    Answered,
    AttemptJudged,
    Escalated,
    ModelCalled,
    Outcome,
    PlanSaved,
    Resumed,
    RunEvent,
    RunStarted,
    SessionEnded,
    StepCommitted,
)


@dataclass(slots=True)
class RunState:
    """The facts of one run, as its events tell them."""

    run_id: int
    started: RunStarted
    limits: Limits
    plan: Plan | None = None
    commits: dict[int, str] = field(default_factory=dict)
    attempts: dict[int, int] = field(default_factory=dict)
    repeats: dict[str, int] = field(default_factory=dict)
    """How often each failure fingerprint was seen since the last answer."""
    usage: Usage = field(default_factory=Usage)
    cost: float = 0.0
    calls: int = 0
    minutes: float = 0.0
    """Wall time of the sessions so far (each up to its last event)."""
    escalations: dict[int, Escalated] = field(default_factory=dict)
    answers: dict[int, str] = field(default_factory=dict)
    outcome: Outcome | None = None
    """How the last session ended; None while running or after a crash."""
    last_verdict: str = ""

    @property
    def next_step(self) -> int | None:
        """The 1-based number of the first planned step without a commit."""
        if self.plan is None:
            return None
        for number in range(1, len(self.plan.steps) + 1):
            if number not in self.commits:
                return number
        return None

    @property
    def last_green(self) -> str:
        """The commit the tree goes back to on a revert: the last step's, else the base."""
        if not self.commits:
            return self.started.base
        return self.commits[max(self.commits)]

    @property
    def open_escalation(self) -> Escalated | None:
        """The latest escalation nobody has answered yet."""
        waiting = [n for n in self.escalations if n not in self.answers]
        return self.escalations[max(waiting)] if waiting else None

    @property
    def done(self) -> bool:
        return self.outcome == "done"

    def step(self, number: int) -> PlannedStep:
        assert self.plan is not None
        return self.plan.steps[number - 1]

    def spent(self, session_minutes: float = 0.0) -> Spent:
        return Spent(self.calls, self.usage, self.cost, self.minutes + session_minutes)

    def apply(self, event: RunEvent) -> None:
        """Take in one more event of the running session (wall time is the caller's)."""
        _apply(self, event)


def fold(run_id: int, events: Iterable[RunEvent]) -> RunState:
    """The state after `events` (the first must be RunStarted)."""
    iterator = iter(events)
    first = next(iterator, None)
    if not isinstance(first, RunStarted):
        raise ValueError(f"run {run_id}: the record does not start with RunStarted")
    state = RunState(run_id, first, first.limits)
    session_start = last_at = first.at
    for event in iterator:
        if isinstance(event, Resumed):
            state.minutes += (last_at - session_start) / 60
            session_start = event.at
            state.limits = event.limits
            state.outcome = None
        _apply(state, event)
        if not isinstance(event, Answered):  # answers come from outside any session
            last_at = max(last_at, event.at)
    state.minutes += (last_at - session_start) / 60
    return state


def _apply(state: RunState, event: RunEvent) -> None:
    if isinstance(event, PlanSaved):
        state.plan = event.plan
    elif isinstance(event, ModelCalled):
        state.calls += 1
        state.usage = state.usage + event.usage
        state.cost += event.cost
    elif isinstance(event, AttemptJudged):
        state.attempts[event.step] = max(state.attempts.get(event.step, 0), event.attempt)
        state.last_verdict = event.summary
        for key in event.fingerprints:
            state.repeats[key] = state.repeats.get(key, 0) + 1
    elif isinstance(event, StepCommitted):
        state.commits[event.step] = event.sha
    elif isinstance(event, Escalated):
        state.escalations[event.number] = event
    elif isinstance(event, Answered):
        state.answers[event.number] = event.answer
        asked = state.escalations.get(event.number)
        if asked is None or asked.rule != "limits":
            state.repeats.clear()  # a person weighed in: the count starts again
    elif isinstance(event, SessionEnded):
        state.outcome = event.outcome
