"""The `checks` gate: the project's own lint, type check, test and build commands pass.

The commands come from the `ProjectCommands` port (declared in `[tool.backdev] checks`,
else the tools the project configures). They run one after another: the test evidence
run may be using the machine at the same time, and a fixed order keeps output stable.
The project's test suite (`pytest` or `python -m pytest` with no arguments) is not run
a second time when test evidence is wired: its outcome is taken from that run.
"""

from __future__ import annotations

import shlex

from backdev.application.gates import GateContext
from backdev.application.ports import CommandOutcome, ProjectCommand
from backdev.domain.changes import WORKTREE
from backdev.domain.evidence import TestEvidence
from backdev.domain.findings import Finding, GateResult

GATE_ID = "checks"
DEFAULT_TIMEOUT = 600.0
EVIDENCE_CHARS = 2000
_CANNOT_START = frozenset({126, 127})
_SUITE = (("pytest",), ("py.test",), ("python", "-m", "pytest"))


class ChecksGate:
    """Runs the project's declared or configured commands; each must exit with status 0."""

    @property
    def id(self) -> str:
        """The gate id, `checks`."""
        return GATE_ID

    def run(self, context: GateContext) -> GateResult:
        """Run every command and turn each failure into a finding."""
        commands = context.ports.commands
        if commands is None:
            return GateResult.skipped(GATE_ID, "no project command runner is wired")
        detected = commands.detect()
        if not detected:
            return GateResult.skipped(
                GATE_ID,
                "the project declares no checks and configures none of ruff, mypy, pytest or "
                "a build backend: declare commands in [tool.backdev.checks]",
            )
        timeout = _timeout(context.options.get("timeout"))
        findings: list[Finding] = []
        marks: list[str] = []
        for command in detected:
            if _is_suite(command) and context.evidence is not None:
                finding, mark = _from_evidence(command, context.evidence.head())
            else:
                finding, mark = _judge(commands.run(command, timeout), timeout)
            marks.append(f"{command.name} {mark}")
            if finding is not None:
                findings.append(finding)
        checked = ", ".join(marks)
        if context.change.head != WORKTREE:
            # The port runs commands in the working tree, which CI checks out at the head.
            checked += "; run in the working tree"
        return GateResult.judged(GATE_ID, findings, checked)


def _judge(outcome: CommandOutcome, timeout: float) -> tuple[Finding | None, str]:
    command = outcome.command
    shown = _shown(command)
    if outcome.timed_out:
        message = (
            f"`{shown}` ({command.name}, from {command.origin}) did not finish within "
            f"{timeout:g} s; the project's own checks must pass"
        )
        fix = "make the command faster, or raise [tool.backdev.gates.checks] timeout"
        return _failed(message, fix, outcome.output), "✗ (timeout)"
    if outcome.exit_code in _CANNOT_START:
        return _unavailable(command, outcome.output), "✗ (unavailable)"
    if outcome.exit_code != 0:
        message = (
            f"`{shown}` ({command.name}, from {command.origin}) exited with status "
            f"{outcome.exit_code}; the project's own checks must pass"
        )
        fix = f"run `{shown}` and fix what it reports"
        return _failed(message, fix, outcome.output), f"✗ ({outcome.exit_code})"
    return None, "✓"


def _from_evidence(command: ProjectCommand, evidence: TestEvidence) -> tuple[Finding | None, str]:
    shown = _shown(command)
    if evidence.problem is not None:
        message = (
            f"the project's tests (`{shown}`, from {command.origin}) produced no result: "
            f"{evidence.problem}"
        )
        fix = evidence.fix or f"run `{shown}` and make the suite run"
        return _failed(message, fix, evidence.output), "✗ (no result)"
    tally = _tally(evidence)
    if evidence.exit_code != 0:
        message = (
            f"the project's tests (`{shown}`, from {command.origin}) exited with status "
            f"{evidence.exit_code}" + (f": {tally}" if tally else "")
        )
        failing = [
            f"{r.outcome.upper()} {r.nodeid}" + (f" — {r.message}" if r.message else "")
            for r in evidence.results
            if r.outcome in ("failed", "error")
        ]
        listing = "\n".join(failing)[: EVIDENCE_CHARS // 2]
        room = EVIDENCE_CHARS - len(listing) - 1
        detail = f"{listing}\n{_clip(evidence.output, room)}" if listing else evidence.output
        fix = f"run `{shown}` and make every test pass"
        return _failed(message, fix, detail), f"✗ ({evidence.exit_code})"
    return None, "✓"


def _unavailable(command: ProjectCommand, reason: str) -> Finding:
    tool = _tool(command)
    fix = (
        f"install {tool} in the project's environment (e.g. `python -m pip install {tool}`), "
        "or declare the project's commands in [tool.backdev.checks]"
        if command.argv
        else f"fix the quoting of `{command.name}` in [tool.backdev.checks]"
    )
    return Finding(
        rule=f"{GATE_ID}/command-unavailable",
        severity="error",
        path="",
        line=0,
        message=(
            f"`{_shown(command)}` ({command.name}, from {command.origin}) could not start: "
            f"{reason.strip().splitlines()[-1] if reason.strip() else 'not found'}"
        ),
        fix=fix,
        evidence=_clip(reason),
    )


def _failed(message: str, fix: str, output: str) -> Finding:
    return Finding(
        rule=f"{GATE_ID}/command-failed",
        severity="error",
        path="",
        line=0,
        message=message,
        fix=fix,
        evidence=_clip(output),
    )


def _is_suite(command: ProjectCommand) -> bool:
    """True for the project's whole test suite: pytest with no arguments of its own."""
    return command.argv in _SUITE


def _timeout(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return DEFAULT_TIMEOUT


def _tool(command: ProjectCommand) -> str:
    """What to install for the command: the module of `python -m X`, else the program."""
    argv = command.argv
    if len(argv) >= 3 and argv[0] == "python" and argv[1] == "-m":
        return argv[2]
    return argv[0] if argv else command.name


def _tally(evidence: TestEvidence) -> str:
    counts: dict[str, int] = {}
    for result in evidence.results:
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
    order = ("failed", "error", "passed", "skipped", "xfailed", "xpassed", "deselected")
    return ", ".join(f"{counts[name]} {name}" for name in order if counts.get(name))


def _shown(command: ProjectCommand) -> str:
    return shlex.join(command.argv) if command.argv else command.name


def _clip(text: str, limit: int = EVIDENCE_CHARS) -> str:
    """The tail of the output: the end is where tools print their summary."""
    text = text.strip()
    return text if len(text) <= limit else "…" + text[-(limit - 1) :]
