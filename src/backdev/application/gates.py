"""The gate plugin interface: what a gate receives and what it must return."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from backdev.application.evidence import SharedEvidence
from backdev.application.globs import PathPatterns
from backdev.application.ports import (
    AttestationStore,
    ImportGraphSource,
    PatternScanner,
    ProjectCommands,
    SecretScanner,
    SourceReader,
)
from backdev.application.python_syntax import SyntaxTrees
from backdev.domain.changes import ChangedFile, ChangeSet
from backdev.domain.config import BackdevConfig
from backdev.domain.dod import DefinitionOfDone, OptionValue
from backdev.domain.features import Feature, Workflow
from backdev.domain.findings import Finding, GateResult
from backdev.domain.principles import Principles

GateOptions = Mapping[str, OptionValue | list[str]]

GENERATED_PATTERNS: tuple[str, ...] = (
    "*.lock",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "*_pb2.py",
    "*_pb2_grpc.py",
    "*.min.js",
    "**/migrations/*.py",
)
"""Files no person writes line by line: not counted by `size`."""


@dataclass(frozen=True, slots=True)
class GatePorts:
    """The outside world as gates may see it: read-only, through ports."""

    sources: SourceReader
    imports: ImportGraphSource
    secrets: SecretScanner
    patterns: PatternScanner
    commands: ProjectCommands | None = None
    attestations: AttestationStore | None = None


@dataclass(frozen=True)
class GateContext:
    """Everything a gate may look at. Gates never do I/O of their own."""

    change: ChangeSet
    config: BackdevConfig
    ports: GatePorts
    feature: Feature | None = None
    principles: Principles | None = None
    dod: DefinitionOfDone | None = None
    options: GateOptions = field(default_factory=dict)
    evidence: SharedEvidence | None = None
    """The project's test runs (None when no test runner is wired, e.g. in unit tests)."""
    prior: tuple[GateResult, ...] = ()
    """Results of the gates that ran before this one; only gates that run last see them."""
    syntax: SyntaxTrees = field(default_factory=SyntaxTrees, compare=False, repr=False)
    """Parsed Python texts, shared by every gate of one check (copies of the context
    made for each gate keep the same object)."""

    @cached_property
    def _tests(self) -> PathPatterns:
        return PathPatterns(self.config.tests)

    @cached_property
    def _excluded(self) -> PathPatterns:
        return PathPatterns((*GENERATED_PATTERNS, *self.config.exclude))

    def is_test(self, path: str) -> bool:
        """True for test code (the `tests` patterns of the configuration)."""
        return self._tests.matches(path)

    def is_excluded(self, path: str) -> bool:
        """True for generated and lock files, and the configured `exclude` patterns."""
        return self._excluded.matches(path)

    def python_files(self, include_tests: bool = True) -> tuple[ChangedFile, ...]:
        """Changed Python files that exist at head (not deleted, not binary, not excluded)."""
        return tuple(
            f
            for f in self.change.files
            if f.path.endswith(".py")
            and f.status != "deleted"
            and not f.binary
            and not self.is_excluded(f.path)
            and (include_tests or not self.is_test(f.path))
        )

    def read_head(self, path: str) -> str | None:
        """The file's text at the change's head."""
        return self.ports.sources.read(self.change.head, path)

    def read_base(self, path: str) -> str | None:
        """The file's text at the change's base."""
        return self.ports.sources.read(self.change.base, path)

    def parse(self, text: str) -> ast.Module:
        """The syntax tree of a Python text, parsed once per check: never change it.

        Raises what `ast.parse` raises (SyntaxError, ValueError for null bytes, ...).
        """
        return self.syntax.parse(text)


class Gate(Protocol):
    """A quality gate: a pure judgement of the change. A failure is data, never an exception."""

    @property
    def id(self) -> str:
        """The stable gate id, e.g. `secrets`."""
        ...

    def run(self, context: GateContext) -> GateResult:
        """Judge the change; return `skip` with the reason when there is nothing to check."""
        ...


RUNS_LAST: frozenset[str] = frozenset({"dod"})
"""Gates that judge the other gates' results (`context.prior`), so run after them."""


class BrokenPluginGate:
    """Stands in for a third-party gate that could not be loaded: it always fails, saying why."""

    def __init__(self, gate_id: str, reason: str) -> None:
        self._id = gate_id
        self._reason = reason

    @property
    def id(self) -> str:
        """The entry point's name."""
        return self._id

    def run(self, context: GateContext) -> GateResult:
        """Fail with the loading error as evidence."""
        finding = Finding(
            rule=f"{self._id}/plugin-not-loaded",
            severity="error",
            path="",
            line=0,
            message=f"the gate plugin {self._id!r} could not be loaded",
            fix="fix or uninstall the plugin, or run with --skip " + self._id,
            evidence=self._reason,
        )
        return GateResult(self._id, "fail", "plugin could not be loaded", (finding,))


def feature_or_skip(
    context: GateContext, gate: str, workflow: Workflow | None = None
) -> Feature | GateResult:
    """The change's feature, or the `skip` of a gate that judges one when there is none.

    With `workflow`, a feature of another workflow is a skip too.
    """
    feature = context.feature
    if feature is None:
        return GateResult.skipped(gate, "no feature given: pass --feature or a `Feature:` trailer")
    if workflow is not None and feature.workflow != workflow:
        return GateResult.skipped(
            gate,
            f"not a {workflow} workflow (feature {feature.id} has `workflow: {feature.workflow}`)",
        )
    return feature
