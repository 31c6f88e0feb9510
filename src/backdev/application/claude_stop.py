"""The Claude Code `Stop` hook: keep the agent working while the change fails the gates.

Claude Code runs the hook when the agent finishes a turn, with a JSON object on stdin
(`session_id`, `transcript_path`, `cwd`, `hook_event_name`, `stop_hook_active`). Printing
`{"decision": "block", "reason": ...}` on stdout with exit 0 makes the agent continue
with the reason as its next instruction; printing nothing lets it stop
(https://code.claude.com/docs/en/hooks, "Stop input" and "Stop decision control").

`stop_hook_active` is true when the agent is already continuing because of a Stop hook;
the docs ask hooks to use it so the agent cannot run forever. We keep blocking while the
agent makes progress (the findings change) and let it stop once the same findings have
survived `SAME_FINDINGS_LIMIT` attempts, with a message for the person instead: the same
stop-loss idea the autonomous run uses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from backdev.application.check import CheckRequest
from backdev.domain.changes import WORKTREE
from backdev.domain.errors import ConfigError
from backdev.domain.findings import CheckReport, Finding

SAME_FINDINGS_LIMIT = 2
"""How many times the agent is sent back with unchanged findings before a person decides."""

REASON_LIMIT = 9_000
"""Claude Code caps hook text it puts in context at 10,000 characters; stay below."""

_EVENTS = ("Stop", "SubagentStop")


@dataclass(frozen=True, slots=True)
class StopEvent:
    """The fields of Claude Code's Stop-hook input that backdev uses."""

    session_id: str
    cwd: str | None
    stop_hook_active: bool


@dataclass(frozen=True, slots=True)
class StopRecord:
    """What the hook last blocked on in a session: the findings' fingerprint, how often."""

    fingerprint: str
    blocks: int


@dataclass(frozen=True, slots=True)
class StopReply:
    """The JSON to print (None: print nothing, the agent may stop) and what to remember."""

    output: Mapping[str, str] | None
    record: StopRecord | None


class StopMemory(Protocol):
    """What the Stop hook blocked on earlier in a session (one hook run knows nothing else)."""

    def recall(self, session_id: str) -> StopRecord | None:
        """The session's last block, or None."""
        ...

    def remember(self, session_id: str, record: StopRecord | None) -> None:
        """Keep `record` for the session's next stop; None forgets the session."""
        ...


def parse_stop_event(text: str) -> StopEvent:
    """Read the hook input Claude Code writes to stdin; a ConfigError names what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"the Stop hook input is not JSON ({exc.msg} at line {exc.lineno}) — "
            "`backdev hook claude-stop` reads the JSON Claude Code writes to its stdin"
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError("the Stop hook input must be a JSON object, as Claude Code sends it")
    event = data.get("hook_event_name", "Stop")
    if event not in _EVENTS:
        raise ConfigError(
            f"`backdev hook claude-stop` got a {event!r} event: register it under "
            '"Stop" in .claude/settings.json (see docs/integrations/claude-code.md)'
        )
    cwd = data.get("cwd")
    session = data.get("session_id")
    return StopEvent(
        session_id=session if isinstance(session, str) else "",
        cwd=cwd if isinstance(cwd, str) and cwd else None,
        stop_hook_active=data.get("stop_hook_active") is True,
    )


def judge_stop(
    check: Callable[[CheckRequest], CheckReport],
    memory: StopMemory,
    event: StopEvent,
    request: CheckRequest,
) -> StopReply:
    """Run the check for a Stop event, decide, and remember the decision for the session."""
    report = check(request)
    previous = memory.recall(event.session_id) if event.stop_hook_active else None
    reply = decide_stop(report, event, previous, _recheck_command(request))
    memory.remember(event.session_id, reply.record)
    return reply


def decide_stop(
    report: CheckReport, event: StopEvent, previous: StopRecord | None, recheck: str
) -> StopReply:
    """Block while the change fails, unless the agent made no progress for too long.

    `previous` only counts while the agent is continuing because of this hook
    (`stop_hook_active`); a stop after the person spoke again starts over.
    """
    if report.verdict == "pass":
        return StopReply(None, None)
    fingerprint = findings_fingerprint(report)
    same = event.stop_hook_active and previous is not None and previous.fingerprint == fingerprint
    blocks = previous.blocks + 1 if same and previous is not None else 1
    if blocks > SAME_FINDINGS_LIMIT:
        message = (
            f"backdev check still fails with the same findings after {SAME_FINDINGS_LIMIT} "
            f"attempts to fix them, so the agent was allowed to stop. Run `{recheck}` to see them."
        )
        return StopReply({"systemMessage": message}, None)
    reason = stop_reason(report, recheck)
    return StopReply({"decision": "block", "reason": reason}, StopRecord(fingerprint, blocks))


def stop_reason(report: CheckReport, recheck: str) -> str:
    """The failed gates' findings as instructions the agent can act on, within the cap."""
    errors = _errors(report)
    failed = [gate.gate for gate in report.gates if gate.status == "fail"]
    head = (
        f"backdev check failed: the change (base {report.base[:12]} → {_head(report.head)}) "
        f"breaks {len(errors)} rule(s) of the Backend Developer role in the gates "
        f"{', '.join(failed)}. Fix every finding below in the code (do not weaken a test or "
        "a gate to get past it); when you cannot fix one without breaking a requirement, "
        "stop and ask the person instead.\n"
    )
    tail = f"\nRe-check with: {recheck}"
    lines: list[str] = []
    budget = REASON_LIMIT - len(head) - len(tail) - 80
    for shown, finding in enumerate(errors):
        line = _finding_line(finding)
        if budget - len(line) < 0:
            lines.append(f"… and {len(errors) - shown} more finding(s); the re-check lists all.")
            break
        lines.append(line)
        budget -= len(line) + 1
    return head + "\n".join(lines) + tail


def findings_fingerprint(report: CheckReport) -> str:
    """A digest of the error findings: equal when the agent changed nothing that mattered."""
    digest = hashlib.sha256()
    for finding in _errors(report):
        for part in (finding.rule, finding.path, str(finding.line), finding.message):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def _errors(report: CheckReport) -> list[Finding]:
    found = [f for gate in report.gates for f in gate.findings if f.severity == "error"]
    return sorted(found, key=lambda f: (f.path, f.line, f.rule, f.message))


def _finding_line(finding: Finding) -> str:
    where = finding.path or "(the change as a whole)"
    if finding.line:
        where += f":{finding.line}"
    text = f"- {where} [{finding.rule}] {finding.message}"
    if finding.evidence:
        text += f"\n  evidence: {_one_line(finding.evidence, 200)}"
    return text + f"\n  fix: {finding.fix}"


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _head(head: str) -> str:
    return "the working tree" if head == WORKTREE else head[:12]


def _recheck_command(request: CheckRequest) -> str:
    parts = ["backdev check"]
    if request.base is not None:
        parts.append(f"--base {request.base}")
    if request.gates:
        parts.append(f"--gates {','.join(request.gates)}")
    return " ".join(parts)
