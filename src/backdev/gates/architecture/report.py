"""Turning contract violations and new couplings into findings at the import that causes them."""

from __future__ import annotations

from collections.abc import Sequence

from backdev.domain.changes import ChangeSet
from backdev.domain.coupling import Coupling, pick_site
from backdev.domain.findings import Finding, Severity
from backdev.domain.imports import ImportGraph, ImportSite
from backdev.domain.principles import (
    ForbiddenContract,
    ImportContract,
    IndependenceContract,
    LayersContract,
)
from backdev.gates.architecture.contracts import GraphIndex, Violation

GATE = "architecture"
_EVIDENCE = 200


def violation_finding(
    contract: ImportContract,
    violation: Violation,
    head: ImportGraph,
    base: GraphIndex | None,
    change: ChangeSet,
) -> Finding:
    """A new violation (`base` given: an error) or a pre-existing one (a warning)."""
    links = list(zip(violation.chain, violation.chain[1:], strict=False))
    if base is None:
        site, added = _first_site(head, links[:1]), False
    else:
        site, added = _locate(links, head, base, change)
    severity: Severity = "error" if base is not None else "warning"
    chain = " -> ".join(violation.chain)
    why = _why(contract, violation)
    label = f"{contract.kind} contract '{contract.name}' ({contract.origin})"
    message = f"{violation.chain[0]} imports {violation.chain[-1]}"
    if len(violation.chain) > 2:
        message += f" through {len(violation.chain) - 2} other module(s)"
    message += f", which breaks the {label}: {why}"
    if base is None:
        message = f"pre-existing violation, not caused by this change: {message}"
    return Finding(
        rule=f"{GATE}/{contract.kind}-violation",
        severity=severity,
        path=site.path if site else "",
        line=_line(site, added, base is None),
        message=message + _moved_note(site, added, base is None),
        fix=_fix(contract),
        evidence=_clip(chain),
    )


def coupling_finding(coupling: Coupling, change: ChangeSet, adr: str) -> Finding:
    """An unjustified new edge between two subpackages, at the import that makes it."""
    site, added = pick_site(coupling.sites, change)
    return Finding(
        rule=f"{GATE}/new-coupling",
        severity="error",
        path=site.path if site else "",
        line=_line(site, added, False),
        message=(
            f"new coupling: {coupling.importer} now imports {coupling.imported}, an edge between "
            "two subpackages that did not exist at base; new coupling needs a recorded reason"
            + _moved_note(site, added, False)
        ),
        fix=(
            f"explain the dependency in an ADR under {adr}/ or a `Justification:` commit "
            "trailer, or remove the import"
        ),
        evidence=_clip(site.text.strip()) if site else "",
    )


def unparsable_finding(site: ImportSite) -> Finding:
    """A file the import graph could not read: its imports are not judged."""
    return Finding(
        rule=f"{GATE}/unparsable",
        severity="warning",
        path=site.path,
        line=site.line,
        message=(
            f"{site.path} could not be parsed, so its imports are missing from the graph "
            "and no contract is checked for them"
        ),
        fix="fix the syntax error (or run backdev with a Python that knows this syntax)",
        evidence=_clip(site.text.strip()),
    )


def _locate(
    links: Sequence[tuple[str, str]], head: ImportGraph, base: GraphIndex, change: ChangeSet
) -> tuple[ImportSite | None, bool]:
    """The import that makes the route new: a new link on an added line, if there is one."""
    new_links = [link for link in links if not base.edge_exists(link)]
    for group in (new_links, links):
        site, added = pick_site([s for link in group for s in head.sites.get(link, ())], change)
        if added:
            return site, True
    return _first_site(head, new_links or links), False


def _first_site(head: ImportGraph, links: Sequence[tuple[str, str]]) -> ImportSite | None:
    for link in links:
        sites = head.sites.get(link, ())
        if sites:
            return sites[0]
    return None


def _line(site: ImportSite | None, added: bool, pre_existing: bool) -> int:
    # A line the change did not add is only named for listed legacy violations.
    if site is None or not (added or pre_existing):
        return 0
    return site.line


def _moved_note(site: ImportSite | None, added: bool, pre_existing: bool) -> str:
    if site is None or added or pre_existing:
        return ""
    return (
        f" (the import at line {site.line} predates the change; the edge is new because "
        "a module was added, moved or renamed)"
    )


def _clip(text: str) -> str:
    return text if len(text) <= _EVIDENCE else text[: _EVIDENCE - 3] + "..."


def _why(contract: ImportContract, violation: Violation) -> str:
    if isinstance(contract, LayersContract):
        return "a lower layer must not import a higher one"
    if isinstance(contract, ForbiddenContract):
        return f"{violation.chain[0]} must not depend on {violation.chain[-1]}"
    if isinstance(contract, IndependenceContract):
        return "independent modules must not import each other, even indirectly"
    return f"only {_names(contract.allowed_importers)} may import {contract.module}"


def _fix(contract: ImportContract) -> str:
    if isinstance(contract, LayersContract):
        return (
            "remove the import, or invert it: declare an interface in the lower layer "
            "and implement it in the higher one"
        )
    if isinstance(contract, ForbiddenContract):
        return "remove the import; reach that dependency through a port implemented in an adapter"
    if isinstance(contract, IndependenceContract):
        return "remove the import; move the shared code to a module both may import"
    return (
        f"import {contract.module} only from {_names(contract.allowed_importers)}, "
        "and pass what you need in from there"
    )


def _names(modules: Sequence[str]) -> str:
    return ", ".join(modules) if modules else "nothing outside it"
