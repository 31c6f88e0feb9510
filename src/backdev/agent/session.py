"""One session of a run: the record, the model calls, the transcript, the progress.

Every fact goes to the run record the moment it happens (one event, one
transaction), so a session killed at any point leaves a record that `resume` can
continue from. Limits are checked before every model call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from backdev.agent.services import AgentServices, Progress, RunProgress
from backdev.application.agent_ports import ChatModel
from backdev.domain.conversation import (
    AssistantTurn,
    JsonValue,
    Message,
    ToolCall,
    ToolSpec,
    turn_to_record,
)
from backdev.domain.features import Feature
from backdev.domain.limits import check_limits
from backdev.domain.pricing import Price
from backdev.domain.run_events import ModelCalled, RunEvent
from backdev.domain.run_state import RunState


class Session:
    """The running session of run `state.run_id`."""

    def __init__(
        self,
        services: AgentServices,
        state: RunState,
        feature: Feature,
        model: ChatModel,
        price: Price,
        *,
        progress: Progress,
    ) -> None:
        self.services = services
        self.state = state
        self.feature = feature
        self._model = model
        self._price = price
        self._progress = progress
        self._started = services.clock.now()
        self.phase = "plan"
        self.step: int | None = None
        """The step being worked on (None while planning or judging the whole run)."""
        self.attempt: int | None = None

    @property
    def run_id(self) -> int:
        return self.state.run_id

    def now(self) -> float:
        return self.services.clock.now()

    def record(self, event: RunEvent) -> None:
        """Append `event` to the run record and to the state."""
        self.services.store.append(self.run_id, event)
        self.state.apply(event)

    def ask_model(
        self, messages: Sequence[Message], tools: Sequence[ToolSpec], step: int
    ) -> AssistantTurn:
        """One model call, after the limits check; recorded, transcribed, priced."""
        minutes = (self.now() - self._started) / 60
        check_limits(self.state.limits, self.state.spent(minutes))
        turn = self._model.complete(messages, tools)
        self.record(ModelCalled(step, turn.usage, self._price.cost(turn.usage), self.now()))
        entry = turn_to_record(redacted_turn(turn, self.services.redact))
        self.write({**entry, "step": step, "attempt": self.attempt})
        self.tell(f"model turn: {len(turn.tool_calls)} tool call(s)")
        return turn

    def write(self, entry: Mapping[str, JsonValue]) -> None:
        """Append an entry to the transcript; the caller passes redacted text."""
        self.services.transcript.write(self.run_id, entry)

    def say(self, role: str, content: str, step: int) -> Message:
        """A system or user message: redacted, transcribed, returned for the conversation."""
        text = self.services.redact(content)
        self.write({"type": "message", "role": role, "content": text, "step": step})
        return Message("system" if role == "system" else "user", text)

    def answer(self, call: ToolCall, content: str, is_error: bool, step: int) -> Message:
        """The result of a tool call: transcribed, returned for the conversation.

        `content` is already redacted (the toolbox redacts everything it returns).
        """
        self.write(
            {
                "type": "tool-result",
                "id": call.id,
                "name": call.name,
                "content": content,
                "is_error": is_error,
                "step": step,
            }
        )
        return Message("tool", content, tool_call_id=call.id, is_error=is_error)

    def tell(self, message: str, last_gates: str = "") -> None:
        """Send a progress update for the live view."""
        plan = self.state.plan
        step = self.step if plan is not None else None
        self._progress(
            RunProgress(
                phase=self.phase,
                message=message,
                step=step,
                steps=len(plan.steps) if plan is not None else None,
                attempt=self.attempt if step is not None else None,
                tokens=self.state.usage.input_tokens + self.state.usage.output_tokens,
                cost=self.state.cost,
                last_gates=last_gates or self.state.last_verdict,
            )
        )


def redacted_turn(turn: AssistantTurn, redact: Callable[[str], str]) -> AssistantTurn:
    """The turn with secrets masked in its text and in its tool calls' string arguments."""
    calls = tuple(
        replace(call, arguments=_redacted_arguments(call, redact)) for call in turn.tool_calls
    )
    return replace(turn, content=redact(turn.content), tool_calls=calls)


def _redacted_arguments(call: ToolCall, redact: Callable[[str], str]) -> dict[str, JsonValue]:
    return {k: redact(v) if isinstance(v, str) else v for k, v in call.arguments.items()}
