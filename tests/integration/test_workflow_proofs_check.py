"""`backdev check` on real git repositories with real pytest runs: the workflow proofs.

`regression-proof` runs a defect fix's new tests on the base (in a temporary worktree)
and reads the head's run; `behaviour-preserved` compares the whole suite's runs and
coverage at base and head. Each rule fires on a change that breaks it, and a sibling
part of the change (or a sibling change) is the negative control that must not fire.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from backdev.entrypoints.cli import main
from tests.gitrepo import GitRepo, make_repo

PYPROJECT = f"""[project]
name = "sample"
version = "0.1.0"

[tool.pytest.ini_options]
pythonpath = ["src"]
testpaths = ["tests"]
# Hypothesis' plugin (installed beside backdev) costs seconds at each pytest start-up.
addopts = "-p no:hypothesispytest"

[tool.backdev]
python = {json.dumps(sys.executable)}
"""


def _feature(workflow: str) -> str:
    return f"""---
id: WF-1
title: A {workflow} change
status: validated
workflow: {workflow}
scope: [src/**, tests/**]
---
## Requirements
- R1: Numbers keep their sign.

## Acceptance Criteria
### AC-1: A negative number is read as negative
Given the text "-3"
When it is parsed
Then the result is -3
"""


FEATURE = "docs/features/WF-1.md"

# --- the defect: `parse` drops the sign -------------------------------------------

BUGGY = 'def parse(text):\n    """Read an integer."""\n    return int(text.lstrip("-"))\n'
FIXED = 'def parse(text):\n    """Read an integer."""\n    return int(text)\n'
PARSE_TESTS = """from calc.parse import parse


def test_parses_number():
    assert parse("12") == 12
"""
REPRODUCES = """

def test_keeps_the_sign():
    assert parse("-3") == -3
"""
PASSES_ON_BASE = """

def test_parses_zero():
    assert parse("0") == 0
"""
FAILS_ON_HEAD = """

def test_takes_decimals():
    assert parse("-9.0") == -9
"""

# The fix adds `parse_signed`; a test importing it cannot even be collected on the base.
SIGNED = "\n\ndef parse_signed(text):\n    return int(text)\n"
SIGNED_TESTS = """from calc.parse import parse_signed


def test_signed():
    assert parse_signed("-2") == -2
"""


def _defect_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workflow: str) -> GitRepo:
    repo = make_repo(tmp_path, monkeypatch)
    repo.write("pyproject.toml", PYPROJECT)
    repo.write(FEATURE, _feature(workflow))
    repo.write("src/calc/__init__.py", "")
    repo.write("src/calc/parse.py", BUGGY)
    repo.write("tests/test_parse.py", PARSE_TESTS)
    repo.commit("base")
    monkeypatch.chdir(repo.root)
    return repo


@pytest.fixture
def defect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    return _defect_repo(tmp_path, monkeypatch, "defect")


def _check(repo: GitRepo, gate: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    argv = ["check", "--base", repo.sha(), "--gates", gate, "--feature", FEATURE]
    code = main([*argv, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    (result,) = report["gates"]
    return code, result


def _where(result: Any) -> list[tuple[str, str, int]]:
    return sorted((f["rule"], f["path"], f["line"]) for f in result["findings"])


def test_regression_proof_passes_when_the_new_test_fails_on_base_and_passes_on_head(
    defect: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    defect.write("src/calc/parse.py", FIXED)
    defect.write("tests/test_parse.py", PARSE_TESTS + REPRODUCES)
    code, result = _check(defect, "regression-proof", capsys)
    assert result["status"] == "pass", result
    assert code == 0
    assert defect.git("status", "--porcelain", "--untracked-files=all").splitlines() == [
        " M src/calc/parse.py",
        " M tests/test_parse.py",
    ]


def test_regression_proof_fails_at_each_test_that_proves_nothing_when_tests_are_mixed(
    defect: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    defect.write("src/calc/parse.py", FIXED + SIGNED)
    defect.write("tests/test_parse.py", PARSE_TESTS + REPRODUCES + PASSES_ON_BASE + FAILS_ON_HEAD)
    defect.write("tests/test_signed.py", SIGNED_TESTS)
    code, result = _check(defect, "regression-proof", capsys)
    assert code == 1
    # test_keeps_the_sign (line 8) reproduces the defect: no finding there, and no
    # `not-reproduced`, though test_signed.py's import error spoils the first base run.
    assert _where(result) == [
        ("regression-proof/errors-on-base", "tests/test_signed.py", 4),
        ("regression-proof/fails-on-head", "tests/test_parse.py", 16),
        ("regression-proof/passes-on-base", "tests/test_parse.py", 12),
    ]
    severities = {f["rule"]: f["severity"] for f in result["findings"]}
    assert severities["regression-proof/errors-on-base"] == "warning"


def test_regression_proof_fails_when_the_fix_comes_without_a_new_test(
    defect: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    defect.write("src/calc/parse.py", FIXED)
    defect.write("tests/test_parse.py", PARSE_TESTS.replace('"12") == 12', '"-12") == -12'))
    code, result = _check(defect, "regression-proof", capsys)
    assert code == 1
    assert _where(result) == [("regression-proof/no-regression-test", "", 0)]


def test_regression_proof_warns_and_fails_when_the_new_test_only_errors_on_base(
    defect: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    defect.write("src/calc/parse.py", FIXED + SIGNED)
    defect.write("tests/test_signed.py", SIGNED_TESTS)
    code, result = _check(defect, "regression-proof", capsys)
    assert code == 1
    assert _where(result) == [
        ("regression-proof/errors-on-base", "tests/test_signed.py", 4),
        ("regression-proof/not-reproduced", "", 0),
    ]
    by_rule = {f["rule"]: f for f in result["findings"]}
    assert "parse_signed" in by_rule["regression-proof/not-reproduced"]["message"]
    assert by_rule["regression-proof/errors-on-base"]["severity"] == "warning"


def test_regression_proof_fails_with_the_problem_when_the_head_cannot_be_collected(
    defect: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    defect.write("src/calc/parse.py", FIXED)
    defect.write("tests/test_more.py", "import calc.missing\n\n\ndef test_more():\n    pass\n")
    code, result = _check(defect, "regression-proof", capsys)
    assert code == 1
    assert _where(result) == [("regression-proof/no-evidence", "", 0)]


def test_regression_proof_skips_when_the_feature_is_not_a_defect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _defect_repo(tmp_path, monkeypatch, "feature")
    repo.write("src/calc/parse.py", FIXED)
    code, result = _check(repo, "regression-proof", capsys)
    assert (code, result["status"]) == (0, "skip")
    assert "not a defect workflow" in result["summary"]


# --- the refactoring of `shop.pricing` ---------------------------------------------

PRICING = """def total(items, *, discount=0):
    return sum(items) - discount


class Cart:
    def __init__(self, owner):
        self.owner = owner
        self.items = []

    def add(self, item, count=1):
        self.items.extend(_repeat(item, count))
        return len(self.items)


def _repeat(item, count):
    return [item] * count
"""
PRICING_TESTS = """from shop.pricing import Cart, total


def test_total_subtracts_discount():
    assert total([2, 3], discount=1) == 4


def test_total_of_nothing():
    assert total([]) == 0


def test_cart_counts_items():
    assert Cart("ann").add("pen", 2) == 2
"""
# Same behaviour, new structure: a private helper renamed, a step split in two.
KEPT = PRICING.replace(
    "    return sum(items) - discount", "    gross = sum(items)\n    return gross - discount"
).replace("_repeat", "_copies")
NEW_TEST = "\n\ndef test_total_of_one():\n    assert total([5]) == 5\n"
KNOWN_GAP = "\n\ndef test_known_gap():\n    assert total([1], discount=5) == 0\n"


def _refactor_repo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tests: str = PRICING_TESTS
) -> GitRepo:
    repo = make_repo(tmp_path, monkeypatch)
    repo.write("pyproject.toml", PYPROJECT)
    repo.write(FEATURE, _feature("refactor"))
    repo.write("src/shop/__init__.py", "")
    repo.write("src/shop/pricing.py", PRICING)
    repo.write("tests/test_pricing.py", tests)
    repo.commit("base")
    monkeypatch.chdir(repo.root)
    return repo


def test_behaviour_preserved_passes_when_a_refactoring_keeps_behaviour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _refactor_repo(tmp_path, monkeypatch)
    repo.write("src/shop/pricing.py", KEPT)
    repo.write("tests/test_pricing.py", PRICING_TESTS + NEW_TEST)
    code, result = _check(repo, "behaviour-preserved", capsys)
    assert result["status"] == "pass", result
    assert code == 0


def test_behaviour_preserved_fails_at_each_broken_promise_when_the_refactoring_changes_behaviour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _refactor_repo(tmp_path, monkeypatch)
    changed = KEPT.replace("discount", "rebate").replace(
        "    def add(self, item, count=1):\n",
        "    def add(self, item, count=1):\n        if count < 0:\n"
        '            raise ValueError("count")\n',
    )
    repo.write("src/shop/pricing.py", changed)
    tests = PRICING_TESTS.replace("total([]) == 0", "total([], rebate=0) == 0")
    tests = tests.split("\n\n\ndef test_cart_counts_items", maxsplit=1)[0] + "\n" + NEW_TEST
    repo.write("tests/test_pricing.py", tests)
    code, result = _check(repo, "behaviour-preserved", capsys)
    assert code == 1
    # The renamed private helper and the added test are not findings.
    assert _where(result) == [
        ("behaviour-preserved/coverage-dropped", "", 0),
        ("behaviour-preserved/signature-changed", "src/shop/pricing.py", 1),
        ("behaviour-preserved/suite-red-on-head", "", 0),
        ("behaviour-preserved/test-changed", "tests/test_pricing.py", 8),
        ("behaviour-preserved/test-removed", "tests/test_pricing.py", 12),
    ]
    by_rule = {f["rule"]: f for f in result["findings"]}
    red = by_rule["behaviour-preserved/suite-red-on-head"]
    assert "test_total_subtracts_discount" in red["message"] + red.get("evidence", "")
    assert "100.0%" in by_rule["behaviour-preserved/coverage-dropped"]["message"]


def test_behaviour_preserved_only_warns_when_the_refactoring_started_from_a_red_suite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _refactor_repo(tmp_path, monkeypatch, PRICING_TESTS + KNOWN_GAP)
    repo.write("src/shop/pricing.py", KEPT)
    code, result = _check(repo, "behaviour-preserved", capsys)
    assert (code, result["status"]) == (0, "warn")
    assert _where(result) == [("behaviour-preserved/suite-red-on-base", "", 0)]
