"""The project's package files: where they are, and copies of them to build a graph from."""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

_SKIPPED = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "scripts", "benchmarks", "build",
     "dist", "venv", "env", "node_modules", "site-packages"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the top-level packages are: `src/` or the repository root."""

    prefix: str
    """"src/" for the src layout, "" for a flat one."""
    packages: tuple[str, ...]


def disk_layout(root: Path) -> Layout:
    """The packages on disk: directories with `__init__.py` in `src/`, else in the root."""
    for prefix in ("src/", ""):
        folder = root / prefix if prefix else root
        if not folder.is_dir():
            continue
        packages = tuple(
            sorted(
                entry.name
                for entry in folder.iterdir()
                if is_candidate(entry.name) and (entry / "__init__.py").is_file()
            )
        )
        if packages:
            return Layout(prefix, packages)
    return Layout("", ())


def disk_files(root: Path, prefix: str, packages: tuple[str, ...]) -> Iterator[tuple[str, Path]]:
    """(path relative to the packages' parent, absolute path) of every `.py` file, sorted."""
    parent = root / prefix if prefix else root
    for package in packages:
        for folder, dirs, names in os.walk(parent / package):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            for name in sorted(names):
                if name.endswith(".py"):
                    path = Path(folder) / name
                    yield path.relative_to(parent).as_posix(), path


def copy_worktree(root: Path, prefix: str, packages: tuple[str, ...], tree: Path) -> list[str]:
    """Copy the packages' `.py` files below `tree`; their paths relative to it."""
    files: list[str] = []
    for rel, path in disk_files(root, prefix, packages):
        target = tree / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)  # keeps the mtime, which grimp's own cache keys on
        files.append(rel)
    return files


def blank_if_undecodable(tree: Path, rel: str) -> tuple[str, int, str] | None:
    """Empty a file Python could not decode (grimp stops on it); report where it failed."""
    path = tree / rel
    data = path.read_bytes()
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        start = error.start if isinstance(error, UnicodeDecodeError) else 0
        path.write_bytes(b"")
        return rel, data[:start].count(b"\n") + 1, ""
    return None


def module_name(rel: str) -> str:
    """`shop/services/__init__.py` -> `shop.services`; `shop/api.py` -> `shop.api`."""
    parts = list(PurePosixPath(rel).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_candidate(name: str) -> bool:
    """True for a directory name that may be a project package (not tests, docs, venvs, hidden)."""
    return name.isidentifier() and not name.startswith(("_", ".")) and name not in _SKIPPED


def fast_temp_dir() -> str | None:
    """A memory-backed folder for short-lived trees when the system has one (Linux `/dev/shm`).

    A graph build writes hundreds of small files and deletes them a second later;
    on a disk that costs about ten times what it costs in memory.
    """
    # Only a parent for tempfile.TemporaryDirectory, which makes a private (0700) folder
    # with an unpredictable name in it, so S108's concern (a guessable path) does not apply.
    shm = Path("/dev/shm")  # noqa: S108
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None


def make_cache_dir(folder: Path) -> None:
    """Create the cache folder; a `.backdev/` created on the way ignores itself in git."""
    folder.mkdir(parents=True, exist_ok=True)
    for parent in (folder, *folder.parents):
        if parent.name == ".backdev":
            ignore = parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
            break


def extract_archive(archive: bytes, prefix: str, tree: Path) -> list[str]:
    """Write the `.py` files of a `git archive` tar below `tree`, without `prefix`."""
    files: list[str] = []
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            rel = member.name[len(prefix) :] if member.name.startswith(prefix) else ""
            source = tar.extractfile(member) if member.isfile() else None
            if source is None or not rel.endswith(".py") or ".." in PurePosixPath(rel).parts:
                continue
            target = tree / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read())
            files.append(rel)
    return files
