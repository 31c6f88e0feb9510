"""`backdev status`, `backdev escalations` and `backdev answer`: the run record for people."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from backdev import bootstrap
from backdev.domain.errors import ExitCode


def status() -> int:
    """Show where each run stands: steps, cost, time, last gate result, open questions.

    Examples:

      backdev status
    """
    from backdev.agent.records import run_states
    from backdev.entrypoints.reports.run_view import status_lines

    store, _clock = bootstrap.run_records(Path.cwd())
    out = Console(highlight=False)
    states = run_states(store)
    if not states:
        out.print("no runs yet: start one with backdev run FEATURE --model PROVIDER:MODEL")
    for state in states:
        for line in status_lines(state):
            out.print(line, markup=False)
    return int(ExitCode.OK)


def escalations() -> int:
    """List the escalations of every run: number, rule, question, answer.

    Examples:

      backdev escalations
    """
    from backdev.agent.records import list_escalations

    store, _clock = bootstrap.run_records(Path.cwd())
    out = Console(highlight=False)
    entries = list_escalations(store)
    if not entries:
        out.print("no escalations")
    for e in entries:
        state = f"answered: {e.answer}" if e.answer is not None else "open"
        out.print(f"{e.number}  run {e.run_id}  {e.feature}  {e.rule}  {state}", markup=False)
        out.print(f"   {e.path}", markup=False)
        out.print(f"   {e.question}", markup=False)
    return int(ExitCode.OK)


def answer(
    number: Annotated[int, typer.Argument(help="The escalation's number.")],
    text: Annotated[str, typer.Argument(help="Your answer; the model sees it on resume.")],
) -> int:
    """Answer an escalation, so that `backdev resume` can continue the run.

    Examples:

      backdev answer 1 "Keep the domain pure: inject the clock through a port"
    """
    from backdev.agent.records import answer_escalation

    store, clock = bootstrap.run_records(Path.cwd())
    entry = answer_escalation(store, clock, number, text)
    Console(highlight=False).print(
        f"escalation {entry.number} answered; continue run {entry.run_id} with: backdev resume",
        markup=False,
    )
    return int(ExitCode.OK)
