"""`backdev trace`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from backdev import bootstrap
from backdev.application.trace import run_trace
from backdev.domain.errors import ConfigError, ExitCode
from backdev.entrypoints.reports.trace_render import (
    print_trace,
    render_trace_json,
    render_trace_markdown,
    summary_line,
)

_FORMATS = ("text", "json", "markdown")


def trace(
    feature: Annotated[str, typer.Argument(help="A feature file's path or its id.")],
    output_format: Annotated[
        str, typer.Option("--format", help="text, json or markdown.")
    ] = "text",
) -> int:
    """Show which tests prove each acceptance criterion, and how they did.

    Runs the project's tests once (under coverage, with the `ac` plugin) and lists,
    per criterion, the linked tests and their outcome. A criterion with no test that
    ran is a gap. Exit 0 when every criterion is proven, 1 otherwise.

    Examples:

      backdev trace FEAT-012

      backdev trace docs/features/FEAT-012-password-reset.md --format markdown
    """
    if output_format not in _FORMATS:
        raise ConfigError(f"unknown --format {output_format!r}: use one of {', '.join(_FORMATS)}")
    err = Console(stderr=True, highlight=False)
    if err.is_terminal:
        with err.status("backdev trace: running the tests", spinner="dots"):
            result = run_trace(bootstrap.trace_services(Path.cwd()), feature)
    else:
        result = run_trace(bootstrap.trace_services(Path.cwd()), feature)
    if output_format == "text":
        print_trace(result, Console(highlight=False))
    else:
        render = render_trace_json if output_format == "json" else render_trace_markdown
        sys.stdout.write(render(result))
        err.print(summary_line(result), markup=False)
    proven = result.problem is None and all(c.status == "proven" for c in result.criteria)
    return int(ExitCode.OK if proven else ExitCode.GATE_FAILED)
