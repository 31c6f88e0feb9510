"""What the MCP tools answer: typed result shapes, tool errors, and calls off the event loop.

The shapes are TypedDicts because the SDK turns a tool's declared result type into
the output schema that clients validate answers against.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import partial
from typing import Literal

import anyio
from mcp.types import CallToolResult, TextContent

# Before Python 3.12, pydantic (the SDK's schema maker) reads a TypedDict nested in
# another only from typing_extensions, which pydantic itself depends on.
from typing_extensions import TypedDict

from backdev.agent.briefing import Brief
from backdev.agent.briefing import NextStep as FoundStep
from backdev.application.lint import LintReport
from backdev.domain.errors import BackdevError
from backdev.entrypoints.errors import crash_message, user_message


class LintProblem(TypedDict):
    """One problem in a spec file, as `backdev lint` prints it: where, what, how to fix."""

    path: str
    line: int
    message: str
    fix: str


class LintAnswer(TypedDict):
    """The files `lint` checked and every problem it found (none: all valid)."""

    checked: list[str]
    problems: list[LintProblem]


class BriefAnswer(TypedDict):
    """The brief's Markdown and what it is about; `tokens` is measured as `token_method` says."""

    feature: str
    text: str
    tokens: int
    token_method: str
    step: str | None
    criteria_left: list[str]


class NextStep(TypedDict):
    """The first criterion without passing linked tests, and why it is not proven."""

    criterion: str
    title: str
    status: Literal["missing", "failing"]
    reason: str


class NextStepAnswer(TypedDict):
    """The step to do next; null when every criterion is proven by passing tests."""

    next_step: NextStep | None


class EscalateAnswer(TypedDict):
    """Where the dossier for a person was written."""

    dossier: str


def lint_answer(report: LintReport) -> LintAnswer:
    """The lint report as plain data."""
    return {
        "checked": [checked.path for checked in report.checked],
        "problems": [
            {"path": p.path, "line": p.line, "message": p.message, "fix": p.fix}
            for p in report.problems
        ],
    }


def brief_answer(brief: Brief) -> BriefAnswer:
    """The brief and what it is about, as plain data."""
    return {
        "feature": brief.feature,
        "text": brief.text,
        "tokens": brief.tokens,
        "token_method": brief.token_method,
        "step": brief.step,
        "criteria_left": list(brief.criteria_left),
    }


def next_step_answer(found: FoundStep | None) -> NextStepAnswer:
    """The next step as plain data; null when there is none."""
    if found is None:
        return {"next_step": None}
    step: NextStep = {
        "criterion": found.criterion,
        "title": found.title,
        "status": found.status,
        "reason": found.reason,
    }
    return {"next_step": step}


def answer(data: Mapping[str, object], text: str | None = None) -> CallToolResult:
    """A tool result: `data` for programs, and `text` (default: `data` as JSON) for the model."""
    shown = json.dumps(data, indent=2, ensure_ascii=False) if text is None else text
    return CallToolResult(content=[TextContent(text=shown)], structured_content=dict(data))


def error_text(exc: BackdevError) -> str:
    """What the CLI prints for this mistake, so a tool error reads the same."""
    return user_message(exc)


class ToolCalls:
    """Runs each use case in a worker thread, so the server answers while one works.

    Calls that run the project's tests or write take turns: two test runs in one
    working tree share its caches and whatever files the tests write, and two
    escalations would pick the same number. Cheap reads never wait for them.
    """

    def __init__(self) -> None:
        self._turn = anyio.Lock()

    async def taking_turns(self, work: Callable[[], CallToolResult]) -> CallToolResult:
        """Run `work` once no other turn-taking call is running."""
        async with self._turn:
            return await self.at_once(work)

    async def at_once(self, work: Callable[[], CallToolResult]) -> CallToolResult:
        """Run `work` now, beside whatever else runs."""
        return await anyio.to_thread.run_sync(partial(_guarded, work))


def _guarded(work: Callable[[], CallToolResult]) -> CallToolResult:
    """Run one use case; the user's mistakes and our bugs become tool errors."""
    try:
        return work()
    except BackdevError as exc:
        return _error(error_text(exc))
    except Exception as exc:  # a bug of ours: keep the server up, keep the traceback
        return _error(crash_message(exc))


def _error(message: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(text=message)], is_error=True)
