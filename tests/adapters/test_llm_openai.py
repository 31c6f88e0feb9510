"""OpenAIChatModel through the real `openai` SDK, over real HTTP, against the fake model server."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import openai
import pytest

from backdev.adapters.llm.failures import Endpoint
from backdev.adapters.llm.openai_chat import NO_KEY, OpenAIChatModel, openai_client
from backdev.application.agent_ports import ModelError
from backdev.domain.conversation import AssistantTurn, Message, ToolCall, ToolSpec, Usage
from backdev.domain.errors import ConfigError
from tests.fakes.model_server import (
    FakeModelServer,
    Reply,
    api_error,
    openai_completion,
)

# Built at run time so no secret scanner mistakes it for a real key.
TEST_KEY = "test-" + "k" * 12
READ_FILE = ToolSpec(
    "read_file",
    "Read a file of the repository.",
    {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
)
HELLO = [Message("system", "You are careful."), Message("user", "Say hello.")]

ModelFactory = Callable[..., OpenAIChatModel]


@pytest.fixture
def server() -> Iterator[FakeModelServer]:
    with FakeModelServer() as running:
        yield running


@pytest.fixture
def make_model(server: FakeModelServer) -> Iterator[ModelFactory]:
    """Builds models on clients pointed at the fake server; closes the clients afterwards."""
    clients = []

    def make(*, max_retries: int = 2, timeout: float = 10.0) -> OpenAIChatModel:
        env = {"OPENAI_BASE_URL": server.openai_base_url, "OPENAI_API_KEY": TEST_KEY}
        client = openai_client(env, max_retries=max_retries, timeout=timeout)
        clients.append(client)
        return OpenAIChatModel("gpt-test", client)

    yield make
    for client in clients:
        client.close()


def test_conversation_round_trips_into_the_request_body_when_it_has_tool_calls_and_results(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    conversation = [
        Message("system", "You are careful."),
        Message("user", "Fix the bug."),
        Message("assistant", "Which bug?"),
        Message("user", "The one in src/app.py."),
        Message(
            "assistant",
            "Reading two files.",
            (
                ToolCall("call_a", "read_file", {"path": "src/app.py"}),
                ToolCall("call_b", "read_file", {"path": "missing.py"}),
            ),
        ),
        Message("tool", "print('hi')\n", tool_call_id="call_a"),
        Message("tool", "no such file: missing.py", tool_call_id="call_b", is_error=True),
        Message("assistant", "", (ToolCall("call_c", "finish_step", {"summary": "done"}),)),
        Message("tool", "gates failed", tool_call_id="call_c", is_error=True),
        Message("user", "The size gate failed; make the change smaller."),
    ]
    server.reply(openai_completion(AssistantTurn("ok", (), Usage(1, 1))))

    make_model().complete(conversation, [READ_FILE])

    body = server.requests[0].json()
    assert server.requests[0].path == "/v1/chat/completions"
    assert body["model"] == "gpt-test"
    assert body["messages"] == [
        {"role": "system", "content": "You are careful."},
        {"role": "user", "content": "Fix the bug."},
        {"role": "assistant", "content": "Which bug?"},
        {"role": "user", "content": "The one in src/app.py."},
        {
            "role": "assistant",
            "content": "Reading two files.",
            "tool_calls": [
                {
                    "id": "call_a",
                    "type": "function",
                    "function": {"name": "read_file", "arguments": '{"path": "src/app.py"}'},
                },
                {
                    "id": "call_b",
                    "type": "function",
                    "function": {"name": "read_file", "arguments": '{"path": "missing.py"}'},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "call_a", "content": "print('hi')\n"},
        {"role": "tool", "tool_call_id": "call_b", "content": "ERROR: no such file: missing.py"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_c",
                    "type": "function",
                    "function": {"name": "finish_step", "arguments": '{"summary": "done"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_c", "content": "ERROR: gates failed"},
        {"role": "user", "content": "The size gate failed; make the change smaller."},
    ]
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "read_file",
                "description": "Read a file of the repository.",
                "parameters": dict(READ_FILE.parameters),
            },
        }
    ]


def test_tools_are_left_out_when_none_are_offered(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply(openai_completion(AssistantTurn("hello", (), Usage(1, 1))))

    make_model().complete(HELLO, [])

    assert "tools" not in server.requests[0].json()


def test_reply_becomes_a_turn_when_the_model_calls_tools(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    sent = AssistantTurn(
        "Let me look.",
        (
            ToolCall("call_1", "read_file", {"path": "a.py"}),
            ToolCall("call_2", "search", {"pattern": "def main", "path": "src"}),
        ),
        Usage(1200, 85),
    )
    server.reply(openai_completion(sent))

    turn = make_model().complete(HELLO, [READ_FILE])

    assert turn == AssistantTurn(sent.content, sent.tool_calls, Usage(1200, 85), "tool_calls")


def test_reply_becomes_a_text_turn_when_the_model_only_answers(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply(openai_completion(AssistantTurn("Hello!", (), Usage(9, 2))))

    turn = make_model().complete(HELLO, [])

    assert turn == AssistantTurn("Hello!", (), Usage(9, 2), "stop")


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ('{"path": "a.py"', "not valid JSON"),
        ("[1, 2]", "must be a JSON object, not list"),
        ('"a.py"', "must be a JSON object, not str"),
    ],
)
def test_call_carries_a_problem_when_its_arguments_are_not_a_json_object(
    server: FakeModelServer, make_model: ModelFactory, raw: str, problem: str
) -> None:
    call = ToolCall("call_1", "read_file", {"path": "a.py"})
    server.reply(
        openai_completion(AssistantTurn("", (call,), Usage(1, 1)), raw_arguments={"call_1": raw})
    )

    (received,) = make_model().complete(HELLO, [READ_FILE]).tool_calls

    assert (received.id, received.name, dict(received.arguments)) == ("call_1", "read_file", {})
    assert received.problem is not None
    assert problem in received.problem


def test_call_has_no_arguments_when_the_server_sends_an_empty_string(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    call = ToolCall("call_1", "list_files")
    server.reply(
        openai_completion(AssistantTurn("", (call,), Usage(1, 1)), raw_arguments={"call_1": ""})
    )

    (received,) = make_model().complete(HELLO, []).tool_calls

    assert received == ToolCall("call_1", "list_files")


def test_call_carries_a_problem_when_it_is_not_a_function_call(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    body: Any = openai_completion(AssistantTurn("", (), Usage(1, 1))).body
    custom = {"id": "call_9", "type": "custom", "custom": {"name": "shell", "input": "ls"}}
    body["choices"][0]["message"]["tool_calls"] = [custom]
    server.reply(Reply(200, body))

    (received,) = make_model().complete(HELLO, []).tool_calls

    assert received == ToolCall("call_9", "shell", problem="only function tools are offered")


def test_usage_is_zero_when_the_server_reports_none(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply(openai_completion(AssistantTurn("hi", (), Usage(5, 5)), with_usage=False))

    turn = make_model().complete(HELLO, [])

    assert turn.usage == Usage(0, 0)


def test_call_succeeds_when_the_server_answers_429_then_200(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply(
        api_error(429, "Rate limit reached", retry_after_ms=1),
        openai_completion(AssistantTurn("hello", (), Usage(3, 1))),
    )

    turn = make_model(max_retries=2).complete(HELLO, [])

    assert turn.content == "hello"
    assert [r.headers["x-stainless-retry-count"] for r in server.requests] == ["0", "1"]
    assert server.requests[0].raw_body == server.requests[1].raw_body


def test_fails_after_a_bounded_number_of_requests_when_the_server_fails_forever(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply_always(api_error(500, "upstream exploded", retry_after_ms=1))

    with pytest.raises(ModelError) as raised:
        make_model(max_retries=2).complete(HELLO, [])

    assert len(server.requests) == 3
    message = str(raised.value)
    assert "HTTP 500" in message
    assert "upstream exploded" in message
    assert "gave up after 3 attempts" in message
    assert "backdev resume" in message


def test_fails_at_once_with_a_hint_about_the_key_when_the_key_is_rejected(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply_always(api_error(401, "Incorrect API key provided"))

    with pytest.raises(ModelError) as raised:
        make_model(max_retries=2).complete(HELLO, [])

    assert len(server.requests) == 1
    assert "rejected the API key" in str(raised.value)
    assert "Set OPENAI_API_KEY" in str(raised.value)


def test_says_the_model_is_unknown_when_the_server_answers_404(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply_always(api_error(404, "The model `gpt-test` does not exist"))

    with pytest.raises(ModelError) as raised:
        make_model(max_retries=2).complete(HELLO, [])

    assert len(server.requests) == 1
    message = str(raised.value)
    assert "has no model 'gpt-test'" in message
    assert "--model openai:gpt-test" in message
    assert "OPENAI_BASE_URL" in message


def test_says_the_request_was_refused_when_the_server_answers_400(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply(api_error(400, "context_length_exceeded"))

    with pytest.raises(ModelError, match=r"refused the request .*HTTP 400: context_length"):
        make_model().complete(HELLO, [])


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (api_error(403, "project has no access"), r"refused access to model 'gpt-test' \(HTTP 403"),
        (api_error(422, "bad tool schema"), r"refused the request .*HTTP 422: bad tool schema"),
        (Reply(418, {"detail": 1}), r"HTTP 418: no explanation in the response"),
        (
            Reply(
                503, b"<html>" + b"<p>Service Unavailable</p>" * 100, {"x-should-retry": "false"}
            ),
            r"HTTP 503 for model 'gpt-test' \(<html><p>Service.{200,300}\.\.\.\); backdev gave up",
        ),
    ],
)
def test_error_names_the_status_and_the_servers_reason_when_the_request_fails(
    server: FakeModelServer, make_model: ModelFactory, reply: Reply, expected: str
) -> None:
    server.reply(reply)

    with pytest.raises(ModelError, match=expected):
        make_model(max_retries=0).complete(HELLO, [])


def test_fails_after_retrying_when_the_server_does_not_answer_in_time(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply_always(Reply(200, {}, delay=5.0))

    with pytest.raises(ModelError, match=r"did not answer within 0\.2 s; .* after 2 attempts"):
        make_model(max_retries=1, timeout=0.2).complete(HELLO, [])

    assert len(server.requests) == 2


def test_timeout_error_leaves_the_limit_out_when_the_client_has_a_detailed_timeout(
    server: FakeModelServer,
) -> None:
    server.reply_always(Reply(200, {}, delay=5.0))
    client = openai.OpenAI(
        api_key=TEST_KEY,
        base_url=server.openai_base_url,
        timeout=openai.Timeout(0.2, connect=1.0),
        max_retries=0,
    )

    with client, pytest.raises(ModelError, match=r"did not answer; backdev gave up after 1 att"):
        OpenAIChatModel("gpt-test", client).complete(HELLO, [])


def test_fails_with_a_hint_about_the_url_when_nothing_listens_there() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1"}

    with openai_client(env, max_retries=0) as client, pytest.raises(ModelError) as raised:
        OpenAIChatModel("gpt-test", client).complete(HELLO, [])

    assert f"127.0.0.1:{port}/v1 could not be reached" in str(raised.value)
    assert "OPENAI_BASE_URL" in str(raised.value)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, b"<html>Welcome to nginx</html>", {"content-type": "text/html"}),
        Reply(200, b"{truncated"),
        Reply(200, {"object": "list", "data": []}),
    ],
)
def test_says_the_reply_is_unreadable_when_the_url_is_not_a_chat_completions_api(
    server: FakeModelServer, make_model: ModelFactory, reply: Reply
) -> None:
    server.reply(reply)

    with pytest.raises(ModelError, match=r"could not read .* OPENAI_BASE_URL points at a Chat"):
        make_model().complete(HELLO, [])


def test_client_sends_the_key_from_env_when_one_is_set(
    server: FakeModelServer, make_model: ModelFactory
) -> None:
    server.reply(openai_completion(AssistantTurn("hi", (), Usage(1, 1))))

    make_model().complete(HELLO, [])

    assert server.requests[0].headers["authorization"] == f"Bearer {TEST_KEY}"


def test_client_sends_a_placeholder_key_when_only_a_base_url_is_set(
    server: FakeModelServer,
) -> None:
    server.reply(openai_completion(AssistantTurn("hi", (), Usage(1, 1))))

    with openai_client({"OPENAI_BASE_URL": server.openai_base_url}) as client:
        OpenAIChatModel("llama3", client).complete(HELLO, [])

    assert server.requests[0].headers["authorization"] == f"Bearer {NO_KEY}"


def test_client_targets_openai_when_only_a_key_is_set() -> None:
    with openai_client({"OPENAI_API_KEY": TEST_KEY}) as client:
        model = OpenAIChatModel("gpt-4.1", client)

        assert model.describe() == "openai:gpt-4.1 at https://api.openai.com/v1"


def test_client_is_refused_with_a_hint_when_neither_key_nor_base_url_is_set() -> None:
    with pytest.raises(ConfigError, match="set OPENAI_API_KEY, or set OPENAI_BASE_URL"):
        openai_client({"OPENAI_API_KEY": "  "})


def test_the_endpoint_names_the_provider_s_variables_when_built_from_a_client() -> None:
    with openai_client({"OPENAI_BASE_URL": "http://127.0.0.1:9/v1/"}, max_retries=2) as client:
        endpoint = Endpoint.of("openai", "a Chat Completions API", "m", client)

    assert (endpoint.key_variable, endpoint.url_variable) == ("OPENAI_API_KEY", "OPENAI_BASE_URL")
    assert endpoint.base_url == "http://127.0.0.1:9/v1"
    assert endpoint.attempts == 3
