"""A fake Workspace: files in a dict, with git-ignored paths and refused (escaping) paths.

It keeps the port's semantics: `resolve` answers `.` for the top directory and
refuses empty, absolute, NUL-holding and `..`-escaping paths, anything in `.git`
or `.backdev`, and every path under one listed in `refused` (standing for a
symlink that leads outside the repository). `read` refuses missing files and
text holding a NUL byte, as the real adapter refuses binary files.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from backdev.application.agent_ports import PathRefused

_PRIVATE_DIRS = frozenset({".git", ".backdev"})
_TOP = ("", ".")
"""How the repository's top directory is named: `resolve` answers `.` for it."""


@dataclass
class FakeWorkspace:
    """`texts` maps repository-relative paths to text; git ignores the `ignored` paths.

    An ignored or refused entry covers everything below it when it is a directory.
    `written` records every path written, in order.
    """

    texts: dict[str, str] = field(default_factory=dict)
    ignored: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    written: list[str] = field(default_factory=list)

    def resolve(self, path: str) -> str:
        if "\x00" in path:
            raise PathRefused(f"{path!r} holds a NUL byte")
        if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
            raise PathRefused(f"{path} is absolute: give a path relative to the repository")
        if not path.strip():
            raise PathRefused("the path is empty: name a file or directory of the repository")
        normal = posixpath.normpath(path)
        if normal == ".." or normal.startswith("../"):
            raise PathRefused(f"{path} leaves the repository")
        if normal.split("/")[0] in _PRIVATE_DIRS:
            raise PathRefused(f"{path} is inside {normal.split('/')[0]}/, which tools never touch")
        if any(_within(normal, link) for link in self.refused):
            raise PathRefused(f"{path} goes through a symlink that leads outside the repository")
        return normal

    def is_ignored(self, path: str) -> bool:
        return any(_within(path, ignored) for ignored in self.ignored)

    def is_file(self, path: str) -> bool:
        return path in self.texts

    def is_dir(self, path: str) -> bool:
        if path in _TOP:
            return True
        return any(name.startswith(f"{path}/") for name in self.texts)

    def read(self, path: str) -> str:
        if path not in self.texts:
            raise PathRefused(f"{path} is not an existing file")
        text = self.texts[path]
        if "\x00" in text:
            raise PathRefused(f"{path} is a binary file; tools read text files only")
        return text

    def write(self, path: str, text: str) -> None:
        parents = path.split("/")[:-1]
        for depth in range(1, len(parents) + 1):
            parent = "/".join(parents[:depth])
            if parent in self.texts:
                raise NotADirectoryError(f"{parent} is a file, so {path} cannot be created")
        self.texts[path] = text
        self.written.append(path)

    def files(self, under: str = "") -> list[str]:
        prefix = "" if under in _TOP else f"{under}/"
        return sorted(
            name for name in self.texts if name.startswith(prefix) and not self.is_ignored(name)
        )


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(f"{root}/")
