"""The lint use case with fakes: which files it checks, as what, and what it reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from backdev.application.lint import SpecParsers, infer_kind, lint_specs
from backdev.domain.config import BackdevConfig
from backdev.domain.problems import Problem
from tests.fakes.specs import (
    ROOT,
    FakeConfigSource,
    FakeContractSource,
    FakeDodParser,
    FakeFeatureParser,
    FakePrinciplesParser,
    FakeProjectFiles,
)


def _parsers(
    files: dict[str, str],
    config: FakeConfigSource | None = None,
    contracts: FakeContractSource | None = None,
) -> SpecParsers:
    project = FakeProjectFiles(files)
    return SpecParsers(
        features=FakeFeatureParser(project),
        principles=FakePrinciplesParser(project),
        dod=FakeDodParser(project),
        config=config or FakeConfigSource(),
        contracts=contracts or FakeContractSource(),
        files=project,
    )


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("docs/features/FEAT-012-reset.md", "feature"),
        ("docs/features/accounts/reset.feature", "feature"),
        ("specs/feature-login.md", "feature"),
        ("login.feature", "feature"),
        ("docs/engineering/architecture-principles.md", "principles"),
        ("notes/Principles.md", "principles"),
        ("docs/engineering/definition-of-done.md", "dod"),
        ("team-dod.md", "dod"),
        ("docs/methodology.md", None),
        ("README.md", None),
    ],
)
def test_kind_is_inferred_from_location_or_name_when_no_kind_given(
    path: str, kind: str | None
) -> None:
    assert infer_kind(path) == kind


def test_every_default_location_is_checked_when_no_paths_given() -> None:
    parsers = _parsers(
        {
            "docs/features/FEAT-001.md": "",
            "docs/features/sub/FEAT-002.feature": "",
            "docs/features/notes.txt": "",
            "docs/engineering/architecture-principles.md": "",
            "docs/engineering/definition-of-done.md": "",
        }
    )

    report = lint_specs(parsers, [])

    assert [(f.path, f.kind) for f in report.checked] == [
        ("docs/features/FEAT-001.md", "feature"),
        ("docs/features/sub/FEAT-002.feature", "feature"),
        ("docs/engineering/architecture-principles.md", "principles"),
        ("docs/engineering/definition-of-done.md", "dod"),
    ]
    assert report.ok


def test_configured_locations_replace_the_defaults_when_config_names_them() -> None:
    config = BackdevConfig(features=("specs/*.md",), dod="DONE.md", source="pyproject.toml")
    parsers = _parsers(
        {"specs/a.md": "", "docs/features/ignored.md": "", "DONE.md": ""},
        config=FakeConfigSource(config),
    )

    report = lint_specs(parsers, [])

    assert [(f.path, f.kind) for f in report.checked] == [
        ("pyproject.toml", "config"),
        ("specs/a.md", "feature"),
        ("DONE.md", "dod"),
    ]


def test_all_problems_are_collected_when_several_files_are_bad() -> None:
    config_problem = Problem("pyproject.toml", 3, "unknown key", "remove it")
    contract_problem = Problem(".importlinter", 4, "no type", "add one")
    parsers = _parsers(
        {"docs/features/a.md": "BAD", "docs/features/b.md": "BAD", "docs/features/c.md": ""},
        config=FakeConfigSource(problems=(config_problem,)),
        contracts=FakeContractSource((contract_problem,)),
    )

    report = lint_specs(parsers, [])

    assert [p.path for p in report.problems] == [
        "pyproject.toml",
        ".importlinter",
        "docs/features/a.md",
        "docs/features/b.md",
    ]
    assert not report.ok


def test_a_named_file_of_unknown_kind_is_a_problem_when_kind_not_given() -> None:
    parsers = _parsers({"notes/arch.md": ""})

    report = lint_specs(parsers, [Path("notes/arch.md")])

    assert report.checked == ()
    assert len(report.problems) == 1
    assert report.problems[0].path == "notes/arch.md"
    assert "--kind" in report.problems[0].fix


def test_the_given_kind_applies_to_every_file_when_kind_given() -> None:
    parsers = _parsers({"notes/arch.md": ""})

    report = lint_specs(parsers, [ROOT / "notes/arch.md"], kind="principles")

    assert [(f.path, f.kind) for f in report.checked] == [("notes/arch.md", "principles")]


def test_unknown_files_in_a_folder_are_skipped_when_a_folder_is_given() -> None:
    parsers = _parsers({"docs/features/a.md": "", "docs/README.md": "", "docs/dod.md": ""})

    report = lint_specs(parsers, [Path("docs")])

    assert [(f.path, f.kind) for f in report.checked] == [
        ("docs/dod.md", "dod"),
        ("docs/features/a.md", "feature"),
    ]
    assert report.skipped == ("docs/README.md",)


def test_nothing_is_ok_when_no_spec_file_exists() -> None:
    report = lint_specs(_parsers({}), [])

    assert report.checked == ()
    assert not report.ok


def test_a_missing_file_is_a_problem_when_named_on_the_command_line() -> None:
    report = lint_specs(_parsers({}), [Path("docs/features/FEAT-9.md")])

    assert [(p.path, p.line, p.message) for p in report.problems] == [
        ("docs/features/FEAT-9.md", 1, "no such file or folder")
    ]
