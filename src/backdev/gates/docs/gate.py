"""The `docs` gate: a structural or long-term change comes with an ADR or a docs change."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

from backdev.application.gates import GateContext
from backdev.application.globs import PathPatterns
from backdev.application.import_changes import base_and_head_graphs, imports_may_have_changed
from backdev.domain.coupling import in_package, new_couplings, pick_site
from backdev.domain.findings import Finding, GateResult
from backdev.gates.docs.manifests import MANIFESTS, line_declaring, runtime_dependencies
from backdev.gates.docs.public_api import api_changes

GATE = "docs"
_PRESENT = ("added", "modified", "renamed", "copied")
_NEW = ("added", "renamed", "copied")
_TEST_PACKAGES = frozenset({"tests", "test", "testing"})
_EVIDENCE = 200


@dataclass(frozen=True, slots=True)
class Cause:
    """A structural or long-term change: what it is and where (line 0: the whole file)."""

    path: str
    line: int
    description: str
    evidence: str = ""


class DocsGate:
    """Asks for an ADR or docs change when structure, dependencies, coupling or public API change.

    Documentation and dependency manifests are judged here, not by `scope`.
    """

    @property
    def id(self) -> str:
        """The stable gate id."""
        return GATE

    def run(self, context: GateContext) -> GateResult:
        """Collect the causes; each is an error unless the change documents itself."""
        imports = context.ports.imports
        packages = tuple(
            sorted(
                set(imports.packages(context.change.head))
                | set(imports.packages(context.change.base))
            )
        )
        causes = [
            *_new_subpackages(context, packages),
            *_new_dependencies(context),
            *_new_coupling(context, packages),
            *_public_api(context, packages),
        ]
        if not causes:
            return GateResult(GATE, "pass", "no structural change")
        documents = _documents(context)
        count = f"{len(causes)} structural change" + ("" if len(causes) == 1 else "s")
        if documents:
            shown = ", ".join(documents[:3]) + (", ..." if len(documents) > 3 else "")
            return GateResult.judged(GATE, (), f"{count}, documented by {shown}")
        adr = context.config.adr.rstrip("/")
        findings = {(c.path, c.line, c.description): _finding(c, adr) for c in causes}
        return GateResult.judged(GATE, findings.values(), f"{count}, no ADR or docs change")


def _finding(cause: Cause, adr: str) -> Finding:
    evidence = cause.evidence.strip()
    return Finding(
        rule=f"{GATE}/adr-missing",
        severity="error",
        path=cause.path,
        line=cause.line,
        message=(
            f"{cause.description}, but the change has no ADR or docs change; "
            "structural and long-term decisions must be recorded"
        ),
        fix=f"add an ADR under {adr}/ (or update docs/) explaining this change, in the same change",
        evidence=evidence if len(evidence) <= _EVIDENCE else evidence[: _EVIDENCE - 3] + "...",
    )


def _documents(context: GateContext) -> list[str]:
    adr = context.config.adr.rstrip("/")
    patterns = PathPatterns(("docs/**", "*.md", "*.rst", f"{adr}/**"))
    return sorted(
        f.path for f in context.change.files if f.status in _PRESENT and patterns.matches(f.path)
    )


def _new_subpackages(context: GateContext, packages: tuple[str, ...]) -> list[Cause]:
    shape = re.compile(rf"(?:src/)?({'|'.join(map(re.escape, packages))})/(\w+)/__init__\.py")
    causes: list[Cause] = []
    for changed in context.change.files:
        match = shape.fullmatch(changed.path) if packages else None
        if match is None or changed.status not in _NEW:
            continue
        root, child = match.groups()
        # Private and test packages are details of the code, not its structure.
        if child.startswith("_") or child in _TEST_PACKAGES or context.is_test(changed.path):
            continue
        if context.read_base(changed.path) is None:
            causes.append(Cause(changed.path, 0, f"new subpackage `{root}.{child}`"))
    return causes


def _new_dependencies(context: GateContext) -> list[Cause]:
    touched = [name for name in MANIFESTS if context.change.file(name) is not None]
    if not touched:
        return []
    before: set[str] = set()
    after: dict[str, str] = {}
    for name in MANIFESTS:
        before |= runtime_dependencies(name, context.read_base(name))
        for dependency in runtime_dependencies(name, context.read_head(name)):
            after.setdefault(dependency, name)
    causes: list[Cause] = []
    for dependency in sorted(set(after) - before):
        path, line, text = _declaration(context, dependency, touched, after[dependency])
        causes.append(Cause(path, line, f"new runtime dependency `{dependency}`", text))
    return causes


def _declaration(
    context: GateContext, dependency: str, touched: list[str], fallback: str
) -> tuple[str, int, str]:
    for name in (*touched, fallback):
        changed = context.change.file(name)
        text = context.read_head(name)
        if changed is None or text is None:
            continue
        line = line_declaring(dependency, text, changed.added_lines)
        if line:
            return name, line, text.splitlines()[line - 1]
    return fallback, 0, ""


def _new_coupling(context: GateContext, packages: tuple[str, ...]) -> list[Cause]:
    changed = context.python_files()
    if not packages or not any(in_package(f.path, packages) for f in changed):
        return []
    if not imports_may_have_changed(context):
        return []
    base, head = base_and_head_graphs(context, packages)
    causes: list[Cause] = []
    for coupling in new_couplings(base, head, packages):
        sites = [s for s in coupling.sites if not context.is_excluded(s.path)]
        if not sites:
            continue
        site, added = pick_site(sites, context.change)
        description = f"new coupling `{coupling.importer}` -> `{coupling.imported}`"
        if site is None:
            causes.append(Cause("", 0, description))
        else:
            causes.append(Cause(site.path, site.line if added else 0, description, site.text))
    return causes


def _public_api(context: GateContext, packages: tuple[str, ...]) -> list[Cause]:
    # Deleted files count here: removing a public module breaks its callers.
    touched = [
        f.path
        for f in context.change.files
        if f.path.endswith(".py") and not f.binary and not context.is_excluded(f.path)
    ]
    if not touched or not (
        context.config.public_api or any(in_package(path, packages) for path in touched)
    ):
        return []
    read_base = partial(context.ports.sources.read, context.change.base)
    read_head = partial(context.ports.sources.read, context.change.head)
    changes = api_changes(packages, context.config.public_api, read_base, read_head, context.parse)
    return [Cause(c.path, c.line, c.description, c.evidence) for c in changes]
