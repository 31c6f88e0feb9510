"""A tree already tested in this process is not tested again; any change is."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from backdev.adapters.pytest_runner import PytestRunner
from backdev.domain.changes import WORKTREE
from tests.gitrepo import GitRepo, make_repo

# Each run of the suite appends a line to an ignored file: the count of real runs.
COUNTING_TEST = """from pathlib import Path


def test_counts_its_runs() -> None:
    with Path("runs.log").open("a") as log:
        log.write("ran\\n")
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    repo = make_repo(tmp_path, monkeypatch)
    repo.write(".gitignore", "runs.log\n")
    repo.write("pyproject.toml", f"[tool.backdev]\npython = {json.dumps(sys.executable)}\n")
    repo.write("app.py", "X = 1\n")
    repo.write("tests/test_app.py", COUNTING_TEST)
    repo.commit("base")
    return repo


def _runs(repo: GitRepo) -> int:
    log = repo.root / "runs.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_the_same_work_tree_is_tested_once_when_asked_twice(repo: GitRepo) -> None:
    runner = PytestRunner(repo.root, sys.executable)

    first = runner.run(WORKTREE)
    second = PytestRunner(repo.root, sys.executable).run(WORKTREE)

    assert first.problem is None
    assert second == first
    assert _runs(repo) == 1


def test_a_commit_reuses_the_run_of_its_work_tree_when_the_trees_are_equal(repo: GitRepo) -> None:
    runner = PytestRunner(repo.root, sys.executable)
    first = runner.run(WORKTREE)

    at_head = runner.run(repo.sha())

    assert at_head.revision == repo.sha()
    # a real run at a commit happens in a temporary worktree with a fresh run folder,
    # whose path is part of the command: the same command means the same run
    assert at_head.command == first.command


@pytest.mark.parametrize(
    "change",
    [
        lambda repo: repo.write("app.py", "X = 2\n"),  # a tracked file
        lambda repo: repo.write("new_module.py", "Y = 1\n"),  # an untracked file
    ],
)
def test_the_tests_run_again_when_a_file_changed(repo: GitRepo, change: object) -> None:
    runner = PytestRunner(repo.root, sys.executable)
    runner.run(WORKTREE)

    change(repo)  # type: ignore[operator]
    runner.run(WORKTREE)

    assert _runs(repo) == 2


def test_the_tests_run_again_when_the_selection_or_environment_differs(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = PytestRunner(repo.root, sys.executable)
    runner.run(WORKTREE)

    runner.run(WORKTREE, ["tests/test_app.py"])
    monkeypatch.setenv("SHOP_MODE", "other")
    runner.run(WORKTREE)

    assert _runs(repo) == 3
