"""Ports: what the use cases need from the outside world, as small Protocols.

Adapters implementing them live in `backdev.adapters`; test doubles named
`Fake<Role>` live in `tests/fakes`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from backdev.domain.changes import ChangeSet
from backdev.domain.config import BackdevConfig
from backdev.domain.dod import DefinitionOfDone
from backdev.domain.evidence import TestEvidence
from backdev.domain.features import Feature
from backdev.domain.imports import ImportGraph
from backdev.domain.principles import ImportContract, Principles
from backdev.domain.problems import Parsed

T = TypeVar("T")


class SpecParser(Protocol[T]):
    """Parses one spec file of a kind into a domain value, collecting every problem."""

    def parse(self, path: Path, shown_as: str) -> Parsed[T]:
        """Read and validate `path`; `shown_as` is the name used in problems."""
        ...


class FeatureParser(SpecParser[Feature], Protocol):
    """Feature files: Markdown with front matter, or Gherkin `.feature` files."""


class PrinciplesParser(SpecParser[Principles], Protocol):
    """The Architecture Principles file."""


class DodParser(SpecParser[DefinitionOfDone], Protocol):
    """The Definition of Done checklist."""


class ConfigSource(Protocol):
    """The project's `[tool.backdev]` table."""

    def load(self, root: Path) -> Parsed[BackdevConfig]:
        """The validated configuration of the project at `root` (defaults when absent)."""
        ...


class ContractSource(Protocol):
    """Import-linter contracts the project already keeps (`.importlinter`, pyproject)."""

    def load(self, root: Path) -> Parsed[tuple[ImportContract, ...]]:
        """The contracts, translated to backdev's contract values."""
        ...


class ProjectFiles(Protocol):
    """Finding files in the user's project."""

    def root(self) -> Path:
        """The project root (absolute): the git work tree's top, else the current directory."""
        ...

    def cwd(self) -> Path:
        """The directory relative paths on the command line are taken from (absolute)."""
        ...

    def glob(self, patterns: Sequence[str]) -> list[Path]:
        """Files under the root matching gitignore-style patterns, sorted."""
        ...

    def is_file(self, path: Path) -> bool:
        """True when `path` is an existing regular file."""
        ...

    def is_dir(self, path: Path) -> bool:
        """True when `path` is an existing directory."""
        ...

    def files_under(self, directory: Path, suffixes: Sequence[str]) -> list[Path]:
        """Files below `directory` whose name ends in one of `suffixes`, sorted."""
        ...


# --- ports used by `backdev check` and its gates ---------------------------------


class SourceReader(Protocol):
    """File contents at a revision of the repository."""

    def read(self, revision: str, path: str) -> str | None:
        """Text of `path` at `revision` (a sha, or WORKTREE for the working tree).

        None when the file does not exist there, is binary, or is not UTF-8 text.
        """
        ...


class DiffSource(SourceReader, Protocol):
    """The change to judge, from version control."""

    def change(self, base: str | None, head: str | None) -> ChangeSet:
        """The change from `base` (None: merge-base with the default branch) to `head`
        (None: the working tree, uncommitted and untracked-but-not-ignored files included).

        Raises NotAGitRepositoryError or ConfigError (unknown revision, shallow clone
        without the base) for the user's mistakes.
        """
        ...


class ImportGraphSource(Protocol):
    """Builds the import graph of the project's packages at a revision."""

    def graph(self, revision: str, packages: Sequence[str]) -> ImportGraph:
        """The graph of `packages` (top-level names) as they are at `revision`."""
        ...

    def packages(self, revision: str) -> tuple[str, ...]:
        """The project's top-level import packages at `revision` (src or flat layout)."""
        ...


@dataclass(frozen=True, slots=True)
class SecretHit:
    """A likely secret on a line; `fingerprint` is stable (hash of the value), never the value."""

    kind: str
    line: int
    fingerprint: str
    accepted: bool = False
    """True when a reviewed baseline lists this secret for this file."""


class SecretScanner(Protocol):
    """Finds secrets in text (detect-secrets' plugins plus key blocks and token formats)."""

    def scan(self, path: str, text: str, lines: frozenset[int]) -> list[SecretHit]:
        """Secrets on the given lines of `text` (the file `path` at head)."""
        ...


@dataclass(frozen=True, slots=True)
class PatternHit:
    """An insecure pattern found by a linter rule (e.g. ruff's S608, SQL by string formatting)."""

    code: str
    path: str
    line: int
    message: str
    severity: str
    cwe: int | None = None


class PatternScanner(Protocol):
    """Finds insecure code patterns in Python source."""

    def scan(self, files: Mapping[str, str]) -> list[PatternHit]:
        """Hits in the given files (path -> text), every line; the gate keeps changed lines."""
        ...


# --- ports for test evidence (coverage, acceptance, checks, dod, workflow proofs) ---


class TestRunner(Protocol):
    """Runs the project's own tests once, instrumented, and reads the evidence."""

    def run(
        self,
        revision: str,
        selection: Sequence[str] = (),
        overlay: Mapping[str, str] | None = None,
    ) -> TestEvidence:
        """Run the tests as they are at `revision` (WORKTREE: in place; a sha: in a
        temporary git worktree that is removed afterwards).

        `selection` holds node ids or paths (empty: the whole suite). `overlay`
        (path -> text) is written over the revision's files before the run, e.g. to
        run a change's new tests against the base. A run that cannot produce
        evidence returns TestEvidence with `problem` set; it never raises for
        the project's failures.
        """
        ...


@dataclass(frozen=True, slots=True)
class ProjectCommand:
    """A command the project declares for itself: lint, type check, tests, build."""

    name: str
    argv: tuple[str, ...]
    origin: str
    """Where it was found, e.g. `[tool.backdev.checks]` or `[tool.ruff] in pyproject.toml`."""


@dataclass(frozen=True, slots=True)
class CommandOutcome:
    """How a project command ended."""

    command: ProjectCommand
    exit_code: int
    output: str
    """The tail of what it printed (stdout and stderr), at most a few kilobytes."""
    seconds: float
    timed_out: bool = False


class ProjectCommands(Protocol):
    """The project's declared commands, and running them in the repository."""

    def detect(self) -> tuple[ProjectCommand, ...]:
        """Commands from `[tool.backdev] checks`, else those of tools the project
        configures (ruff, mypy, pytest, a build backend) — never a tool merely
        because it is installed."""
        ...

    def run(self, command: ProjectCommand, timeout: float) -> CommandOutcome:
        """Run one command at the repository root with the project's interpreter."""
        ...


@dataclass(frozen=True, slots=True)
class Attestation:
    """A person's statement that a manual DoD item holds for a commit."""

    item: str
    by: str
    note: str
    commit: str
    date: str
    line: int = 0


class AttestationStore(Protocol):
    """The committed attestations file (`docs/engineering/attestations.md`)."""

    def load(self) -> tuple[Attestation, ...]:
        """Every attestation recorded so far (empty when the file does not exist)."""
        ...

    def append(self, attestation: Attestation) -> str:
        """Record one more attestation; returns the file's path relative to the root."""
        ...
