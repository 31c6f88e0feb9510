"""`backdev mcp`."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from backdev.domain.errors import ConfigError, ExitCode

_SDK_PACKAGES = frozenset({"mcp", "mcp_types"})
_LOOPBACK = "127.0.0.1"
"""`--http` listens on this address only: the tools read the repository and run its tests."""


def mcp(
    http: Annotated[
        int | None,
        typer.Option(
            "--http",
            metavar="PORT",
            min=1,
            max=65535,
            help="Serve streamable HTTP on 127.0.0.1:PORT (path /mcp) instead of stdio.",
        ),
    ] = None,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            exists=True,
            file_okay=False,
            resolve_path=True,
            help="The repository to work on; default: the current directory.",
        ),
    ] = None,
) -> int:
    """Serve backdev to AI coding tools over the Model Context Protocol.

    Tools: check, trace, lint, brief, next_step and escalate: the same use cases
    as the commands, with the same answers and messages. Speaks stdio (the AI tool
    starts this command), or streamable HTTP on 127.0.0.1 with --http. Needs the
    `mcp` extra: pip install 'backdev[mcp]'.

    Examples:

      backdev mcp

      backdev mcp --http 8765 --root ~/src/shop
    """
    where = root or Path.cwd()
    if http is not None:
        _refuse_busy_port(http)
    try:
        # The SDK takes seconds to import: only this command pays for it.
        from backdev.entrypoints import mcp_server
    except ImportError as exc:
        if (exc.name or "").partition(".")[0] not in _SDK_PACKAGES:
            raise
        raise ConfigError(
            "`backdev mcp` needs the MCP SDK, which is not installed: pip install 'backdev[mcp]'"
        ) from exc
    endpoint = "stdio" if http is None else f"http://{_LOOPBACK}:{http}/mcp"
    Console(stderr=True, highlight=False).print(
        f"backdev mcp: serving {where} on {endpoint}", markup=False, soft_wrap=True
    )
    mcp_server.serve(where, None if http is None else (_LOOPBACK, http))
    return int(ExitCode.OK)


def _refuse_busy_port(port: int) -> None:
    """Fail with a clear message now, rather than from the web server after the SDK loaded."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # The web server sets SO_REUSEADDR too: a port in TIME_WAIT is free for both.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((_LOOPBACK, port))
        except OSError as exc:
            raise ConfigError(
                f"cannot serve on {_LOOPBACK}:{port}: {exc.strerror or exc} — "
                "stop what uses the port, or pass another --http PORT"
            ) from exc
