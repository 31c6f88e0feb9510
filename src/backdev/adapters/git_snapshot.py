"""The staged content as a commit, so that `check` can judge exactly what will be committed."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from backdev.adapters.git_command import GitCommand
from backdev.adapters.git_revisions import work_tree_top
from backdev.domain.errors import ConfigError

SNAPSHOT_IDENTITY = {
    "GIT_AUTHOR_NAME": "backdev",
    "GIT_AUTHOR_EMAIL": "backdev@localhost",
    "GIT_COMMITTER_NAME": "backdev",
    "GIT_COMMITTER_EMAIL": "backdev@localhost",
}
"""A fixed identity: the snapshot is never part of history, and needs none of the user's."""


class GitIndexSnapshot:
    """Implements the IndexSnapshots port with `git write-tree` and `git commit-tree`.

    The commit is written to the object store but no ref points at it (like the commits
    `git stash create` makes), so history, branches and the index are left untouched, and
    `git gc` drops it later. The index is read from a copy, never locked or rewritten:
    git may be holding it while it runs the hook.
    """

    def __init__(self, cwd: Path) -> None:
        self._cwd = cwd

    def commit_index(self) -> tuple[str, str]:
        """(base, head): HEAD, or an empty root commit before the first commit; and the index."""
        here = GitCommand(self._cwd)
        git = here.in_dir(work_tree_top(here)).with_env(SNAPSHOT_IDENTITY)
        tree = self._index_tree(git)
        parent = git.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        if parent.ok:
            base = parent.stdout.decode("ascii").strip()
        else:
            empty = _text(git.output("hash-object", "-t", "tree", "-w", "--stdin", stdin=b""))
            base = _commit(git, empty, None, "backdev: the empty tree before the first commit")
        return base, _commit(git, tree, base, "backdev: the staged change")

    def _index_tree(self, git: GitCommand) -> str:
        """The tree of the index (GIT_INDEX_FILE when git set one for the hook)."""
        index = git.cwd / os.fsdecode(git.output("rev-parse", "--git-path", "index").rstrip(b"\n"))
        with tempfile.TemporaryDirectory(prefix="backdev-index-") as scratch:
            copy = Path(scratch) / "index"
            if index.is_file():
                shutil.copy2(index, copy)
            written = git.with_env({"GIT_INDEX_FILE": str(copy)}).run("write-tree")
        if not written.ok:
            raise ConfigError(
                f"the staged content cannot be judged: `git write-tree` failed ({written.reason})"
                " — resolve merge conflicts and stage the result, then commit again"
            )
        return _text(written.stdout)


def _commit(git: GitCommand, tree: str, parent: str | None, message: str) -> str:
    parents = ("-p", parent) if parent is not None else ()
    return _text(git.output("commit-tree", "--no-gpg-sign", *parents, "-m", message, tree))


def _text(output: bytes) -> str:
    return output.decode("ascii").strip()
