"""What a model conversation is made of: messages, tool specs, tool calls, usage.

Provider adapters translate these to and from their SDK's types; nothing here
knows about a provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]
Role = Literal["system", "user", "assistant", "tool"]


def _no_arguments() -> Mapping[str, JsonValue]:
    return {}


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A function tool the model may call; `parameters` is a JSON Schema object."""

    name: str
    description: str
    parameters: Mapping[str, JsonValue]


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One tool call the model asked for.

    `problem` is set (and `arguments` empty) when the model's arguments were not a
    JSON object; the harness answers such a call with a tool error.
    """

    id: str
    name: str
    arguments: Mapping[str, JsonValue] = field(default_factory=_no_arguments)
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens one model call consumed."""

    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens
        )


@dataclass(frozen=True, slots=True)
class Message:
    """One message of a conversation.

    `system`/`user`: `content` only. `assistant`: `content` and the `tool_calls`
    it made. `tool`: the result of the call `tool_call_id`, an error when
    `is_error` (the tool refused or failed).
    """

    role: Role
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    is_error: bool = False


@dataclass(frozen=True, slots=True)
class AssistantTurn:
    """What one model call returned: text, tool calls, and the tokens it cost."""

    content: str
    tool_calls: tuple[ToolCall, ...]
    usage: Usage
    stop_reason: str = ""

    def as_message(self) -> Message:
        """The turn as the assistant message to append to the conversation."""
        return Message("assistant", self.content, self.tool_calls)


def turn_to_record(turn: AssistantTurn) -> dict[str, JsonValue]:
    """The turn as a transcript record (`"type": "model-turn"`); replay reads it back."""
    calls: list[JsonValue] = [
        {"id": c.id, "name": c.name, "arguments": dict(c.arguments), "problem": c.problem}
        for c in turn.tool_calls
    ]
    return {
        "type": "model-turn",
        "content": turn.content,
        "tool_calls": calls,
        "usage": [turn.usage.input_tokens, turn.usage.output_tokens],
        "stop_reason": turn.stop_reason,
    }


def turn_from_record(record: Mapping[str, JsonValue]) -> AssistantTurn:
    """The turn a `model-turn` record holds; ValueError when the record is malformed."""
    if record.get("type") != "model-turn":
        raise ValueError(f"not a model-turn record: type {record.get('type')!r}")
    raw_calls = record.get("tool_calls") or []
    usage = record.get("usage") or [0, 0]
    if not isinstance(raw_calls, list) or not isinstance(usage, list) or len(usage) != 2:
        raise ValueError("a model-turn record needs a `tool_calls` list and a `usage` pair")
    calls: list[ToolCall] = []
    for raw in raw_calls:
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            raise ValueError("each tool call needs a `name`")
        arguments = raw.get("arguments") or {}
        if not isinstance(arguments, dict):
            raise ValueError(f"tool call {raw['name']!r}: `arguments` must be an object")
        problem = raw.get("problem")
        calls.append(
            ToolCall(
                str(raw.get("id") or f"call_{len(calls) + 1}"),
                str(raw["name"]),
                arguments,
                problem if isinstance(problem, str) else None,
            )
        )
    return AssistantTurn(
        str(record.get("content") or ""),
        tuple(calls),
        Usage(int(usage[0] or 0), int(usage[1] or 0)),  # type: ignore[arg-type]
        str(record.get("stop_reason") or ""),
    )
