"""The directory a test run happens in: the work tree itself, or a temporary git worktree.

A commit is checked out with `git worktree add --detach` into a temporary directory
outside the repository, so the user's files are never touched; it is removed
afterwards, also when the run fails. Overlay files (e.g. a change's new tests) are
written over the checked-out revision.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from backdev.adapters.git_command import GitCommand
from backdev.domain.changes import WORKTREE

# `git worktree add/remove/prune` edit the shared `.git/worktrees`: one at a time.
_GIT_LOCK = threading.Lock()


class TreeError(Exception):
    """The revision could not be checked out (unknown revision, not a repository, bad overlay)."""


@contextmanager
def revision_tree(
    root: Path, revision: str, overlay: Mapping[str, str] | None = None
) -> Iterator[Path]:
    """The tree to run in: `root` for the working tree, else a temporary worktree.

    The working tree with an overlay is copied into a temporary worktree first
    (tracked and untracked-but-not-ignored files), so the overlay never lands in the
    user's files.
    """
    overlay = overlay or {}
    if revision == WORKTREE and not overlay:
        yield root
        return
    _check_overlay(overlay)
    git = GitCommand(root)
    directory = Path(tempfile.mkdtemp(prefix="backdev-tree-"))
    try:
        with _GIT_LOCK:
            # No hooks: a post-checkout hook has no business running on backdev's copy.
            added = git.run(
                "-c", "core.hooksPath=/dev/null", "worktree", "add", "--detach",
                str(directory), "HEAD" if revision == WORKTREE else revision,
            )  # fmt: skip
        if not added.ok:
            raise TreeError(
                f"cannot check out {revision} into a temporary worktree: {added.reason}"
            )
        if revision == WORKTREE:
            _copy_working_tree(git, root, directory)
        for path, text in overlay.items():
            target = directory / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        yield directory
    finally:
        with _GIT_LOCK:
            git.run("worktree", "remove", "--force", str(directory))
            shutil.rmtree(directory, ignore_errors=True)
            git.run("worktree", "prune")


def _check_overlay(overlay: Mapping[str, str]) -> None:
    for path in overlay:
        parts = PurePosixPath(path).parts
        if not parts or PurePosixPath(path).is_absolute() or ".." in parts or parts[0] == ".git":
            raise TreeError(f"overlay path {path!r} must be relative and inside the repository")


def _copy_working_tree(git: GitCommand, root: Path, directory: Path) -> None:
    """Make the worktree (at HEAD) look like the user's working tree, uncommitted edits included."""
    listed = git.run("ls-files", "-z", "--cached", "--others", "--exclude-standard")
    if not listed.ok:
        raise TreeError(f"cannot list the working tree's files: {listed.reason}")
    for raw in filter(None, listed.stdout.split(b"\0")):
        path = raw.decode("utf-8", errors="surrogateescape")
        source, target = root / path, directory / path
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif not source.exists() and target.is_file():
            target.unlink()  # deleted in the working tree but not yet committed
