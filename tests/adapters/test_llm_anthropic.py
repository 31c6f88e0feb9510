"""AnthropicMessagesModel through the real `anthropic` SDK, over real HTTP, on the fake server."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from backdev.adapters.llm.anthropic_messages import (
    NO_KEY,
    AnthropicMessagesModel,
    anthropic_client,
)
from backdev.application.agent_ports import ModelError
from backdev.domain.conversation import AssistantTurn, Message, ToolCall, ToolSpec, Usage
from backdev.domain.errors import ConfigError
from tests.fakes.model_server import FakeModelServer, Reply, anthropic_message, api_error

# Built at run time so no secret scanner mistakes it for a real key.
TEST_KEY = "test-" + "k" * 12
READ_FILE = ToolSpec(
    "read_file",
    "Read a file of the repository.",
    {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
)
HELLO = [Message("system", "You are careful."), Message("user", "Say hello.")]

ModelFactory = Callable[..., AnthropicMessagesModel]


@pytest.fixture
def server() -> Iterator[FakeModelServer]:
    with FakeModelServer() as running:
        yield running


@pytest.fixture
def make_model(server: FakeModelServer) -> Iterator[ModelFactory]:
    """Builds models on clients pointed at the fake server; closes the clients afterwards."""
    clients = []

    def make(
        *, max_retries: int = 2, timeout: float = 10.0, max_tokens: int = 8192
    ) -> AnthropicMessagesModel:
        env = {"ANTHROPIC_BASE_URL": server.url, "ANTHROPIC_API_KEY": TEST_KEY}
        client = anthropic_client(env, max_retries=max_retries, timeout=timeout)
        clients.append(client)
        return AnthropicMessagesModel("claude-test", client, max_tokens=max_tokens)

    yield make
    for client in clients:
        client.close()


def test_conversation_round_trips_into_the_request_body_when_it_has_tool_calls_and_results(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    conversation = [
        Message("system", "You are careful."),
        Message("user", "Fix the bug."),
        Message(
            "assistant",
            "Reading two files.",
            (
                ToolCall("tu_a", "read_file", {"path": "src/app.py"}),
                ToolCall("tu_b", "read_file", {"path": "missing.py"}),
            ),
        ),
        Message("tool", "print('hi')\n", tool_call_id="tu_a"),
        Message("tool", "no such file: missing.py", tool_call_id="tu_b", is_error=True),
        Message("assistant", "", (ToolCall("tu_c", "finish_step", {"summary": "done"}),)),
        Message("tool", "gates failed", tool_call_id="tu_c", is_error=True),
        Message("user", "The size gate failed; make the change smaller."),
    ]
    server.reply(anthropic_message(AssistantTurn("ok", (), Usage(1, 1))))

    make_model(max_tokens=1024).complete(conversation, [READ_FILE])

    request = server.requests[0]
    body = request.json()
    assert request.path == "/v1/messages"
    assert (body["model"], body["max_tokens"], body["system"]) == (
        "claude-test",
        1024,
        "You are careful.",
    )
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "Fix the bug."}]},
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Reading two files."},
                {
                    "type": "tool_use",
                    "id": "tu_a",
                    "name": "read_file",
                    "input": {"path": "src/app.py"},
                },
                {
                    "type": "tool_use",
                    "id": "tu_b",
                    "name": "read_file",
                    "input": {"path": "missing.py"},
                },
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "tu_a", "content": "print('hi')\n"},
                {
                    "type": "tool_result",
                    "tool_use_id": "tu_b",
                    "content": "no such file: missing.py",
                    "is_error": True,
                },
            ],
        },
        {
            "role": "assistant",
            "content": [
                {
                    "type": "tool_use",
                    "id": "tu_c",
                    "name": "finish_step",
                    "input": {"summary": "done"},
                }
            ],
        },
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "tu_c",
                    "content": "gates failed",
                    "is_error": True,
                },
                {"type": "text", "text": "The size gate failed; make the change smaller."},
            ],
        },
    ]
    assert body["tools"] == [
        {
            "name": "read_file",
            "description": "Read a file of the repository.",
            "input_schema": dict(READ_FILE.parameters),
        }
    ]


def test_turns_of_the_same_role_are_merged_when_an_assistant_message_is_empty(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply(anthropic_message(AssistantTurn("ok", (), Usage(1, 1))))

    make_model().complete(
        [Message("user", "a"), Message("assistant", ""), Message("user", "b")], []
    )

    assert server.requests[0].json()["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}
    ]


def test_system_and_tools_are_left_out_when_there_are_none(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply(anthropic_message(AssistantTurn("hello", (), Usage(1, 1))))

    make_model().complete([Message("user", "Say hello.")], [])

    body = server.requests[0].json()
    assert "system" not in body
    assert "tools" not in body


def test_system_messages_are_joined_into_the_system_prompt_when_there_are_several(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply(anthropic_message(AssistantTurn("hello", (), Usage(1, 1))))

    make_model().complete([Message("system", "Rules."), Message("system", "Brief."), *HELLO], [])

    assert server.requests[0].json()["system"] == "Rules.\n\nBrief.\n\nYou are careful."


def test_reply_becomes_a_turn_when_the_model_calls_tools(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    sent = AssistantTurn(
        "Let me look.",
        (
            ToolCall("tu_1", "read_file", {"path": "a.py"}),
            ToolCall("tu_2", "search", {"pattern": "def main", "path": "src"}),
        ),
        Usage(1200, 85),
    )
    server.reply(anthropic_message(sent))

    turn = make_model().complete(HELLO, [READ_FILE])

    assert turn == AssistantTurn(sent.content, sent.tool_calls, Usage(1200, 85), "tool_use")


def test_reply_text_blocks_are_joined_and_other_blocks_skipped_when_the_model_thinks(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    body: Any = anthropic_message(AssistantTurn("", (), Usage(10, 4))).body
    body["content"] = [
        {"type": "thinking", "thinking": "Hmm.", "signature": "sig"},
        {"type": "text", "text": "Hello, "},
        {"type": "text", "text": "world."},
    ]
    server.reply(Reply(200, body))

    turn = make_model().complete(HELLO, [])

    assert (turn.content, turn.tool_calls, turn.stop_reason) == ("Hello, world.", (), "end_turn")


def test_usage_counts_cache_reads_and_writes_as_input_when_the_server_reports_them(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    body: Any = anthropic_message(AssistantTurn("hi", (), Usage(10, 4))).body
    body["usage"].update(cache_creation_input_tokens=100, cache_read_input_tokens=1000)
    server.reply(Reply(200, body))

    assert make_model().complete(HELLO, []).usage == Usage(1110, 4)


def test_usage_is_zero_when_the_server_reports_none(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    body: Any = anthropic_message(AssistantTurn("hi", (), Usage(10, 4))).body
    del body["usage"]
    server.reply(Reply(200, body))

    assert make_model().complete(HELLO, []).usage == Usage(0, 0)


def test_call_carries_a_problem_when_its_input_is_not_an_object(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    body: Any = anthropic_message(AssistantTurn("", (), Usage(1, 1))).body
    body["content"] = [{"type": "tool_use", "id": "tu_1", "name": "read_file", "input": "a.py"}]
    server.reply(Reply(200, body))

    (received,) = make_model().complete(HELLO, [READ_FILE]).tool_calls

    assert received == ToolCall("tu_1", "read_file", problem="the input must be a JSON object")


def test_call_succeeds_when_the_server_answers_429_then_200(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply(
        api_error(429, "Number of requests has exceeded your rate limit", retry_after_ms=1),
        anthropic_message(AssistantTurn("hello", (), Usage(3, 1))),
    )

    turn = make_model(max_retries=2).complete(HELLO, [])

    assert turn.content == "hello"
    assert len(server.requests) == 2
    assert server.requests[0].raw_body == server.requests[1].raw_body


def test_fails_after_a_bounded_number_of_requests_when_the_server_is_overloaded(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply_always(api_error(529, "Overloaded", retry_after_ms=1))

    with pytest.raises(ModelError) as raised:
        make_model(max_retries=3).complete(HELLO, [])

    assert len(server.requests) == 4
    message = str(raised.value)
    assert "HTTP 529" in message
    assert "Overloaded" in message
    assert "gave up after 4 attempts" in message


def test_fails_at_once_with_a_hint_about_the_key_when_the_key_is_rejected(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply_always(api_error(401, "invalid x-api-key"))

    with pytest.raises(ModelError) as raised:
        make_model(max_retries=2).complete(HELLO, [])

    assert len(server.requests) == 1
    assert "Set ANTHROPIC_API_KEY" in str(raised.value)


def test_says_the_model_is_unknown_when_the_server_answers_404(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply_always(api_error(404, "model: claude-test"))

    with pytest.raises(ModelError) as raised:
        make_model(max_retries=2).complete(HELLO, [])

    assert len(server.requests) == 1
    assert "has no model 'claude-test'" in str(raised.value)
    assert "--model anthropic:claude-test" in str(raised.value)


def test_fails_after_retrying_when_the_server_does_not_answer_in_time(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply_always(Reply(200, {}, delay=5.0))

    with pytest.raises(ModelError, match=r"did not answer within 0\.2 s; .* after 2 attempts"):
        make_model(max_retries=1, timeout=0.2).complete(HELLO, [])

    assert len(server.requests) == 2


def test_fails_with_a_hint_about_the_url_when_nothing_listens_there() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    env = {"ANTHROPIC_BASE_URL": f"http://127.0.0.1:{port}"}
    with anthropic_client(env, max_retries=0) as client, pytest.raises(ModelError) as raised:
        AnthropicMessagesModel("claude-test", client).complete(HELLO, [])

    assert "could not be reached" in str(raised.value)
    assert "ANTHROPIC_BASE_URL" in str(raised.value)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, b"<html>Welcome to nginx</html>", {"content-type": "text/html"}),
        Reply(200, b"{truncated"),
        Reply(200, {"object": "list", "data": []}),
    ],
)
def test_says_the_reply_is_unreadable_when_the_url_is_not_a_messages_api(
    server: FakeModelServer, make_model: ModelFactory, reply: Reply
) -> None:
    server.reply(reply)

    with pytest.raises(ModelError, match=r"could not read .* ANTHROPIC_BASE_URL points at a Mess"):
        make_model().complete(HELLO, [])


def test_client_sends_the_key_from_env_when_one_is_set(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply(anthropic_message(AssistantTurn("hi", (), Usage(1, 1))))

    make_model().complete(HELLO, [])

    assert server.saw(TEST_KEY)


def test_client_sends_a_placeholder_key_when_only_a_base_url_is_set(
    server: FakeModelServer,
) -> None:
    server.reply(anthropic_message(AssistantTurn("hi", (), Usage(1, 1))))

    with anthropic_client({"ANTHROPIC_BASE_URL": server.url}) as client:
        AnthropicMessagesModel("local", client).complete(HELLO, [])

    assert server.saw(NO_KEY)


def test_client_targets_anthropic_when_only_a_key_is_set() -> None:
    with anthropic_client({"ANTHROPIC_API_KEY": TEST_KEY}) as client:
        model = AnthropicMessagesModel("claude-sonnet-4-5", client)

        assert model.describe() == "anthropic:claude-sonnet-4-5 at https://api.anthropic.com"


def test_client_is_refused_with_a_hint_when_neither_key_nor_base_url_is_set() -> None:
    with pytest.raises(ConfigError) as raised:
        anthropic_client({})

    assert str(raised.value) == (
        "The anthropic provider needs an API key: set ANTHROPIC_API_KEY, or set "
        "ANTHROPIC_BASE_URL to a compatible server that needs none."
    )
