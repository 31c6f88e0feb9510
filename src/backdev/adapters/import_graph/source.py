"""The import graph of the project's packages at a revision, built with grimp and cached.

The packages are copied (working tree) or extracted with `git archive` (a commit)
into a temporary directory, so a commit is read as committed and unparsable files
can be blanked without touching the user's tree.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from importlib import metadata
from pathlib import Path, PurePosixPath

from backdev.adapters.import_graph.child import ImportGraphError, run_grimp
from backdev.adapters.import_graph.files import (
    Layout,
    blank_if_undecodable,
    copy_worktree,
    disk_files,
    disk_layout,
    extract_archive,
    fast_temp_dir,
    is_candidate,
    make_cache_dir,
    module_name,
)
from backdev.application.ports import SourceReader
from backdev.domain.changes import WORKTREE
from backdev.domain.imports import ImportGraph, ImportSite

_FORMAT = 1
_KEEP = 16
"""Cached graphs kept: enough for a few branches' bases and recent working trees."""
_EMPTY = ImportGraph(frozenset(), {}, {})
_Row = tuple[str, str, list[tuple[int, str, str]]]
"""(importer, imported, [(line, text, path), ...])"""


class GrimpImportGraphSource:
    """Builds `ImportGraph`s with grimp, caching them under `cache_dir` by content."""

    def __init__(self, root: Path, sources: SourceReader, cache_dir: Path) -> None:
        self._root = root
        self._sources = sources
        self._cache_dir = cache_dir
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._graphs: dict[str, ImportGraph] = {}
        self._layouts: dict[str, Layout] = {}

    def packages(self, revision: str) -> tuple[str, ...]:
        """Top-level packages (directories with `__init__.py`) in `src/`, else the root."""
        return self._layout(revision).packages

    def graph(self, revision: str, packages: Sequence[str]) -> ImportGraph:
        """The graph of those `packages` that exist at `revision` (others are ignored)."""
        layout = self._layout(revision)
        wanted = tuple(sorted(set(packages) & set(layout.packages)))
        if not wanted:
            return _EMPTY
        key = self._key(revision, layout.prefix, wanted)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # two gates asking at once share one build
            with self._guard:
                graph = self._graphs.get(key)
            if graph is None:
                graph = self._load(key)
                if graph is None:
                    graph = self._build(revision, layout.prefix, wanted)
                    self._store(key, graph)
                self._remember(key, graph)
        return graph

    def _remember(self, key: str, graph: ImportGraph) -> None:
        with self._guard:
            self._graphs[key] = graph
            while len(self._graphs) > _KEEP:  # a long-lived server sees many working trees
                self._graphs.pop(next(iter(self._graphs)))

    # --- layout and cache keys ------------------------------------------------

    def _layout(self, revision: str) -> Layout:
        if revision == WORKTREE:
            return disk_layout(self._root)
        with self._guard:
            known = self._layouts.get(revision)
        if known is None:
            known = self._commit_layout(revision)
            with self._guard:
                self._layouts[revision] = known
        return known

    def _commit_layout(self, revision: str) -> Layout:
        top = self._git("ls-tree", "-d", "--name-only", revision).splitlines()
        for prefix, names in (("src/", self._src_dirs(revision, top)), ("", top)):
            candidates = [n for n in names if is_candidate(n)]
            if not candidates:
                continue
            inits = [f"{prefix}{n}/__init__.py" for n in candidates]
            found = self._git("ls-tree", "--name-only", revision, "--", *inits).splitlines()
            packages = tuple(sorted(PurePosixPath(p).parent.name for p in found))
            if packages:
                return Layout(prefix, packages)
        return Layout("", ())

    def _src_dirs(self, revision: str, top: list[str]) -> list[str]:
        if "src" not in top:
            return []
        listed = self._git("ls-tree", "-d", "--name-only", revision, "src/").splitlines()
        return [PurePosixPath(p).name for p in listed]

    def _key(self, revision: str, prefix: str, packages: tuple[str, ...]) -> str:
        if revision == WORKTREE:
            content: object = ["worktree", self._worktree_identity(prefix, packages)]
        else:
            dirs = [f"{prefix}{p}" for p in packages]
            content = ["commit", self._git("ls-tree", revision, "--", *dirs)]
        identity = [_FORMAT, sys.version_info[:2], metadata.version("grimp"), prefix, content]
        return hashlib.sha256(json.dumps(identity).encode()).hexdigest()

    def _worktree_identity(self, prefix: str, packages: tuple[str, ...]) -> object:
        """What the packages' `.py` files on disk are, cheaply: git's index (blob ids,
        symlinks included), plus every file git sees differ from it (modified, untracked,
        ignored) and every symlink's target, by size and mtime. Should git fail, every
        file is listed by stat (a walk of the packages: slower, as exact).
        """
        dirs = [f"{prefix}{p}" for p in packages]
        try:
            listed, toplevel, status = self._git_together(
                ("ls-files", "--stage", "--", *dirs),
                ("rev-parse", "--show-toplevel"),
                ("status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all",
                 "--ignored=traditional", "--", *dirs),
            )  # fmt: skip
        except ImportGraphError:
            return [_stat(rel, path) for rel, path in disk_files(self._root, prefix, packages)]
        index = listed.decode("utf-8", "surrogateescape")
        top = Path(toplevel.decode("utf-8", "surrogateescape").strip())
        differing = []
        for record in status.split(b"\0"):
            path = record[3:].decode("utf-8", "surrogateescape")
            if path.endswith(".py"):
                differing.append([record[:2].decode("ascii", "replace"), *_stat(path, top / path)])
        # A tracked symlink's target can change while git sees the link itself unchanged.
        linked = [
            _stat(rel, self._root / rel)
            for mode, _, rel in (line.partition("\t") for line in index.splitlines())
            if mode.startswith("120000 ")
        ]
        digest = hashlib.sha256(index.encode("utf-8", "surrogateescape")).hexdigest()
        return [digest, differing, linked]

    # --- building -------------------------------------------------------------

    def _build(self, revision: str, prefix: str, packages: tuple[str, ...]) -> ImportGraph:
        with tempfile.TemporaryDirectory(prefix="backdev-graph-", dir=fast_temp_dir()) as temporary:
            tree = Path(temporary) / "tree"
            if revision == WORKTREE:
                files = copy_worktree(self._root, prefix, packages, tree)
            else:
                files = self._extract(revision, prefix, packages, tree)
            undecodable = [blank_if_undecodable(tree, rel) for rel in files]
            cache = self._cache_dir / "grimp" if revision == WORKTREE else None
            raw = run_grimp(tree, packages, cache)
        paths = {module_name(rel): f"{prefix}{rel}" for rel in files}
        rows: list[_Row] = []
        for importer, imported, details in raw["imports"]:
            path = paths.get(importer, "")
            rows.append((importer, imported, [(int(n), str(text), path) for n, text in details]))
        unparsable = [
            ImportSite(f"{prefix}{rel}", line, text or self._line(revision, f"{prefix}{rel}", line))
            for rel, line, text in [*filter(None, undecodable), *raw["unparsable"]]
        ]
        return _graph(raw["modules"], rows, sorted(unparsable, key=lambda site: site.path))

    def _extract(
        self, revision: str, prefix: str, packages: tuple[str, ...], tree: Path
    ) -> list[str]:
        # Only the Python files: templates, locales and data can be most of a package.
        specs = [f":(glob){prefix}{p}/**/*.py" for p in packages]
        archive = self._git_bytes("archive", "--format=tar", revision, "--", *specs)
        return extract_archive(archive, prefix, tree)

    def _line(self, revision: str, path: str, line: int) -> str:
        text = self._sources.read(revision, path)
        rows = text.splitlines() if text else []
        return rows[line - 1].strip() if 1 <= line <= len(rows) else ""

    # --- the cache --------------------------------------------------------------

    def _load(self, key: str) -> ImportGraph | None:
        path = self._cache_dir / "graphs" / f"{key}.json"
        try:
            data = json.loads(path.read_text("utf-8"))
            if data.get("format") != _FORMAT:
                return None
            os.utime(path)  # recently used graphs survive pruning
            unparsable = [ImportSite(str(p), int(n), str(t)) for p, n, t in data["unparsable"]]
            return _graph(data["modules"], data["imports"], unparsable)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent or damaged: build again

    def _store(self, key: str, graph: ImportGraph) -> None:
        folder = self._cache_dir / "graphs"
        make_cache_dir(folder)
        data = {
            "format": _FORMAT,
            "modules": sorted(graph.modules),
            "imports": [
                (importer, imported, [(site.line, site.text, site.path) for site in sites])
                for (importer, imported), sites in sorted(graph.sites.items())
            ],
            "unparsable": [(s.path, s.line, s.text) for s in graph.unparsable],
        }
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(temporary, folder / f"{key}.json")
        _prune(folder)

    # --- git --------------------------------------------------------------------

    def _git(self, *args: str) -> str:
        return self._git_bytes(*args).decode("utf-8", "surrogateescape")

    def _git_together(self, *commands: Sequence[str]) -> list[bytes]:
        """Several read-only git commands at once (each mostly waits on the disk)."""
        started = [
            subprocess.Popen(
                ["git", "-C", str(self._root), *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for args in commands
        ]
        outputs = [process.communicate() for process in started]
        for args, process, (_, stderr) in zip(commands, started, outputs, strict=True):
            if process.returncode != 0:
                message = stderr.decode("utf-8", "replace").strip()
                raise ImportGraphError(f"git {args[0]} failed: {message}")
        return [stdout for stdout, _ in outputs]

    def _git_bytes(self, *args: str) -> bytes:
        return self._git_together(args)[0]


def _stat(rel: str, path: Path) -> list[object]:
    try:
        stat = path.stat()
    except OSError:  # deleted, or a dangling link
        return [rel, -1, -1]
    return [rel, stat.st_size, stat.st_mtime_ns]


def _prune(folder: Path) -> None:
    """Keep the newest graphs only: every edit of the working tree makes a new one."""
    entries = sorted(folder.glob("*.json"), key=_age)
    for stale in entries[_KEEP:]:
        stale.unlink(missing_ok=True)


def _age(path: Path) -> int:
    try:
        return -path.stat().st_mtime_ns
    except OSError:  # another process pruned it first
        return 0


def _graph(
    modules: Sequence[str], rows: Sequence[_Row], unparsable: Sequence[ImportSite]
) -> ImportGraph:
    """The domain value from rows of (importer, imported, [(line, text, path), ...])."""
    imports: dict[str, set[str]] = {}
    sites: dict[tuple[str, str], Sequence[tuple[int, str, str]]] = {}
    for importer, imported, details in rows:
        imports.setdefault(importer, set()).add(imported)
        sites[(importer, imported)] = details
    names = frozenset(modules)
    return ImportGraph(
        modules=names,
        imports={module: frozenset(imports.get(module, ())) for module in names},
        sites=_Sites(sites),
        unparsable=tuple(unparsable),
    )


class _Sites(Mapping[tuple[str, str], tuple[ImportSite, ...]]):
    """The lines of each import, made into domain values on first use: a large project's
    graph has thousands of them, and a check reads the few its findings point at."""

    def __init__(self, raw: dict[tuple[str, str], Sequence[tuple[int, str, str]]]) -> None:
        self._raw = raw
        self._made: dict[tuple[str, str], tuple[ImportSite, ...]] = {}

    def __getitem__(self, key: tuple[str, str]) -> tuple[ImportSite, ...]:
        made = self._made.get(key)
        if made is None:
            made = tuple(
                ImportSite(str(path), int(line), str(text)) for line, text, path in self._raw[key]
            )
            self._made[key] = made
        return made

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)
