"""The one place where errors become exit codes and messages.

Our user's mistakes (`BackdevError`) are one clear paragraph on stderr and exit 2.
Anything unexpected is a bug of ours: the traceback goes to a crash log, and the
user is told where it is instead of seeing it.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console

from backdev import __version__
from backdev.domain.errors import BackdevError, ExitCode, SpecError

INTERNAL_ERROR = 70
"""Exit code for a bug in backdev itself (EX_SOFTWARE), distinct from every documented code."""


def run_guarded(action: Callable[[], int], stderr: Console) -> int:
    """Run one command and map whatever it raises to an exit code."""
    try:
        return action()
    except BackdevError as exc:
        # soft_wrap: commands quoted in a message must stay copy-pasteable
        stderr.print(user_message(exc), markup=False, highlight=False, soft_wrap=True)
        return int(exc.exit_code)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        stderr.print("interrupted", markup=False)
        return int(ExitCode.INTERRUPTED)
    except typer.TyperException as exc:
        # Usage errors (bad option, unknown command) know how to show themselves.
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            stderr.print(f"error: {exc}", markup=False, highlight=False)
        return int(getattr(exc, "exit_code", ExitCode.USAGE))
    except Exception as exc:  # the last line of defence: log, never a raw traceback
        stderr.print(crash_message(exc), markup=False, highlight=False)
        return INTERNAL_ERROR


def crash_message(exc: Exception) -> str:
    """Log a bug of ours and say where the log is (never a raw traceback)."""
    log = write_crash_log(exc)
    return (
        f"backdev hit an internal error ({type(exc).__name__}: {exc}).\n"
        f"The details are in {log}; please attach that file when you report it."
    )


def user_message(exc: BackdevError) -> str:
    """What the user reads for one of their mistakes (the CLI and the MCP server alike)."""
    if isinstance(exc, SpecError):
        lines = [f"{len(exc.problems)} problem(s) in the project's spec files:"]
        lines += [f"  {problem.render()}" for problem in exc.problems]
        return "\n".join(lines)
    return f"error: {exc}"


def write_crash_log(exc: BaseException) -> Path:
    """Write the traceback to a new file in the temp directory (never the user's tree)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    fd, name = tempfile.mkstemp(prefix=f"backdev-crash-{stamp}-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as log:
        log.write(f"backdev {__version__}\n")
        log.write("".join(traceback.format_exception(exc)))
    return Path(name)
