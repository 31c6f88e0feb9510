"""The change to judge, read from git itself (the `git` command, never a git library)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from backdev.adapters.git_command import GitCommand
from backdev.adapters.git_patch import DIFF_OPTIONS, parse_diff
from backdev.adapters.git_revisions import (
    commits_between,
    default_base,
    head_commit,
    resolve_commit,
    work_tree_top,
)
from backdev.adapters.git_untracked import compared, read_worktree_bytes, untracked_files
from backdev.domain.changes import WORKTREE, ChangedFile, ChangeSet

_OBJECT_HEADER = re.compile(rb"[0-9a-f]{40,64} ([a-z]+) (\d+)")


class GitDiffSource:
    """Implements the DiffSource port with read-only git commands run in the work tree.

    `change` is called once per check and `read` many times (from the gates' threads),
    so file texts are cached per (revision, path), fetched in one `git cat-file --batch`
    per revision, under a lock. A long-lived source (an agent run, the MCP server)
    checks many changes: each work-tree `change` forgets the work tree's texts.
    """

    def __init__(self, cwd: Path) -> None:
        self._cwd = cwd
        self._git: GitCommand | None = None
        self._texts: dict[tuple[str, str], str | None] = {}
        self._hints: dict[str, set[str]] = {}
        self._lock = threading.RLock()

    def change(self, base: str | None, head: str | None) -> ChangeSet:
        """The change from `base` (None: merge-base with the default branch) to `head`
        (None: the work tree, with staged, unstaged and untracked-but-not-ignored files).
        """
        git = self._top()
        tip = head_commit(git) if head is None else resolve_commit(git, head, "--head")
        base_sha = default_base(git, tip) if base is None else resolve_commit(git, base, "--base")
        if head is None:
            files = self._work_tree_files(git, base_sha)
        else:
            files = parse_diff(git.output("diff", *DIFF_OPTIONS, base_sha, tip, "--"))
        change = ChangeSet(
            base=base_sha,
            head=tip if head is not None else WORKTREE,
            files=tuple(sorted(files, key=lambda f: f.path)),
            commits=commits_between(git, base_sha, tip),
        )
        with self._lock:
            if head is None:  # the work tree may have changed since an earlier check
                self._texts = {k: v for k, v in self._texts.items() if k[0] != WORKTREE}
            self._remember(change)
        return change

    def read(self, revision: str, path: str) -> str | None:
        """Text of `path` at `revision` (a commit, or WORKTREE for the file on disk).

        None when the file does not exist there, is binary, or is not UTF-8 text.
        """
        key = (revision, path)
        with self._lock:
            if key not in self._texts:
                if not _inside(path):
                    self._texts[key] = None
                elif revision == WORKTREE:
                    self._texts[key] = _text(read_worktree_bytes(self._top().cwd / path))
                else:
                    self._fetch(revision, {path, *self._hints.pop(revision, set())})
            return self._texts.get(key)

    def _top(self) -> GitCommand:
        with self._lock:
            if self._git is None:
                here = GitCommand(self._cwd)
                self._git = here.in_dir(work_tree_top(here))
            return self._git

    def _work_tree_files(self, git: GitCommand, base: str) -> list[ChangedFile]:
        """Tracked changes from `base` to the disk, then the untracked files."""
        index = git.cwd / os.fsdecode(git.output("rev-parse", "--git-path", "index").rstrip(b"\n"))
        with tempfile.TemporaryDirectory(prefix="backdev-index-") as scratch:
            # `git diff` refreshes stale stat data in the index it reads; give it a copy
            # so the repository's own index is never locked or rewritten.
            copy = Path(scratch) / "index"
            if index.is_file():
                # copy2 keeps the index's mtime: git compares it with each file's mtime to
                # spot "racily clean" entries, files changed in the same second as the index
                # was written, and re-reads those; a newer copy would hide such a change.
                shutil.copy2(index, copy)
            private = git.with_env({"GIT_INDEX_FILE": str(copy)})
            tracked = parse_diff(private.output("diff", *DIFF_OPTIONS, base, "--"))
        untracked = {f.path: f for f in untracked_files(git)}
        files: list[ChangedFile] = []
        for changed in tracked:
            if changed.status == "deleted" and changed.path in untracked:
                # Removed from the index (`git rm --cached`) but still on disk: a modification.
                del untracked[changed.path]
                old = self._blob(base, changed.path)
                files.append(
                    compared(changed.path, old, read_worktree_bytes(git.cwd / changed.path))
                )
            else:
                files.append(changed)
        return [*files, *untracked.values()]

    def _remember(self, change: ChangeSet) -> None:
        """Note which texts gates will ask for, to fetch them together.

        Both names of every text file are asked at both ends: an added file's absence
        at base is an answer too, and costs nothing in the same batch.
        """
        names = {
            name
            for f in change.files
            if not (f.binary or f.submodule)
            for name in (f.path, f.old_path)
            if name is not None
        }
        for revision in {change.base, change.head} - {WORKTREE}:
            self._hints[revision] = set(names)

    def _fetch(self, revision: str, paths: Iterable[str]) -> None:
        """Cache the texts of `paths` at `revision` with one `git cat-file --batch`."""
        wanted = [p for p in sorted(paths) if (revision, p) not in self._texts and _inside(p)]
        batch = [p for p in wanted if "\n" not in p]
        for path in wanted:
            if "\n" in path:
                self._texts[(revision, path)] = _text(self._blob(revision, path))
        if not batch:
            return
        names = b"".join(f"{revision}:{p}\n".encode("utf-8", "surrogateescape") for p in batch)
        output = self._top().output("cat-file", "--batch", stdin=names)
        for path, (kind, data) in zip(batch, _batch_objects(output), strict=False):
            self._texts[(revision, path)] = _text(data) if kind == b"blob" else None

    def _blob(self, revision: str, path: str) -> bytes | None:
        found = self._top().run("cat-file", "blob", f"{revision}:{path}")
        return found.stdout if found.ok else None


def _batch_objects(output: bytes) -> Iterable[tuple[bytes, bytes]]:
    """(type, content) per answer of `cat-file --batch`; a missing object has an empty type."""
    pos = 0
    while pos < len(output):
        end = output.find(b"\n", pos)
        if end < 0:
            return
        header = _OBJECT_HEADER.fullmatch(output, pos, end)
        pos = end + 1
        if header is None:
            yield b"", b""
            continue
        size = int(header.group(2))
        yield header.group(1), output[pos : pos + size]
        pos += size + 1


def _text(data: bytes | None) -> str | None:
    """UTF-8 text (a leading byte-order mark dropped), or None for binary and other encodings."""
    if data is None or b"\0" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _inside(path: str) -> bool:
    """True for a relative path that stays inside the work tree."""
    pure = PurePosixPath(path)
    return bool(path) and not pure.is_absolute() and ".." not in pure.parts
