"""Whatever a feature file holds, the parsers answer with a Parsed and never raise."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backdev.adapters.feature_files import FeatureFileParser
from backdev.domain.features import Feature
from backdev.domain.problems import Parsed

PARSER = FeatureFileParser()
NAMES = st.sampled_from(["feature.md", "feature.feature"])
FUZZ = settings(max_examples=200, deadline=None)
# Generating whole documents costs more per example than random bytes do.
FUZZ_DOCUMENTS = settings(max_examples=100, deadline=None)


def _line_count(data: bytes) -> int:
    """Lines as an editor numbers them: `\\r\\n`, `\\r` and `\\n` each end one line."""
    text = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return text.count(b"\n") + (0 if text.endswith(b"\n") else 1)


def _check(directory: Path, name: str, data: bytes) -> Parsed[Feature]:
    path = directory / name
    path.write_bytes(data)

    parsed = PARSER.parse(path, name)

    assert isinstance(parsed, Parsed)
    assert (parsed.value is None) == bool(parsed.problems)
    for problem in parsed.problems:
        assert problem.path == name
        assert 1 <= problem.line <= _line_count(data) + 1, (problem, data)
        assert problem.message
        assert problem.fix
    return parsed


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


_WORDS = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)
_LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r"])
_MARKDOWN_LINES = st.one_of(
    st.sampled_from(
        [
            "---",
            "## Requirements",
            "## Acceptance Criteria",
            "## acceptance criteria:",
            "### Acceptance Criteria",
            "## Solution Notes",
            "# Title",
            "```",
            "~~~",
            "    indented code",
            "<!--",
            "-->",
            "- R1: text",
            "- R1:",
            "- no id",
            "  - nested",
            "> quote",
            "Given a",
            "When b",
            "Then c",
            "And d",
            "but e",
            "- **When** f",
            "* **Then** g",
            "",
            "\t",
        ]
    ),
    st.builds(
        "### {}{}{}".format,
        st.sampled_from(["AC-", "AC", "ac-", "AC-0", "**AC-", "Criterion ", ""]),
        st.integers(-3, 30).map(str) | _WORDS,
        st.sampled_from(["", ": Title", " — Title", " Title", ":"]),
    ),
    st.builds("{}{}".format, st.sampled_from(["Given ", "When ", "Then ", "- R", "## "]), _WORDS),
    _WORDS,
)
_YAML_VALUES = st.one_of(
    st.sampled_from(
        ["FEAT-1", "draft", "validated", "done", "feature", "defect", "[src/**]", "[]", "12"]
    ),
    st.sampled_from(["[a, b", "{x: 1}", "'#c'", "&a [*a]", "!!int x", "|", ">", '"a\\q"']),
    _WORDS,
)
_FRONT_MATTER_LINES = st.one_of(
    st.builds(
        "{}: {}".format,
        st.sampled_from(["id", "title", "status", "workflow", "scope", "scopes", "Id"]) | _WORDS,
        _YAML_VALUES,
    ),
    st.builds("  - {}".format, _YAML_VALUES),
    _WORDS,
)
_GHERKIN_LINES = st.builds(
    "{}{}".format,
    st.sampled_from(["", "  ", "    ", "\t"]),
    st.one_of(
        st.sampled_from(
            [
                "Feature: Reset",
                "Feature:",
                "@id:FEAT-1 @status:draft",
                "@stauts:draft @workflow:x @scope:#x @scope:src/**",
                "@AC-1",
                "@AC-01 @AC1 @AC-2",
                "Background:",
                "Rule: r",
                "Scenario: s",
                "Scenario Outline: o <a>",
                "Example: e",
                "Examples:",
                "| a | b |",
                "| 1 |",
                '"""',
                "```",
                "Given a",
                "When b",
                "Then c",
                "And d",
                "But e",
                "* f",
                "# language: fr",
                "# language: xx",
                "# comment",
                "",
            ]
        ),
        _WORDS,
    ),
)


_LETTERS = st.text("abcxyz ÉßЖ中", max_size=12)
_STATUSES = st.sampled_from(["draft", "validated", "in-progress", "done"])
_IDS = st.integers(1, 999)


@st.composite
def _valid_markdown(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A valid Markdown feature as lines, and its criterion ids in order."""
    ids = draw(st.lists(_IDS, min_size=1, max_size=5, unique=True))
    lines = ["---", "id: FEAT-1", f"title: Title {draw(_LETTERS)}"]
    lines += [f"status: {draw(_STATUSES)}", "scope: [src/**]", "---", "## Acceptance Criteria"]
    for number in ids:
        lines += [f"### AC-{number}: {draw(_LETTERS)}", f"Given x{draw(_LETTERS)}"]
        lines += [f"When y{draw(_LETTERS)}", f"Then z{draw(_LETTERS)}", ""]
    return lines, [f"AC-{number}" for number in ids]


@st.composite
def _valid_gherkin(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A valid Gherkin feature as lines, and its criterion ids in order."""
    ids = draw(st.lists(_IDS, min_size=1, max_size=5, unique=True))
    lines = [f"@id:FEAT-1 @status:{draw(_STATUSES)}", f"Feature: Title {draw(_LETTERS)}"]
    for number in ids:
        lines += [
            f"  @AC-{number}",
            f"  Scenario: {draw(_LETTERS)}",
            f"    Given x{draw(_LETTERS)}",
        ]
        lines += [f"    When y{draw(_LETTERS)}", f"    Then z{draw(_LETTERS)}"]
    return lines, [f"AC-{number}" for number in ids]


def _document(lines: list[str], line_end: str) -> bytes:
    return line_end.join(lines).encode("utf-8", "surrogatepass")


@FUZZ
@given(name=NAMES, data=st.binary(max_size=600))
def test_answers_with_problems_when_given_random_bytes(
    directory: Path, name: str, data: bytes
) -> None:
    _check(directory, name, data)


@FUZZ
@given(name=NAMES, text=st.text(max_size=600))
def test_answers_with_problems_when_given_random_text(
    directory: Path, name: str, text: str
) -> None:
    _check(directory, name, text.encode("utf-8", "surrogatepass"))


@FUZZ_DOCUMENTS
@given(
    front=st.none() | st.lists(_FRONT_MATTER_LINES, max_size=8),
    closed=st.booleans(),
    body=st.lists(_MARKDOWN_LINES, max_size=30),
    line_end=_LINE_ENDS,
)
def test_never_raises_when_given_markdown_like_documents(
    directory: Path, front: list[str] | None, closed: bool, body: list[str], line_end: str
) -> None:
    head = [] if front is None else ["---", *front, *(["---"] if closed else [])]
    _check(directory, "feature.md", _document(head + body, line_end))


@FUZZ_DOCUMENTS
@given(lines=st.lists(_GHERKIN_LINES, max_size=30), line_end=_LINE_ENDS)
def test_never_raises_when_given_gherkin_like_documents(
    directory: Path, lines: list[str], line_end: str
) -> None:
    _check(directory, "feature.feature", _document(lines, line_end))


@FUZZ_DOCUMENTS
@given(
    document=st.tuples(st.just("feature.md"), _valid_markdown())
    | st.tuples(st.just("feature.feature"), _valid_gherkin()),
    line_end=_LINE_ENDS,
)
def test_reads_every_criterion_when_a_generated_document_is_valid(
    directory: Path, document: tuple[str, tuple[list[str], list[str]]], line_end: str
) -> None:
    name, (lines, ids) = document

    parsed = _check(directory, name, _document(lines, line_end))

    assert parsed.value is not None
    assert [criterion.id for criterion in parsed.value.criteria] == ids
    for criterion in parsed.value.criteria:
        assert "Scenario:" in lines[criterion.line - 1] or "### AC-" in lines[criterion.line - 1]
        assert [step.keyword for step in criterion.steps] == ["given", "when", "then"]


@FUZZ_DOCUMENTS
@given(
    document=st.tuples(st.just("feature.md"), _valid_markdown())
    | st.tuples(st.just("feature.feature"), _valid_gherkin()),
    edits=st.lists(st.tuples(st.integers(0, 40), st.booleans(), _MARKDOWN_LINES | _GHERKIN_LINES)),
)
def test_never_raises_when_a_valid_document_is_mutated(
    directory: Path,
    document: tuple[str, tuple[list[str], list[str]]],
    edits: list[tuple[int, bool, str]],
) -> None:
    name, (lines, _ids) = document
    for position, insert, line in edits:
        index = position % (len(lines) + 1)
        if insert:
            lines.insert(index, line)
        elif index < len(lines):
            del lines[index]

    _check(directory, name, _document(lines, "\n"))


@pytest.mark.parametrize(
    "text",
    [
        "> " * 3000 + "x",
        "- " * 3000 + "x",
        "[" * 3000,
        "*" * 3000 + "a" + "*" * 3000,
        "---\nid: " + "[" * 600 + "\n---\n",
        "---\n" + "".join(" " * depth + "- \n" for depth in range(0, 600, 2)) + "---\n",
        "---\na: &a [*a, *a]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b, *b]\n---\n",
        "\ufeff---\nid: F\n---\n",
        "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e\n" * 3,
    ],
)
@pytest.mark.parametrize("name", ["feature.md", "feature.feature"])
def test_answers_with_problems_when_the_input_is_pathological(
    directory: Path, name: str, text: str
) -> None:
    parsed = _check(directory, name, text.encode("utf-8"))

    assert parsed.value is None
