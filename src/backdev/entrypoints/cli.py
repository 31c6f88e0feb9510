"""The `backdev` command line: parse arguments, call one use case, render the result."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer
from rich.console import Console

from backdev import __version__
from backdev.domain.errors import ExitCode
from backdev.entrypoints.commands import attest, check, init, lint, run, runs, trace
from backdev.entrypoints.commands.brief import brief
from backdev.entrypoints.commands.demo import demo
from backdev.entrypoints.commands.escalate import escalate
from backdev.entrypoints.commands.hooks import hook_app, install_hook
from backdev.entrypoints.commands.mcp import mcp
from backdev.entrypoints.errors import run_guarded

app = typer.Typer(
    name="backdev",
    help=(
        "The Backend Developer role as enforced software.\n\n"
        "Examples: backdev init && backdev lint;  backdev check --base origin/main"
    ),
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with `argv` (default: the process arguments) and return the exit code."""
    command = typer.main.get_command(app)
    stderr = Console(stderr=True)
    args = list(argv) if argv is not None else None

    def invoke() -> int:
        result = command.main(args=args, prog_name="backdev", standalone_mode=False)
        return int(result) if isinstance(result, int) else int(ExitCode.OK)

    return run_guarded(invoke, stderr)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"backdev {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """The Backend Developer role as enforced software."""


app.command()(demo)
app.command()(init.init)
app.command()(lint.lint)
app.command()(check.check)
app.command()(trace.trace)
app.command()(brief)
app.command()(escalate)
app.command()(attest.attest)
app.command()(run.run)
app.command()(run.resume)
app.command()(runs.status)
app.command()(runs.escalations)
app.command()(runs.answer)
app.command()(mcp)
app.command(name="install-hook")(install_hook)
app.add_typer(hook_app, name="hook")
