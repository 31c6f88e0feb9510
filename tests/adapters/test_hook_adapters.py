"""The hook adapters on real git repositories: hook files, index snapshots, Stop memory."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

import pytest

from backdev.adapters.git_snapshot import GitIndexSnapshot
from backdev.adapters.hook_files import GitHookFiles
from backdev.adapters.hook_state import JsonStopMemory
from backdev.application.claude_stop import StopRecord
from backdev.domain.errors import ConfigError
from tests.gitrepo import GitRepo, make_repo


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    repo = make_repo(tmp_path, monkeypatch)
    repo.write("app.py", "x = 1\n")
    repo.commit("base")
    return repo


def test_hooks_live_in_the_git_directory_when_nothing_is_configured(repo: GitRepo) -> None:
    found = GitHookFiles(repo.root).path_of("pre-commit")
    assert found == repo.root / ".git" / "hooks" / "pre-commit"


def test_a_relative_core_hooks_path_is_resolved_from_the_top_when_run_in_a_subfolder(
    repo: GitRepo,
) -> None:
    repo.git("config", "core.hooksPath", ".githooks")
    (repo.root / "src" / "deep").mkdir(parents=True)
    found = GitHookFiles(repo.root / "src" / "deep").path_of("pre-push")
    assert found == repo.root / ".githooks" / "pre-push"


def test_a_linked_worktree_shares_the_main_repositorys_hooks(repo: GitRepo, tmp_path: Path) -> None:
    repo.git("worktree", "add", "--quiet", str(tmp_path / "wt"))
    found = GitHookFiles(tmp_path / "wt").path_of("pre-commit")
    assert found.resolve() == (repo.root / ".git" / "hooks" / "pre-commit").resolve()


def test_a_written_hook_is_executable_and_read_back_when_its_folder_did_not_exist(
    tmp_path: Path,
) -> None:
    files = GitHookFiles(tmp_path)
    path = tmp_path / "new-hooks" / "pre-commit"
    assert files.read(path) is None
    files.write(path, "#!/bin/sh\nexit 0\n")
    assert files.read(path) == "#!/bin/sh\nexit 0\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o755
    assert [p.name for p in path.parent.iterdir()] == ["pre-commit"]


def test_the_snapshot_holds_the_staged_content_only_when_the_tree_has_more(
    repo: GitRepo,
) -> None:
    repo.write("app.py", "x = 2\n")
    repo.git("add", "app.py")
    repo.write("app.py", "x = 3\n")  # unstaged on top of the staged edit
    repo.write("scratch.py", "y = 1\n")  # untracked
    head_before = repo.sha()
    index = repo.root / ".git" / "index"
    index_bytes, index_mtime = index.read_bytes(), index.stat().st_mtime_ns

    base, head = GitIndexSnapshot(repo.root).commit_index()

    assert base == head_before
    assert repo.git("show", f"{head}:app.py") == "x = 2\n"
    assert "scratch.py" not in repo.git("ls-tree", "--name-only", head)
    assert repo.git("rev-parse", f"{head}^").strip() == head_before
    assert repo.sha() == head_before  # no ref moved
    assert (index.read_bytes(), index.stat().st_mtime_ns) == (index_bytes, index_mtime)
    assert (repo.root / "app.py").read_text() == "x = 3\n"


def test_the_snapshot_reads_the_index_git_names_when_a_hook_gets_one(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `git commit -a` runs the hook with GIT_INDEX_FILE naming a temporary index.
    monkeypatch.setenv("GIT_INDEX_FILE", str(repo.root / ".git" / "other-index"))
    repo.git("read-tree", "HEAD")
    repo.write("app.py", "x = 5\n")
    repo.git("add", "app.py")
    _, head = GitIndexSnapshot(repo.root).commit_index()
    assert repo.git("show", f"{head}:app.py") == "x = 5\n"

    monkeypatch.delenv("GIT_INDEX_FILE")
    _, head = GitIndexSnapshot(repo.root).commit_index()
    assert repo.git("show", f"{head}:app.py") == "x = 1\n"


def test_the_base_is_an_empty_root_when_nothing_was_committed_yet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = make_repo(tmp_path, monkeypatch, name="fresh")
    fresh.write("README.md", "# Notes\n")
    fresh.git("add", "README.md")
    base, head = GitIndexSnapshot(fresh.root).commit_index()
    assert fresh.git("ls-tree", base) == ""
    assert fresh.git("ls-tree", "--name-only", head) == "README.md\n"


def test_an_unmerged_index_is_a_config_error_saying_how_to_go_on(repo: GitRepo) -> None:
    repo.git("checkout", "--quiet", "-b", "other")
    repo.write("app.py", "x = 'other'\n")
    repo.commit("other side")
    repo.git("checkout", "--quiet", "main")
    repo.write("app.py", "x = 'main'\n")
    repo.commit("main side")
    merged = subprocess.run(
        ["git", "merge", "other"], cwd=repo.root, capture_output=True, check=False
    )
    assert merged.returncode != 0
    with pytest.raises(ConfigError, match="resolve merge conflicts"):
        GitIndexSnapshot(repo.root).commit_index()


def test_a_stop_record_is_kept_and_forgotten_per_session(tmp_path: Path) -> None:
    folder = tmp_path / ".backdev" / "hooks"
    memory = JsonStopMemory(folder)
    assert memory.recall("s1") is None
    memory.remember("s1", StopRecord("f" * 64, 2))
    assert memory.recall("s1") == StopRecord("f" * 64, 2)
    assert memory.recall("s2") is None
    assert (tmp_path / ".backdev" / ".gitignore").read_text() == "*\n"
    [kept] = folder.iterdir()
    assert "s1" not in kept.name
    memory.remember("s1", None)
    assert memory.recall("s1") is None
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("content", ["{broken", "[]", json.dumps({"fingerprint": 1, "blocks": 2})])
def test_an_unreadable_stop_record_counts_as_none(tmp_path: Path, content: str) -> None:
    memory = JsonStopMemory(tmp_path)
    memory.remember("s1", StopRecord("f" * 64, 1))
    [kept] = tmp_path.iterdir()
    kept.write_text(content)
    assert memory.recall("s1") is None
