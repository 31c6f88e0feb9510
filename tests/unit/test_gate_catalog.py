"""`option_error`: which gate options and values the catalog accepts."""

from __future__ import annotations

import pytest

from backdev.domain.gate_catalog import BUILTIN_GATES, option_error


def test_catalog_holds_every_gate_of_the_design_when_listed() -> None:
    assert set(BUILTIN_GATES) == {
        "scope",
        "size",
        "architecture",
        "secrets",
        "privacy",
        "security",
        "tests",
        "coverage",
        "acceptance",
        "checks",
        "docs",
        "dod",
        "regression-proof",
        "behaviour-preserved",
    }


@pytest.mark.parametrize(
    ("gate", "key", "value"),
    [
        ("coverage", "min", 0),
        ("coverage", "min", 90),
        ("coverage", "min", 99.5),
        ("coverage", "min", 100),
        ("size", "max_lines", 1),
        ("size", "max_files", 30),
        ("size", "exclude", ["migrations/**"]),
        ("size", "exclude", []),
        ("secrets", "baseline", ".secrets.baseline"),
        ("security", "severity", "high"),
        ("checks", "timeout", 600),
    ],
)
def test_no_error_when_the_value_fits_the_option(gate: str, key: str, value: object) -> None:
    assert option_error(gate, key, value) is None


@pytest.mark.parametrize(
    ("gate", "key", "value", "message"),
    [
        ("coverage", "min", 150, "option 'min' must be at most 100, not 150"),
        ("coverage", "min", -1, "option 'min' must be at least 0, not -1"),
        ("coverage", "min", "abc", "option 'min' must be a percentage from 0 to 100, not 'abc'"),
        ("coverage", "min", True, "option 'min' must be a percentage from 0 to 100, not True"),
        ("coverage", "min", None, "option 'min' must be a percentage from 0 to 100, not None"),
        (
            "coverage",
            "min",
            float("nan"),
            "option 'min' must be a percentage from 0 to 100, not nan",
        ),
        ("size", "max_lines", 0, "option 'max_lines' must be at least 1, not 0"),
        (
            "size",
            "max_lines",
            2.5,
            "option 'max_lines' must be changed lines of non-test code, not 2.5",
        ),
        (
            "size",
            "exclude",
            "docs/**",
            "option 'exclude' must be a list of gitignore-style patterns, not 'docs/**'",
        ),
        (
            "size",
            "exclude",
            [""],
            "option 'exclude' must be a list of gitignore-style patterns, not ['']",
        ),
        ("secrets", "baseline", "  ", "option 'baseline' must be a file path, not '  '"),
        (
            "security",
            "severity",
            "extreme",
            "option 'severity' must be the lowest severity reported, not 'extreme'"
            " (one of: low, medium, high)",
        ),
        ("coverage", "max", 3, "gate 'coverage' has no option 'max' (its options: min)"),
        ("scope", "strict", True, "gate 'scope' has no option 'strict' (its options: none)"),
    ],
)
def test_error_says_what_is_wrong_when_the_value_or_key_is_bad(
    gate: str, key: str, value: object, message: str
) -> None:
    assert option_error(gate, key, value) == message
