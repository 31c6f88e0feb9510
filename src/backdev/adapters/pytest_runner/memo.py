"""Evidence of recent test runs, reused when the same tree is tested again in one process.

An agent run tests the tree of its last green attempt again when it judges the whole
run, and `trace` after a run tests the tree just committed; the demo plays several
commands in one process. A run is reused only for the same files (git's tree id of the
work tree, untracked files included, or of the commit), the same selection, overlay,
interpreter and environment, and for a few minutes at most, so a long-lived server
still notices what changed outside git (e.g. an ignored `.env`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from backdev.adapters.git_command import GitCommand
from backdev.domain.changes import WORKTREE
from backdev.domain.evidence import TestEvidence

KEEP_SECONDS = 300.0
_KEEP_RUNS = 16

_lock = threading.Lock()
_runs: dict[str, tuple[float, TestEvidence]] = {}


def run_key(
    root: Path,
    python: str,
    revision: str,
    selection: Sequence[str],
    overlay: Mapping[str, str] | None,
) -> str | None:
    """The key of a run, or None when the tree cannot be named (then nothing is reused)."""
    tree = tree_id(root, revision)
    if tree is None:
        return None
    parts = [str(root), python, tree, "\0".join(selection)]
    parts += [f"{path}\0{text}" for path, text in sorted((overlay or {}).items())]
    parts += [f"{name}={value}" for name, value in sorted(os.environ.items())]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def recall(key: str, revision: str) -> TestEvidence | None:
    """The evidence stored under `key` if still fresh, relabelled for `revision`."""
    with _lock:
        found = _runs.get(key)
    if found is None or time.monotonic() - found[0] > KEEP_SECONDS:
        return None
    return replace(found[1], revision=revision)


def remember(key: str, evidence: TestEvidence) -> None:
    """Keep `evidence` of a run that produced evidence (a failed run is never reused)."""
    if evidence.problem is not None:
        return
    with _lock:
        _runs[key] = (time.monotonic(), evidence)
        while len(_runs) > _KEEP_RUNS:
            _runs.pop(next(iter(_runs)))


def tree_id(root: Path, revision: str) -> str | None:
    """Git's tree id of `revision`, or of the work tree (tracked and untracked, not ignored)."""
    git = GitCommand(root)
    if revision != WORKTREE:
        done = git.run("rev-parse", "--verify", "--quiet", f"{revision}^{{tree}}")
        return done.stdout.decode().strip() or None if done.ok else None
    located = git.run("rev-parse", "--git-path", "index")
    if not located.ok:
        return None
    index = root / located.stdout.decode().strip()
    with tempfile.TemporaryDirectory(prefix="backdev-index-") as folder:
        copy = Path(folder) / "index"
        if index.is_file():
            shutil.copy2(index, copy)  # keeps the stat data, so `add` hashes only changed files
        private = git.with_env({"GIT_INDEX_FILE": str(copy)})
        if not private.run("add", "--all", "--", ".").ok:
            return None
        written = private.run("write-tree")
        return written.stdout.decode().strip() or None if written.ok else None
