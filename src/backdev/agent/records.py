"""Reading the run record for people: `status`, `escalations`, and `answer`."""

from __future__ import annotations

from dataclasses import dataclass

from backdev.application.agent_ports import Clock, RunStore
from backdev.domain.errors import ConfigError
from backdev.domain.run_events import Answered
from backdev.domain.run_state import RunState, fold


@dataclass(frozen=True, slots=True)
class EscalationEntry:
    """One escalation as `backdev escalations` lists it."""

    number: int
    run_id: int
    feature: str
    rule: str
    path: str
    question: str
    answer: str | None


def run_states(store: RunStore) -> list[RunState]:
    """Every run's state, oldest first."""
    return [fold(run.run_id, store.events(run.run_id)) for run in store.runs()]


def list_escalations(store: RunStore) -> list[EscalationEntry]:
    """Every escalation of every run, by number."""
    entries = [
        EscalationEntry(
            e.number,
            state.run_id,
            state.started.feature,
            e.rule,
            e.path,
            e.question,
            state.answers.get(e.number),
        )
        for state in run_states(store)
        for e in state.escalations.values()
    ]
    return sorted(entries, key=lambda entry: entry.number)


def answer_escalation(store: RunStore, clock: Clock, number: int, text: str) -> EscalationEntry:
    """Record a person's answer to escalation `number`; `backdev resume` then continues."""
    if not text.strip():
        raise ConfigError("the answer is empty: say what the run should do, in a sentence or two")
    for entry in list_escalations(store):
        if entry.number != number:
            continue
        if entry.answer is not None:
            raise ConfigError(
                f"escalation {number} was already answered ({entry.answer!r}); "
                "`backdev resume` continues the run"
            )
        store.append(entry.run_id, Answered(number, text.strip(), clock.now()))
        return EscalationEntry(
            entry.number,
            entry.run_id,
            entry.feature,
            entry.rule,
            entry.path,
            entry.question,
            text.strip(),
        )
    raise ConfigError(f"there is no escalation {number}; `backdev escalations` lists them")
