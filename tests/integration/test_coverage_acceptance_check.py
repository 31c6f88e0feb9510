"""`backdev check` with the coverage and acceptance gates on real repositories, real pytest
and real coverage data.

One repository is checked twice: first with a change that breaks every rule beside a
negative control for each (a `raise` a `pytest.raises` test covers, a handler a test
triggers, an old untested branch, an uncovered line in a test file, a criterion linked
only through a docstring), then with the change fixed. Each check is one instrumented
run shared by both gates, so the assertions share the runs.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from backdev.entrypoints.cli import main
from tests.gitrepo import GitRepo, isolate_git, make_repo

FEATURE = "docs/features/FEAT-7-discounts.md"
FEATURE_TEXT = """---
id: FEAT-7
title: Order discounts
status: validated
workflow: feature
scope: [src/shop/**, tests/**]
---
## Requirements
- R1: Orders can be discounted with a code.

## Acceptance Criteria
### AC-1: Totals add up
Given some prices
When they are totalled
Then the sum is returned
### AC-2: Half price
Given a price
When the code HALF is used
Then half the price is due
### AC-3: Ratios never divide by zero
Given a zero divisor
When a ratio is taken
Then it is zero
### AC-4: Negative prices are refused
Given a negative price
When a discount is asked for
Then the request is refused
### AC-5: Codes are parsed
Given a code as text
When it is parsed
Then its number is returned
"""
PYPROJECT = f"""[project]
name = "shop"
version = "0"

[tool.pytest.ini_options]
pythonpath = ["src"]
testpaths = ["tests"]

[tool.backdev]
python = '{sys.executable}'
"""
OLD_SOURCE = """def total(prices):
    return sum(prices)


def legacy(flag):
    if flag:
        return "never tested"
    return "old"
"""
NEW_SOURCE = """

def discount(price, code):
    if price < 0:
        raise ValueError("negative price")
    if code == "HALF":
        return price / 2
    raise KeyError(code)


def ratio(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        return 0.0


def parse(text):
    try:
        return int(text)
    except TypeError:
        return None


def guard(x):
    if x is None:  # pragma: no cover
        raise RuntimeError("unreachable")
    return x
"""
UNUSED = "def never_called(x):\n    y = x + 1\n    return y\n"
OLD_TESTS = """import pytest

from shop.orders import total


@pytest.mark.ac("AC-1")
def test_total_adds_prices():
    assert total([1, 2]) == 3
"""
NEW_TESTS = '''

from shop.orders import discount, guard, parse, ratio


def test_half_price():
    """AC-2: the code HALF halves the price."""
    assert discount(10, "HALF") == 5


def test_negative_price_is_refused():
    with pytest.raises(ValueError, match="negative"):
        discount(-1, "HALF")


@pytest.mark.ac("AC-3")
@pytest.mark.skip(reason="waiting for a decision")
def test_ratio_by_zero():
    assert ratio(1, 0) == 0.0


@pytest.mark.ac("AC-4")
def test_negative_total_is_refused():
    assert discount(-1, "NONE") is None


def test_others():
    assert ratio(1, 0) == 0.0
    assert parse("3") == 3
    assert guard(1) == 1


def _unused_helper():
    return 42
'''
FIXED_TESTS = '''

from shop.orders import discount, guard, parse, ratio


def test_half_price():
    """AC-2: the code HALF halves the price."""
    assert discount(10, "HALF") == 5


@pytest.mark.ac("AC-3")
def test_ratio_by_zero():
    assert ratio(1, 0) == 0.0
    assert ratio(4, 2) == 2.0


@pytest.mark.ac("AC-4")
def test_negative_price_is_refused():
    with pytest.raises(ValueError, match="negative"):
        discount(-1, "HALF")
    with pytest.raises(KeyError):
        discount(1, "NONE")


def test_ac_5_codes_are_parsed():
    assert parse("3") == 3
    assert parse(None) is None
    assert guard(1) == 1
'''
SELECTED = """
[tool.backdev.gates.acceptance]
criteria = ["AC-1", "AC-2", "AC-3", "AC-4", "AC-5", "AC-9"]
"""
DOD = "# Definition of Done\n- [ ] Changed lines are covered {gate: coverage, min: 80}\n"


@dataclass(frozen=True)
class Checked:
    """The gates' JSON results of one `backdev check`, by gate id, and its exit code."""

    gates: dict[str, dict[str, Any]]
    code: int

    def found(self, gate: str) -> list[tuple[str, str, int]]:
        return [(f["rule"], f["path"], f["line"]) for f in self.gates[gate]["findings"]]

    def finding(self, gate: str, rule: str, path: str) -> dict[str, Any]:
        (match,) = [
            f for f in self.gates[gate]["findings"] if f["rule"] == rule and f["path"] == path
        ]
        return dict(match)


@dataclass(frozen=True)
class Runs:
    """The broken change and the fixed change of the same repository (left fixed)."""

    broken: Checked
    fixed: Checked
    root: Path


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    tmp = tmp_path_factory.mktemp("coverage-acceptance")
    with pytest.MonkeyPatch.context() as patch:
        repo = make_repo(tmp, patch)
        patch.chdir(repo.root)
        base = _base(repo)
        repo.write("src/shop/orders.py", OLD_SOURCE + NEW_SOURCE)
        repo.write("src/shop/unused.py", UNUSED)
        repo.write("tests/test_orders.py", OLD_TESTS + NEW_TESTS)
        repo.write("scripts/deploy.py", "print('deploying')\n")
        repo.write("pyproject.toml", PYPROJECT + SELECTED)
        broken = check(base, "coverage,acceptance", "--feature", FEATURE)
        repo.write("tests/test_orders.py", OLD_TESTS + FIXED_TESTS)
        repo.write("pyproject.toml", PYPROJECT)
        repo.delete("scripts/deploy.py")
        repo.write("docs/engineering/definition-of-done.md", DOD)
        fixed = check(base, "coverage,acceptance", "--feature", FEATURE)
        yield Runs(broken, fixed, repo.root)


def check(base: str, gates: str, *extra: str) -> Checked:
    """Run `backdev check --base BASE` on the working tree and collect the gates' results."""
    code, report = _json(["check", "--base", base, "--gates", gates, "--format", "json", *extra])
    return Checked({g["id"]: g for g in report["gates"]}, code)


def line_of(text: str, start: str) -> int:
    """The 1-based line of `text` that starts with `start`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


# --- coverage -----------------------------------------------------------------------

SOURCE = OLD_SOURCE + NEW_SOURCE


def test_coverage_lists_uncovered_added_lines_per_file_when_below_the_minimum(runs: Runs) -> None:
    orders = runs.broken.finding("coverage", "coverage/uncovered-lines", "src/shop/orders.py")
    unused = runs.broken.finding("coverage", "coverage/uncovered-lines", "src/shop/unused.py")

    key_error = line_of(SOURCE, "    raise KeyError")
    handler = line_of(SOURCE, "    except TypeError")
    assert runs.broken.gates["coverage"]["status"] == "fail"
    assert runs.broken.code == 1
    assert orders["line"] == key_error
    assert orders["evidence"] == f"{key_error}, {handler}-{handler + 1}"
    assert "below the minimum of 90%" in orders["message"]
    assert (unused["line"], unused["evidence"]) == (1, "1-3")


def test_coverage_never_counts_test_files_old_lines_or_pragma_lines(runs: Runs) -> None:
    found = runs.broken.found("coverage")

    assert all(path != "tests/test_orders.py" for _, path, _ in found)
    assert all(line > len(OLD_SOURCE.splitlines()) for _, path, line in found if "orders" in path)
    assert all(line < line_of(SOURCE, "def guard") for _, _, line in found)


def test_coverage_reports_an_untested_raise_but_not_one_a_pytest_raises_test_covers(
    runs: Runs,
) -> None:
    raises = [line for rule, _, line in runs.broken.found("coverage") if "raise" in rule]

    assert raises == [line_of(SOURCE, "    raise KeyError")]


def test_coverage_reports_an_untested_except_but_not_one_a_test_triggers(runs: Runs) -> None:
    handlers = [line for rule, _, line in runs.broken.found("coverage") if "except" in rule]

    assert handlers == [line_of(SOURCE, "    except TypeError")]


def test_coverage_names_the_untaken_arm_of_an_added_branch_only(runs: Runs) -> None:
    branch = runs.broken.finding("coverage", "coverage/untaken-branch", "src/shop/orders.py")

    assert branch["line"] == line_of(SOURCE, '    if code == "HALF"')
    assert "false arm" in branch["message"]


def test_coverage_warns_about_a_changed_file_outside_the_measured_sources(runs: Runs) -> None:
    warning = runs.broken.finding("coverage", "coverage/not-measured", "scripts/deploy.py")

    assert (warning["severity"], warning["line"]) == ("warning", 0)
    unmeasured = [path for rule, path, _ in runs.broken.found("coverage") if "measured" in rule]
    assert unmeasured == ["scripts/deploy.py"]


def test_coverage_passes_with_the_dod_minimum_when_the_change_is_tested(runs: Runs) -> None:
    result = runs.fixed.gates["coverage"]

    assert (result["status"], result["findings"]) == ("pass", [])
    assert "minimum 80%" in result["summary"]


# --- acceptance ---------------------------------------------------------------------


def test_acceptance_points_at_each_unproven_criterion_and_an_unknown_selected_one(
    runs: Runs,
) -> None:
    assert runs.broken.gates["acceptance"]["status"] == "fail"
    assert runs.broken.found("acceptance") == [
        ("acceptance/unknown-criterion", FEATURE, line_of(FEATURE_TEXT, "## Acceptance")),
        ("acceptance/no-linked-test", FEATURE, line_of(FEATURE_TEXT, "### AC-3")),
        ("acceptance/linked-test-failed", FEATURE, line_of(FEATURE_TEXT, "### AC-4")),
        ("acceptance/no-linked-test", FEATURE, line_of(FEATURE_TEXT, "### AC-5")),
    ]


def test_acceptance_counts_a_criterion_linked_only_to_a_skipped_test_as_missing(
    runs: Runs,
) -> None:
    skipped = runs.broken.gates["acceptance"]["findings"][1]

    assert "none of its linked tests ran" in skipped["message"]
    assert "tests/test_orders.py::test_ratio_by_zero: skipped" in skipped["evidence"]


def test_acceptance_names_the_failed_test_when_a_linked_test_fails(runs: Runs) -> None:
    failed = runs.broken.gates["acceptance"]["findings"][2]

    assert "tests/test_orders.py::test_negative_total_is_refused failed" in failed["message"]


def test_acceptance_passes_when_marker_docstring_and_name_links_all_pass(runs: Runs) -> None:
    result = runs.fixed.gates["acceptance"]

    assert (result["status"], result["findings"]) == ("pass", [])
    assert "5 criteria of FEAT-7" in result["summary"]
    assert runs.fixed.code == 0


def test_trace_shows_every_criterion_with_its_linked_tests(
    runs: Runs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(tmp_path, monkeypatch)
    monkeypatch.chdir(runs.root)

    code, trace = _json(["trace", "FEAT-7", "--format", "json"])

    criteria = {c["id"]: c for c in trace["criteria"]}
    assert code == 0
    assert trace["schema"] == "backdev.trace/1"
    assert [c["status"] for c in criteria.values()] == ["proven"] * 5
    assert criteria["AC-2"]["tests"] == [
        {
            "nodeid": "tests/test_orders.py::test_half_price",
            "outcome": "passed",
            "links": ["docstring"],
        }
    ]
    assert criteria["AC-5"]["tests"][0]["links"] == ["name"]


# --- no evidence, nothing to check --------------------------------------------------


def test_both_gates_fail_with_the_collection_error_when_tests_cannot_be_collected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch)
    monkeypatch.chdir(repo.root)
    base = _base(repo)
    repo.write("src/shop/orders.py", OLD_SOURCE + NEW_SOURCE)
    repo.write("tests/test_broken.py", "import shop.no_such_module\n")

    result = check(base, "coverage,acceptance", "--feature", FEATURE)

    for gate in ("coverage", "acceptance"):
        (finding,) = result.gates[gate]["findings"]
        assert (finding["rule"], finding["line"]) == (f"{gate}/no-evidence", 0)
        assert "no_such_module" in finding["evidence"]


def test_coverage_skips_when_only_comments_and_test_files_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch)
    monkeypatch.chdir(repo.root)
    base = _base(repo)
    repo.write("src/shop/orders.py", "# Orders.\n" + OLD_SOURCE)
    repo.write("tests/test_orders.py", OLD_TESTS + "\n\ndef _never():\n    return 1\n")

    result = check(base, "coverage")

    assert result.gates["coverage"]["status"] == "skip"
    assert "adds no executable source line" in result.gates["coverage"]["summary"]


def _base(repo: GitRepo) -> str:
    repo.write("pyproject.toml", PYPROJECT)
    repo.write(FEATURE, FEATURE_TEXT)
    repo.write("src/shop/__init__.py", "")
    repo.write("src/shop/orders.py", OLD_SOURCE)
    repo.write("tests/test_orders.py", OLD_TESTS)
    return repo.commit("base")


def _json(argv: list[str]) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(argv)
    return code, dict(json.loads(out.getvalue()))
