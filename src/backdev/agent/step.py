"""Implement one step: the tool loop, then the gates on the step's diff.

Green: one commit with the step's trailers. Red: the findings are the next
message. The same failure (fingerprint) a third time stops the run.
"""

from __future__ import annotations

import json

from backdev.agent.feedback import (
    commit_message,
    finding_line,
    findings_message,
    step_request,
    verdict_line,
)
from backdev.agent.session import Session
from backdev.agent.signals import Escalate
from backdev.agent.tools import STEP_TOOLS, Toolbox, ToolOutcome
from backdev.application.agent_ports import CommitRefused
from backdev.application.check import CheckRequest
from backdev.domain.conversation import Message, ToolCall
from backdev.domain.findings import CheckReport
from backdev.domain.report_data import report_dict
from backdev.domain.run_events import AttemptJudged, StepCommitted
from backdev.domain.stoploss import (
    STOP_AFTER,
    Fingerprint,
    failures,
    finding_fingerprint,
    harness_fingerprint,
    report_fingerprints,
)

EMPTY_STEP = "the step changed no file: a step must change code and its tests"


def run_step(session: Session, number: int, brief: str, toolbox: Toolbox) -> str:
    """Drive step `number` to a green commit and return its sha (or raise Escalate)."""
    state = session.state
    step = state.step(number)
    count = len(state.plan.steps) if state.plan else number
    session.phase = "step"
    session.step = number
    session.attempt = state.attempts.get(number, 0) + 1
    messages = [
        session.say("system", brief, number),
        session.say("user", step_request(number, count, step), number),
    ]
    idle = 0
    while True:
        turn = session.ask_model(messages, STEP_TOOLS, number)
        messages.append(turn.as_message())
        if not turn.tool_calls:
            idle += 1
            if idle >= STOP_AFTER:
                raise Escalate(
                    "stop-loss",
                    f"the model answered {idle} times without calling a tool",
                    "The model stopped using its tools. Give it guidance, or take the step over.",
                    violated="harness/no-tool-call",
                )
            reminder = "Use the tools to change the code; call finish_step when done, or ask."
            messages.append(session.say("user", reminder, number))
            continue
        idle = 0
        finished = _run_tools(session, toolbox, turn.tool_calls, messages, number)
        if finished is None:
            continue
        report, prints = judge(session, number)
        feedback = findings_message(report, session.attempt) if report else EMPTY_STEP
        summary = verdict_line(report) if report is not None else EMPTY_STEP
        sha = ""
        if report is not None and report.verdict == "pass":
            message = commit_message(
                session.feature.id,
                number,
                count,
                step,
                summary=finished.summary,
                trade_offs=finished.trade_offs,
            )
            try:
                sha = session.services.git.commit_all(message)
            except CommitRefused as refused:
                prints = (harness_fingerprint("harness/commit-refused", str(refused)),)
                summary = "the gates pass, but git refused the commit"
                feedback = f"{summary}:\n{refused}\nFix what it reports, then call finish_step."
        session.record(
            AttemptJudged(
                number,
                session.attempt,
                "pass" if sha else "fail",
                tuple(p.key for p in prints),
                summary,
                _report_json(report),
                session.now(),
            )
        )
        session.tell(f"gates: {summary}", summary)
        if sha:
            session.record(StepCommitted(number, sha, session.now()))
            session.tell(f"step {number}/{count} committed: {sha[:10]}")
            return sha
        _stop_on_repeats(session, prints, report)
        messages.append(session.say("user", feedback, number))
        session.attempt += 1


def judge(session: Session, number: int) -> tuple[CheckReport | None, tuple[Fingerprint, ...]]:
    """The gates on the step's diff; None (and a harness fingerprint) when nothing changed."""
    services, state = session.services, session.state
    if not services.git.dirty():
        return None, (harness_fingerprint("harness/empty-step", EMPTY_STEP),)
    assert state.plan is not None
    judged = {state.step(n).criterion for n in state.commits} | {state.step(number).criterion}
    criteria = [c.id for c in session.feature.criteria if c.id in judged]
    session.tell("running the quality gates on the step's diff")
    report = services.check(
        CheckRequest(
            base=state.last_green,
            feature=session.feature.path,
            skip=("dod",),
            options={"acceptance": {"criteria": criteria}},
        )
    )
    return report, report_fingerprints(report)


def _run_tools(
    session: Session,
    toolbox: Toolbox,
    calls: tuple[ToolCall, ...],
    messages: list[Message],
    number: int,
) -> ToolOutcome | None:
    """Answer every tool call of a turn; the finish_step outcome, if the model finished."""
    finished: ToolOutcome | None = None
    for call in calls:
        if finished is not None:
            outcome = ToolOutcome("not run: the step was already finished", is_error=True)
        else:
            outcome = toolbox.call(call)
        messages.append(session.answer(call, outcome.content, outcome.is_error, number))
        if outcome.ends == "ask":
            raise Escalate("ambiguity", "the model asked a question", outcome.question)
        if outcome.ends == "finish":
            finished = outcome
    return finished


def _stop_on_repeats(
    session: Session, prints: tuple[Fingerprint, ...], report: CheckReport | None
) -> None:
    repeated = [p for p in prints if session.state.repeats.get(p.key, 0) >= STOP_AFTER]
    if not repeated:
        return
    first = repeated[0]
    keys = {p.key for p in repeated}
    evidence = [
        finding_line(f)
        for gate, f in (failures(report) if report is not None else [])
        if finding_fingerprint(gate, f).key in keys
    ] or [p.describe() for p in repeated]
    raise Escalate(
        "stop-loss",
        f"the same failure {STOP_AFTER} times: {first.rule}",
        f"The model failed {STOP_AFTER} times in the same way ({evidence[0]}). "
        "Is the rule right for this case, or what should the implementation do instead?",
        evidence=evidence,
        violated=first.rule,
    )


def _report_json(report: CheckReport | None) -> str:
    return "" if report is None else json.dumps(report_dict(report))
