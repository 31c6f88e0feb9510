"""Untracked files that git does not ignore, as added files of a working-tree change.

`git diff` never shows them, and adding them to an index would modify the repository,
so they are read from disk and judged the way git would: a NUL byte in the first 8000
bytes, or a `binary`/`-diff` attribute, makes a file binary.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from pathlib import Path

from backdev.adapters.git_command import GitCommand
from backdev.adapters.git_patch import decode_path
from backdev.domain.changes import ChangedFile, Hunk

_BINARY_PROBE = 8000
"""How many leading bytes git inspects for a NUL to call a file binary."""
_CHUNK = 1 << 20


def untracked_files(git: GitCommand) -> list[ChangedFile]:
    """Every untracked, not ignored file under the work tree top `git` runs in, as added."""
    listed = git.output("ls-files", "-z", "--others", "--exclude-standard")
    paths = [decode_path(raw) for raw in listed.split(b"\0") if raw]
    undiffable = _undiffable(git, [p for p in paths if not p.endswith("/")])
    files: list[ChangedFile] = []
    for path in paths:
        if path.endswith("/"):
            # git lists a nested repository as a directory: it is a submodule in the making.
            files.append(ChangedFile(path.rstrip("/"), "added", submodule=True))
            continue
        count = None if path in undiffable else _text_line_count(git.cwd / path)
        if count is None:
            files.append(ChangedFile(path, "added", binary=True))
            continue
        hunks = (Hunk(0, 0, 1, count),) if count else ()
        added = frozenset(range(1, count + 1))
        files.append(ChangedFile(path, "added", added_lines=added, hunks=hunks))
    return files


def compared(path: str, old: bytes | None, new: bytes | None) -> ChangedFile:
    """`path` modified from `old` to `new`, lines matched by difflib (binary when either is)."""
    if old is None or new is None or is_binary(old) or is_binary(new):
        return ChangedFile(path, "modified", path, binary=True)
    before, after = split_lines(old), split_lines(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    added: set[int] = set()
    removed: set[int] = set()
    hunks: list[Hunk] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed.update(range(i1 + 1, i2 + 1))
        added.update(range(j1 + 1, j2 + 1))
        hunks.append(Hunk(i1 + 1 if i2 > i1 else i1, i2 - i1, j1 + 1 if j2 > j1 else j1, j2 - j1))
    return ChangedFile(path, "modified", path, frozenset(added), frozenset(removed), tuple(hunks))


def read_worktree_bytes(path: Path) -> bytes | None:
    """The content git would store for `path`: a symlink's target, else the file's bytes."""
    try:
        if path.is_symlink():
            return os.fsencode(os.readlink(path))
        return path.read_bytes()
    except OSError:
        return None


def is_binary(data: bytes) -> bool:
    """Git's own test: a NUL byte near the start."""
    return b"\0" in data[:_BINARY_PROBE]


def line_count(data: bytes) -> int:
    """Lines as git counts them: a last line without a newline still counts."""
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def split_lines(data: bytes) -> list[bytes]:
    """The lines of `data`, split on newlines only, as git does."""
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines


def _text_line_count(path: Path) -> int | None:
    """Lines of a text file, read in chunks so a huge file never sits in memory; None if binary."""
    if path.is_symlink():
        target = read_worktree_bytes(path)
        return None if target is None else line_count(target)
    try:
        with path.open("rb") as stream:
            head = stream.read(_BINARY_PROBE)
            if is_binary(head):
                return None
            newlines, last = head.count(b"\n"), head[-1:]
            while chunk := stream.read(_CHUNK):
                newlines, last = newlines + chunk.count(b"\n"), chunk[-1:]
    except OSError:
        return None  # unreadable: nothing git could diff either
    return newlines + (1 if last not in (b"", b"\n") else 0)


def _undiffable(git: GitCommand, paths: Sequence[str]) -> frozenset[str]:
    """The paths whose attributes say not to diff them (`binary` or `-diff`)."""
    if not paths:
        return frozenset()
    stdin = b"".join(os.fsencode(p) + b"\0" for p in paths)
    answer = git.output("check-attr", "-z", "--stdin", "diff", stdin=stdin).split(b"\0")
    return frozenset(
        decode_path(answer[i]) for i in range(0, len(answer) - 2, 3) if answer[i + 2] == b"unset"
    )
