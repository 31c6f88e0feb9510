"""`backdev attest`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from backdev import bootstrap
from backdev.domain.errors import ExitCode


def attest(
    item: Annotated[str, typer.Argument(help="The DoD item: its text, or a unique part of it.")],
    by: Annotated[str, typer.Option("--by", help="Who attests (a name people know).")],
    note: Annotated[str, typer.Option("--note", help="What was checked, and how.")],
    commit: Annotated[
        str, typer.Option("--commit", help="The commit the attestation is for.")
    ] = "HEAD",
) -> int:
    """Attest a manual Definition of Done item (one no gate can prove) for a commit.

    The attestation is appended to docs/engineering/attestations.md, a file you
    commit with the change, so that `backdev check` in CI sees it too.

    Example:

      backdev attest "Trade-offs are written down" --by Ada --note "ADR 0007 covers it"
    """
    attestation, path = bootstrap.run_attest(Path.cwd(), item, by, note, commit)
    Console(highlight=False).print(
        f'attested "{attestation.item}" for {attestation.commit[:12]} by {attestation.by}; '
        f"recorded in {path} (commit it with the change)",
        markup=False,
        soft_wrap=True,
    )
    return int(ExitCode.OK)
