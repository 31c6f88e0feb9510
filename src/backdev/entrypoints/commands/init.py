"""`backdev init`."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from backdev import bootstrap
from backdev.domain.errors import ExitCode


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
