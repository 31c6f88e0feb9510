"""In-memory fakes for the agent's run record, transcript and clock.

`FakeRunStore` keeps each event as the JSON text the SQLite store would write and
decodes it on the way out, so an event that does not survive serialisation fails
the tests that use the fake, not only those of the real store.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from backdev.application.agent_ports import RunSummary
from backdev.domain.conversation import JsonValue
from backdev.domain.errors import ConfigError
from backdev.domain.run_events import RunEvent, RunStarted, event_from_record, event_to_record


@dataclass
class FakeRunStore:
    """The `RunStore` in memory, with the SQLite store's rules (ids from 1, unknown run = error)."""

    stored: dict[int, list[str]] = field(default_factory=dict)
    """Each run's events as JSON text, in order."""
    summaries: dict[int, RunSummary] = field(default_factory=dict)

    def create(self, started: RunEvent) -> int:
        if not isinstance(started, RunStarted):
            raise TypeError(f"a run starts with RunStarted, not {type(started).__name__}")
        run_id = max(self.stored, default=0) + 1
        self.stored[run_id] = [_encode(started)]
        self.summaries[run_id] = RunSummary(run_id, started.feature, started.branch)
        return run_id

    def append(self, run_id: int, event: RunEvent) -> None:
        self._events_of(run_id).append(_encode(event))

    def events(self, run_id: int) -> list[RunEvent]:
        return [event_from_record(json.loads(text)) for text in self._events_of(run_id)]

    def runs(self) -> list[RunSummary]:
        return [self.summaries[run_id] for run_id in sorted(self.summaries)]

    def kinds(self, run_id: int) -> list[str]:
        """The kinds of the run's events, in order: a compact thing to assert on."""
        return [event.kind for event in self.events(run_id)]

    def _events_of(self, run_id: int) -> list[str]:
        if run_id not in self.stored:
            raise ConfigError(f"there is no run {run_id} in the run record")
        return self.stored[run_id]


@dataclass
class FakeTranscript:
    """The `Transcript` as a list of `(run_id, entry)`; entries are JSON round-tripped."""

    entries: list[tuple[int, dict[str, JsonValue]]] = field(default_factory=list)

    def write(self, run_id: int, entry: Mapping[str, JsonValue]) -> None:
        copy = json.loads(json.dumps(dict(entry), allow_nan=False))
        self.entries.append((run_id, copy))

    def of(self, run_id: int) -> list[dict[str, JsonValue]]:
        """The entries written for one run, in order."""
        return [entry for written, entry in self.entries if written == run_id]


@dataclass
class FakeClock:
    """A `Clock` that stands still unless advanced, or moves `tick` seconds per reading."""

    at: float = 1_800_000_000.0
    tick: float = 0.0

    def now(self) -> float:
        reading = self.at
        self.at += self.tick
        return reading

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass."""
        self.at += seconds


def _encode(event: RunEvent) -> str:
    return json.dumps(event_to_record(event), allow_nan=False)
