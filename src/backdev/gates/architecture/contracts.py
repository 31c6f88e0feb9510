"""Import contracts judged on a plain `ImportGraph`, with import-linter's meaning.

A violation is identified by the direct import that leaves the constrained area
(`edge`) and starts an illegal route to the forbidden area, so that a legacy
violation elsewhere never hides a new one and a new route is never blamed on old code.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from backdev.domain.imports import ImportGraph
from backdev.domain.principles import (
    ForbiddenContract,
    ImportContract,
    IndependenceContract,
    LayersContract,
    ProtectedContract,
)

Edge = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Violation:
    """An illegal route: `edge` starts it, `chain` lists every module from start to end."""

    edge: Edge
    chain: tuple[str, ...]


class GraphIndex:
    """A graph with its reverse edges and every name (modules, packages, externals)."""

    def __init__(self, graph: ImportGraph) -> None:
        self.graph = graph
        reverse: dict[str, set[str]] = {}
        names: set[str] = set(graph.modules)
        for importer, targets in graph.imports.items():
            for imported in targets:
                reverse.setdefault(imported, set()).add(importer)
                names.add(imported)
        for module in list(names):
            parts = module.split(".")
            names.update(".".join(parts[:end]) for end in range(1, len(parts)))
        self.reverse: Mapping[str, set[str]] = reverse
        self.names: frozenset[str] = frozenset(names)

    def edge_exists(self, edge: Edge) -> bool:
        """True when the graph has this direct import."""
        return edge[1] in self.graph.imported_by(edge[0])


def violations(contract: ImportContract, index: GraphIndex) -> dict[Edge, Violation]:
    """Every violation of `contract` in the graph, keyed by the import that starts it."""
    if isinstance(contract, LayersContract):
        return _layers(contract, index)
    if isinstance(contract, ForbiddenContract):
        sources = _Area.of(contract.sources, index)
        return _routes(index, sources, _Area.of(contract.targets, index), _Area(()))
    if isinstance(contract, IndependenceContract):
        return _independence(contract, index)
    return _protected(contract, index)


class _Area:
    """Modules named by a contract, with all their descendants."""

    def __init__(self, roots: Iterable[str]) -> None:
        self.roots = tuple(sorted(set(roots)))
        self._known: dict[str, bool] = {}  # a search asks about each module many times

    @classmethod
    def of(cls, expressions: Iterable[str], index: GraphIndex) -> _Area:
        """Names matched by import-linter expressions (`*` one segment, `**` one or more)."""
        roots: list[str] = []
        for expression in expressions:
            if "*" not in expression:
                roots.append(expression)
                continue
            pattern = _wildcard(expression)
            roots.extend(name for name in index.names if pattern.fullmatch(name))
        return cls(roots)

    def __contains__(self, module: object) -> bool:
        if not isinstance(module, str):
            return False
        known = self._known.get(module)
        if known is None:
            known = any(module == root or module.startswith(f"{root}.") for root in self.roots)
            self._known[module] = known
        return known

    def members(self, index: GraphIndex) -> list[str]:
        return sorted(name for name in index.names if name in self)


def _layers(contract: LayersContract, index: GraphIndex) -> dict[Edge, Violation]:
    areas = [_Area(layer) for layer in contract.layers]
    found: dict[Edge, Violation] = {}
    for position in range(1, len(areas)):
        higher = _Area(root for area in areas[:position] for root in area.roots)
        # Routes through a lower layer are that layer's own violation: report them once, there.
        lower = _Area(root for area in areas[position + 1 :] for root in area.roots)
        for edge, violation in _routes(index, areas[position], higher, lower).items():
            found.setdefault(edge, violation)
    return found


def _independence(contract: IndependenceContract, index: GraphIndex) -> dict[Edge, Violation]:
    modules = _Area.of(contract.modules, index).roots
    found: dict[Edge, Violation] = {}
    for module in modules:
        others = _Area(other for other in modules if other != module)
        for edge, violation in _routes(index, _Area((module,)), others, _Area(())).items():
            found.setdefault(edge, violation)
    return found


def _protected(contract: ProtectedContract, index: GraphIndex) -> dict[Edge, Violation]:
    protected = _Area.of((contract.module,), index)
    allowed = _Area.of(contract.allowed_importers, index)
    found: dict[Edge, Violation] = {}
    for imported in protected.members(index):
        for importer in sorted(index.reverse.get(imported, ())):
            if importer not in protected and importer not in allowed:
                found[(importer, imported)] = Violation((importer, imported), (importer, imported))
    return found


def _routes(
    index: GraphIndex, sources: _Area, targets: _Area, blocked: _Area
) -> dict[Edge, Violation]:
    """Imports leaving `sources` that reach `targets` directly or through a chain.

    One backwards search from the targets finds every module that reaches them
    without passing through `sources` or `blocked`; it also gives each a shortest
    next step, so the chain of each route can be read off.
    """
    following: dict[str, str | None] = dict.fromkeys(targets.members(index))
    queue = deque(following)
    while queue:
        current = queue.popleft()
        for importer in sorted(index.reverse.get(current, ())):
            if importer in following or importer in sources or importer in blocked:
                continue
            following[importer] = current
            queue.append(importer)
    found: dict[Edge, Violation] = {}
    for module in sorted(index.graph.modules):
        if module not in sources:
            continue
        for imported in sorted(index.graph.imported_by(module)):
            if imported in sources or imported not in following:
                continue
            chain = [module, imported]
            step = following[imported]
            while step is not None:
                chain.append(step)
                step = following[step]
            found[(module, imported)] = Violation((module, imported), tuple(chain))
    return found


def _wildcard(expression: str) -> re.Pattern[str]:
    parts = []
    for part in expression.split("."):
        if part == "**":
            parts.append(r"[^.]+(?:\.[^.]+)*")
        elif part == "*":
            parts.append(r"[^.]+")
        else:
            parts.append(re.escape(part))
    return re.compile(r"\.".join(parts))
