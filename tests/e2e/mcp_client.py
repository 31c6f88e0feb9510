"""The official MCP client, connected to a real `backdev mcp` process, for synchronous tests.

The SDK's client runs on an event loop; an anyio blocking portal runs that loop in a
thread of its own, so one module-scoped fixture can keep one server process and one
session for every test of a module, and a test can still send calls all at once.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anyio.from_thread import BlockingPortal, start_blocking_portal
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, Tool

Call = tuple[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Answers:
    """The answers to calls sent at once, in the calls' order, and the order they arrived in."""

    results: list[CallToolResult]
    arrival: list[int]
    """Indices into `results`, first answer first."""


@dataclass(frozen=True)
class McpConnection:
    """One initialised client session, driven from synchronous test code."""

    portal: BlockingPortal
    session: ClientSession

    def tools(self) -> list[Tool]:
        """The tools the server lists."""
        return self.portal.call(self.session.list_tools).tools

    def call(self, name: str, arguments: Mapping[str, Any] | None = None) -> CallToolResult:
        """Call one tool and wait for its answer."""
        return self.call_all([(name, arguments or {})]).results[0]

    def call_all(self, calls: Sequence[Call]) -> Answers:
        """Send every call at once on the one session and wait for all the answers."""
        arrival: list[int] = []

        async def one(index: int, name: str, args: Mapping[str, Any]) -> CallToolResult:
            result = await self.session.call_tool(name, dict(args))
            arrival.append(index)
            return result

        async def gather() -> list[CallToolResult]:
            started = (one(i, name, args) for i, (name, args) in enumerate(calls))
            return list(await asyncio.gather(*started))

        return Answers(self.portal.call(gather), arrival)


@contextmanager
def stdio_connection(repo: Path, env: Mapping[str, str], errlog: Path) -> Iterator[McpConnection]:
    """Start `python -m backdev mcp` in `repo` and connect to it over its stdin and stdout."""
    with command_connection(sys.executable, ["-m", "backdev", "mcp"], repo, env, errlog) as c:
        yield c


@contextmanager
def command_connection(
    command: str, args: Sequence[str], repo: Path, env: Mapping[str, str], errlog: Path
) -> Iterator[McpConnection]:
    """Start `command args` in `repo` as a stdio MCP server and connect to it."""
    params = StdioServerParameters(command=command, args=list(args), cwd=repo, env=dict(env))
    with errlog.open("w", encoding="utf-8") as log:
        yield from _connected(_session(stdio_client(params, errlog=log)))


@contextmanager
def http_connection(url: str) -> Iterator[McpConnection]:
    """Connect to a `backdev mcp --http PORT` server already listening at `url`."""
    yield from _connected(_session(streamable_http_client(url)))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    """Block until something accepts connections on 127.0.0.1:`port`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _connected(
    session: AbstractAsyncContextManager[ClientSession],
) -> Iterator[McpConnection]:
    with (
        start_blocking_portal() as portal,
        portal.wrap_async_context_manager(session) as opened,
    ):
        yield McpConnection(portal, opened)


@asynccontextmanager
async def _session(
    transport: AbstractAsyncContextManager[tuple[Any, Any]],
) -> AsyncIterator[ClientSession]:
    # A server that stops answering fails the test instead of hanging it.
    async with (
        transport as (read, write),
        ClientSession(read, write, read_timeout_seconds=300) as session,
    ):
        await session.initialize()
        yield session
