"""`backdev check`."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from backdev import bootstrap
from backdev.application.check import CheckRequest, run_check
from backdev.domain.errors import ConfigError, ExitCode
from backdev.domain.findings import CheckReport
from backdev.domain.report_data import render_json
from backdev.entrypoints.reports import REPORT_FORMATS, ReportFormat
from backdev.entrypoints.reports.grouping import verdict_line
from backdev.entrypoints.reports.junit import render_junit
from backdev.entrypoints.reports.markdown import render_markdown
from backdev.entrypoints.reports.sarif import render_sarif
from backdev.entrypoints.reports.text import print_text


def check(
    base: Annotated[
        str | None,
        typer.Option(help="Base revision; default: the merge-base with the default branch."),
    ] = None,
    head: Annotated[
        str | None,
        typer.Option(help="Head revision; default: the working tree, uncommitted files included."),
    ] = None,
    feature: Annotated[
        str | None,
        typer.Option(
            help="Feature file path or id; default: the `Feature:` trailer of the commits."
        ),
    ] = None,
    gates: Annotated[
        str | None, typer.Option("--gates", help="Only these gates, comma-separated.")
    ] = None,
    skip: Annotated[
        str | None, typer.Option("--skip", help="Skip these gates, comma-separated.")
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="text, markdown, json, sarif or junit.")
    ] = "text",
    output: Annotated[
        Path | None,
        typer.Option("--output", help="Write the report to this file instead of stdout."),
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list findings that predate the change.")
    ] = False,
) -> int:
    """Judge a change against the role's quality gates.

    Exit 0 when every gate passes (warnings and skips do not fail), 1 when a gate
    fails, 2 for a usage or configuration error.

    Examples:

      backdev check

      backdev check --base origin/main --format sarif --output backdev.sarif

      backdev check --base HEAD~1 --gates secrets,privacy,security
    """
    fmt = _report_format(output_format)
    request = CheckRequest(
        base=base,
        head=head,
        feature=feature,
        gates=_ids(gates),
        skip=_ids(skip),
        show_all=show_all,
    )
    err = Console(stderr=True, highlight=False)
    services = bootstrap.check_services(Path.cwd())
    with (
        err.status("backdev check", spinner="dots") if err.is_terminal else nullcontext() as status
    ):

        def progress(message: str) -> None:
            if status is not None:
                status.update(f"backdev check: {message}")

        report = run_check(services, request, progress)
    _write_report(report, fmt, output)
    return int(ExitCode.GATE_FAILED if report.verdict == "fail" else ExitCode.OK)


def _ids(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _report_format(value: str) -> ReportFormat:
    for known in REPORT_FORMATS:
        if value == known:
            return known  # type: ignore[return-value]
    raise ConfigError(f"unknown --format {value!r}: use one of {', '.join(REPORT_FORMATS)}")


def _write_report(report: CheckReport, fmt: ReportFormat, output: Path | None) -> None:
    if fmt == "text":
        if output is None:
            print_text(report, Console(highlight=False))
            return
        with output.open("w", encoding="utf-8") as handle:
            print_text(report, Console(file=handle, highlight=False, width=120, no_color=True))
        Console(stderr=True).print(
            f"{verdict_line(report)}; report written to {output}", markup=False
        )
        return
    rendered = _RENDERERS[fmt](report)
    if output is None:
        sys.stdout.write(rendered)
        return
    output.write_text(rendered, encoding="utf-8")
    Console(stderr=True).print(f"{verdict_line(report)}; report written to {output}", markup=False)


_RENDERERS = {
    "markdown": render_markdown,
    "json": render_json,
    "sarif": render_sarif,
    "junit": render_junit,
}
