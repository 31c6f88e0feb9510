"""Loading the project's specs for a command: config, feature, principles, DoD."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from backdev.application.lint import SpecParsers, shown_path
from backdev.domain.config import BackdevConfig
from backdev.domain.dod import DefinitionOfDone
from backdev.domain.errors import ConfigError, SpecError
from backdev.domain.features import Feature
from backdev.domain.principles import Principles
from backdev.domain.problems import Parsed, Problem

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LoadedSpecs:
    """The valid specs of a project; absent files are None, invalid ones raise SpecError."""

    config: BackdevConfig
    feature: Feature | None
    principles: Principles | None
    dod: DefinitionOfDone | None


def load_specs(
    parsers: SpecParsers,
    root: Path,
    feature_ref: str | None,
    trailer_ids: Sequence[str] = (),
) -> LoadedSpecs:
    """Load config, principles (with existing import-linter contracts), DoD and the feature.

    The feature is `feature_ref` (a path or an id) or, failing that, the last
    `Feature:` trailer in the change's commits. Raises SpecError listing every
    problem of the files involved, ConfigError for a feature that cannot be found.
    """
    config = _valid(parsers.config.load(root))
    problems: list[Problem] = []
    principles = _principles(parsers, root, config, problems)
    dod = _optional(parsers.dod.parse, parsers, root, config.dod, problems)
    feature: Feature | None = None
    reference = feature_ref or (trailer_ids[-1] if trailer_ids else None)
    if reference is not None:
        path = _feature_path(parsers, root, config, reference)
        parsed = parsers.features.parse(path, shown_path(path, root))
        problems.extend(parsed.problems)
        feature = parsed.value
    if problems:
        raise SpecError(problems)
    return LoadedSpecs(config, feature, principles, dod)


def find_feature(
    parsers: SpecParsers, root: Path, config: BackdevConfig, feature_id: str
) -> Path | None:
    """The feature file whose id is `feature_id`, among the configured feature files."""
    for path in parsers.files.glob(config.features):
        parsed = parsers.features.parse(path, shown_path(path, root))
        if parsed.value is not None and parsed.value.id == feature_id:
            return path
    return None


def _feature_path(parsers: SpecParsers, root: Path, config: BackdevConfig, reference: str) -> Path:
    for candidate in (parsers.files.cwd() / reference, root / reference):
        if parsers.files.is_file(candidate):
            return candidate
    found = find_feature(parsers, root, config, reference)
    if found is None:
        raise ConfigError(
            f"feature {reference!r} not found: it is neither a file nor the id of a feature "
            f"under {', '.join(config.features)}. Pass a feature file's path or a valid id "
            "(`backdev lint` lists problems in feature files)."
        )
    return found


def _principles(
    parsers: SpecParsers, root: Path, config: BackdevConfig, problems: list[Problem]
) -> Principles | None:
    principles = _optional(parsers.principles.parse, parsers, root, config.principles, problems)
    existing = parsers.contracts.load(root)
    problems.extend(existing.problems)
    contracts = existing.value or ()
    if principles is None:
        return Principles("", "", contracts) if contracts else None
    return replace(principles, contracts=(*principles.contracts, *contracts))


def _optional(
    parse: Callable[[Path, str], Parsed[T]],
    parsers: SpecParsers,
    root: Path,
    relative: str,
    problems: list[Problem],
) -> T | None:
    path = root / relative
    if not parsers.files.is_file(path):
        return None
    parsed = parse(path, relative)
    problems.extend(parsed.problems)
    return parsed.value


def _valid(parsed: Parsed[BackdevConfig]) -> BackdevConfig:
    if parsed.problems or parsed.value is None:
        raise SpecError(parsed.problems)
    return parsed.value
