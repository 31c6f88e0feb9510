"""The Definition of Done parser: checklist items and their gate annotations."""

from __future__ import annotations

from pathlib import Path

import pytest

from backdev.adapters.dod_file import MarkdownDodParser
from backdev.domain.dod import DefinitionOfDone, DodItem
from backdev.domain.gate_catalog import BUILTIN_GATES
from backdev.domain.problems import Parsed, Problem

SHOWN = "docs/engineering/definition-of-done.md"


def _parse(tmp_path: Path, text: str) -> Parsed[DefinitionOfDone]:
    path = tmp_path / "definition-of-done.md"
    path.write_text(text, encoding="utf-8", newline="")
    return MarkdownDodParser().parse(path, SHOWN)


def _lines(parsed: Parsed[DefinitionOfDone]) -> list[tuple[int, str]]:
    return [(problem.line, problem.message) for problem in parsed.problems]


def test_items_carry_gates_and_options_when_annotated(tmp_path: Path) -> None:
    text = (
        "# Definition of Done\n"
        "\n"
        "- [ ] Changed lines are covered by tests {gate: coverage, min: 90}\n"
        "- [x] No secret is committed {gate: secrets}\n"
        "* [ ] The change is small\n"
        "  and reviewable {gate: size, max_lines: 200,\n"
        "  max_files: 12}\n"
        "- [X] Security findings at medium or above are fixed {gate: security, severity: medium}\n"
    )

    parsed = _parse(tmp_path, text)

    assert parsed.ok, parsed.problems
    assert parsed.value == DefinitionOfDone(
        SHOWN,
        (
            DodItem("Changed lines are covered by tests", 3, "coverage", {"min": 90}),
            DodItem("No secret is committed", 4, "secrets", {}),
            DodItem(
                "The change is small and reviewable", 5, "size", {"max_lines": 200, "max_files": 12}
            ),
            DodItem(
                "Security findings at medium or above are fixed",
                8,
                "security",
                {"severity": "medium"},
            ),
        ),
    )


def test_items_are_manual_when_they_name_no_gate(tmp_path: Path) -> None:
    text = "- [ ] Docs explain the new endpoint\n- [x] A reviewer approved\n"

    parsed = _parse(tmp_path, text)

    assert parsed.value is not None
    assert [(item.text, item.line, item.is_manual) for item in parsed.value.items] == [
        ("Docs explain the new endpoint", 1, True),
        ("A reviewer approved", 2, True),
    ]


def test_checklist_lines_are_ignored_when_they_are_in_code_or_not_bullets(
    tmp_path: Path,
) -> None:
    text = (
        "```markdown\n"
        "- [ ] inside a fence {gate: nope}\n"
        "```\n"
        "\n"
        "    - [ ] indented code {gate: nope}\n"
        "\n"
        "1. [ ] an ordered step\n"
        "\n"
        "- a plain bullet\n"
        "- [ ] The real item\n"
    )

    parsed = _parse(tmp_path, text)

    assert parsed.value is not None, parsed.problems
    assert [(item.text, item.line) for item in parsed.value.items] == [("The real item", 10)]


def test_unknown_gate_is_an_error_listing_the_known_gates_when_the_gate_is_misspelt(
    tmp_path: Path,
) -> None:
    parsed = _parse(tmp_path, "- [ ] Tests pass\n- [ ] Covered {gate: coverag, min: 90}\n")

    assert parsed.value is None
    assert parsed.problems == (
        Problem(SHOWN, 2, "unknown gate `coverag`", f"use one of: {', '.join(BUILTIN_GATES)}"),
    )


@pytest.mark.parametrize(
    ("annotation", "message"),
    [
        ("{gate: coverage, min: 150}", "option 'min' must be at most 100, not 150"),
        (
            "{gate: coverage, min: abc}",
            "option 'min' must be a percentage from 0 to 100, not 'abc'",
        ),
        (
            "{gate: coverage, max: 3}",
            "gate 'coverage' has no option 'max' (its options: min)",
        ),
        (
            "{gate: size, exclude: [docs/**]}",
            "option 'exclude' takes a list, which a checklist item cannot hold",
        ),
    ],
)
def test_option_error_is_reported_at_the_item_when_an_option_value_is_bad(
    tmp_path: Path, annotation: str, message: str
) -> None:
    parsed = _parse(tmp_path, f"# DoD\n\n- [ ] Covered {annotation}\n")

    assert parsed.value is None
    assert _lines(parsed) == [(3, message)]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("Covered {gate: coverage", "a `{gate: ...}` annotation must close with `}`"),
        ("Covered gate: coverage}", "unbalanced braces in the gate annotation"),
        ("Covered {gate: coverage}}", "unbalanced braces in the gate annotation"),
        ("Covered {min: 90}", "the gate annotation has no `gate`"),
        ("Covered {[coverage]}", "the gate annotation has no `gate`"),
        ("Covered {gate: [}", "malformed gate annotation: "),
        ("Covered {gate: coverage} for real", "a `{gate: ...}` annotation must close with `}`"),
        ("{gate: coverage}", "checklist item has no text"),
    ],
)
def test_malformed_annotation_is_an_error_when_braces_or_keys_are_wrong(
    tmp_path: Path, item: str, message: str
) -> None:
    parsed = _parse(tmp_path, f"- [ ] First\n- [ ] {item}\n")

    assert parsed.value is None
    assert len(parsed.problems) == 1
    assert parsed.problems[0].line == 2
    assert parsed.problems[0].message.startswith(message)


def test_error_is_at_line_one_when_there_are_no_checklist_items(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, "# Definition of Done\n\n- tests pass\n- docs updated\n")

    assert parsed.value is None
    assert _lines(parsed) == [(1, "no checklist items")]


def test_every_bad_item_is_reported_when_several_are_wrong(tmp_path: Path) -> None:
    text = "- [ ] A {gate: nope}\r\n- [ ] B\r\n- [ ] C {gate: coverage, min: -1}\r\n"

    parsed = _parse(tmp_path, text)

    assert _lines(parsed) == [
        (1, "unknown gate `nope`"),
        (3, "option 'min' must be at least 0, not -1"),
    ]


def test_problem_at_line_one_when_the_file_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "dod.md"
    path.write_bytes(b"- [ ] caf\xe9\n")

    parsed = MarkdownDodParser().parse(path, SHOWN)

    assert parsed.value is None
    assert [p.line for p in parsed.problems] == [1]
