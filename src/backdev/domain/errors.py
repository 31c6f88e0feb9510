"""The one error root for mistakes our user can fix, and the exit codes.

A failed gate is a returned result, never one of these. These are for bad input:
a malformed spec, a bad configuration, a directory that is not a git repository.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

from backdev.domain.problems import Problem


class ExitCode(IntEnum):
    """Process exit codes; decided in one place, the CLI's error handler."""

    OK = 0
    GATE_FAILED = 1
    USAGE = 2
    ESCALATED = 3
    LIMITS_REACHED = 4
    INTERRUPTED = 130


class BackdevError(Exception):
    """A mistake in the user's input that they can fix; exits with code 2."""

    exit_code: ExitCode = ExitCode.USAGE


class SpecError(BackdevError):
    """One or more spec files (feature, principles, DoD) are invalid."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(p.render() for p in self.problems))


class ConfigError(BackdevError):
    """The `[tool.backdev]` configuration (or a command-line option) is invalid."""


class NotAGitRepositoryError(BackdevError):
    """The command needs a git repository and the directory is not in one."""
