"""Ports and values of the `init` use case: what it needs to scaffold a project.

Kept apart from `ports.py` because only `init` uses them. Adapters implementing
them live in `backdev.adapters.project_layout` and `backdev.adapters.init_files`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

LayoutKind = Literal["src", "flat", "none"]
FileAction = Literal["created", "unchanged", "updated"]
TomlValue = str | list[str]


@dataclass(frozen=True, slots=True)
class ForbiddenImport:
    """A proposed `forbidden` contract: `source` must not import any of `targets`."""

    source: str
    targets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProjectLayout:
    """How the project's Python code is laid out, with a proposal for its contracts.

    `layers` are highest first; a layer with several modules holds siblings
    (`a | b`). Both `layers` and `forbidden` are empty when nothing was recognised.
    """

    kind: LayoutKind
    packages: tuple[str, ...] = ()
    """Every top-level import package found, sorted."""
    package: str | None = None
    """The package the proposal is about, or None when no package was found."""
    package_dir: str | None = None
    """That package's directory relative to the root, e.g. `src/shop`."""
    layers: tuple[tuple[str, ...], ...] = ()
    forbidden: tuple[ForbiddenImport, ...] = ()


@dataclass(frozen=True, slots=True)
class TableMerge:
    """What merging `[tool.backdev]` did, and the table as it now stands."""

    action: FileAction
    table: Mapping[str, object]


class RepositoryLocator(Protocol):
    """Finds the git repository a directory belongs to."""

    def top_level(self, path: Path) -> Path | None:
        """The top of the work tree containing `path`, or None outside a git repository."""
        ...


class LayoutProbe(Protocol):
    """Looks at the project's Python packages."""

    def detect(self, root: Path) -> ProjectLayout:
        """The layout under `root` and a starting proposal for its import contracts."""
        ...


class TemplateSource(Protocol):
    """The texts `init` writes, with `$name` placeholders."""

    def render(self, name: str, values: Mapping[str, str]) -> str:
        """The template `name` (e.g. `playbooks/refactoring.md`) with `values` filled in."""
        ...


class FileWriter(Protocol):
    """Creates files without ever replacing one."""

    def create(self, path: Path, text: str) -> bool:
        """Write `text` to a new file at `path`; False, touching nothing, when it exists."""
        ...


class PyprojectEditor(Protocol):
    """Adds the `[tool.backdev]` table to `pyproject.toml` without disturbing the rest."""

    def merge_table(
        self, path: Path, shown_as: str, defaults: Mapping[str, TomlValue]
    ) -> TableMerge:
        """Add the keys of `defaults` missing from `[tool.backdev]`, creating the file if needed.

        Existing keys, values, comments and formatting are kept byte for byte.
        Raises ConfigError, leaving the file untouched, when it is not valid TOML
        or the table cannot be merged safely.
        """
        ...
