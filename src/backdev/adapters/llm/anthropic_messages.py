"""The ChatModel on the official `anthropic` SDK: the Messages API with tool_use blocks."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Literal, cast

import anthropic
from anthropic.types import (
    AssistantMessageParam,
    ContentBlockParam,
    MessageParam,
    ToolParam,
    ToolResultBlockParam,
    UserMessageParam,
)

from backdev.adapters.llm.failures import (
    Endpoint,
    connection_failure,
    credentials,
    status_failure,
    unreadable_reply,
)
from backdev.domain.conversation import (
    AssistantTurn,
    JsonValue,
    Message,
    ToolCall,
    ToolSpec,
    Usage,
)

DEFAULT_BASE_URL = "https://api.anthropic.com"
NO_KEY = "backdev-no-key"
"""Sent to a server at ANTHROPIC_BASE_URL when no key is set: local proxies ignore it."""


def anthropic_client(
    env: Mapping[str, str] | None = None, *, max_retries: int = 4, timeout: float = 600.0
) -> anthropic.Anthropic:
    """An authenticated client from ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY in `env`.

    The SDK retries 408, 409, 429, 5xx, timeouts and lost connections `max_retries`
    times with exponential backoff (honouring Retry-After); `timeout` is per attempt.
    """
    example = "a compatible server that needs none"
    key, base_url = credentials(os.environ if env is None else env, "ANTHROPIC", example)
    # An explicit key and URL keep the SDK from consulting os.environ and profile files.
    return anthropic.Anthropic(
        api_key=key or NO_KEY,
        base_url=base_url or DEFAULT_BASE_URL,
        max_retries=max_retries,
        timeout=timeout,
    )


class AnthropicMessagesModel:
    """A chat model served through the Messages API; one `complete` is one request."""

    def __init__(self, model: str, client: anthropic.Anthropic, *, max_tokens: int = 8192) -> None:
        self._model = model
        self._client = client
        self._max_tokens = max_tokens
        self._endpoint = Endpoint.of("anthropic", "a Messages API", model, client)

    def describe(self) -> str:
        """Which model at which server, for the run's header."""
        return f"anthropic:{self._model} at {self._endpoint.base_url}"

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> AssistantTurn:
        """Send the conversation and the tools; the reply as one assistant turn."""
        system = "\n\n".join(m.content for m in messages if m.role == "system" and m.content)
        try:
            reply = self._client.messages.create(
                model=self._model,
                max_tokens=self._max_tokens,
                system=system or anthropic.omit,
                messages=to_wire_messages(messages),
                # An empty tool list is left out rather than sent.
                tools=[to_wire_tool(t) for t in tools] or anthropic.omit,
            )
        except anthropic.APIStatusError as exc:
            raise status_failure(self._endpoint, exc.status_code, exc.body) from exc
        except anthropic.APITimeoutError as exc:
            raise connection_failure(self._endpoint, timed_out=True) from exc
        except anthropic.APIConnectionError as exc:
            raise connection_failure(self._endpoint, timed_out=False) from exc
        # A body that is not JSON at all surfaces as a ValueError.
        except (anthropic.AnthropicError, ValueError) as exc:
            raise unreadable_reply(self._endpoint, exc) from exc
        try:
            return from_message(reply)
        # The SDK does not validate replies, so a foreign shape surfaces as these.
        except (AttributeError, TypeError, ValueError) as exc:
            raise unreadable_reply(self._endpoint, exc) from exc


def to_wire_messages(messages: Sequence[Message]) -> list[MessageParam]:
    """Our conversation (system messages excluded) as Messages API turns.

    The API wants the results of one assistant turn's tool calls in a single user
    message, so consecutive tool results, and a user message right after them,
    are merged into one user turn.
    """
    turns: list[tuple[Literal["user", "assistant"], list[ContentBlockParam]]] = []
    for message in messages:
        if message.role == "system":
            continue
        role: Literal["user", "assistant"] = "assistant" if message.role == "assistant" else "user"
        blocks = _blocks(message)
        if not blocks:
            continue
        if turns and turns[-1][0] == role:
            turns[-1][1].extend(blocks)
        else:
            turns.append((role, blocks))
    return [_turn(role, blocks) for role, blocks in turns]


def to_wire_tool(spec: ToolSpec) -> ToolParam:
    """A tool spec as a Messages API tool."""
    return {
        "name": spec.name,
        "description": spec.description,
        "input_schema": dict(spec.parameters),
    }


def from_message(reply: anthropic.types.Message) -> AssistantTurn:
    """The assistant's reply as our turn: its text, its tool_use blocks, and its usage."""
    texts: list[str] = []
    calls: list[ToolCall] = []
    for block in reply.content:
        if block.type == "text":
            texts.append(block.text)
        elif block.type == "tool_use":
            if isinstance(block.input, dict):
                # The SDK types the input as objects; it was parsed from JSON.
                arguments = cast("dict[str, JsonValue]", block.input)
                calls.append(ToolCall(block.id, block.name, arguments))
            else:
                calls.append(
                    ToolCall(block.id, block.name, problem="the input must be a JSON object")
                )
    return AssistantTurn(
        content="".join(texts),
        tool_calls=tuple(calls),
        usage=_usage(reply.usage),
        stop_reason=str(reply.stop_reason or ""),
    )


def _turn(role: Literal["user", "assistant"], blocks: list[ContentBlockParam]) -> MessageParam:
    if role == "user":
        user: UserMessageParam = {"role": "user", "content": blocks}
        return user
    assistant: AssistantMessageParam = {"role": "assistant", "content": blocks}
    return assistant


def _blocks(message: Message) -> list[ContentBlockParam]:
    if message.role == "tool":
        result: ToolResultBlockParam = {
            "type": "tool_result",
            "tool_use_id": message.tool_call_id or "",
            "content": message.content,
        }
        if message.is_error:
            result["is_error"] = True
        return [result]
    # The API rejects empty text blocks, so an empty text is simply not sent.
    blocks: list[ContentBlockParam] = []
    if message.content:
        blocks.append({"type": "text", "text": message.content})
    blocks.extend(
        {"type": "tool_use", "id": call.id, "name": call.name, "input": dict(call.arguments)}
        for call in message.tool_calls
    )
    return blocks


def _usage(usage: anthropic.types.Usage | None) -> Usage:
    if usage is None:  # a compatible server may leave usage out
        return Usage()
    # Cache reads and writes are input the model processed; counting them keeps the cost
    # limit on the safe side.
    input_tokens = (
        (usage.input_tokens or 0)
        + (usage.cache_creation_input_tokens or 0)
        + (usage.cache_read_input_tokens or 0)
    )
    return Usage(input_tokens, usage.output_tokens or 0)
