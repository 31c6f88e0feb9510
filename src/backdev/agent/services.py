"""What the agent is wired with, and what it reports back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from backdev.application.agent_ports import (
    ChatModel,
    Clock,
    DossierStore,
    RunGit,
    RunStore,
    Transcript,
    Workspace,
)
from backdev.application.check import CheckRequest
from backdev.application.lint import SpecParsers
from backdev.application.ports import ProjectCommands, TestRunner
from backdev.domain.findings import CheckReport
from backdev.domain.pricing import ModelId
from backdev.domain.run_events import Outcome


@dataclass(frozen=True, slots=True)
class RunProgress:
    """One update for the live view: where the run is and what it cost so far."""

    phase: str
    message: str
    step: int | None = None
    steps: int | None = None
    attempt: int | None = None
    tokens: int = 0
    cost: float = 0.0
    last_gates: str = ""


Progress = Callable[[RunProgress], None]


@dataclass(frozen=True, slots=True)
class AgentServices:
    """The agent's ports, wired in the composition root (fakes in unit tests)."""

    specs: SpecParsers
    check: Callable[[CheckRequest], CheckReport]
    tests: TestRunner
    models: Callable[[ModelId], ChatModel]
    store: RunStore
    transcript: Transcript
    workspace: Workspace
    git: RunGit
    commands: ProjectCommands
    dossiers: DossierStore
    redact: Callable[[str], str]
    clock: Clock


@dataclass(frozen=True, slots=True)
class RunResult:
    """How a run (or one session of it) ended."""

    run_id: int
    outcome: Outcome
    detail: str
    commits: tuple[str, ...] = ()
    dossier: str = ""
    """The escalation dossier's path when the run escalated or reached a limit."""
    notices: tuple[str, ...] = ()
