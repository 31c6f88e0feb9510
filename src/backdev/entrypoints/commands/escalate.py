"""`backdev escalate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from backdev import bootstrap
from backdev.domain.errors import ExitCode


def escalate(
    feature: Annotated[str, typer.Argument(help="A feature file's path or its id.")],
    rule: Annotated[
        str,
        typer.Option(
            help="The rule that would break: requirement, principle, security-privacy, dod, "
            "stop-loss, ambiguity or limits."
        ),
    ],
    question: Annotated[str, typer.Option(help="What a person must decide.")],
    evidence: Annotated[
        list[str] | None,
        typer.Option(
            metavar="TEXT",
            help="What shows the problem (a finding, a test, a quote); repeatable.",
        ),
    ] = None,
) -> int:
    """Stop and raise an issue for a person: write an escalation dossier.

    For people and outside AI tools working under the role: the dossier goes under
    .backdev/escalations/, numbered after every earlier escalation, and its path is
    printed.

    Examples:

      backdev escalate FEAT-012 --rule ambiguity --question "Expire on use?"

      backdev escalate FEAT-012 --rule principle --question "May the domain read
      the clock?" --evidence "architecture/forbidden-import src/acc/token.py:3"
    """
    path = bootstrap.escalate_for(
        Path.cwd(), feature, rule=rule, question=question, evidence=evidence or ()
    )
    Console(highlight=False).print(path, markup=False, soft_wrap=True)
    return int(ExitCode.OK)
