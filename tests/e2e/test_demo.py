"""`backdev demo`, the first thing every newcomer runs: its three acts, its exit code, and
nothing left behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import isolate_git


def _demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str
) -> subprocess.CompletedProcess[str]:
    isolate_git(tmp_path, monkeypatch)
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "backdev", "demo", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_three_acts_play_and_nothing_is_left_when_the_demo_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = _demo(tmp_path, monkeypatch)

    out = shown.stdout
    assert shown.returncode == 0, out + shown.stderr
    act1, rest = out.split("Act 2: the role run by the agent", 1)
    act2, act3 = rest.split("Act 3: stop-loss", 1)
    assert "$ backdev check --base main --feature FEAT-001" in act1
    for finding in (
        "architecture/forbidden-violation",
        "privacy/credential-default",
        "tests/test-removed",
    ):
        assert finding in act1
    assert "(exit 1)" in act1
    assert "REPLAY of a recorded session" in act2
    assert "The quality gates rejected attempt 1" not in act2  # that text goes to the model
    assert "run 1 is done: 1 step(s) committed on backdev/FEAT-001" in act2
    assert "Feature: FEAT-001\n  Criterion: AC-2\n  Step: 1/1\n  Gates: pass" in act2
    assert "2 of 2 criteria proven" in act2
    assert "run 2 stopped and escalated: the same failure 3 times" in act3
    assert "- Rule: stop-loss (architecture/forbidden-violation)" in act3
    assert "(exit 3)" in act3
    assert "nothing was left behind" in act3
    assert "backdev run FEAT-012 --model" in act3
    assert list((tmp_path / "temp").iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "temp"]


def test_the_repository_stays_to_explore_when_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tmp_path / "kept"

    shown = _demo(tmp_path, monkeypatch, "--keep", str(kept))

    assert shown.returncode == 0, shown.stdout + shown.stderr
    branches = subprocess.run(
        ["git", "branch", "--format=%(refname:short)"],
        cwd=kept,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert sorted(branches) == [
        "backdev/FEAT-001",
        "backdev/FEAT-001-stubborn",
        "careless-agent",
        "main",
    ]
    assert (kept / ".backdev/escalations/FEAT-001-1.md").is_file()
    assert f"the repository is in {kept}" in shown.stdout


def test_a_folder_with_files_is_refused_when_given_to_keep(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tmp_path / "mine"
    kept.mkdir()
    (kept / "notes.txt").write_text("my notes\n")

    shown = _demo(tmp_path, monkeypatch, "--keep", str(kept))

    assert shown.returncode == 2
    assert "not an empty folder, and the demo never writes over files" in shown.stderr
    assert [p.name for p in kept.iterdir()] == ["notes.txt"]
