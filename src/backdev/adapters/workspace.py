"""The repository's files as the agent's tools see them, behind one path check.

Every method first passes its path through `resolve`, the security boundary: a path
the model sends may not be empty, absolute, contain NUL, climb out with `..`, reach
into `.git` or `.backdev`, or pass through a symlink whose target lies outside the
repository (or inside those two directories).
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from backdev.adapters.git_command import GitCommand
from backdev.adapters.git_patch import decode_path
from backdev.application.agent_ports import PathRefused

MAX_READ_BYTES = 1 << 20
"""Files above 1 MiB are refused: such files (lock files, data dumps, generated code)
are not edited by hand, and reading them whole would flood the model's context."""
_BINARY_PROBE = 8192
_PRIVATE = frozenset({".git", ".backdev"})
ROOT = "."
"""What `resolve` returns for the repository's top directory."""
_OUTSIDE = "/"
"""Marks a real path outside the repository (no relative path can equal it)."""


class LocalWorkspace:
    """The `Workspace` port on the work tree at `root` (the repository's top directory)."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._git = GitCommand(root)
        # A file may be named `[draft]*.md`; listing takes names literally, not as globs.
        # (check-ignore refuses this setting, so it keeps the plain runner.)
        self._listing = self._git.with_env({"GIT_LITERAL_PATHSPECS": "1"})

    def resolve(self, path: str) -> str:
        """The normalised repository-relative POSIX path (`.` for the top), or PathRefused."""
        if not path.strip():
            raise PathRefused("the path is empty: give a path relative to the repository root")
        if "\0" in path:
            raise PathRefused(f"{path!r} contains a NUL byte, which no file name can hold")
        pure = PurePosixPath(path)
        if pure.is_absolute() or (len(path) > 1 and path[1] == ":" and path[0].isalpha()):
            raise PathRefused(f"{path} is absolute: give a path relative to the repository root")
        parts: list[str] = []
        for part in pure.parts:
            if part == "..":
                if not parts:
                    raise PathRefused(f"{path} leaves the repository")
                parts.pop()
            elif part != ".":
                parts.append(part)
        relative = "/".join(parts) or ROOT
        _refuse_private(path, parts, "is inside")
        self._refuse_escaping_links(path, relative)
        return relative

    def is_ignored(self, path: str) -> bool:
        """True when git ignores the path or, for a symlink, the file it leads to.

        A tracked file never counts as ignored. Following the link matters: a tracked
        `env-link -> .env` must not let a tool read the ignored `.env` through it.
        """
        relative = self.resolve(path)
        real = self._real_relative(relative)
        if real != ROOT and self._ignored(real):
            return True
        return relative != real and self._ignored(relative)

    def is_file(self, path: str) -> bool:
        """True when the path is a regular file (or a symlink to one inside the repository)."""
        return (self._root / self.resolve(path)).is_file()

    def is_dir(self, path: str) -> bool:
        """True when the path is a directory (the top, `.`, included)."""
        return (self._root / self.resolve(path)).is_dir()

    def read(self, path: str) -> str:
        """The file's UTF-8 text; missing, binary, undecodable or huge files are refused."""
        relative = self.resolve(path)
        target = self._root / relative
        if not target.is_file():
            kind = "a directory" if target.is_dir() else "not an existing file"
            raise PathRefused(f"{relative} is {kind}")
        if self._links_to_ignored(relative):
            raise PathRefused(f"{relative} leads to a file git ignores; such files are never read")
        size = target.stat().st_size
        if size > MAX_READ_BYTES:
            raise PathRefused(
                f"{relative} is {size} bytes; backdev reads files of at most "
                f"{MAX_READ_BYTES} bytes — search it instead of reading it whole"
            )
        data = target.read_bytes()
        if b"\0" in data[:_BINARY_PROBE]:
            raise PathRefused(f"{relative} is a binary file; only text files can be read")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PathRefused(
                f"{relative} is not UTF-8 text (byte {exc.start} cannot be decoded)"
            ) from exc

    def write(self, path: str, text: str) -> None:
        """Create or overwrite the file as UTF-8, exactly as given; parents are created."""
        relative = self.resolve(path)
        target = self._root / relative
        if relative == ROOT or target.is_dir():
            raise PathRefused(f"{relative} is a directory; give the path of a file")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="")
        except OSError as exc:
            raise PathRefused(f"cannot write {relative}: {exc.strerror}") from exc

    def files(self, under: str = "") -> list[str]:
        """Files below `under` (default: everywhere) that git tracks or would track, sorted.

        Files deleted from the work tree, submodules and untracked nested repositories
        are left out: only paths a tool can read are listed.
        """
        relative = ROOT if under in ("", ROOT) else self.resolve(under)
        listed = self._listing.output(
            "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", relative
        )
        paths = {decode_path(raw) for raw in listed.split(b"\0") if raw}
        return sorted(
            p for p in paths if _is_listable(self._root / p) and not self._links_to_ignored(p)
        )

    def _links_to_ignored(self, relative: str) -> bool:
        """True for a symlink that leads to a file git ignores (a tracked `env-link -> .env`)."""
        return (self._root / relative).is_symlink() and self.is_ignored(relative)

    def _refuse_escaping_links(self, path: str, relative: str) -> None:
        """Refuse a path whose symlinks (at any depth) lead outside the repository."""
        real = self._real_relative(relative)
        if real == _OUTSIDE:
            raise PathRefused(f"{path} is a symlink (or lies below one) that leaves the repository")
        if real != relative:
            _refuse_private(path, real.split("/"), "leads into")

    def _real_relative(self, relative: str) -> str:
        """Where `relative` really leads once every symlink is followed, or `_OUTSIDE`."""
        top = Path(os.path.realpath(self._root))
        real = Path(os.path.realpath(self._root / relative))
        if real == top:
            return ROOT
        if top not in real.parents:
            return _OUTSIDE
        return real.relative_to(top).as_posix()

    def _ignored(self, relative: str) -> bool:
        # Exit 0: ignored; 1: not ignored; 128: git cannot judge the path (for example,
        # one below a symlink), which the check on the link's real target covers.
        return self._git.run("check-ignore", "--quiet", "--", relative).returncode == 0


def _refuse_private(path: str, parts: list[str], relation: str) -> None:
    for part in parts:
        if part.casefold() in _PRIVATE:
            raise PathRefused(f"{path} {relation} {part}/, which backdev never touches")


def _is_listable(path: Path) -> bool:
    """A regular file or a symlink (git lists both); gone files and directories are not."""
    return path.is_symlink() or path.is_file()
