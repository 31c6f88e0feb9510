"""The ChatModel on the official `openai` SDK: Chat Completions with function tools.

Chat Completions is the dialect every OpenAI-compatible server speaks (OpenAI, vLLM,
Ollama, llama.cpp, LM Studio, OpenRouter), so this one adapter covers them all.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence

import openai
from openai.types.chat import (
    ChatCompletion,
    ChatCompletionFunctionToolParam,
    ChatCompletionMessageFunctionToolCallParam,
    ChatCompletionMessageParam,
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

DEFAULT_BASE_URL = "https://api.openai.com/v1"
NO_KEY = "backdev-no-key"
"""Sent to a server at OPENAI_BASE_URL when no key is set: local servers ignore it."""

ERROR_PREFIX = "ERROR: "
"""Chat Completions has no error flag on tool results, so the content carries it."""


def openai_client(
    env: Mapping[str, str] | None = None, *, max_retries: int = 4, timeout: float = 600.0
) -> openai.OpenAI:
    """An authenticated client from OPENAI_BASE_URL and OPENAI_API_KEY in `env`.

    The SDK retries 408, 409, 429, 5xx, timeouts and lost connections `max_retries`
    times with exponential backoff (honouring Retry-After); `timeout` is per attempt.
    """
    example = (
        "an OpenAI-compatible server that needs none (e.g. http://localhost:11434/v1 for Ollama)"
    )
    key, base_url = credentials(os.environ if env is None else env, "OPENAI", example)
    # Both are passed explicitly so the SDK does not fall back to os.environ behind `env`.
    return openai.OpenAI(
        api_key=key or NO_KEY,
        base_url=base_url or DEFAULT_BASE_URL,
        max_retries=max_retries,
        timeout=timeout,
    )


class OpenAIChatModel:
    """A chat model served through Chat Completions; one `complete` is one request."""

    def __init__(self, model: str, client: openai.OpenAI) -> None:
        self._model = model
        self._client = client
        self._endpoint = Endpoint.of("openai", "a Chat Completions API", model, client)

    def describe(self) -> str:
        """Which model at which server, for the run's header."""
        return f"openai:{self._model} at {self._endpoint.base_url}"

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> AssistantTurn:
        """Send the conversation and the tools; the reply as one assistant turn."""
        wire_messages = [to_wire_message(m) for m in messages]
        wire_tools = [to_wire_tool(t) for t in tools]
        try:
            completion = self._client.chat.completions.create(
                model=self._model,
                messages=wire_messages,
                # An empty tool list is rejected by the API, so it is left out instead.
                tools=wire_tools or openai.omit,
            )
        except openai.APIStatusError as exc:
            raise status_failure(self._endpoint, exc.status_code, exc.body) from exc
        except openai.APITimeoutError as exc:
            raise connection_failure(self._endpoint, timed_out=True) from exc
        except openai.APIConnectionError as exc:
            raise connection_failure(self._endpoint, timed_out=False) from exc
        # A body that is not JSON at all surfaces as a ValueError.
        except (openai.OpenAIError, ValueError) as exc:
            raise unreadable_reply(self._endpoint, exc) from exc
        try:
            return from_completion(completion)
        # The SDK does not validate replies, so a foreign shape surfaces as these.
        except (AttributeError, TypeError, ValueError) as exc:
            raise unreadable_reply(self._endpoint, exc) from exc


def to_wire_message(message: Message) -> ChatCompletionMessageParam:
    """One of our messages as Chat Completions expects it."""
    if message.role == "system":
        return {"role": "system", "content": message.content}
    if message.role == "user":
        return {"role": "user", "content": message.content}
    if message.role == "tool":
        content = ERROR_PREFIX + message.content if message.is_error else message.content
        return {"role": "tool", "tool_call_id": message.tool_call_id or "", "content": content}
    if not message.tool_calls:
        return {"role": "assistant", "content": message.content}
    calls: list[ChatCompletionMessageFunctionToolCallParam] = [
        {
            "id": call.id,
            "type": "function",
            "function": {"name": call.name, "arguments": json.dumps(dict(call.arguments))},
        }
        for call in message.tool_calls
    ]
    # A turn that only calls tools has no text; the API wants null rather than "".
    return {"role": "assistant", "content": message.content or None, "tool_calls": calls}


def to_wire_tool(spec: ToolSpec) -> ChatCompletionFunctionToolParam:
    """A tool spec as a Chat Completions function tool."""
    return {
        "type": "function",
        "function": {
            "name": spec.name,
            "description": spec.description,
            "parameters": dict(spec.parameters),
        },
    }


def from_completion(completion: ChatCompletion) -> AssistantTurn:
    """The first choice of a completion as our assistant turn; ValueError without one."""
    if not completion.choices:
        raise ValueError("the completion has no choices")
    choice = completion.choices[0]
    message = choice.message
    calls: list[ToolCall] = []
    for index, call in enumerate(message.tool_calls or (), start=1):
        call_id = call.id or f"call_{index}"
        if call.type != "function":
            calls.append(
                ToolCall(call_id, call.custom.name, problem="only function tools are offered")
            )
            continue
        calls.append(_parse_call(call_id, call.function.name, call.function.arguments))
    usage = completion.usage
    return AssistantTurn(
        content=message.content or message.refusal or "",
        tool_calls=tuple(calls),
        usage=Usage(
            (usage.prompt_tokens or 0) if usage else 0,
            (usage.completion_tokens or 0) if usage else 0,
        ),
        stop_reason=str(choice.finish_reason or ""),
    )


def _parse_call(call_id: str, name: str, arguments: str | None) -> ToolCall:
    text = (arguments or "").strip()
    # Some local servers send "" for a call without arguments; that means {}.
    if not text:
        return ToolCall(call_id, name)
    try:
        parsed: JsonValue = json.loads(text)
    except json.JSONDecodeError as exc:
        return ToolCall(
            call_id, name, problem=f"the arguments are not valid JSON ({exc.msg} at {exc.pos})"
        )
    if not isinstance(parsed, dict):
        return ToolCall(
            call_id,
            name,
            problem=f"the arguments must be a JSON object, not {type(parsed).__name__}",
        )
    return ToolCall(call_id, name, parsed)
