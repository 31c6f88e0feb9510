"""`backdev check` with the checks and dod gates on real repositories and real commands.

Each repository is checked twice where it can be: first with a change that breaks a
rule beside its negative control, then with the change fixed, so that the runs (ruff,
the project's own commands, the test suite) are shared between assertions.
"""

from __future__ import annotations

import io
import json
import sys
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from backdev.entrypoints.cli import main
from tests.gitrepo import GitRepo, make_repo

PYTHON_SETTING = f"[tool.backdev]\npython = '{sys.executable}'\n"
RUFF_PROJECT = f"""[project]
name = "shop"
version = "0"

[tool.ruff]
line-length = 100

[tool.ruff.lint]
select = ["F"]

{PYTHON_SETTING}"""
DOD = "docs/engineering/definition-of-done.md"
DOD_TEXT = """# Definition of Done

- [ ] The project's own checks pass {gate: checks}
- [ ] No secret is added {gate: secrets}
- [ ] Trade-offs are written down in the commit or an ADR
"""
CHECKS_LINE, SECRETS_LINE, MANUAL_LINE = 3, 4, 5
MANUAL = "Trade-offs are written down in the commit or an ADR"
CUSTOM_CHECK = (
    'custom = "python -c \\"import sys; print(\'custom check failed\'); sys.exit(3)\\""\n'
)


def check(base: str, gates: str) -> dict[str, Any]:
    """Run `backdev check --format json` on the working tree and return the report."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["check", "--base", base, "--gates", gates, "--format", "json"])
    report: dict[str, Any] = json.loads(out.getvalue())
    assert code == (1 if report["verdict"] == "fail" else 0)
    return report


def gate(report: dict[str, Any], gate_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [g for g in report["gates"] if g["id"] == gate_id]
    assert len(found) == 1
    return found[0]


def rules(result: dict[str, Any]) -> list[tuple[str, str, str, int]]:
    return [(f["rule"], f["severity"], f["path"], f["line"]) for f in result["findings"]]


def attest(commit: str) -> str:
    """Run `backdev attest` for the manual item, for `commit`; returns what it printed."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(
            ["attest", "trade-offs", "--by", "Ada", "--note", "see ADR", "--commit", commit]
        )
    assert code == 0
    return out.getvalue()


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[GitRepo, str]:
    repo = make_repo(tmp_path, monkeypatch)
    repo.write("pyproject.toml", RUFF_PROJECT)
    repo.write(DOD, DOD_TEXT)
    repo.write("src/shop/__init__.py", "")
    repo.write("src/shop/cart.py", "def total(prices):\n    return sum(prices)\n")
    base = repo.commit("base")
    monkeypatch.chdir(repo.root)
    return repo, base


def test_ruff_and_the_dod_fail_then_pass_when_the_change_is_fixed_and_attested(
    shop: tuple[GitRepo, str],
) -> None:
    repo, base = shop
    repo.write("src/shop/cart.py", "import os\n\n\ndef total(prices):\n    return sum(prices)\n")
    head = repo.commit("feat: totals")
    attest(base)  # a commit outside the change proves nothing

    broken = check(base, "checks,dod")

    checks = gate(broken, "checks")
    assert checks["status"] == "fail"
    assert checks["summary"] == "1 error (ruff ✗ (1))"
    (failed,) = checks["findings"]
    assert failed["rule"] == "checks/command-failed"
    assert "`python -m ruff check .`" in failed["message"]
    assert "F401" in failed["evidence"]
    assert "src/shop/cart.py:1" in failed["evidence"]
    dod = gate(broken, "dod")
    assert rules(dod) == [
        ("dod/item-not-met", "error", DOD, CHECKS_LINE),
        ("dod/item-not-checked", "warning", DOD, SECRETS_LINE),
        ("dod/item-not-attested", "error", DOD, MANUAL_LINE),
    ]
    assert "attested for" in dod["findings"][2]["evidence"]

    repo.write("src/shop/cart.py", "def total(prices):\n    return sum(prices) + 0\n")
    printed = attest(head)
    fixed = check(base, "checks,secrets,dod")

    assert f'attested "{MANUAL}" for {head[:12]} by Ada' in printed
    assert fixed["verdict"] == "pass"
    assert gate(fixed, "checks")["summary"] == "no findings (ruff ✓)"
    assert (gate(fixed, "dod")["status"], gate(fixed, "dod")["findings"]) == ("pass", [])
    assert "3 items: 2 proven by gates, 1 attested, 0 open" in gate(fixed, "dod")["summary"]
    assert not (repo.root / ".ruff_cache").exists()


def test_declared_commands_replace_detection_and_fail_with_their_exit_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch)
    repo.write(
        "pyproject.toml",
        "[tool.ruff]\n\n"
        + PYTHON_SETTING
        + "\n[tool.backdev.checks]\n"
        + CUSTOM_CHECK
        + "fine = 'python -c pass'\n",
    )
    repo.write("app.py", "x = 1\n")
    base = repo.commit("base")
    repo.write("app.py", "import os\n")  # ruff would fail: it is configured but not declared
    monkeypatch.chdir(repo.root)

    result = gate(check(base, "checks"), "checks")

    assert result["summary"] == "1 error (custom ✗ (3), fine ✓)"
    (finding,) = result["findings"]
    assert finding["rule"] == "checks/command-failed"
    assert "exited with status 3" in finding["message"]
    assert finding["evidence"] == "custom check failed"


def test_skips_when_the_project_configures_no_tool_and_has_no_definition_of_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch)
    repo.write("app.py", "x = 1\n")
    base = repo.commit("base")
    repo.write("app.py", "import os\n")
    monkeypatch.chdir(repo.root)

    report = check(base, "checks,dod")

    assert gate(report, "checks")["status"] == "skip"
    assert "configures none of ruff, mypy, pytest" in gate(report, "checks")["summary"]
    assert gate(report, "dod")["status"] == "skip"
    assert DOD in gate(report, "dod")["summary"]


def test_reports_an_unavailable_tool_when_the_project_s_interpreter_lacks_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch)
    repo.write(
        "pyproject.toml",
        "[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n\n"
        + PYTHON_SETTING,
    )
    repo.write("app.py", "x = 1\n")
    base = repo.commit("base")
    repo.write("app.py", "x = 2\n")
    monkeypatch.chdir(repo.root)

    result = gate(check(base, "checks"), "checks")

    (finding,) = result["findings"]
    assert result["summary"] == "1 error (build ✗ (unavailable))"
    assert finding["rule"] == "checks/command-unavailable"
    assert "No module named 'build'" in finding["message"]
    assert "install build" in finding["fix"]


def test_takes_the_suite_result_from_the_single_evidence_run_when_pytest_is_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch)
    repo.write(
        "pyproject.toml",
        "[tool.pytest.ini_options]\ntestpaths = ['tests']\n\n" + PYTHON_SETTING,
    )
    repo.write("tests/test_cart.py", "def test_total():\n    assert sum([1, 2]) == 3\n")
    base = repo.commit("base")
    repo.write("tests/test_cart.py", "def test_total():\n    assert sum([1, 2]) == 4\n")
    monkeypatch.chdir(repo.root)

    broken = gate(check(base, "checks"), "checks")

    (finding,) = broken["findings"]
    assert broken["summary"] == "1 error (pytest ✗ (1))"
    assert finding["rule"] == "checks/command-failed"
    assert "1 failed" in finding["message"]
    assert "tests/test_cart.py::test_total" in finding["evidence"]

    repo.write("tests/test_cart.py", "def test_total():\n    assert sum([1, 2, 3]) == 6\n")
    fixed = gate(check(base, "checks"), "checks")

    assert (fixed["status"], fixed["summary"]) == ("pass", "no findings (pytest ✓)")


def test_warns_with_the_reason_when_an_item_s_gate_skipped_and_passes_a_proven_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch)
    repo.write(
        DOD,
        "# DoD\n\n- [ ] The change stays in scope {gate: scope}\n"
        "- [ ] No secret is added {gate: secrets}\n",
    )
    repo.write("app.py", "x = 1\n")
    base = repo.commit("base")
    repo.write("app.py", "x = 2\n")
    monkeypatch.chdir(repo.root)

    report = check(base, "scope,secrets,dod")

    dod = gate(report, "dod")
    (finding,) = dod["findings"]
    assert (report["verdict"], dod["status"]) == ("pass", "warn")
    assert rules(dod) == [("dod/item-not-proven", "warning", DOD, 3)]
    assert "gate scope skipped (no feature given" in finding["message"]
    assert "2 items: 1 proven by gates, 0 attested, 1 open" in dod["summary"]
