"""`backdev demo`: the whole role at work on a sample service, in three acts."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.rule import Rule

from backdev import bootstrap
from backdev.application.demo import BASE_BRANCH, DemoRepo
from backdev.domain.errors import ExitCode

INTRO = (
    "backdev demo builds a small layered service, `shop` (API → services → domain, an "
    "adapter, tests), with its Architecture Principles, a Definition of Done and feature "
    "FEAT-001: AC-1 is done, AC-2 (refuse a second sign-up with the same address) is not. "
    "It is a real git repository in {where}."
)
ACTS = (
    (
        "Act 1: a change a careless agent might make",
        "The change on branch careless-agent implements AC-2, but the domain imports an "
        "adapter, a database password became a configuration default, and AC-1's test was "
        "deleted. backdev check judges it, as it would in a hook, in CI or for any agent:",
    ),
    (
        "Act 2: the role run by the agent",
        "Back on the clean base, backdev run drives a model through the role: a plan, then "
        "a step whose diff the gates judge. The model is a REPLAY of a recorded session "
        "(replay:), not a live model, so no API key is needed. Watch the first attempt come "
        "back red (no test), the findings go back to the model, and the fix land as one "
        "green commit:",
    ),
    (
        "Act 3: stop-loss",
        "A second recorded session insists on the same failing change three times (the "
        "domain importing an adapter). The third time, the run puts the attempt aside, "
        "returns to the last green commit and writes an escalation dossier for a person:",
    ),
)
NEXT = (
    "Next, in your own repository:",
    "  backdev init     # principles, DoD and a feature template, for you to review",
    "  backdev check    # judge your branch against the role's gates",
    "  backdev run FEAT-012 --model openai:gpt-4.1 --max-cost 2",
)
DOSSIER = ".backdev/escalations/FEAT-001-1.md"


def demo(
    keep: Annotated[
        Path | None,
        typer.Option(
            "--keep",
            metavar="DIR",
            help="Build the demo in DIR (new or empty) and leave it there to explore.",
        ),
    ] = None,
) -> int:
    """See the Backend Developer role enforced on a sample service, with no API key.

    Three acts, each a real command on a real git repository: backdev check on a
    careless change (exit 1), backdev run with a replayed model session (a red gate
    result fed back, then a green commit with its trailers, then backdev trace), and
    stop-loss (the same failure three times: revert and escalation dossier). Removes
    everything afterwards unless --keep. Exit 0 when every act behaved as shown.

    Examples:

      backdev demo

      backdev demo --keep /tmp/backdev-demo
    """
    out = Console(highlight=False)
    started = time.monotonic()
    with bootstrap.demo_repository(keep) as repo:
        where = str(repo.root) if keep else "a temporary folder"
        out.print(INTRO.format(where=where), markup=False)
        repo.create()
        surprises = _acts(repo, out)
    out.print(Rule(style="dim"))
    seconds = time.monotonic() - started
    left = f"the repository is in {repo.root}" if keep else "nothing was left behind"
    out.print(f"The demo took {seconds:.0f} s; {left}.", markup=False)
    for line in NEXT:
        out.print(line, markup=False)
    if surprises:
        out.print(f"The demo did not go as recorded: {'; '.join(surprises)}", markup=False)
        return int(ExitCode.GATE_FAILED)
    return int(ExitCode.OK)


def _acts(repo: DemoRepo, out: Console) -> list[str]:
    """Play the three acts; what went differently from the recording, if anything."""
    surprises: list[str] = []
    agent = bootstrap.demo_recording("agent-session.jsonl")
    stubborn = bootstrap.demo_recording("stubborn-session.jsonl")
    here = Path.cwd()
    os.chdir(repo.root)
    try:
        _act(out, 0)
        repo.commit_careless_change()
        _expect(out, surprises, ["check", "--base", BASE_BRANCH, "--feature", "FEAT-001"], 1)
        _act(out, 1)
        repo.switch(BASE_BRANCH)
        _expect(out, surprises, ["run", "FEAT-001", "--model", f"replay:{agent}"], 0)
        out.print("The step's commit:", markup=False)
        out.print("  " + repo.message().replace("\n", "\n  "), markup=False)
        _expect(out, surprises, ["trace", "FEAT-001"], 0)
        _act(out, 2)
        repo.switch(BASE_BRANCH)
        stubborn_run = ["run", "FEAT-001", "--model", f"replay:{stubborn}"]
        _expect(out, surprises, [*stubborn_run, "--branch", "backdev/FEAT-001-stubborn"], 3)
        out.print(f"\nThe dossier ({DOSSIER}) begins:", markup=False)
        head = repo.read(DOSSIER).split("## What was tried", 1)[0].rstrip()
        out.print("  " + head.replace("\n", "\n  "), markup=False, soft_wrap=True)
    finally:
        os.chdir(here)
    return surprises


def _act(out: Console, number: int) -> None:
    title, text = ACTS[number]
    out.print()
    out.print(Rule(title, align="left"))
    out.print(text, markup=False)


def _expect(out: Console, surprises: list[str], args: list[str], code: int) -> None:
    """Run `backdev ARGS` as a user would, and note an exit code other than `code`."""
    # The command line itself, as the user runs it (imported here: cli imports this module).
    from backdev.entrypoints.cli import main

    shown = " ".join(a if " " not in a else repr(a) for a in args)
    out.print(f"\n$ backdev {shown}", markup=False, soft_wrap=True)
    got = main(args)
    out.print(f"(exit {got})", markup=False)
    if got != code:
        surprises.append(f"`backdev {args[0]}` exited {got}, the recording expects {code}")
