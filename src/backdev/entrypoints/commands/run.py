"""`backdev run` and `backdev resume`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from backdev import bootstrap
from backdev.domain.errors import ConfigError, ExitCode
from backdev.domain.limits import Limits

if TYPE_CHECKING:
    from backdev.agent.services import RunResult
    from backdev.domain.run_events import RunEvent

_EXIT = {"done": ExitCode.OK, "escalated": ExitCode.ESCALATED, "limits": ExitCode.LIMITS_REACHED}

MaxSteps = Annotated[
    int | None, typer.Option("--max-steps", help="Most model calls in the run (default 100).")
]
MaxCost = Annotated[float | None, typer.Option("--max-cost", help="Most USD the run may spend.")]
MaxMinutes = Annotated[
    float | None, typer.Option("--max-minutes", help="Most minutes of wall time.")
]


def run(
    feature: Annotated[str, typer.Argument(help="A feature file's path or its id.")],
    model: Annotated[str, typer.Option("--model", help="PROVIDER:MODEL, e.g. openai:gpt-4.1.")],
    max_steps: MaxSteps = None,
    max_cost: MaxCost = None,
    max_minutes: MaxMinutes = None,
    price: Annotated[
        str | None,
        typer.Option(
            "--price", help="IN,OUT: USD per million tokens, for models without a known price."
        ),
    ] = None,
    branch: Annotated[
        str | None,
        typer.Option("--branch", help="The run's branch (default backdev/<feature-id>)."),
    ] = None,
    stash: Annotated[
        bool,
        typer.Option(
            "--stash", help="Stash uncommitted changes (named stash) instead of refusing."
        ),
    ] = False,
) -> int:
    """Build a validated feature with a model, one small verified commit at a time.

    The model plans, then implements each step with a small set of tools; after each
    step the quality gates judge its diff: green steps are committed with trailers
    (Feature, Criterion, Step, Gates), red ones go back to the model with the
    findings. The same failure three times, a question, or a limit stops the run with
    an escalation dossier under .backdev/escalations/.
    Exit 0 done, 3 escalated, 4 a limit was reached, 2 bad input.

    Examples:

      backdev run FEAT-012 --model openai:gpt-4.1 --max-cost 2

      export OPENAI_BASE_URL=http://localhost:11434/v1   # a local server

      backdev run FEAT-012 --model openai:qwen3 --price 0,0

      backdev run docs/features/FEAT-012.md --model anthropic:claude-sonnet-4-5 --max-minutes 30
    """
    from backdev.agent.run import RunRequest, start_run
    from backdev.domain.pricing import parse_price
    from backdev.entrypoints.reports.run_view import progress_view

    request = RunRequest(
        feature=feature,
        model=model,
        limits=_limits(max_steps, max_cost, max_minutes, Limits()),
        price=parse_price(price) if price is not None else None,
        branch=branch,
        stash=stash,
    )
    services = bootstrap.agent_services(Path.cwd())
    err = Console(stderr=True, highlight=False)
    with progress_view(err) as progress:
        result = start_run(services, request, progress)
    return _finish(result, services.store.events(result.run_id))


def resume(
    run_id: Annotated[int | None, typer.Argument(help="The run (default: the latest).")] = None,
    max_steps: MaxSteps = None,
    max_cost: MaxCost = None,
    max_minutes: MaxMinutes = None,
) -> int:
    """Continue a run after an answer, a limit, or an interruption.

    Starts from the last green commit; changes an interrupted attempt left behind go
    to a named stash. New limits replace the run's limits for the rest of it.

    Examples:

      backdev answer 1 "Use the adapter through the port" && backdev resume

      backdev resume --max-cost 5
    """
    from backdev.agent.run import resume_run
    from backdev.entrypoints.reports.run_view import progress_view

    services = bootstrap.agent_services(Path.cwd())
    given = (max_steps, max_cost, max_minutes)
    limits = _limits(max_steps, max_cost, max_minutes, None) if any(given) else None
    err = Console(stderr=True, highlight=False)
    with progress_view(err) as progress:
        result = resume_run(services, run_id, limits, progress)
    return _finish(result, services.store.events(result.run_id))


def _limits(
    steps: int | None, cost: float | None, minutes: float | None, default: Limits | None
) -> Limits:
    for name, value in (("--max-steps", steps), ("--max-cost", cost), ("--max-minutes", minutes)):
        if value is not None and value <= 0:
            raise ConfigError(f"{name} must be greater than 0, got {value}")
    base = default or Limits()
    return Limits(
        max_steps=steps if steps is not None else base.max_steps,
        max_cost=cost,
        max_minutes=minutes,
    )


def _finish(result: RunResult, events: list[RunEvent]) -> int:
    from backdev.domain.run_state import fold
    from backdev.entrypoints.reports.run_view import result_lines

    state = fold(result.run_id, events)
    out = Console(highlight=False)
    for line in result_lines(result, state):
        out.print(line, markup=False, soft_wrap=True)
    return int(_EXIT.get(result.outcome, ExitCode.USAGE))
