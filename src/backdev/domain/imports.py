"""An import graph as plain data, so contracts can be judged without any library."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ImportSite:
    """Where an import statement is: the importing file, its line and the line's text."""

    path: str
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class ImportGraph:
    """Modules of the project and their direct imports.

    `imports[m]` holds every module `m` imports directly: project modules by
    full name, standard-library and third-party modules by their top-level name
    (`sqlite3`, `sqlalchemy`), whether or not they are installed. `sites` gives,
    for an (importer, imported) pair, the lines that make the import.
    """

    modules: frozenset[str]
    imports: Mapping[str, frozenset[str]]
    sites: Mapping[tuple[str, str], tuple[ImportSite, ...]]
    unparsable: tuple[ImportSite, ...] = ()
    """Files that could not be parsed (e.g. newer syntax): reported, never silently skipped."""

    def imported_by(self, module: str) -> frozenset[str]:
        """Direct imports of `module` (empty when unknown)."""
        return self.imports.get(module, frozenset())
