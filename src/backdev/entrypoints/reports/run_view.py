"""How a run shows itself: a live line in a terminal, plain lines otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.live import Live
from rich.text import Text

from backdev.agent.services import Progress, RunProgress, RunResult
from backdev.domain.run_state import RunState


@contextmanager
def progress_view(console: Console) -> Iterator[Progress]:
    """A progress callback: a live status line on a terminal, one line per update otherwise."""
    if not console.is_terminal:
        yield lambda update: console.print(
            f"backdev run: {_line(update)}", markup=False, soft_wrap=True
        )
        return
    with Live(Text(""), console=console, refresh_per_second=8, transient=False) as live:
        yield lambda update: live.update(Text(_line(update)))


def result_lines(result: RunResult, state: RunState) -> list[str]:
    """What the user reads when the run stops: outcome, commits, cost, what to do next."""
    lines = [f"run {result.run_id} {_verb(result.outcome)}: {result.detail}"]
    lines += [f"  {sha[:10]}  step {n}" for n, sha in sorted(state.commits.items())]
    lines.append(f"cost: {_cost(state)}")
    if result.dossier:
        lines.append(f"escalation dossier: {result.dossier}")
        waiting = state.open_escalation
        if waiting is not None and waiting.rule == "limits":
            lines.append("next: backdev resume --max-steps 200 (or --max-cost 5): a higher limit")
        elif waiting is not None:
            lines.append(f'next: backdev answer {waiting.number} "..."  then  backdev resume')
    elif result.outcome == "done":
        lines.append(f"next: review the branch {state.started.branch} and open a pull request")
    lines += [f"note: {notice}" for notice in result.notices]
    return lines


def status_lines(state: RunState) -> list[str]:
    """One run for `backdev status`."""
    plan = state.plan
    steps = f"{len(state.commits)}/{len(plan.steps)} steps" if plan else "no plan yet"
    where = state.outcome or "running or interrupted (backdev resume continues it)"
    lines = [
        f"run {state.run_id}: {state.started.feature} on {state.started.branch} "
        f"with {state.started.model} — {where}",
        f"  {steps}; {_cost(state)}; {state.minutes:.1f} min",
    ]
    if state.last_verdict:
        lines.append(f"  last gates: {state.last_verdict}")
    waiting = state.open_escalation
    if waiting is not None:
        lines.append(f"  waiting for an answer to escalation {waiting.number}: {waiting.path}")
    return lines


def _line(update: RunProgress) -> str:
    where = update.phase
    if update.step is not None and update.steps:
        where += f" {update.step}/{update.steps}"
    if update.attempt:
        where += f" attempt {update.attempt}"
    return f"[{where}] {update.message} · {update.tokens:,} tokens · ${update.cost:.4f}"


def _cost(state: RunState) -> str:
    tokens = state.usage.input_tokens + state.usage.output_tokens
    return f"${state.cost:.4f} ({tokens:,} tokens, {state.calls} model calls)"


def _verb(outcome: str) -> str:
    return {
        "done": "is done",
        "escalated": "stopped and escalated",
        "limits": "reached a limit",
        "interrupted": "was interrupted",
    }.get(outcome, outcome)
