"""Ports the agent needs: the model, the run record, the workspace, git, the clock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from backdev.domain.conversation import AssistantTurn, JsonValue, Message, ToolSpec
from backdev.domain.errors import BackdevError
from backdev.domain.run_events import RunEvent


class ModelError(BackdevError):
    """The model server failed for good (bad key, unknown model, retries used up).

    The run record is intact; `backdev resume` continues once the cause is fixed.
    """


class CommitRefused(BackdevError):
    """`git commit` failed, typically because a hook rejected it; the message holds its output."""


class ChatModel(Protocol):
    """A chat model with function tools; one call is one assistant turn."""

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> AssistantTurn:
        """The model's next turn. Transient failures are retried inside; raises ModelError."""
        ...


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One line of `backdev status`'s list of runs."""

    run_id: int
    feature: str
    branch: str


class RunStore(Protocol):
    """The run record: runs and their events, one transaction per event."""

    def create(self, started: RunEvent) -> int:
        """A new run whose first event is `started` (a RunStarted); returns its id."""
        ...

    def append(self, run_id: int, event: RunEvent) -> None:
        """Durably append one event (committed before this returns)."""
        ...

    def events(self, run_id: int) -> list[RunEvent]:
        """The run's events in the order they were appended."""
        ...

    def runs(self) -> list[RunSummary]:
        """Every run, oldest first."""
        ...


class Transcript(Protocol):
    """The per-run JSONL log of every model turn and tool call (already redacted)."""

    def write(self, run_id: int, entry: Mapping[str, JsonValue]) -> None:
        """Append one entry as a JSON line and flush it."""
        ...


class PathRefused(Exception):
    """A tool asked for a path it may not touch; the message says why (sent to the model)."""


class Workspace(Protocol):
    """The repository's files as the agent's tools see them.

    Paths are repository-relative POSIX strings. `resolve` is the one gate every
    tool path goes through: `..`, absolute paths and symlinks that leave the
    repository raise PathRefused, as do paths inside `.git` and `.backdev`.
    """

    def resolve(self, path: str) -> str:
        """The normalised repository-relative path, or PathRefused."""
        ...

    def is_ignored(self, path: str) -> bool:
        """True when git ignores the path (such files are never read)."""
        ...

    def is_file(self, path: str) -> bool: ...

    def is_dir(self, path: str) -> bool: ...

    def read(self, path: str) -> str:
        """The file's text; PathRefused for binary or undecodable files."""
        ...

    def write(self, path: str, text: str) -> None:
        """Create or overwrite the file (parent directories created)."""
        ...

    def files(self, under: str = "") -> list[str]:
        """Files under a directory that git tracks or would track (not ignored), sorted."""
        ...


class RunGit(Protocol):
    """The git operations a run needs, on the repository at the workspace root."""

    def head(self) -> str:
        """The sha of HEAD."""
        ...

    def branch(self) -> str | None:
        """The current branch, None when HEAD is detached."""
        ...

    def branch_exists(self, name: str) -> bool: ...

    def dirty(self) -> list[str]:
        """Changed tracked files and untracked files git does not ignore."""
        ...

    def stash(self, message: str) -> str:
        """Stash every change incl. untracked (not ignored) files; returns the stash's sha,
        or "" when there was nothing to stash."""
        ...

    def create_branch(self, name: str, start: str) -> None:
        """Create `name` at `start` and switch to it."""
        ...

    def switch(self, name: str) -> None: ...

    def commit_all(self, message: str) -> str:
        """Stage everything not ignored and commit; returns the new sha.

        Uses the user's git identity, else `backdev <backdev@localhost>`.
        """
        ...

    def has_identity(self) -> bool:
        """True when git has a user name and email for commits."""
        ...

    def commit_message(self, sha: str) -> str: ...

    def log(self, base: str, head: str) -> list[str]:
        """The shas of the commits in base..head, oldest first."""
        ...

    def reset_hard(self, sha: str) -> None:
        """Point the current branch at `sha` and make the tree match (ignored files kept)."""
        ...

    def diff_stat(self, base: str) -> str:
        """`git diff --stat` of the working tree (untracked included) against `base`."""
        ...


class DossierStore(Protocol):
    """Where escalation dossiers are written for people to read."""

    def write(self, feature: str, number: int, text: str) -> str:
        """Write the dossier; returns its repository-relative path
        (`.backdev/escalations/<feature>-<number>.md`)."""
        ...

    def names(self) -> list[str]:
        """The file names of the dossiers written so far (`<feature>-<number>.md`)."""
        ...

    def write_lessons(self, feature: str, text: str) -> str:
        """Write a defect run's lessons-learned proposal; returns its repository-relative
        path (`.backdev/lessons/<feature>.md`)."""
        ...


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch."""
        ...
