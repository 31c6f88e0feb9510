"""Running the test command in its own process group, with a timeout that kills all of it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

TAIL_CHARS = 4000
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True, slots=True)
class Finished:
    """How the process ended; `failed_to_start` holds the OS error when it never ran."""

    exit_code: int
    output: str
    seconds: float
    timed_out: bool = False
    failed_to_start: str | None = None


def run_logged(
    argv: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float, log: Path
) -> Finished:
    """Run `argv` with stdout and stderr going to `log`; return the tail of what it printed.

    The process gets a session of its own, so a timeout (or an interrupt of backdev)
    kills the test processes it started too, not just the interpreter at the top.
    """
    started = time.monotonic()
    with log.open("wb") as out:
        try:
            process = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            return Finished(-1, "", 0.0, failed_to_start=f"{exc.strerror or exc}: {argv[0]}")
        timed_out = False
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(process)
            code = process.wait()
        except BaseException:
            _kill_group(process)
            process.wait()
            raise
    return Finished(code, read_tail(log), time.monotonic() - started, timed_out)


def read_tail(path: Path, limit: int = TAIL_CHARS) -> str:
    """The last `limit` characters of a log, without terminal colour codes."""
    try:
        with path.open("rb") as stream:
            stream.seek(0, os.SEEK_END)
            size = stream.tell()
            stream.seek(max(0, size - limit * 4))
            data = stream.read()
    except OSError:
        return ""
    text = _ANSI.sub("", data.decode("utf-8", errors="replace"))
    return text[-limit:]


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    killpg = getattr(os, "killpg", None)
    try:
        if killpg is not None:
            killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows has no process groups of this kind
            process.kill()
    except ProcessLookupError:
        pass  # the run ended by itself between the timeout and the kill: nothing to stop
