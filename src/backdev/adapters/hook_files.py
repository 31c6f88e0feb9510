"""The repository's git hook files, found the way git finds them."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from backdev.adapters.git_command import GitCommand
from backdev.adapters.git_revisions import work_tree_top
from backdev.application.hooks import HookKind

_HOOK_MODE = 0o755
"""rwxr-xr-x, the mode git's own sample hooks have."""


class GitHookFiles:
    """Implements the HookFiles port for the repository containing `cwd`.

    Git itself says where hooks go (`git rev-parse --git-path hooks`), which covers
    `core.hooksPath`, linked worktrees (they share the main repository's hooks) and
    submodules (their git directory lives inside the superproject's).
    """

    def __init__(self, cwd: Path) -> None:
        self._cwd = cwd

    def path_of(self, kind: HookKind) -> Path:
        """The file git runs for `kind`."""
        here = GitCommand(self._cwd)
        top = work_tree_top(here)
        # `--git-path` answers relative to the directory it runs in: ask from the top,
        # where git also runs hooks and resolves a relative `core.hooksPath`.
        listed = here.in_dir(top).output("rev-parse", "--git-path", "hooks")
        return top / os.fsdecode(listed.rstrip(b"\n")) / kind

    def read(self, path: Path) -> str | None:
        """The hook's text (undecodable bytes kept as escapes), or None without a file."""
        try:
            return path.read_bytes().decode("utf-8", errors="surrogateescape")
        except FileNotFoundError:
            return None

    def write(self, path: Path, text: str) -> None:
        """Replace `path` in one step with an executable file holding `text`."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(text.encode("utf-8", errors="surrogateescape"))
            os.chmod(name, _HOOK_MODE)
            os.replace(name, path)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
