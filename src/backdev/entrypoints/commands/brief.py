"""`backdev brief`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from backdev import bootstrap
from backdev.domain.errors import ExitCode

if TYPE_CHECKING:
    from backdev.agent.briefing import Brief


def brief(
    feature: Annotated[str, typer.Argument(help="A feature file's path or its id.")],
    step: Annotated[
        int | None,
        typer.Option(
            help="Step N of the latest saved run plan; without one, the N-th criterion "
            "not yet proven."
        ),
    ] = None,
    criterion: Annotated[
        str | None, typer.Option(help="Brief for this criterion, e.g. AC-2.")
    ] = None,
    workflow: Annotated[
        str | None,
        typer.Option(help="feature, refactor or defect; default: the feature file's own."),
    ] = None,
    no_tests: Annotated[
        bool,
        typer.Option("--no-tests", help="Do not run the tests; the step is the first criterion."),
    ] = False,
) -> int:
    """Print the role's brief for any AI tool: rules, principles, DoD, feature, next step.

    The Markdown on stdout is meant to be pasted into (or piped to) a coding assistant.
    By default the project's tests run once, and the step is the first criterion
    without passing linked tests; when every criterion is proven, the brief asks for
    the review. Its size goes to stderr.

    Examples:

      backdev brief FEAT-012

      backdev brief FEAT-012 --criterion AC-2 --no-tests | pbcopy

      backdev brief docs/features/FEAT-012-password-reset.md --step 2
    """
    err = Console(stderr=True, highlight=False)

    def compose() -> Brief:
        return bootstrap.brief_for(
            Path.cwd(),
            feature,
            step=step,
            criterion=criterion,
            workflow=workflow,
            run_tests=not no_tests,
        )

    if err.is_terminal and not no_tests:
        with err.status("backdev brief: running the tests", spinner="dots"):
            result = compose()
    else:
        result = compose()
    sys.stdout.write(result.text)
    what = "review (every criterion is proven)"
    if result.step is not None:
        criterion, _, title = result.step.partition(": ")
        what = f"step {criterion} ({title})" if title else f"step {criterion}"
    err.print(
        f"brief for {result.feature} {what}: ~{result.tokens} tokens ({result.token_method})",
        markup=False,
        soft_wrap=True,
    )
    return int(ExitCode.OK)
