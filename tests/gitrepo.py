"""Real, throw-away git repositories for integration tests.

Typical use::

    repo = make_repo(tmp_path, monkeypatch)      # `main` branch, no commits yet
    repo.write("src/app.py", "x = 1\\n")
    base = repo.commit("base")                   # stages everything, returns the sha
    repo.write("src/app.py", "x = 2\\n")         # the change under test
    monkeypatch.chdir(repo.root)

`make_repo` also isolates git from the machine: no system or user configuration,
`HOME` inside `tmp_path`, a fixed identity, and no `GIT_DIR`-style variables leaking in
from a hook that runs the tests.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
}
_LEAKY = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_GLOBAL",
    "GIT_DIFF_OPTS",
    "GIT_EXTERNAL_DIFF",
)


def isolate_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every git run in this test ignore the machine's configuration and identity."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    for name in _LEAKY:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for name, value in IDENTITY.items():
        monkeypatch.setenv(name, value)


def make_repo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str = "repo", branch: str = "main"
) -> GitRepo:
    """An empty repository at `tmp_path/name` on `branch`, with git isolated (see above)."""
    isolate_git(tmp_path, monkeypatch)
    return GitRepo.init(tmp_path / name, branch)


class GitRepo:
    """A git work tree under test; paths are relative to its root, with `/` separators."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def init(cls, root: Path, branch: str = "main") -> GitRepo:
        """`git init` a new repository at `root` whose first branch is `branch`."""
        root.mkdir(parents=True, exist_ok=True)
        repo = cls(root)
        repo.git("init", "--quiet", f"--initial-branch={branch}")
        return repo

    def git(self, *args: str) -> str:
        """Run git in the repository and return its stdout; a failure fails the test."""
        done = subprocess.run(["git", *args], cwd=self.root, capture_output=True, check=False)
        if done.returncode != 0:
            stderr = done.stderr.decode("utf-8", errors="replace")
            raise AssertionError(f"git {' '.join(args)} failed: {stderr}")
        return done.stdout.decode("utf-8", errors="surrogateescape")

    def write(self, path: str, content: str | bytes) -> Path:
        """Create or overwrite a file (parents made); str is written as UTF-8, as is."""
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        target.write_bytes(data)
        return target

    def delete(self, path: str) -> None:
        """Remove a file from the work tree (not from the index)."""
        (self.root / path).unlink()

    def move(self, old: str, new: str) -> None:
        """`git mv` a file, making the new parent directories first."""
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)

    def commit(self, message: str, *, stage_all: bool = True) -> str:
        """Commit (staging every change first unless `stage_all` is False); returns the sha."""
        if stage_all:
            self.git("add", "--all")
        self.git("commit", "--quiet", "--allow-empty", "--no-verify", "-m", message)
        return self.sha()

    def sha(self, revision: str = "HEAD") -> str:
        """The full sha a revision names."""
        return self.git("rev-parse", "--verify", f"{revision}^{{commit}}").strip()
