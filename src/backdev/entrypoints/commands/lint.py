"""`backdev lint`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from backdev import bootstrap
from backdev.application.lint import SPEC_KINDS, LintReport, SpecKind, lint_specs
from backdev.domain.errors import ConfigError, ExitCode

NO_SPEC_FILES = (
    "No spec files found at the configured locations. "
    "Run `backdev init` to create them, or name files to lint."
)


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
        err.print(NO_SPEC_FILES, markup=False)
        return int(ExitCode.USAGE)
    if report.problems:
        err.print(f"{len(report.problems)} problem(s) in {files} file(s) checked.", markup=False)
        return int(ExitCode.USAGE)
    kinds = ", ".join(f"{f.path} ({f.kind})" for f in report.checked)
    err.print(f"All {files} file(s) valid: {kinds}", markup=False, soft_wrap=True)
    return int(ExitCode.OK)
