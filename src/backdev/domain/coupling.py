"""New coupling: an import edge between two direct subpackages of a root package.

Shared by the `architecture` gate (which asks for a justification) and the `docs`
gate (which asks for an ADR or docs change), so both judge the same edges.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from backdev.domain.changes import ChangeSet
from backdev.domain.imports import ImportGraph, ImportSite


@dataclass(frozen=True, slots=True)
class Coupling:
    """`importer` (e.g. `shop.services`) now imports `imported` (e.g. `shop.notifications`).

    `sites` are every import line at head that makes the edge, ordered by path and line.
    """

    importer: str
    imported: str
    sites: tuple[ImportSite, ...]


def new_couplings(
    base: ImportGraph, head: ImportGraph, roots: Collection[str]
) -> tuple[Coupling, ...]:
    """Edges between direct subpackages of a root that exist at head but not at base.

    Standard-library and third-party targets never count: only modules of the
    project's graph do. Imports of a subpackage from inside itself do not count.
    """
    packages = package_names(head) | package_names(base)
    before = {pair for pair, _ in _component_edges(base, roots, packages)}
    found: dict[tuple[str, str], list[ImportSite]] = {}
    for pair, sites in _component_edges(head, roots, packages):
        if pair not in before:
            found.setdefault(pair, []).extend(sites)
    return tuple(
        Coupling(importer, imported, tuple(sorted(set(sites), key=_site_order)))
        for (importer, imported), sites in sorted(found.items())
    )


def component_of(module: str, roots: Collection[str]) -> str | None:
    """The direct child of a root holding `module`: `shop.services.orders` -> `shop.services`."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] not in roots:
        return None
    return f"{parts[0]}.{parts[1]}"


def package_names(graph: ImportGraph) -> frozenset[str]:
    """Modules of the graph that are packages: those with a submodule or an `__init__.py` site."""
    names: set[str] = set()
    for module in graph.modules:
        parts = module.split(".")
        names.update(".".join(parts[:end]) for end in range(1, len(parts)))
    for (importer, _), sites in graph.sites.items():
        if any(site.path.endswith("__init__.py") for site in sites):
            names.add(importer)
    return frozenset(names)


def pick_site(sites: Iterable[ImportSite], change: ChangeSet) -> tuple[ImportSite | None, bool]:
    """The first site on a line the change added, else the first site; and whether it was added."""
    first: ImportSite | None = None
    for site in sites:
        changed = change.file(site.path)
        if changed is not None and site.line in changed.added_lines:
            return site, True
        if first is None:
            first = site
    return first, False


def in_package(path: str, packages: Collection[str]) -> bool:
    """True when the repository path lies inside one of the top-level `packages` (src or flat)."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[0] == "src" and parts[1] in packages:
        return True
    return len(parts) >= 2 and parts[0] in packages


def _component_edges(
    graph: ImportGraph, roots: Collection[str], packages: Collection[str]
) -> Iterable[tuple[tuple[str, str], tuple[ImportSite, ...]]]:
    for importer, targets in graph.imports.items():
        source = component_of(importer, roots)
        if source is None or source not in packages:
            continue
        for imported in targets:
            target = component_of(imported, roots)
            if (
                target is None
                or target == source
                or target not in packages
                or imported not in graph.modules
                or target.split(".")[0] != source.split(".")[0]
            ):
                continue
            yield (source, target), graph.sites.get((importer, imported), ())


def _site_order(site: ImportSite) -> tuple[str, int]:
    return (site.path, site.line)
