"""The Markdown feature parser: front matter fields, requirements, criteria and their lines."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from backdev.adapters.feature_markdown import MarkdownFeatureParser
from backdev.domain.features import (
    AcceptanceCriterion,
    CriterionStep,
    Feature,
    FeatureSection,
    Requirement,
)
from backdev.domain.problems import Parsed, Problem

SHOWN = "docs/features/reset.md"

FRONT = """\
---
id: FEAT-012
title: Password reset by email
status: validated
---
"""

DESIGN_EXAMPLE = """\
---
id: FEAT-012
title: Password reset by email
status: validated          # draft | validated | in-progress | done
workflow: defect           # feature | refactor | defect
scope: [src/accounts/**, tests/accounts/**, docs/adr/**]   # where the change may go
---
# Password reset
## Requirements
- R1: A registered user can request a reset link
  for their email address.
- R2: Tokens are single-use.
## Acceptance Criteria
### AC-1: Request stores a single-use token
Given a registered user
When they request a password reset
Then a single-use token valid for 30 minutes is stored

### AC-2: Unknown email gets the same response
- **Given** no user with that email
- **When** someone requests a reset
- **Then** the response is the one a registered user gets
  but no email is sent
## Solution Notes
Reuse the mailer.

## Constraints
No new dependency.
"""


def _parse(tmp_path: Path, text: str) -> Parsed[Feature]:
    path = tmp_path / "reset.md"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return MarkdownFeatureParser().parse(path, SHOWN)


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


def _body(text: str) -> str:
    return FRONT + textwrap.dedent(text)


VALID_BODY = """\
## Acceptance Criteria
### AC-1: Works
When it runs
Then it works
"""


def test_reads_every_field_with_its_line_when_the_feature_is_valid(tmp_path: Path) -> None:
    feature = _feature(_parse(tmp_path, DESIGN_EXAMPLE))

    assert (feature.path, feature.format, feature.id) == (SHOWN, "markdown", "FEAT-012")
    assert (feature.title, feature.status, feature.workflow) == (
        "Password reset by email",
        "validated",
        "defect",
    )
    assert feature.scope == ("src/accounts/**", "tests/accounts/**", "docs/adr/**")
    assert feature.requirements == (
        Requirement(
            "R1", "A registered user can request a reset link for their email address.", 10
        ),
        Requirement("R2", "Tokens are single-use.", 12),
    )
    assert feature.criteria_line == 13
    assert feature.criteria[0] == AcceptanceCriterion(
        id="AC-1",
        title="Request stores a single-use token",
        steps=(
            CriterionStep("given", "a registered user", 15),
            CriterionStep("when", "they request a password reset", 16),
            CriterionStep("then", "a single-use token valid for 30 minutes is stored", 17),
        ),
        text=(
            "### AC-1: Request stores a single-use token\n"
            "Given a registered user\n"
            "When they request a password reset\n"
            "Then a single-use token valid for 30 minutes is stored"
        ),
        line=14,
    )
    assert feature.criteria[1].steps == (
        CriterionStep("given", "no user with that email", 20),
        CriterionStep("when", "someone requests a reset", 21),
        CriterionStep("then", "the response is the one a registered user gets", 22),
        CriterionStep("then", "no email is sent", 23),
    )
    assert feature.criteria[1].line == 19
    assert feature.sections == (
        FeatureSection("Solution Notes", "Reuse the mailer.", 24),
        FeatureSection("Constraints", "No new dependency.", 27),
    )
    assert feature.criterion("AC-2") is feature.criteria[1]


def test_uses_defaults_when_workflow_and_scope_are_absent(tmp_path: Path) -> None:
    feature = _feature(_parse(tmp_path, _body(VALID_BODY)))

    assert feature.workflow == "feature"
    assert feature.scope == ()
    assert feature.requirements == ()


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("AC-7: Title here", "Title here"),
        ("AC-7 — Title here", "Title here"),
        ("AC-7 – Title here", "Title here"),
        ("AC-7 Title here", "Title here"),
        ("**AC-7**: Title here", "Title here"),
        ("AC-7", ""),
    ],
)
def test_reads_the_criterion_id_when_the_heading_uses_any_accepted_form(
    tmp_path: Path, heading: str, title: str
) -> None:
    feature = _feature(
        _parse(tmp_path, _body(f"## acceptance criteria\n### {heading}\nWhen a\nThen b\n"))
    )

    assert [(c.id, c.title) for c in feature.criteria] == [("AC-7", title)]


def test_ignores_step_lines_when_they_are_in_code_blocks(tmp_path: Path) -> None:
    text = _body(
        """\
        ## Acceptance Criteria
        ### AC-1: Code
        ```gherkin
        Given inside a fence
        ```
            When in an indented code block
        <!--
        Then inside an HTML comment
        -->
        When it is real
        THEN it counts
        but keeps the keyword before it
        """
    )

    feature = _feature(_parse(tmp_path, text))

    assert feature.criteria[0].steps == (
        CriterionStep("when", "it is real", 15),
        CriterionStep("then", "it counts", 16),
        CriterionStep("then", "keeps the keyword before it", 17),
    )


def test_counts_lines_like_an_editor_when_the_file_has_crlf_or_cr_line_ends(
    tmp_path: Path,
) -> None:
    for newline in ("\r\n", "\r"):
        path = tmp_path / "crlf.md"
        path.write_bytes(_body(VALID_BODY).replace("\n", newline).encode())

        feature = _feature(MarkdownFeatureParser().parse(path, SHOWN))

        assert [step.line for step in feature.criteria[0].steps] == [8, 9]


def test_counts_lines_like_an_editor_when_text_holds_unicode_line_separators(
    tmp_path: Path,
) -> None:
    text = '---\nid: F-1\ntitle: "a\u2028b\x85c"\nstatus: ready\n---\n' + VALID_BODY.replace(
        "When it runs", "When it\x0c\u2029runs"
    ).replace("Then it works", "Then it\x0c\x1cworks\nThen it stops")

    parsed = _parse(tmp_path, text)

    assert "ready" in _only_problem_at(parsed, 4).message
    assert [problem.line for problem in parsed.problems] == [4]


def test_reports_line_1_when_the_front_matter_is_missing(tmp_path: Path) -> None:
    problem = _only_problem_at(_parse(tmp_path, VALID_BODY), 1)

    assert "no front matter" in problem.message
    assert "`---`" in problem.fix


def test_reports_line_1_when_the_front_matter_is_never_closed(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, "---\nid: FEAT-1\ntitle: t\n")

    assert [problem.line for problem in parsed.problems] == [1]
    assert "never closed" in parsed.problems[0].message


def test_reports_the_yaml_error_line_when_the_front_matter_is_invalid(tmp_path: Path) -> None:
    text = "---\nid: FEAT-1\ntitle: Reset: the sequel\nstatus: draft\n---\n" + VALID_BODY

    problem = _only_problem_at(_parse(tmp_path, text), 3)

    assert "not valid YAML" in problem.message
    assert "quote" in problem.fix


def test_reports_the_front_matter_when_it_is_not_a_mapping(tmp_path: Path) -> None:
    problem = _only_problem_at(_parse(tmp_path, "---\n- id\n- title\n---\n" + VALID_BODY), 2)

    assert "not a mapping" in problem.message


@pytest.mark.parametrize("key", ["id", "title", "status"])
def test_reports_line_1_when_a_required_key_is_missing(tmp_path: Path, key: str) -> None:
    front = "".join(line for line in FRONT.splitlines(True) if not line.startswith(f"{key}:"))

    problem = _only_problem_at(_parse(tmp_path, front + VALID_BODY), 1)

    assert f"no `{key}`" in problem.message
    assert f"`{key}: " in problem.fix


@pytest.mark.parametrize(
    ("line", "expected_message", "expected_fix"),
    [
        ("id: FEAT 12", "whitespace", "`id: FEAT-12`"),
        ("id: 12", "`12` is not text", '`id: "12"`'),
        ("title: ''", "title is empty", "`title: "),
        ("status: ready", "unknown status `ready`", "in-progress"),
        ("workflow: hotfix", "unknown workflow `hotfix`", "refactor"),
        ("scope: src/**", "must be a list", "`scope: [src/**]`"),
        ("scope: []", "empty list", "remove the key"),
        ("scopes: [src/**]", "unknown front matter key `scopes`", "did you mean `scope:`?"),
    ],
)
def test_reports_the_key_line_when_a_front_matter_value_is_wrong(
    tmp_path: Path, line: str, expected_message: str, expected_fix: str
) -> None:
    key = line.partition(":")[0]
    front = "---\nid: FEAT-1\ntitle: Reset\nstatus: draft\n"
    front = "".join(kept for kept in front.splitlines(True) if not kept.startswith(f"{key}:"))

    line_number = front.count("\n") + 1

    problem = _only_problem_at(_parse(tmp_path, front + line + "\n---\n" + VALID_BODY), line_number)

    assert expected_message in problem.message
    assert expected_fix in problem.fix


def test_names_the_known_keys_when_a_key_is_unknown(tmp_path: Path) -> None:
    problem = _only_problem_at(_parse(tmp_path, FRONT[:-4] + "owner: me\n---\n" + VALID_BODY), 5)

    assert "id, title, status, workflow, scope" in problem.fix


@pytest.mark.parametrize(("item", "message"), [("42", "`42`"), ("'#notes'", "matches nothing")])
def test_reports_the_item_line_when_a_scope_item_is_not_a_glob(
    tmp_path: Path, item: str, message: str
) -> None:
    text = FRONT[:-4] + f"scope:\n  - src/**\n  - {item}\n---\n" + VALID_BODY

    problem = _only_problem_at(_parse(tmp_path, text), 7)

    assert message in problem.message


def test_reports_the_item_when_a_requirement_has_no_id(tmp_path: Path) -> None:
    text = _body("## Requirements\n- R1: Fine\n- Tokens expire\n" + VALID_BODY)

    problem = _only_problem_at(_parse(tmp_path, text), 8)

    assert "requirement without an id `R<n>:`" in problem.message
    assert "`- R2: Tokens expire`" in problem.fix


def test_reports_the_second_line_when_a_requirement_id_repeats(tmp_path: Path) -> None:
    text = _body("## Requirements\n- R1: One\n- R1: Two\n" + VALID_BODY)

    problem = _only_problem_at(_parse(tmp_path, text), 8)

    assert "duplicate requirement id R1" in problem.message
    assert "line 7" in problem.message


def test_reports_line_1_when_there_is_no_acceptance_criteria_section(tmp_path: Path) -> None:
    problem = _only_problem_at(_parse(tmp_path, _body("## Requirements\n- R1: One\n")), 1)

    assert "## Acceptance Criteria" in problem.message


def test_reports_the_heading_when_acceptance_criteria_is_not_level_2(tmp_path: Path) -> None:
    problem = _only_problem_at(_parse(tmp_path, _body("### Acceptance Criteria\n")), 6)

    assert "not a level-2 heading" in problem.message
    assert "`## Acceptance Criteria`" in problem.fix


def test_reports_the_section_heading_when_it_has_no_criteria(tmp_path: Path) -> None:
    text = _body("## Acceptance Criteria\nGiven a\nWhen b\nThen c\n## Notes\n")

    problem = _only_problem_at(_parse(tmp_path, text), 6)

    assert "has no criteria" in problem.message
    assert "### AC-1: <title>" in problem.fix


@pytest.mark.parametrize(
    ("heading", "suggestion"),
    [
        ("AC1: Title", "### AC-1: Title"),
        ("AC-01: Title", "### AC-1: Title"),
        ("AC-0: Title", "### AC-2: AC-0: Title"),
        ("Criterion 1", "### AC-2: Criterion 1"),
    ],
)
def test_reports_the_heading_line_when_a_criterion_id_is_malformed(
    tmp_path: Path, heading: str, suggestion: str
) -> None:
    text = _body(VALID_BODY + f"### {heading}\nWhen a\nThen b\n")

    problem = _only_problem_at(_parse(tmp_path, text), 10)

    assert "AC-<n>" in problem.message
    assert suggestion in problem.fix


def test_reports_the_second_heading_when_a_criterion_id_repeats(tmp_path: Path) -> None:
    text = _body(VALID_BODY + "### AC-1: Again\nWhen a\nThen b\n")

    problem = _only_problem_at(_parse(tmp_path, text), 10)

    assert "duplicate criterion id AC-1" in problem.message
    assert "line 7" in problem.message
    assert "`### AC-2: ...`" in problem.fix


def test_reports_the_heading_when_a_criterion_has_no_steps(tmp_path: Path) -> None:
    text = _body(VALID_BODY + "### AC-2: Vague\nIt should work.\n")

    problem = _only_problem_at(_parse(tmp_path, text), 10)

    assert problem.message == "criterion AC-2 has no Given/When/Then steps"
    assert "`When <action>`" in problem.fix
    assert "`Then <expected outcome>`" in problem.fix


def test_names_the_missing_keyword_when_a_criterion_lacks_then(tmp_path: Path) -> None:
    text = _body(VALID_BODY + "### AC-2: Half\nGiven a\nWhen b\n")

    problem = _only_problem_at(_parse(tmp_path, text), 10)

    assert problem.message == "criterion AC-2 has no Then step"


def test_reports_the_step_when_and_comes_before_any_keyword(tmp_path: Path) -> None:
    text = _body(VALID_BODY + "### AC-2: Start\nAnd a\nWhen b\nThen c\n")

    problem = _only_problem_at(_parse(tmp_path, text), 11)

    assert "`And`" in problem.message


def test_reports_every_problem_when_the_file_has_several(tmp_path: Path) -> None:
    text = """\
    ---
    id: FEAT-1
    status: ready
    scopes: [src/**]
    ---
    ## Requirements
    - no id
    ## Acceptance Criteria
    ### AC1: Bad
    When a
    Then b
    ### AC-2: No steps
    """

    parsed = _parse(tmp_path, text)

    assert parsed.value is None
    assert [problem.line for problem in parsed.problems] == [1, 3, 4, 7, 9, 12]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"---\x00\x01", "binary"),
    ],
)
def test_reports_line_1_when_the_file_is_not_usable_text(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "odd.md"
    path.write_bytes(content)

    parsed = MarkdownFeatureParser().parse(path, SHOWN)

    assert parsed.value is None
    assert [problem.line for problem in parsed.problems] == [1]
    assert message in parsed.problems[0].message


def test_reports_the_line_when_the_file_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes(_body(VALID_BODY).replace("it works", "ça marche").encode("latin-1"))

    parsed = MarkdownFeatureParser().parse(path, SHOWN)

    assert [(problem.line, "UTF-8" in problem.message) for problem in parsed.problems] == [
        (9, True)
    ]


def test_reports_line_1_when_the_file_does_not_exist(tmp_path: Path) -> None:
    parsed = MarkdownFeatureParser().parse(tmp_path / "absent.md", SHOWN)

    assert [(problem.line, problem.message) for problem in parsed.problems] == [
        (1, "file not found")
    ]


def test_a_repeated_front_matter_key_is_a_problem_at_its_second_line(tmp_path: Path) -> None:
    path = tmp_path / "FEAT-1.md"
    path.write_text(
        "---\nid: FEAT-1\ntitle: T\nstatus: draft\nid: FEAT-2\n---\n"
        "## Acceptance Criteria\n### AC-1: x\nWhen a\nThen b\n"
    )

    parsed = MarkdownFeatureParser().parse(path, "FEAT-1.md")

    assert parsed.value is None
    assert [(p.line, p.message) for p in parsed.problems] == [
        (5, "the front matter is not valid YAML: key `id` appears twice (first on line 2)")
    ]
