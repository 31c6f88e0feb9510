"""`parse_config`: validating a `[tool.backdev]` table already read from TOML."""

from __future__ import annotations

from backdev.domain.config import (
    DEFAULT_FEATURES,
    DEFAULT_TESTS,
    KNOWN_KEYS,
    BackdevConfig,
    parse_config,
)
from backdev.domain.problems import Problem

LINES = {
    "principles": 2,
    "features": 3,
    "checks": 4,
    "checks.lint": 5,
    "gates": 6,
    "gates.size": 7,
    "gates.size.max_lines": 8,
}


def _line_of(key: str) -> int:
    return LINES.get(key, 1)


def test_defaults_everywhere_when_the_table_is_empty() -> None:
    config, problems = parse_config({}, "pyproject.toml", _line_of)

    assert problems == []
    assert config == BackdevConfig(source="pyproject.toml")
    assert config.features == DEFAULT_FEATURES
    assert config.tests == DEFAULT_TESTS


def test_values_replace_defaults_when_they_are_valid() -> None:
    table: dict[str, object] = {
        "principles": "arch.md",
        "features": ["specs/*.md"],
        "public_api": [],
        "checks": {"lint": "ruff check ."},
        "gates": {"coverage": {"min": 80}, "size": {"exclude": ["docs/**"]}},
    }

    config, problems = parse_config(table, "pyproject.toml", _line_of)

    assert problems == []
    assert config.principles == "arch.md"
    assert config.features == ("specs/*.md",)
    assert config.public_api == ()
    assert dict(config.checks) == {"lint": "ruff check ."}
    assert dict(config.gates["coverage"]) == {"min": 80}
    assert dict(config.gates["size"]) == {"exclude": ["docs/**"]}


def test_every_problem_is_reported_at_its_key_line_when_values_are_invalid() -> None:
    table: dict[str, object] = {
        "principles": 3,
        "features": "docs/*.md",
        "colour": "blue",
        "checks": {"lint": ""},
        "gates": {"size": {"max_lines": 0}, "nope": {}},
    }

    config, problems = parse_config(table, "pyproject.toml", _line_of)

    assert [(p.line, p.message) for p in problems] == [
        (2, "`principles` must be a non-empty string"),
        (3, "`features` must be a list of strings"),
        (1, "unknown key `colour` in [tool.backdev]"),
        (5, "check `lint` must be a non-empty command string"),
        (8, "option 'max_lines' must be at least 1, not 0"),
        (1, "unknown gate `nope`"),
    ]
    assert problems[2] == Problem(
        "pyproject.toml",
        1,
        "unknown key `colour` in [tool.backdev]",
        f"remove it or use one of: {', '.join(KNOWN_KEYS)}",
    )
    assert config.principles == BackdevConfig().principles
    assert dict(config.gates["size"]) == {}


def test_problem_when_checks_or_gates_are_not_tables() -> None:
    _, problems = parse_config({"checks": ["ruff"], "gates": 3}, "p.toml", _line_of)

    assert [(p.line, p.message) for p in problems] == [
        (4, "`checks` must be a table of name = command"),
        (6, "`gates` must be a table of gate tables"),
    ]


def test_problem_when_a_gate_entry_is_not_a_table() -> None:
    _, problems = parse_config({"gates": {"size": 400}}, "p.toml", _line_of)

    assert [(p.line, p.message) for p in problems] == [(7, "`gates.size` must be a table")]
