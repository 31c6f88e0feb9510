"""Finding files in the user's project, the way git sees them."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import pathspec

_NEVER_WALKED = frozenset({".git", ".backdev", ".venv", "venv", "node_modules", "__pycache__"})


class LocalProjectFiles:
    """The project on the local disk: rooted at the git work tree's top, else at `cwd`."""

    def __init__(self, cwd: Path) -> None:
        self._cwd = cwd.resolve()

    def cwd(self) -> Path:
        """The directory command-line paths are relative to."""
        return self._cwd

    def root(self) -> Path:
        """The git work tree's top, or the current directory outside git."""
        return self._root

    def glob(self, patterns: Sequence[str]) -> list[Path]:
        """Files git would track (tracked or untracked, not ignored) matching the patterns."""
        spec = pathspec.GitIgnoreSpec.from_lines(patterns)
        matched = sorted(spec.match_files(self._candidates()))
        # `ls-files --cached` still lists files deleted from the work tree.
        return [self._root / name for name in matched if (self._root / name).is_file()]

    def is_file(self, path: Path) -> bool:
        """True when `path` is an existing regular file."""
        return path.is_file()

    def is_dir(self, path: Path) -> bool:
        """True when `path` is an existing directory."""
        return path.is_dir()

    def files_under(self, directory: Path, suffixes: Sequence[str]) -> list[Path]:
        """Files below `directory` with one of the suffixes, skipping tool folders."""
        found: list[Path] = []
        for current, dirs, names in os.walk(directory):
            dirs[:] = sorted(d for d in dirs if d not in _NEVER_WALKED)
            found.extend(Path(current) / n for n in names if n.endswith(tuple(suffixes)))
        return sorted(found)

    @cached_property
    def _root(self) -> Path:
        top = _git(self._cwd, "rev-parse", "--show-toplevel")
        return Path(top.strip()).resolve() if top else self._cwd

    def _candidates(self) -> list[str]:
        listed = _git(self._root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        if listed is not None:
            return [name for name in listed.split("\0") if name]
        return [
            path.relative_to(self._root).as_posix() for path in self.files_under(self._root, ("",))
        ]


def _git(cwd: Path, *args: str) -> str | None:
    """Run a read-only git command; None when git is missing or this is not a repository."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            check=False,
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None
