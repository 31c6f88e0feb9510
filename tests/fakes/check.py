"""Fakes for the ports `backdev check` uses, and a helper to build a GateContext."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from backdev.application.evidence import SharedEvidence
from backdev.application.gates import GateContext, GateOptions, GatePorts
from backdev.application.ports import (
    Attestation,
    CommandOutcome,
    PatternHit,
    ProjectCommand,
    SecretHit,
)
from backdev.domain.changes import WORKTREE, ChangedFile, ChangeSet, Commit, FileStatus
from backdev.domain.config import BackdevConfig
from backdev.domain.dod import DefinitionOfDone
from backdev.domain.evidence import TestEvidence
from backdev.domain.features import Feature
from backdev.domain.findings import GateResult
from backdev.domain.imports import ImportGraph
from backdev.domain.principles import Principles

BASE = "b" * 40


@dataclass
class FakeSourceReader:
    """File texts per revision: `files[revision][path]`."""

    files: dict[str, dict[str, str]] = field(default_factory=dict)

    def read(self, revision: str, path: str) -> str | None:
        return self.files.get(revision, {}).get(path)


@dataclass
class FakeImportGraphSource:
    """Returns the graph stored for a revision (an empty graph when none)."""

    graphs: dict[str, ImportGraph] = field(default_factory=dict)
    top_level: tuple[str, ...] = ()

    def graph(self, revision: str, packages: Sequence[str]) -> ImportGraph:
        return self.graphs.get(revision, ImportGraph(frozenset(), {}, {}))

    def packages(self, revision: str) -> tuple[str, ...]:
        return self.top_level


@dataclass
class FakeSecretScanner:
    """Reports a secret on every requested line containing one of `markers`."""

    markers: tuple[str, ...] = ("SECRET-MARKER",)
    accepted: frozenset[str] = frozenset()

    def scan(self, path: str, text: str, lines: frozenset[int]) -> list[SecretHit]:
        hits: list[SecretHit] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if number in lines and any(m in line for m in self.markers):
                fingerprint = f"{path}:{line.strip()}"
                hits.append(
                    SecretHit("Fake Secret", number, fingerprint, fingerprint in self.accepted)
                )
        return hits


@dataclass
class FakePatternScanner:
    """Returns canned hits for the files it is asked about."""

    hits: list[PatternHit] = field(default_factory=list)

    def scan(self, files: Mapping[str, str]) -> list[PatternHit]:
        return [hit for hit in self.hits if hit.path in files]


def changed_file(
    path: str,
    text: str | None = None,
    *,
    status: FileStatus = "modified",
    added: Sequence[int] | None = None,
    removed: Sequence[int] = (),
    old_path: str | None = None,
) -> ChangedFile:
    """A changed file; with `text` and no `added`, every line of `text` counts as added."""
    if added is None:
        added = range(1, len(text.splitlines()) + 1) if text is not None else ()
    return ChangedFile(
        path=path,
        status=status,
        old_path=old_path if old_path is not None else (None if status == "added" else path),
        added_lines=frozenset(added),
        removed_lines=frozenset(removed),
    )


def make_context(
    files: Mapping[str, str] | None = None,
    *,
    changed: Sequence[ChangedFile] | None = None,
    base_files: Mapping[str, str] | None = None,
    commits: Sequence[Commit] = (),
    config: BackdevConfig | None = None,
    feature: Feature | None = None,
    principles: Principles | None = None,
    dod: DefinitionOfDone | None = None,
    options: GateOptions | None = None,
    imports: FakeImportGraphSource | None = None,
    secrets: FakeSecretScanner | None = None,
    patterns: FakePatternScanner | None = None,
    tests: FakeTestRunner | None = None,
    commands: FakeProjectCommands | None = None,
    attestations: FakeAttestationStore | None = None,
    prior: Sequence[GateResult] = (),
) -> GateContext:
    """A GateContext for a change from BASE to the working tree.

    `files` are the head texts; without `changed`, each is an added file whose lines
    are all added (modified when the path is also in `base_files`).
    """
    head_files = dict(files or {})
    base = dict(base_files or {})
    if changed is None:
        changed = [
            changed_file(path, text, status="modified" if path in base else "added")
            for path, text in head_files.items()
        ]
    change = ChangeSet(BASE, WORKTREE, tuple(changed), tuple(commits))
    return GateContext(
        change=change,
        config=config or BackdevConfig(),
        ports=GatePorts(
            sources=FakeSourceReader({WORKTREE: head_files, BASE: base}),
            imports=imports or FakeImportGraphSource(),
            secrets=secrets or FakeSecretScanner(),
            patterns=patterns or FakePatternScanner(),
            commands=commands,
            attestations=attestations,
        ),
        feature=feature,
        principles=principles,
        dod=dod,
        options=options or {},
        evidence=SharedEvidence(tests, change) if tests is not None else None,
        prior=tuple(prior),
    )


@dataclass
class FakeTestRunner:
    """Returns canned evidence per revision; records every run it was asked for."""

    evidence: dict[str, TestEvidence] = field(default_factory=dict)
    runs: list[tuple[str, tuple[str, ...], dict[str, str]]] = field(default_factory=list)

    def run(
        self,
        revision: str,
        selection: Sequence[str] = (),
        overlay: Mapping[str, str] | None = None,
    ) -> TestEvidence:
        self.runs.append((revision, tuple(selection), dict(overlay or {})))
        return self.evidence.get(revision, TestEvidence(revision, ("pytest",), 5))


@dataclass
class FakeProjectCommands:
    """Declared commands with canned exit codes (by command name)."""

    commands: tuple[ProjectCommand, ...] = ()
    exit_codes: dict[str, int] = field(default_factory=dict)
    ran: list[str] = field(default_factory=list)

    def detect(self) -> tuple[ProjectCommand, ...]:
        return self.commands

    def run(self, command: ProjectCommand, timeout: float) -> CommandOutcome:
        self.ran.append(command.name)
        code = self.exit_codes.get(command.name, 0)
        return CommandOutcome(command, code, "" if code == 0 else f"{command.name} failed", 0.1)


@dataclass
class FakeAttestationStore:
    """Attestations kept in memory."""

    attestations: list[Attestation] = field(default_factory=list)

    def load(self) -> tuple[Attestation, ...]:
        return tuple(self.attestations)

    def append(self, attestation: Attestation) -> str:
        self.attestations.append(attestation)
        return "docs/engineering/attestations.md"
