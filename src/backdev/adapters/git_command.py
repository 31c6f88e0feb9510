"""Running read-only git commands: bytes in, bytes out, no lock taken, no user diff tooling."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from backdev.domain.errors import ConfigError

# Options that keep git's output machine-readable whatever the user configured.
_CONFIG: tuple[str, ...] = (
    "-c",
    "core.quotepath=false",
    "-c",
    "color.ui=never",
    "-c",
    "log.showSignature=false",
)
# GIT_DIFF_OPTS overrides `-U0` from the command line; an external diff replaces the patch.
_DROPPED_ENV = frozenset({"GIT_DIFF_OPTS", "GIT_EXTERNAL_DIFF"})


@dataclass(frozen=True, slots=True)
class GitOutput:
    """What one git command returned."""

    returncode: int
    stdout: bytes
    stderr: str

    @property
    def ok(self) -> bool:
        """True when git exited with status 0."""
        return self.returncode == 0

    @property
    def reason(self) -> str:
        """Git's own explanation: the last non-empty line of its stderr."""
        lines = [line.strip() for line in self.stderr.splitlines() if line.strip()]
        return lines[-1] if lines else f"exit status {self.returncode}"


class GitCommand:
    """Runs `git` in one directory with an environment that never takes the index lock."""

    def __init__(self, cwd: Path, environ: Mapping[str, str] | None = None) -> None:
        self._cwd = cwd
        base = dict(os.environ if environ is None else environ)
        self._env = {k: v for k, v in base.items() if k not in _DROPPED_ENV}
        self._env["GIT_OPTIONAL_LOCKS"] = "0"

    @property
    def cwd(self) -> Path:
        """The directory git runs in."""
        return self._cwd

    def run(self, *args: str, stdin: bytes | None = None) -> GitOutput:
        """Run `git ARGS`; a non-zero exit is returned, a missing git is a ConfigError."""
        try:
            done = subprocess.run(
                ["git", *_CONFIG, *args],
                cwd=self._cwd,
                env=self._env,
                input=stdin,
                capture_output=True,
                check=False,
            )
        except (FileNotFoundError, NotADirectoryError) as exc:
            if not self._cwd.is_dir():
                raise ConfigError(f"{self._cwd} is not an existing directory") from exc
            raise ConfigError("git is not installed or not on PATH — install git") from exc
        stderr = done.stderr.decode("utf-8", errors="replace")
        return GitOutput(done.returncode, done.stdout, stderr)

    def output(self, *args: str, stdin: bytes | None = None) -> bytes:
        """Run `git ARGS` and return its stdout; a failure is a ConfigError quoting git."""
        result = self.run(*args, stdin=stdin)
        if not result.ok:
            raise ConfigError(f"`git {args[0]}` failed in {self._cwd}: {result.reason}")
        return result.stdout

    def in_dir(self, cwd: Path) -> GitCommand:
        """The same runner, working in another directory."""
        return GitCommand(cwd, self._env)

    def with_env(self, extra: Mapping[str, str]) -> GitCommand:
        """The same runner with more environment variables (e.g. another GIT_INDEX_FILE)."""
        return GitCommand(self._cwd, {**self._env, **extra})
