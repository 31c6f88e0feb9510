"""A scripted model server on 127.0.0.1 that speaks enough OpenAI and Anthropic HTTP for their SDKs.

It answers POST /v1/chat/completions (also /chat/completions) and POST /v1/messages from
a queue of scripted replies, and records every request (path, headers, raw and parsed
body) so tests can assert on exactly what left the process:

    with FakeModelServer() as server:
        server.reply(openai_completion(AssistantTurn("hi", (), Usage(3, 1))))
        env = {"OPENAI_BASE_URL": server.openai_base_url, "OPENAI_API_KEY": "test"}
        ...
        assert not server.saw(canary)
"""

from __future__ import annotations

import json
import sys
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from backdev.domain.conversation import AssistantTurn, JsonValue

OPENAI_PATHS = frozenset({"/v1/chat/completions", "/chat/completions"})
ANTHROPIC_PATHS = frozenset({"/v1/messages"})


def _no_headers() -> Mapping[str, str]:
    return {}


@dataclass(frozen=True, slots=True)
class Reply:
    """One scripted HTTP answer: a JSON body, or bytes sent verbatim (a proxy's error page).

    `delay` seconds pass before it is sent (for timeouts).
    """

    status: int
    body: JsonValue | bytes
    headers: Mapping[str, str] = field(default_factory=_no_headers)
    delay: float = 0.0


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the server received it; header names are lower-cased."""

    method: str
    path: str
    headers: Mapping[str, str]
    raw_body: bytes

    # Any: tests index deep into the request JSON, which a JsonValue would make verbose.
    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.raw_body)


Responder = Reply | Callable[[RecordedRequest], Reply]
"""A fixed reply, or a function of the request (for a model that reacts to the conversation)."""


class FakeModelServer:
    """A context manager running the server in a thread; leaving it stops and joins it."""

    def __init__(self) -> None:
        self._queue: deque[Responder] = deque()
        self._fallback: Responder | None = None
        self._requests: list[RecordedRequest] = []
        self.handler_errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        # A short poll interval makes leaving the context (shutdown) quick.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.02,), name="fake-model-server"
        )

    def __enter__(self) -> FakeModelServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopping.set()  # wakes handlers sleeping on a delay
        self._httpd.shutdown()
        self._httpd.server_close()  # joins the handler threads
        self._thread.join()
        if self.handler_errors and exc is None:
            raise AssertionError("the fake model server failed to answer") from (
                self.handler_errors[0]
            )

    @property
    def url(self) -> str:
        """The server's root, e.g. http://127.0.0.1:41234 (ANTHROPIC_BASE_URL)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def openai_base_url(self) -> str:
        """The root plus /v1, as OPENAI_BASE_URL expects."""
        return self.url + "/v1"

    def reply(self, *responders: Responder) -> None:
        """Queue answers for the next requests, in order."""
        with self._lock:
            self._queue.extend(responders)

    def reply_always(self, responder: Responder) -> None:
        """The answer once the queue is empty (without one: HTTP 400, "no reply left")."""
        with self._lock:
            self._fallback = responder

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in order."""
        with self._lock:
            return list(self._requests)

    def saw(self, text: str) -> bool:
        """True when `text` appeared in any request's headers or raw body.

        Bodies are searched as sent, JSON-escaped, so use an ASCII canary.
        """
        needle = text.encode("utf-8")
        return any(
            needle in request.raw_body or any(text in value for value in request.headers.values())
            for request in self.requests
        )

    def _answer(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self._requests.append(request)
            if request.path not in OPENAI_PATHS | ANTHROPIC_PATHS:
                return _error(404, f"the fake model server has no route {request.path}")
            responder = self._queue.popleft() if self._queue else self._fallback
            answered = len(self._requests) - 1
        if responder is None:
            return _error(
                400, f"the fake model server has no reply left ({answered} requests answered)"
            )
        return responder if isinstance(responder, Reply) else responder(request)


def openai_completion(
    turn: AssistantTurn,
    *,
    model: str = "fake-model",
    raw_arguments: Mapping[str, str] | None = None,
    with_usage: bool = True,
) -> Reply:
    """A Chat Completions answer carrying `turn`.

    `raw_arguments[call_id]` replaces that call's JSON-encoded arguments verbatim, to
    send malformed ones; `with_usage=False` leaves usage out, as some local servers do.
    """
    overrides = raw_arguments or {}
    calls: list[JsonValue] = [
        {
            "id": call.id,
            "type": "function",
            "function": {
                "name": call.name,
                "arguments": overrides.get(call.id, json.dumps(dict(call.arguments))),
            },
        }
        for call in turn.tool_calls
    ]
    message: dict[str, JsonValue] = {"role": "assistant", "content": turn.content or None}
    if calls:
        message["tool_calls"] = calls
    body: dict[str, JsonValue] = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": turn.stop_reason or ("tool_calls" if calls else "stop"),
            }
        ],
    }
    if with_usage:
        body["usage"] = {
            "prompt_tokens": turn.usage.input_tokens,
            "completion_tokens": turn.usage.output_tokens,
            "total_tokens": turn.usage.input_tokens + turn.usage.output_tokens,
        }
    return Reply(200, body)


def anthropic_message(turn: AssistantTurn, *, model: str = "fake-model") -> Reply:
    """A Messages API answer carrying `turn` as text and tool_use blocks."""
    blocks: list[JsonValue] = []
    if turn.content:
        blocks.append({"type": "text", "text": turn.content})
    blocks.extend(
        {"type": "tool_use", "id": call.id, "name": call.name, "input": dict(call.arguments)}
        for call in turn.tool_calls
    )
    return Reply(
        200,
        {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": blocks,
            "stop_reason": turn.stop_reason or ("tool_use" if turn.tool_calls else "end_turn"),
            "stop_sequence": None,
            "usage": {
                "input_tokens": turn.usage.input_tokens,
                "output_tokens": turn.usage.output_tokens,
            },
        },
    )


def api_error(status: int, message: str, *, retry_after_ms: int | None = None) -> Reply:
    """An error answer in the shape both SDKs read (`error.message`).

    `retry_after_ms` tells the SDK how long to wait before retrying (it honours the
    header), which keeps retry tests fast.
    """
    headers = {} if retry_after_ms is None else {"retry-after-ms": str(retry_after_ms)}
    return _error(status, message, headers)


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> Reply:
    body: JsonValue = {"type": "error", "error": {"type": "api_error", "message": message}}
    return Reply(status, body, headers or {})


class _Server(ThreadingHTTPServer):
    # Handler threads are joined on close, so a test never leaves one running.
    daemon_threads = False
    block_on_close = True
    owner: FakeModelServer

    def handle_error(self, request: object, client_address: object) -> None:
        error = sys.exc_info()[1]
        # A client that gave up (a timeout test) closes its socket before the reply;
        # anything else is a bug in a test's responder, raised when the server stops.
        if error is not None and not isinstance(error, ConnectionError):
            self.owner.handler_errors.append(error)


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.0 closes every connection after its reply: no idle keep-alive sockets
    # hold a handler thread when the server shuts down.
    protocol_version = "HTTP/1.0"
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        request = RecordedRequest(
            method="POST",
            path=self.path.split("?", 1)[0],
            headers={name.lower(): value for name, value in self.headers.items()},
            raw_body=self.rfile.read(length),
        )
        owner = self.server.owner
        reply = owner._answer(request)
        if reply.delay and owner._stopping.wait(reply.delay):
            return
        body = reply.body
        payload = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        headers = {"content-type": "application/json", **reply.headers}
        headers["content-length"] = str(len(payload))
        try:
            self.send_response(reply.status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except ConnectionError:
            return  # the client timed out and left

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean
