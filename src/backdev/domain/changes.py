"""A change between two revisions: which files, which lines were added or removed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FileStatus = Literal["added", "modified", "deleted", "renamed", "copied", "type-changed"]
WORKTREE = "WORKTREE"
"""The `head` of a change that includes uncommitted and untracked files."""


@dataclass(frozen=True, slots=True)
class Hunk:
    """One hunk header: `@@ -old_start,old_count +new_start,new_count @@`."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int


@dataclass(frozen=True, slots=True)
class ChangedFile:
    """One file of a change. Line numbers are 1-based: added in the new file, removed in the old.

    `path` is the path at head (for a deleted file, the path it had at base);
    `old_path` is the path at base (None for an added file).
    """

    path: str
    status: FileStatus
    old_path: str | None = None
    added_lines: frozenset[int] = frozenset()
    removed_lines: frozenset[int] = frozenset()
    hunks: tuple[Hunk, ...] = ()
    binary: bool = False
    submodule: bool = False

    @property
    def changed_line_count(self) -> int:
        """Added plus removed lines."""
        return len(self.added_lines) + len(self.removed_lines)


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit in the range, for trailers such as `Feature:` and `Justification:`."""

    sha: str
    message: str

    def trailers(self, key: str) -> tuple[str, ...]:
        """Values of `Key: value` trailer lines (case-insensitive key) in the message."""
        wanted = key.lower()
        values: list[str] = []
        for line in self.message.splitlines():
            name, sep, value = line.partition(":")
            if sep and name.strip().lower() == wanted and value.strip():
                values.append(value.strip())
        return tuple(values)


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """Everything a change consists of; `head` is a sha or WORKTREE."""

    base: str
    head: str
    files: tuple[ChangedFile, ...]
    commits: tuple[Commit, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when no file changed."""
        return not self.files

    def file(self, path: str) -> ChangedFile | None:
        """The changed file at `path` (head path), or None."""
        for changed in self.files:
            if changed.path == path:
                return changed
        return None

    def trailers(self, key: str) -> tuple[str, ...]:
        """Every value of trailer `key` across the commits in range, oldest first."""
        return tuple(value for commit in self.commits for value in commit.trailers(key))
