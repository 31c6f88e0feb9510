"""The `backdev` command line: parse arguments, call one use case, render the result."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from backdev import __version__, bootstrap
from backdev.application.check import CheckRequest, run_check
from backdev.application.lint import SPEC_KINDS, LintReport, SpecKind, lint_specs
from backdev.domain.errors import ConfigError, ExitCode
from backdev.domain.findings import CheckReport
from backdev.entrypoints.errors import run_guarded
from backdev.entrypoints.reports import REPORT_FORMATS, ReportFormat
from backdev.entrypoints.reports.grouping import verdict_line
from backdev.entrypoints.reports.json_report import render_json
from backdev.entrypoints.reports.junit import render_junit
from backdev.entrypoints.reports.markdown import render_markdown
from backdev.entrypoints.reports.sarif import render_sarif
from backdev.entrypoints.reports.text import print_text

app = typer.Typer(
    name="backdev",
    help=(
        "The Backend Developer role as enforced software.\n\nExample: backdev init && backdev lint"
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


@app.command()
def init() -> int:
    """Scaffold the role's documents in this git repository.

    Writes docs/engineering/ (Architecture Principles with a proposed layering,
    Definition of Done bound to the gates, three workflow playbooks), an example
    feature under docs/features/, and a [tool.backdev] table in pyproject.toml.
    Existing files and values are never overwritten; a second run changes nothing.

    Example:

      cd my-service && backdev init && backdev lint
    """
    report = bootstrap.run_init(Path.cwd())
    out = Console(highlight=False)
    for entry in report.entries:
        out.print(f"{entry.action:>9}  {entry.path}", markup=False)
    layout = report.layout
    if layout.kind == "none":
        detected = "no Python package found: the principles hold a commented example"
    else:
        detected = f"{layout.kind} layout, package {layout.package!r}: layers proposed for review"
    err = Console(stderr=True, highlight=False)
    err.print(f"{detected}.", markup=False)
    if report.changed:
        err.print(
            "Next: review docs/engineering/architecture-principles.md, then `backdev lint`.",
            markup=False,
        )
    else:
        err.print("Nothing to do: every file was already there.", markup=False)
    return int(ExitCode.OK)


@app.command()
def lint(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Spec files or folders; default: every spec file at the configured locations."
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="Treat every file as this kind: feature, principles or dod."),
    ] = None,
) -> int:
    """Validate feature files, Architecture Principles and the Definition of Done.

    Every problem is printed as FILE:LINE: what is wrong — how to fix it.
    Exit 0 when all is valid, 2 when anything is not.

    Examples:

      backdev lint

      backdev lint docs/features/FEAT-012-password-reset.md

      backdev lint notes/arch.md --kind principles
    """
    report = lint_specs(bootstrap.spec_parsers(Path.cwd()), paths or [], _spec_kind(kind))
    return _render_lint(report)


def _spec_kind(kind: str | None) -> SpecKind | None:
    if kind is None:
        return None
    for known in SPEC_KINDS:
        if kind == known:
            return known
    raise ConfigError(f"unknown --kind {kind!r}: use one of {', '.join(SPEC_KINDS)}")


def _render_lint(report: LintReport) -> int:
    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    for problem in report.problems:
        out.print(problem.render(), markup=False, soft_wrap=True)
    files = len(report.checked)
    if not report.checked and not report.problems:
        err.print(
            "No spec files found at the configured locations. "
            "Run `backdev init` to create them, or name files to lint.",
            markup=False,
        )
        return int(ExitCode.USAGE)
    if report.problems:
        err.print(f"{len(report.problems)} problem(s) in {files} file(s) checked.", markup=False)
        return int(ExitCode.USAGE)
    kinds = ", ".join(f"{f.path} ({f.kind})" for f in report.checked)
    err.print(f"All {files} file(s) valid: {kinds}", markup=False, soft_wrap=True)
    return int(ExitCode.OK)


@app.command()
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
