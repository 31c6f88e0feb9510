"""Understand before implementing: the model reads, then submits a plan that is saved
before any code is written."""

from __future__ import annotations

from backdev.agent.feedback import plan_request
from backdev.agent.session import Session
from backdev.agent.signals import Escalate
from backdev.agent.tools import PLAN_TOOLS, Toolbox
from backdev.domain.conversation import ToolCall
from backdev.domain.plan import Plan, parse_plan
from backdev.domain.run_events import PlanSaved
from backdev.domain.stoploss import STOP_AFTER

READING_TOOLS = frozenset({"read_file", "list_files", "search", "ask"})


def make_plan(session: Session, brief: str, toolbox: Toolbox, proven: list[str]) -> Plan:
    """Converse until the model submits a valid plan; save it and return it.

    Raises Escalate when the model asks a question, or keeps submitting invalid
    plans or answering without tools (STOP_AFTER times).
    """
    session.phase = "plan"
    criteria = [c.id for c in session.feature.criteria]
    messages = [
        session.say("system", brief, 0),
        session.say("user", plan_request(criteria, proven), 0),
    ]
    refusals = idle = 0
    while True:
        turn = session.ask_model(messages, PLAN_TOOLS, 0)
        messages.append(turn.as_message())
        if not turn.tool_calls:
            idle += 1
            _stop_if_stuck(idle, "harness/no-tool-call", "answered without calling a tool")
            messages.append(session.say("user", "Call submit_plan (or ask).", 0))
            continue
        idle = 0
        for call in turn.tool_calls:
            if call.name == "submit_plan":
                plan_or_problems = _plan(call, criteria, proven)
                if isinstance(plan_or_problems, Plan):
                    session.record(PlanSaved(plan_or_problems, session.now()))
                    session.tell(f"plan saved: {len(plan_or_problems.steps)} step(s)")
                    return plan_or_problems
                refusals += 1
                _stop_if_stuck(refusals, "harness/invalid-plan", "submitted invalid plans")
                text = "The plan was not accepted:\n- " + "\n- ".join(plan_or_problems)
                messages.append(session.answer(call, text, True, 0))
            elif call.name in READING_TOOLS:
                outcome = toolbox.call(call)
                if outcome.ends == "ask":
                    raise Escalate("ambiguity", "the model asked a question", outcome.question)
                messages.append(session.answer(call, outcome.content, outcome.is_error, 0))
            else:
                text = f"{call.name} is not available while planning: read, then submit_plan."
                messages.append(session.answer(call, text, True, 0))


def _plan(call: ToolCall, criteria: list[str], proven: list[str]) -> Plan | list[str]:
    if call.problem is not None:
        return [call.problem]
    return parse_plan(call.arguments, criteria, proven)


def _stop_if_stuck(count: int, rule: str, what: str) -> None:
    if count >= STOP_AFTER:
        raise Escalate(
            "stop-loss",
            f"the model {what} {count} times while planning",
            "The model could not produce a valid plan. Is the feature clear enough to "
            "plan (criteria, scope)? Answer with guidance, or refine the feature.",
            violated=rule,
        )
