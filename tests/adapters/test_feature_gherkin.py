"""The Gherkin feature parser, and the parser that picks a format by file suffix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from backdev.adapters.feature_files import FeatureFileParser
from backdev.adapters.feature_gherkin import GherkinFeatureParser
from backdev.domain.features import CriterionStep, Feature, FeatureSection
from backdev.domain.problems import Parsed, Problem

SHOWN = "docs/features/reset.feature"

VALID = """\
@id:FEAT-012 @status:validated @smoke @jira:ACC-1
@workflow:defect @scope:src/accounts/** @scope:tests/accounts/**
Feature: Password reset by email
  Users who forgot their password get a link.

  Background:
    Given the mailer is stubbed

  @AC-1
  Scenario: Request stores a single-use token
    Given a registered user
    When they request a password reset
    Then a single-use token is stored
    But no password changes

  # The rule groups the privacy criteria.
  Rule: Unknown emails reveal nothing

    Scenario Outline: Unknown email gets the same response
      Given no user with email <email>
      When someone requests a reset for <email>
      Then the response is "<response>"
      * nothing is stored

      Examples:
        | email       | response |
        | a@b.example | sent     |
"""

HEADER = "@id:FEAT-1 @status:draft\nFeature: Reset\n"


def _parse(tmp_path: Path, text: str, name: str = "reset.feature") -> Parsed[Feature]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return GherkinFeatureParser().parse(path, SHOWN)


def _feature(parsed: Parsed[Feature]) -> Feature:
    assert parsed.problems == ()
    assert parsed.value is not None
    return parsed.value


def _only_problem_at(parsed: Parsed[Feature], line: int) -> Problem:
    assert parsed.value is None
    found = [problem for problem in parsed.problems if problem.line == line]
    assert len(found) == 1, parsed.problems
    assert found[0].path == SHOWN
    return found[0]


def _scenario(name: str, *steps: str, tags: str = "") -> str:
    lines = ([f"  {tags}"] if tags else []) + [f"  Scenario: {name}"]
    return "\n".join(lines + [f"    {step}" for step in steps]) + "\n"


def test_reads_fields_criteria_and_sections_when_the_feature_is_valid(tmp_path: Path) -> None:
    feature = _feature(_parse(tmp_path, VALID))

    assert (feature.path, feature.format, feature.id, feature.title) == (
        SHOWN,
        "gherkin",
        "FEAT-012",
        "Password reset by email",
    )
    assert (feature.status, feature.workflow) == ("validated", "defect")
    assert feature.scope == ("src/accounts/**", "tests/accounts/**")
    assert (feature.line, feature.criteria_line, feature.requirements) == (3, 10, ())
    first, outline = feature.criteria
    assert (first.id, first.title, first.line) == ("AC-1", "Request stores a single-use token", 10)
    assert first.steps == (
        CriterionStep("given", "a registered user", 11),
        CriterionStep("when", "they request a password reset", 12),
        CriterionStep("then", "a single-use token is stored", 13),
        CriterionStep("then", "no password changes", 14),
    )
    assert first.text == "\n".join(VALID.splitlines()[9:14])
    assert (outline.id, outline.title, outline.line) == (
        "AC-2",
        "Unknown email gets the same response",
        19,
    )
    assert [(step.keyword, step.line) for step in outline.steps] == [
        ("given", 20),
        ("when", 21),
        ("then", 22),
        ("then", 23),
    ]
    assert (
        outline.text.splitlines()[0] == "    Scenario Outline: Unknown email gets the same response"
    )
    assert outline.text.splitlines()[-1] == "        | a@b.example | sent     |"
    assert feature.sections == (
        FeatureSection("Description", "Users who forgot their password get a link.", 4),
        FeatureSection("Background", "  Background:\n    Given the mailer is stubbed", 6),
    )


def test_gives_ids_by_position_when_scenarios_are_untagged(tmp_path: Path) -> None:
    text = HEADER + _scenario("one", "When a", "Then b") + _scenario("two", "When c", "Then d")

    feature = _feature(_parse(tmp_path, text))

    assert [(c.id, c.title, c.line) for c in feature.criteria] == [
        ("AC-1", "one", 3),
        ("AC-2", "two", 6),
    ]


def test_mixes_tag_and_position_ids_when_only_some_scenarios_are_tagged(tmp_path: Path) -> None:
    text = (
        HEADER
        + _scenario("one", "When a", "Then b", tags="@AC-7")
        + _scenario("two", "When c", "Then d")
    )

    feature = _feature(_parse(tmp_path, text))

    assert [c.id for c in feature.criteria] == ["AC-7", "AC-2"]


def test_reports_the_second_scenario_when_a_position_id_repeats_a_tag(tmp_path: Path) -> None:
    text = (
        HEADER
        + _scenario("one", "When a", "Then b", tags="@AC-2")
        + _scenario("two", "When c", "Then d")
    )

    problem = _only_problem_at(_parse(tmp_path, text), 7)

    assert "duplicate criterion id AC-2, given by its position" in problem.message
    assert "line 4" in problem.message
    assert "`@AC-3`" in problem.fix


@pytest.mark.parametrize(("tag", "fix"), [("@AC-01", "`@AC-1`"), ("@AC1", "`@AC-1`")])
def test_reports_the_tag_line_when_a_criterion_tag_is_malformed(
    tmp_path: Path, tag: str, fix: str
) -> None:
    text = HEADER + _scenario("one", "When a", "Then b", tags=f"@smoke {tag}")

    problem = _only_problem_at(_parse(tmp_path, text), 3)

    assert tag in problem.message
    assert fix in problem.fix


@pytest.mark.parametrize(
    ("tags", "message", "fix"),
    [
        ("@status:draft", "no `@id:` tag", "`@id:FEAT-012`"),
        ("@id:FEAT-1", "no `@status:` tag", "`@status:draft`"),
    ],
)
def test_reports_the_feature_line_when_a_required_tag_is_missing(
    tmp_path: Path, tags: str, message: str, fix: str
) -> None:
    text = f"{tags}\nFeature: Reset\n" + _scenario("one", "When a", "Then b")

    problem = _only_problem_at(_parse(tmp_path, text), 2)

    assert message in problem.message
    assert fix in problem.fix


@pytest.mark.parametrize(
    ("tag", "message", "fix"),
    [
        ("@stauts:draft", "unknown feature tag `@stauts:`", "`@status:draft`"),
        ("@status:ready", "unknown status `ready`", "`@status:draft`"),
        ("@workflow:hotfix", "unknown workflow `hotfix`", "`@workflow:feature`"),
        ("@scope:#notes", "matches nothing", "`@scope:src/accounts/**`"),
        ("@id:FEAT-2", "`@id:` appears twice", "keep one"),
        ("@AC-1", "on the Feature", "above its `Scenario:`"),
    ],
)
def test_reports_the_tag_line_when_a_feature_tag_is_wrong(
    tmp_path: Path, tag: str, message: str, fix: str
) -> None:
    first = "@id:FEAT-1" if tag.startswith("@status:") else "@id:FEAT-1 @status:draft"
    text = f"{first}\n  {tag}\nFeature: Reset\n" + _scenario("one", "When a", "Then b")

    parsed = _parse(tmp_path, text)

    problem = _only_problem_at(parsed, 2)
    assert message in problem.message
    assert fix in problem.fix


def test_reports_the_feature_line_when_the_feature_has_no_title(tmp_path: Path) -> None:
    text = "@id:FEAT-1 @status:draft\nFeature:\n" + _scenario("one", "When a", "Then b")

    problem = _only_problem_at(_parse(tmp_path, text), 2)

    assert "no title" in problem.message


def test_reports_the_feature_line_when_there_is_no_scenario(tmp_path: Path) -> None:
    text = HEADER + "  Background:\n    Given a\n"

    problem = _only_problem_at(_parse(tmp_path, text), 2)

    assert "no Scenario" in problem.message


def test_reports_line_1_when_there_is_no_feature(tmp_path: Path) -> None:
    problem = _only_problem_at(_parse(tmp_path, "# only a comment\n"), 1)

    assert "`Feature:`" in problem.message


def test_reports_the_scenario_line_when_it_has_no_when_step(tmp_path: Path) -> None:
    text = HEADER + _scenario("one", "Given a", "Then b")

    problem = _only_problem_at(_parse(tmp_path, text), 3)

    assert problem.message == "criterion AC-1 has no When step"
    assert "`When <action>`" in problem.fix


def test_reports_the_step_when_the_first_step_is_a_conjunction(tmp_path: Path) -> None:
    text = HEADER + _scenario("one", "* a", "When b", "Then c")

    problem = _only_problem_at(_parse(tmp_path, text), 4)

    assert "`*`" in problem.message


def test_reports_the_line_when_the_gherkin_syntax_is_wrong(tmp_path: Path) -> None:
    text = HEADER + _scenario("one", "When a", "Then b") + "  this is not gherkin\n"

    problem = _only_problem_at(_parse(tmp_path, text), 6)

    assert problem.message.startswith("Gherkin syntax error:")
    assert "this is not gherkin" in problem.message
    assert "step keyword" in problem.fix


def test_reports_the_end_of_file_when_a_doc_string_is_left_open(tmp_path: Path) -> None:
    text = HEADER + _scenario("one", "When a", "Then b", '"""', "unclosed")

    problem = _only_problem_at(_parse(tmp_path, text), 8)

    assert "end of file" in problem.message
    assert '`"""`' in problem.fix


def test_maps_step_kinds_when_the_feature_is_in_another_language(tmp_path: Path) -> None:
    text = (
        "# language: fr\n@id:FEAT-1 @status:done\nFonctionnalité: Réinitialiser\n"
        "  Scénario: un\n    Soit a\n    Quand b\n    Alors c\n    Et d\n"
    )

    feature = _feature(_parse(tmp_path, text))

    assert [step.keyword for step in feature.criteria[0].steps] == ["given", "when", "then", "then"]


def test_counts_lines_like_an_editor_when_the_file_has_cr_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "cr.feature"
    path.write_bytes((HEADER + _scenario("one", "Given a", "Then b")).replace("\n", "\r").encode())

    parsed = GherkinFeatureParser().parse(path, SHOWN)

    assert [problem.line for problem in parsed.problems] == [3]


@pytest.mark.parametrize(
    ("name", "expected_format"),
    [("reset.feature", "gherkin"), ("RESET.FEATURE", "gherkin"), ("reset.md", "markdown")],
)
def test_picks_the_format_when_given_a_file_suffix(
    tmp_path: Path, name: str, expected_format: str
) -> None:
    markdown = "---\nid: F-1\ntitle: t\nstatus: draft\n---\n## Acceptance Criteria\n### AC-1\n"
    path = tmp_path / name
    path.write_text(
        (VALID if expected_format == "gherkin" else markdown + "When a\nThen b\n"),
        encoding="utf-8",
    )

    parsed = FeatureFileParser().parse(path, name)

    assert parsed.value is not None
    assert parsed.value.format == expected_format
