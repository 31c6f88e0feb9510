"""The `architecture` gate: no new contract violation and no unjustified new coupling."""

from __future__ import annotations

from dataclasses import dataclass, field

from backdev.application.gates import GateContext
from backdev.application.import_changes import base_and_head_graphs, imports_may_have_changed
from backdev.domain.coupling import Coupling, in_package, new_couplings
from backdev.domain.findings import Finding, GateResult
from backdev.domain.imports import ImportGraph
from backdev.domain.principles import ImportContract
from backdev.gates.architecture.contracts import GraphIndex, violations
from backdev.gates.architecture.report import (
    GATE,
    coupling_finding,
    unparsable_finding,
    violation_finding,
)

_DOCUMENTED = ("added", "modified", "renamed", "copied")


class ArchitectureGate:
    """Judges import contracts and coupling on the graphs at base and head.

    Violations present at base are counted, never failed (listed with `--all`),
    so a legacy code base can adopt the gate on day one.
    """

    @property
    def id(self) -> str:
        """The stable gate id."""
        return GATE

    def run(self, context: GateContext) -> GateResult:
        """Build both graphs only when a changed Python file lies inside a package."""
        changed = context.python_files()
        if not changed:
            return GateResult.skipped(GATE, "no Python file changed")
        imports = context.ports.imports
        packages = tuple(
            sorted(
                set(imports.packages(context.change.head))
                | set(imports.packages(context.change.base))
            )
        )
        if not packages:
            return GateResult.skipped(GATE, "no Python package in src/ or the repository root")
        if not any(in_package(f.path, packages) for f in changed):
            return GateResult.skipped(
                GATE, f"no changed Python file lies inside a package ({', '.join(packages)})"
            )
        if imports_may_have_changed(context):
            base, head = base_and_head_graphs(context, packages)
        else:  # every import statement as it was: the base graph is the head graph
            head = imports.graph(context.change.head, packages)
            base = head
        judgement = _Judgement(context, head, base, packages)
        judgement.judge_contracts()
        judgement.judge_coupling()
        judgement.judge_unparsable({f.path for f in changed})
        return GateResult.judged(GATE, judgement.findings, judgement.checked())


@dataclass
class _Judgement:
    """The findings and the summary notes of one run."""

    context: GateContext
    head: ImportGraph
    base: ImportGraph
    packages: tuple[str, ...]
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def imports_unchanged(self) -> bool:
        """True when no import statement changed: the base graph is the head graph."""
        return self.base is self.head

    @property
    def show_all(self) -> bool:
        return bool(self.context.options.get("all"))

    def contracts(self) -> tuple[ImportContract, ...]:
        principles = self.context.principles
        return principles.contracts if principles is not None else ()

    def judge_contracts(self) -> None:
        head_index = GraphIndex(self.head)
        base_index = head_index if self.imports_unchanged else GraphIndex(self.base)
        change = self.context.change
        pre_existing = 0
        seen: set[tuple[object, ...]] = set()
        for number, contract in enumerate(self.contracts()):
            before = violations(contract, base_index)
            after = before if self.imports_unchanged else violations(contract, head_index)
            for edge, violation in after.items():
                if edge in before:
                    pre_existing += 1
                    if not self.show_all:
                        continue
                    finding = violation_finding(contract, violation, self.head, None, change)
                else:
                    finding = violation_finding(contract, violation, self.head, base_index, change)
                # One import line can start several routes of one contract: report it once.
                key: tuple[object, ...] = (
                    (number, finding.path, finding.line)
                    if finding.line
                    else (number, *violation.edge)
                )
                if key not in seen:
                    seen.add(key)
                    self.findings.append(finding)
        if pre_existing:
            hint = "listed as warnings" if self.show_all else "see --all"
            self.notes.append(f"{_plural(pre_existing, 'pre-existing violation')}, {hint}")

    def judge_coupling(self) -> None:
        if self.imports_unchanged:
            return  # no coupling can be new
        couplings = [
            coupling
            for coupling in new_couplings(self.base, self.head, self.packages)
            if not all(self.context.is_excluded(site.path) for site in coupling.sites)
        ]
        if not couplings:
            return
        reason = self._justification()
        if reason:
            self.notes.append(f"{_plural(len(couplings), 'new coupling')} justified by {reason}")
            return
        adr = self.context.config.adr.rstrip("/")
        # A line already failing a contract needs no second finding for its coupling.
        taken = {(f.path, f.line) for f in self.findings}
        self.findings.extend(
            finding
            for finding in _coupling_findings(couplings, self.context, adr)
            if (finding.path, finding.line) not in taken
        )

    def judge_unparsable(self, changed: set[str]) -> None:
        elsewhere = 0
        for site in self.head.unparsable:
            if site.path in changed or self.show_all:
                self.findings.append(unparsable_finding(site))
            else:
                elsewhere += 1
        if elsewhere:
            self.notes.append(f"{_plural(elsewhere, 'unparsable file')} outside the change")

    def checked(self) -> str:
        modules = len(self.head.modules)
        contracts = len(self.contracts())
        text = f"{_plural(contracts, 'contract')} and coupling on {_plural(modules, 'module')}"
        return "; ".join((text, *self.notes))

    def _justification(self) -> str:
        adr = self.context.config.adr.rstrip("/") + "/"
        adrs = sorted(
            f.path
            for f in self.context.change.files
            if f.status in _DOCUMENTED and f.path.startswith(adr)
        )
        if adrs:
            return f"ADR {', '.join(adrs)}"
        if self.context.change.trailers("Justification"):
            return "a Justification: trailer"
        return ""


def _coupling_findings(couplings: list[Coupling], context: GateContext, adr: str) -> list[Finding]:
    kept = [
        Coupling(
            c.importer, c.imported, tuple(s for s in c.sites if not context.is_excluded(s.path))
        )
        for c in couplings
    ]
    return [coupling_finding(coupling, context.change, adr) for coupling in kept]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
