"""A run's git operations on real repositories: branches, commits, stashes, reverts."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from backdev.adapters.run_git import GitRunRepository
from backdev.application.agent_ports import CommitRefused
from backdev.domain.errors import ConfigError
from tests.gitrepo import IDENTITY, GitRepo, make_repo

IGNORES = ".env\ndata/\n*.log\n"
MESSAGE = "Store a single-use reset token\n\nFeature: FEAT-012\nCriterion: AC-1\nStep: 1/3\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """A repository with one commit, an ignored `.env` and an ignored `data/` directory."""
    repo = make_repo(tmp_path, monkeypatch)
    repo.write(".gitignore", IGNORES)
    repo.write("src/app.py", "x = 1\n")
    repo.write("src/old.py", "y = 2\n")
    repo.commit("base")
    repo.write(".env", "API_TOKEN=" + "t" * 24 + "\n")
    repo.write("data/local.db", b"\0local data")
    return repo


def _forget_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [*IDENTITY, "EMAIL"]:
        monkeypatch.delenv(name, raising=False)


def test_names_head_and_branch_when_the_repository_has_commits(repo: GitRepo) -> None:
    git = GitRunRepository(repo.root)

    assert git.head() == repo.sha()
    assert git.branch() == "main"
    assert git.branch_exists("main")
    assert not git.branch_exists("backdev/FEAT-012")


def test_says_the_repository_needs_a_commit_when_it_has_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch)

    with pytest.raises(ConfigError, match="has no commits yet"):
        GitRunRepository(repo.root).head()


def test_reports_no_branch_when_head_is_detached(repo: GitRepo) -> None:
    repo.git("checkout", "--quiet", "--detach")

    assert GitRunRepository(repo.root).branch() is None


def test_creates_and_switches_branches_when_asked(repo: GitRepo) -> None:
    git = GitRunRepository(repo.root)
    base = repo.sha()

    git.create_branch("backdev/FEAT-012", base)
    assert (git.branch(), git.head()) == ("backdev/FEAT-012", base)
    git.switch("main")

    assert git.branch() == "main"
    assert git.branch_exists("backdev/FEAT-012")
    with pytest.raises(ConfigError, match="`git switch` failed"):
        git.switch("no-such-branch")


def test_lists_every_kind_of_change_but_no_ignored_file_when_the_tree_is_dirty(
    repo: GitRepo,
) -> None:
    repo.write("src/app.py", "x = 3\n")
    repo.write("src/staged.py", "z = 1\n")
    repo.git("add", "src/staged.py")
    repo.git("mv", "src/old.py", "src/renamed.py")
    repo.write("docs/notes/new file.md", "# ü\n")
    repo.write("debug.log", "ignored\n")

    assert GitRunRepository(repo.root).dirty() == [
        "docs/notes/new file.md",
        "src/app.py",
        "src/old.py",
        "src/renamed.py",
        "src/staged.py",
    ]


def test_lists_nothing_when_only_ignored_files_changed(repo: GitRepo) -> None:
    repo.write(".env", "API_TOKEN=changed\n")

    assert GitRunRepository(repo.root).dirty() == []


def test_stashes_changes_and_keeps_ignored_files_when_the_tree_is_dirty(repo: GitRepo) -> None:
    repo.write("src/app.py", "x = 3\n")
    repo.write("src/new.py", "n = 1\n")
    git = GitRunRepository(repo.root)

    sha = git.stash("backdev: before FEAT-012")

    assert sha == repo.sha("stash@{0}")
    assert "backdev: before FEAT-012" in repo.git("stash", "list")
    assert git.dirty() == []
    assert not (repo.root / "src/new.py").exists()
    assert (repo.root / ".env").exists()
    assert (repo.root / "data/local.db").read_bytes() == b"\0local data"


def test_returns_no_sha_when_there_is_nothing_to_stash(repo: GitRepo) -> None:
    repo.write("src/app.py", "x = 3\n")
    git = GitRunRepository(repo.root)
    git.stash("an older stash")

    assert git.stash("nothing new") == ""
    assert repo.git("stash", "list").count("\n") == 1


def test_stashes_under_the_fallback_identity_when_the_user_has_none(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forget_identity(monkeypatch)
    repo.write("src/app.py", "x = 3\n")

    sha = GitRunRepository(repo.root).stash("backdev: before FEAT-012")

    assert repo.git("log", "-1", "--format=%an <%ae>", sha).strip() == "backdev <backdev@localhost>"


def test_commits_every_change_but_ignored_files_when_committing_all(repo: GitRepo) -> None:
    repo.write("src/app.py", "x = 3\n")
    repo.write("src/new.py", "n = 1\n")
    repo.delete("src/old.py")
    git = GitRunRepository(repo.root)
    base = repo.sha()

    sha = git.commit_all(MESSAGE)

    assert sha == repo.sha() != base
    assert git.dirty() == []
    assert repo.git("ls-files").split() == [".gitignore", "src/app.py", "src/new.py"]
    assert git.commit_message(sha) == MESSAGE.rstrip("\n")
    assert repo.git("log", "-1", "--format=%an <%ae>").strip() == "Test Author <author@example.com>"


def test_commits_as_backdev_when_git_knows_no_identity(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forget_identity(monkeypatch)
    repo.write("src/app.py", "x = 3\n")
    git = GitRunRepository(repo.root)

    assert not git.has_identity()
    git.commit_all(MESSAGE)

    shown = repo.git("log", "-1", "--format=%an <%ae>|%cn <%ce>").strip()
    assert shown == "backdev <backdev@localhost>|backdev <backdev@localhost>"


def test_finds_the_identity_when_it_is_in_the_git_configuration(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forget_identity(monkeypatch)
    repo.git("config", "user.name", "Ada Lovelace")
    assert not GitRunRepository(repo.root).has_identity()  # a name alone is not enough

    repo.git("config", "user.email", "ada@example.com")
    repo.write("src/app.py", "x = 3\n")
    git = GitRunRepository(repo.root)

    assert git.has_identity()
    git.commit_all(MESSAGE)
    assert repo.git("log", "-1", "--format=%an <%ae>").strip() == "Ada Lovelace <ada@example.com>"


def test_finds_the_identity_when_it_comes_from_the_environment(repo: GitRepo) -> None:
    assert GitRunRepository(repo.root).has_identity()


def test_reports_the_hook_output_when_a_hook_rejects_the_commit(repo: GitRepo) -> None:
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'lint: src/app.py:1 line too long' >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    repo.write("src/app.py", "x = 3\n")
    base = repo.sha()

    with pytest.raises(CommitRefused, match=r"lint: src/app\.py:1 line too long") as caught:
        GitRunRepository(repo.root).commit_all(MESSAGE)

    assert "a hook may have rejected it" in str(caught.value)
    assert repo.sha() == base


def test_runs_the_users_hooks_when_committing(repo: GitRepo) -> None:
    hook = repo.root / ".git" / "hooks" / "commit-msg"
    hook.write_text('#!/bin/sh\necho "Reviewed-by: hook" >> "$1"\n')
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    repo.write("src/app.py", "x = 3\n")
    git = GitRunRepository(repo.root)

    sha = git.commit_all(MESSAGE)

    assert git.commit_message(sha).endswith("Step: 1/3\nReviewed-by: hook")


def test_lists_the_run_commits_oldest_first_when_asked_for_a_range(repo: GitRepo) -> None:
    base = repo.sha()
    repo.write("src/app.py", "x = 3\n")
    first = repo.commit("step 1")
    repo.write("src/app.py", "x = 4\n")
    second = repo.commit("step 2")

    git = GitRunRepository(repo.root)

    assert git.log(base, second) == [first, second]
    assert git.log(second, second) == []


def test_goes_back_to_green_and_keeps_ignored_files_when_reset_hard(repo: GitRepo) -> None:
    green = repo.sha()
    repo.write("src/app.py", "x = 3\n")
    repo.commit("a red step that got committed")
    repo.write("src/app.py", "x = 4\n")
    repo.write("src/made_by_the_run.py", "r = 1\n")
    repo.write("tests/new_dir/test_x.py", "def test_x(): ...\n")
    repo.write(".backdev/.gitignore", "*\n")
    repo.write(".backdev/runs.sqlite3", b"run record")

    git = GitRunRepository(repo.root)
    git.reset_hard(green)

    assert git.head() == green
    assert git.dirty() == []
    assert (repo.root / "src/app.py").read_text() == "x = 1\n"
    assert not (repo.root / "src/made_by_the_run.py").exists()
    assert not (repo.root / "tests/new_dir").exists()
    assert (repo.root / ".env").read_text().startswith("API_TOKEN=")
    assert (repo.root / "data/local.db").read_bytes() == b"\0local data"
    assert (repo.root / ".backdev/runs.sqlite3").read_bytes() == b"run record"


def test_shows_tracked_changes_and_untracked_files_when_asked_for_a_stat(repo: GitRepo) -> None:
    base = repo.sha()
    repo.write("src/app.py", "x = 3\ny = 4\n")
    repo.commit("step 1")
    repo.delete("src/old.py")
    repo.write("src/new.py", "n = 1\n")

    shown = GitRunRepository(repo.root).diff_stat(base)

    lines = shown.splitlines()
    assert any(line.startswith(" src/app.py") and "++" in line for line in lines)
    assert any(line.startswith(" src/old.py") for line in lines)
    assert "2 files changed" in shown
    assert lines[-1] == " src/new.py (untracked)"
    assert ".env" not in shown
    assert "data/" not in shown
