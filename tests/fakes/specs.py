"""Fakes for the spec ports: in-memory files and parsers that report canned problems."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pathspec

from backdev.domain.config import BackdevConfig
from backdev.domain.dod import DefinitionOfDone
from backdev.domain.features import Feature
from backdev.domain.principles import ImportContract, Principles
from backdev.domain.problems import Parsed, Problem

ROOT = Path("/repo")


@dataclass
class FakeProjectFiles:
    """A project whose files are the keys of `files`, relative to ROOT."""

    files: dict[str, str] = field(default_factory=dict)
    working_dir: Path = ROOT

    def root(self) -> Path:
        return ROOT

    def cwd(self) -> Path:
        return self.working_dir

    def glob(self, patterns: Sequence[str]) -> list[Path]:
        spec = pathspec.GitIgnoreSpec.from_lines(patterns)
        return [ROOT / name for name in sorted(spec.match_files(self.files))]

    def is_file(self, path: Path) -> bool:
        return self._relative(path) in self.files

    def is_dir(self, path: Path) -> bool:
        prefix = self._relative(path).rstrip("/") + "/"
        return any(name.startswith(prefix) for name in self.files)

    def files_under(self, directory: Path, suffixes: Sequence[str]) -> list[Path]:
        prefix = self._relative(directory).rstrip("/") + "/"
        return [
            ROOT / name
            for name in sorted(self.files)
            if name.startswith(prefix) and name.endswith(tuple(suffixes))
        ]

    @staticmethod
    def _relative(path: Path) -> str:
        return PurePosixPath(path).relative_to(ROOT).as_posix()


@dataclass
class FakeParser:
    """Records what it parsed; reports a problem for every file whose text contains 'BAD'."""

    project: FakeProjectFiles
    parsed: list[str] = field(default_factory=list)

    def _problems(self, path: Path, shown_as: str) -> tuple[Problem, ...]:
        self.parsed.append(shown_as)
        text = self.project.files.get(FakeProjectFiles._relative(path), "")
        return (Problem(shown_as, 1, "bad", "fix it"),) if "BAD" in text else ()


class FakeFeatureParser(FakeParser):
    def parse(self, path: Path, shown_as: str) -> Parsed[Feature]:
        return Parsed(None, self._problems(path, shown_as))


class FakePrinciplesParser(FakeParser):
    def parse(self, path: Path, shown_as: str) -> Parsed[Principles]:
        problems = self._problems(path, shown_as)
        return Parsed(None if problems else Principles(shown_as, "", ()), problems)


class FakeDodParser(FakeParser):
    def parse(self, path: Path, shown_as: str) -> Parsed[DefinitionOfDone]:
        problems = self._problems(path, shown_as)
        return Parsed(None if problems else DefinitionOfDone(shown_as, ()), problems)


@dataclass
class FakeConfigSource:
    config: BackdevConfig = field(default_factory=BackdevConfig)
    problems: tuple[Problem, ...] = ()

    def load(self, root: Path) -> Parsed[BackdevConfig]:
        return Parsed(None if self.problems else self.config, self.problems)


@dataclass
class FakeContractSource:
    problems: tuple[Problem, ...] = ()

    def load(self, root: Path) -> Parsed[tuple[ImportContract, ...]]:
        return Parsed((), self.problems)
