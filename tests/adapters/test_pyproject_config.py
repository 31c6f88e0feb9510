"""`[tool.backdev]` read from `pyproject.toml`, with every problem at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from backdev.adapters.pyproject_config import PyprojectConfigSource, scan_toml_keys
from backdev.domain.config import BackdevConfig
from backdev.domain.problems import Parsed


def _load(tmp_path: Path, text: str | None) -> Parsed[BackdevConfig]:
    if text is not None:
        (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    return PyprojectConfigSource().load(tmp_path)


def _lines(parsed: Parsed[BackdevConfig]) -> list[tuple[int, str]]:
    return [(problem.line, problem.message) for problem in parsed.problems]


@pytest.mark.parametrize("text", [None, "", '[project]\nname = "shop"\n', "[tool.ruff]\n"])
def test_defaults_are_used_when_there_is_no_pyproject_or_no_table(
    tmp_path: Path, text: str | None
) -> None:
    parsed = _load(tmp_path, text)

    assert parsed.ok
    assert parsed.value == BackdevConfig()
    assert parsed.value.source is None


def test_values_are_read_when_the_table_is_valid(tmp_path: Path) -> None:
    text = (
        "[tool.backdev]\n"
        'principles = "docs/arch.md"\n'
        'features = ["specs/**/*.md"]\n'
        "exclude = []\n"
        'python = ".venv/bin/python"\n'
        "gates.coverage.min = 85.5\n"
        "\n"
        "[tool.backdev.checks]\n"
        'lint = "ruff check ."\n'
        "\n"
        "[tool.backdev.gates.size]\n"
        "max_lines = 250\n"
        'exclude = ["migrations/**"]\n'
    )

    parsed = _load(tmp_path, text)

    assert parsed.ok, parsed.problems
    config = parsed.value
    assert config is not None
    assert config.source == "pyproject.toml"
    assert config.principles == "docs/arch.md"
    assert config.features == ("specs/**/*.md",)
    assert config.exclude == ()
    assert config.python == ".venv/bin/python"
    assert dict(config.checks) == {"lint": "ruff check ."}
    assert {gate: dict(options) for gate, options in config.gates.items()} == {
        "coverage": {"min": 85.5},
        "size": {"max_lines": 250, "exclude": ["migrations/**"]},
    }


def test_every_validation_error_is_at_its_line_when_the_table_is_invalid(tmp_path: Path) -> None:
    text = (
        '[project]\nname = "shop"\n'  # 1-2
        "\n"
        "[tool.backdev]\n"  # 4
        'principles = ""\n'  # 5
        'dod = ["a.md"]\n'  # 6
        "features = []\n"  # 7
        'tests = ["", "x"]\n'  # 8
        "colour = true\n"  # 9
        'checks = "ruff"\n'  # 10
        "gates.size.max_lines = 0\n"  # 11
        "gates.docs = 3\n"  # 12
        "[tool.backdev.gates.coverage]\n"  # 13
        "min = 150\n"  # 14
        "\n"
        "[tool.backdev.gates.nope]\n"  # 16
        "x = 1\n"
        "\n"
        "[tool.backdev.gates.security]\n"  # 19
        "  'severity' = \"extreme\"\n"  # 20
        "\n"
        "[tool.backdev.gates.secrets]\n"  # 22
        "baseline = { path = 1 }\n"  # 23
    )

    parsed = _load(tmp_path, text)

    assert parsed.value is None
    assert sorted(_lines(parsed)) == [
        (5, "`principles` must be a non-empty string"),
        (6, "`dod` must be a non-empty string"),
        (7, "`features` must be a list of strings"),
        (8, "`tests` must be a list of strings"),
        (9, "unknown key `colour` in [tool.backdev]"),
        (10, "`checks` must be a table of name = command"),
        (11, "option 'max_lines' must be at least 1, not 0"),
        (12, "`gates.docs` must be a table"),
        (14, "option 'min' must be at most 100, not 150"),
        (16, "unknown gate `nope`"),
        (
            20,
            "option 'severity' must be the lowest severity reported, not 'extreme'"
            " (one of: low, medium, high)",
        ),
        (23, "option 'baseline' must be a file path, not {'path': 1}"),
    ]
    assert all(problem.path == "pyproject.toml" for problem in parsed.problems)


def test_check_errors_point_at_the_checks_table_when_a_command_is_empty(tmp_path: Path) -> None:
    text = '[tool.backdev]\nbase = "main"\n\n[tool.backdev.checks]\ntest = ""\nlint = 3\n'

    parsed = _load(tmp_path, text)

    assert _lines(parsed) == [
        (5, "check `test` must be a non-empty command string"),
        (6, "check `lint` must be a non-empty command string"),
    ]


def test_problem_is_at_the_table_line_when_the_key_is_in_an_inline_table(tmp_path: Path) -> None:
    text = "[tool]\nruff = {}\nbackdev = { principles = 3 }\n"

    parsed = _load(tmp_path, text)

    assert _lines(parsed) == [(3, "`principles` must be a non-empty string")]


def test_problem_when_tool_backdev_is_not_a_table(tmp_path: Path) -> None:
    parsed = _load(tmp_path, '[tool]\n\nbackdev = "on"\n')

    assert _lines(parsed) == [(3, "`tool.backdev` must be a table")]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[tool.backdev]\nprinciples = "a.md\n', 2),
        ("[tool.backdev]\n\nfeatures = [1,,]\n", 3),
        ("[tool.backdev]\n[tool.backdev]\n", 2),
        ('[tool.backdev]\r\nbase = "main"\r\nbad\r\n', 3),
    ],
)
def test_problem_has_the_line_tomllib_names_when_toml_is_invalid(
    tmp_path: Path, text: str, line: int
) -> None:
    parsed = _load(tmp_path, text)

    assert parsed.value is None
    assert len(parsed.problems) == 1
    assert parsed.problems[0].line == line
    assert parsed.problems[0].message.startswith("invalid TOML: ")
    assert "(at line" not in parsed.problems[0].message


def test_problem_when_pyproject_is_binary(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"\x00\x01")

    parsed = PyprojectConfigSource().load(tmp_path)

    assert [(p.line, p.message) for p in parsed.problems] == [(1, "is a binary file")]


def test_scanner_finds_keys_and_headers_when_keys_are_quoted_dotted_or_in_strings() -> None:
    text = (
        "[tool . 'backdev']\n"
        '"checks".lint = "x"\n'
        'note = """\n'
        "fake = 1\n"
        '"""\n'
        "[[tool.importlinter.contracts]]\n"
        "type = 'layers'\n"
    )

    found = [(key.path, key.line, key.header, key.array) for key in scan_toml_keys(text)]

    assert found == [
        (("tool", "backdev"), 1, True, False),
        (("tool", "backdev", "checks", "lint"), 2, False, False),
        (("tool", "backdev", "note"), 3, False, False),
        (("tool", "importlinter", "contracts"), 6, True, True),
        (("tool", "importlinter", "contracts", "type"), 7, False, False),
    ]


def test_problem_is_at_the_sub_table_when_there_is_no_tool_backdev_header(tmp_path: Path) -> None:
    text = '[project]\nname = "x"\n\n[tool.backdev.gates.coverage]\nmin = 101\n'

    parsed = _load(tmp_path, text)

    assert _lines(parsed) == [(5, "option 'min' must be at most 100, not 101")]
