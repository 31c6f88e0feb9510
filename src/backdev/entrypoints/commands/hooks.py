"""`backdev install-hook` and `backdev hook ...`: the commands git and Claude Code run."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from backdev import bootstrap
from backdev.application.check import CheckRequest, run_check
from backdev.application.claude_stop import judge_stop, parse_stop_event
from backdev.application.hooks import (
    STATIC_GATES,
    Check,
    HookKind,
    check_pushed,
    check_staged,
    hook_script,
    install_git_hook,
    parse_pushed_ranges,
)
from backdev.domain.errors import BackdevError, ExitCode
from backdev.domain.findings import CheckReport
from backdev.entrypoints.reports.grouping import verdict_line
from backdev.entrypoints.reports.text import print_text

_GATES_HELP = (
    f"Gates to run, comma-separated; default: the static gates ({','.join(STATIC_GATES)})."
)

hook_app = typer.Typer(
    name="hook",
    help=(
        "The commands hooks run: git's pre-commit and pre-push, Claude Code's Stop.\n\n"
        "Examples: backdev hook pre-commit;  backdev hook claude-stop < event.json"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


def install_hook(
    pre_push: Annotated[
        bool, typer.Option("--pre-push", help="Install a pre-push hook instead of pre-commit.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a hook that is already there.")
    ] = False,
) -> int:
    """Install a git hook that runs backdev's static gates on every commit (or push).

    The hook goes where git looks for it (`core.hooksPath` and worktrees included) and
    runs backdev with the Python that ran this command, else the `backdev` on PATH.
    An existing hook is never replaced without --force; the message says how to call
    backdev from it instead.

    Examples:

      backdev install-hook

      backdev install-hook --pre-push
    """
    kind: HookKind = "pre-push" if pre_push else "pre-commit"
    files = bootstrap.git_hook_files(Path.cwd())
    outcome = install_git_hook(files, kind, hook_script(kind, sys.executable), force=force)
    skip = "git push --no-verify" if pre_push else "git commit --no-verify"
    said = {
        "installed": "installed",
        "replaced": "replaced the old hook with",
        "unchanged": "already installed:",
    }[outcome.action]
    Console(highlight=False).print(
        f"{said} the {kind} hook at {outcome.path}. It runs `backdev hook {kind}` "
        f"(static gates) before every {kind.removeprefix('pre-')}; skip it once with `{skip}`.",
        markup=False,
        soft_wrap=True,
    )
    return int(ExitCode.OK)


@hook_app.command("pre-commit")
def pre_commit(
    gates: Annotated[str | None, typer.Option("--gates", help=_GATES_HELP)] = None,
) -> int:
    """Judge the staged change against HEAD: what git is about to commit, nothing else.

    Unstaged edits and untracked files are not part of the commit, so they are not
    judged. Run by the hook `backdev install-hook` writes and by the pre-commit
    framework's `backdev-check` hook; under pre-commit's pre-push stage (which sets
    PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF) it judges that range instead.
    Exit 0 pass, 1 a gate failed, 2 a usage or configuration error.

    Example:

      backdev hook pre-commit --gates secrets,privacy
    """
    ids = _gates(gates)
    cwd = Path.cwd()
    check = _checker(cwd)
    from_ref = os.environ.get("PRE_COMMIT_FROM_REF")
    to_ref = os.environ.get("PRE_COMMIT_TO_REF")
    if from_ref and to_ref:
        report = check(CheckRequest(base=from_ref, head=to_ref, gates=ids))
        what = f"{from_ref[:12]}..{to_ref[:12]}"
    else:
        report = check_staged(check, bootstrap.index_snapshots(cwd), ids)
        what = "the staged change"
    return _verdict([(what, report)], "commit", "git commit --no-verify")


@hook_app.command("pre-push")
def pre_push(
    remote: Annotated[str | None, typer.Argument(help="The remote's name (git passes it).")] = None,
    url: Annotated[str | None, typer.Argument(help="The remote's URL (git passes it).")] = None,
    gates: Annotated[str | None, typer.Option("--gates", help=_GATES_HELP)] = None,
) -> int:
    """Judge each range of commits being pushed; git writes the ranges to standard input.

    A new branch is judged from its merge-base with the default branch. Exit 0 pass,
    1 a gate failed, 2 a usage or configuration error.

    Example (what git does):

      echo "refs/heads/x $(git rev-parse HEAD) refs/heads/x $(git rev-parse origin/x)" |
      backdev hook pre-push origin
    """
    del remote, url  # part of git's hook protocol; the ranges say everything needed
    ranges = parse_pushed_ranges(sys.stdin.read())
    results = check_pushed(_checker(Path.cwd()), ranges, _gates(gates))
    labelled = [(f"{r.local_ref} → {r.remote_ref}", report) for r, report in results]
    return _verdict(labelled, "push", "git push --no-verify")


@hook_app.command("claude-stop")
def claude_stop(
    base: Annotated[
        str | None,
        typer.Option(help="Base revision; default: the merge-base with the default branch."),
    ] = None,
    gates: Annotated[str | None, typer.Option("--gates", help=_GATES_HELP)] = None,
) -> int:
    """Claude Code's Stop hook: send the agent back to work while the change fails.

    Reads the hook's JSON from stdin and judges the working tree (uncommitted and
    untracked files included) in its `cwd`. On a failing change it prints
    {"decision": "block", "reason": "<the findings>"}; on a passing one, nothing. When
    the same findings survive two attempts, it lets the agent stop and tells the person.
    Always exit 0, except 1 for an error (Claude Code shows it and carries on).

    Example, in .claude/settings.json under hooks.Stop:

      {"type": "command", "command": "backdev hook claude-stop"}
    """
    err = Console(stderr=True, highlight=False)
    try:
        event = parse_stop_event(sys.stdin.read())
        cwd = Path(event.cwd) if event.cwd is not None else Path.cwd()
        request = CheckRequest(base=base, gates=_gates(gates))
        reply = judge_stop(_checker(cwd), bootstrap.stop_memory(cwd), event, request)
    except BackdevError as exc:
        # Exit 2 would block the agent with our error; 1 is Claude Code's "hook failed".
        err.print(f"backdev hook claude-stop: {exc}", markup=False, soft_wrap=True)
        return 1
    if reply.output is not None:
        sys.stdout.write(json.dumps(dict(reply.output), ensure_ascii=False) + "\n")
    return int(ExitCode.OK)


def _checker(cwd: Path) -> Check:
    services = bootstrap.check_services(cwd)

    def check(request: CheckRequest) -> CheckReport:
        return run_check(services, request)

    return check


def _gates(value: str | None) -> tuple[str, ...]:
    ids = tuple(part.strip() for part in (value or "").split(",") if part.strip())
    return ids or STATIC_GATES


def _verdict(reports: Sequence[tuple[str, CheckReport]], action: str, skip: str) -> int:
    """Print each report that failed (one line for a pass); exit 1 when any failed."""
    out = Console(highlight=False)
    failed = False
    for what, report in reports:
        if report.verdict == "fail":
            failed = True
            out.print(f"backdev: {what}", markup=False)
            print_text(report, out)
        else:
            out.print(f"backdev: {what}: {verdict_line(report)}", markup=False)
    if failed:
        out.print(
            f"backdev refused the {action}: fix the findings above and {action} again "
            f"(or skip the check once with `{skip}`).",
            markup=False,
            soft_wrap=True,
        )
        return int(ExitCode.GATE_FAILED)
    return int(ExitCode.OK)
