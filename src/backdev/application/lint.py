"""The `lint` use case: validate feature files, principles and the DoD."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from backdev.application.ports import (
    ConfigSource,
    ContractSource,
    DodParser,
    FeatureParser,
    PrinciplesParser,
    ProjectFiles,
)
from backdev.domain.config import BackdevConfig
from backdev.domain.problems import Problem

SpecKind = Literal["feature", "principles", "dod"]
SPEC_KINDS: tuple[SpecKind, ...] = ("feature", "principles", "dod")


@dataclass(frozen=True, slots=True)
class SpecParsers:
    """Everything `lint` needs, wired in the composition root."""

    features: FeatureParser
    principles: PrinciplesParser
    dod: DodParser
    config: ConfigSource
    contracts: ContractSource
    files: ProjectFiles


@dataclass(frozen=True, slots=True)
class LintedFile:
    """One file that was checked, and as what."""

    path: str
    kind: SpecKind | Literal["config", "importlinter"]


@dataclass(frozen=True, slots=True)
class LintReport:
    """What `lint` checked and every problem it found."""

    checked: tuple[LintedFile, ...]
    problems: tuple[Problem, ...]
    skipped: tuple[str, ...] = field(default=())
    """Files under a directory argument whose kind could not be told (not spec files)."""

    @property
    def ok(self) -> bool:
        """True when at least one file was checked and none had a problem."""
        return bool(self.checked) and not self.problems


def infer_kind(shown_as: str) -> SpecKind | None:
    """Tell a spec file's kind from its location or name (DESIGN.md §2), or None.

    `docs/features/**` or a name starting with `feature` (or ending `.feature`) is a
    feature; a name containing `principles` is the principles file; a name
    containing `definition-of-done` or the word `dod` is the Definition of Done.
    """
    path = PurePosixPath(shown_as)
    name = path.name.lower()
    in_features_dir = any(
        parent.as_posix().lower().endswith("docs/features") for parent in path.parents
    )
    if in_features_dir or name.startswith("feature") or name.endswith(".feature"):
        return "feature"
    if "principles" in name:
        return "principles"
    if "definition-of-done" in name or "dod" in re.split(r"[^a-z0-9]+", name):
        return "dod"
    return None


def lint_specs(
    parsers: SpecParsers, paths: Sequence[Path], kind: SpecKind | None = None
) -> LintReport:
    """Validate the given spec files, or every spec file at the configured locations.

    Directories given in `paths` are searched for `.md` and `.feature` files; files
    found there whose kind cannot be told are skipped, while a file named directly
    whose kind cannot be told is a problem (pass `kind`).
    """
    root = parsers.files.root()
    config_parsed = parsers.config.load(root)
    problems: list[Problem] = list(config_parsed.problems)
    checked: list[LintedFile] = []
    if config_parsed.value is not None and config_parsed.value.source is not None:
        checked.append(LintedFile(config_parsed.value.source, "config"))
    config = config_parsed.value or BackdevConfig()

    if paths:
        targets, skipped = _explicit_targets(parsers.files, root, paths, kind, problems)
    else:
        targets, skipped = _default_targets(parsers.files, root, config), []
        contracts = parsers.contracts.load(root)
        problems.extend(contracts.problems)

    for path, shown_as, target_kind in targets:
        problems.extend(_parse(parsers, target_kind, path, shown_as))
        checked.append(LintedFile(shown_as, target_kind))
    return LintReport(tuple(checked), tuple(problems), tuple(skipped))


def _parse(parsers: SpecParsers, kind: SpecKind, path: Path, shown_as: str) -> tuple[Problem, ...]:
    if kind == "feature":
        return parsers.features.parse(path, shown_as).problems
    if kind == "principles":
        return parsers.principles.parse(path, shown_as).problems
    return parsers.dod.parse(path, shown_as).problems


_Target = tuple[Path, str, SpecKind]


def _default_targets(files: ProjectFiles, root: Path, config: BackdevConfig) -> list[_Target]:
    targets: list[_Target] = [
        (path, shown_path(path, root), "feature") for path in files.glob(config.features)
    ]
    for relative, kind in ((config.principles, "principles"), (config.dod, "dod")):
        path = root / relative
        if files.is_file(path):
            targets.append((path, shown_path(path, root), kind))  # type: ignore[arg-type]
    return targets


def _explicit_targets(
    files: ProjectFiles,
    root: Path,
    paths: Sequence[Path],
    kind: SpecKind | None,
    problems: list[Problem],
) -> tuple[list[_Target], list[str]]:
    targets: list[_Target] = []
    skipped: list[str] = []
    for given in paths:
        path = given if given.is_absolute() else files.cwd() / given
        if files.is_dir(path):
            for found in files.files_under(path, (".md", ".feature")):
                shown = shown_path(found, root)
                found_kind = kind or infer_kind(shown)
                if found_kind is None:
                    skipped.append(shown)
                else:
                    targets.append((found, shown, found_kind))
            continue
        shown = shown_path(path, root)
        if not files.is_file(path):
            problems.append(
                Problem(
                    shown, 1, "no such file or folder", "check the path (it is taken from here)"
                )
            )
            continue
        path_kind = kind or infer_kind(shown)
        if path_kind is None:
            problems.append(
                Problem(
                    shown,
                    1,
                    "cannot tell whether this is a feature, principles or DoD file",
                    "pass `--kind feature|principles|dod`, or follow the naming: features under "
                    "docs/features/ or named feature*, a name containing `principles`, "
                    "or `definition-of-done`",
                )
            )
            continue
        targets.append((path, shown, path_kind))
    return targets, skipped


def shown_path(path: Path, root: Path) -> str:
    """The path as the user should see it: relative to the project root when inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
