"""The git operations of an agent run: its branch, its commits, and going back to green.

Everything here leaves ignored files alone: staging is `git add -A` (which honours
`.gitignore`), stashing never uses `--all`, and a revert cleans with `git clean -fd`,
never `-x`, so a user's `.env`, local data and the run record under `.backdev/` survive.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from backdev.adapters.git_command import GitCommand, GitOutput
from backdev.adapters.git_patch import decode_path
from backdev.application.agent_ports import CommitRefused
from backdev.domain.errors import ConfigError

FALLBACK_IDENTITY: tuple[str, ...] = (
    "-c",
    "user.name=backdev",
    "-c",
    "user.email=backdev@localhost",
)
"""Used for the run's commits (and stashes) when git knows no identity for the user."""
_HOOK_OUTPUT_LINES = 40


class GitRunRepository:
    """The `RunGit` port on the repository whose work tree top is `root`."""

    def __init__(self, root: Path, environ: Mapping[str, str] | None = None) -> None:
        self._environ = dict(os.environ if environ is None else environ)
        self._git = GitCommand(root, self._environ)

    def head(self) -> str:
        """The sha of HEAD; a repository without commits is a ConfigError."""
        done = self._git.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        if not done.ok:
            raise ConfigError(
                f"the repository at {self._git.cwd} has no commits yet — "
                "commit once, then start the run"
            )
        return done.stdout.decode().strip()

    def branch(self) -> str | None:
        """The checked-out branch, or None when HEAD is detached."""
        done = self._git.run("symbolic-ref", "--quiet", "--short", "HEAD")
        return decode_path(done.stdout).strip() if done.ok else None

    def branch_exists(self, name: str) -> bool:
        """True when `refs/heads/<name>` exists."""
        return self._git.run("rev-parse", "--verify", "--quiet", f"refs/heads/{name}").ok

    def dirty(self) -> list[str]:
        """Changed, staged or deleted tracked files and untracked files not ignored, sorted."""
        raw = self._git.output("status", "--porcelain=v1", "-z", "--untracked-files=all")
        fields = raw.split(b"\0")
        paths: set[str] = set()
        index = 0
        while index < len(fields) and fields[index]:
            entry = fields[index]
            paths.add(decode_path(entry[3:]))
            if entry[:1] in (b"R", b"C"):
                # A rename or copy is followed by the path it came from.
                index += 1
                paths.add(decode_path(fields[index]))
            index += 1
        return sorted(paths)

    def stash(self, message: str) -> str:
        """Stash tracked changes and untracked, not ignored files; the stash's sha or ""."""
        before = self._stash_top()
        self._as_user("stash", "push", "--include-untracked", "--message", message)
        after = self._stash_top()
        return after if after != before else ""

    def create_branch(self, name: str, start: str) -> None:
        """Create `name` at `start` and check it out (uncommitted changes come along)."""
        self._git.output("switch", "--no-track", "--create", name, start)

    def switch(self, name: str) -> None:
        """Check out the existing branch `name`."""
        self._git.output("switch", name)

    def commit_all(self, message: str) -> str:
        """Stage everything git does not ignore and commit it, hooks included; the new sha.

        A hook that rejects the commit (or anything else that stops it) raises
        CommitRefused quoting git's and the hook's output; the changes stay staged.
        """
        self._git.output("add", "--all")
        done = self._git.run(
            *self._identity(), "commit", "--quiet", "--file=-", stdin=message.encode("utf-8")
        )
        if not done.ok:
            said = (done.stderr + done.stdout.decode("utf-8", errors="replace")).strip()
            tail = "\n".join(said.splitlines()[-_HOOK_OUTPUT_LINES:]) or done.reason
            raise CommitRefused(
                f"`git commit` failed in {self._git.cwd}; a hook may have rejected it. "
                f"Git said:\n{tail}\nFix what it reports (or the hook), then resume the run."
            )
        return self.head()

    def has_identity(self) -> bool:
        """True when git has an explicit name and email for both author and committer.

        Environment variables (`GIT_AUTHOR_NAME`, ..., `EMAIL`) and the `user.*`,
        `author.*` and `committer.*` settings count, as they do for git itself.
        """
        done = self._git.run("config", "--get-regexp", r"^(user|author|committer)\.(name|email)$")
        configured = {
            key.lower()
            for key, _, value in (
                line.partition(" ") for line in done.stdout.decode(errors="replace").splitlines()
            )
            if value.strip()
        }

        def known(role: str, part: str) -> bool:
            sources = (
                bool(self._environ.get(f"GIT_{role.upper()}_{part.upper()}", "").strip()),
                f"{role}.{part}" in configured,
                f"user.{part}" in configured,
                part == "email" and bool(self._environ.get("EMAIL", "").strip()),
            )
            return any(sources)

        return all(known(r, p) for r in ("author", "committer") for p in ("name", "email"))

    def commit_message(self, sha: str) -> str:
        """The commit's full message (subject, body and trailers), without the final newline."""
        raw = self._git.output("show", "--no-patch", "--format=%B", sha)
        return raw.decode("utf-8", errors="replace").rstrip("\n")

    def log(self, base: str, head: str) -> list[str]:
        """The shas of the commits reachable from `head` but not from `base`, oldest first."""
        raw = self._git.output("rev-list", "--reverse", f"{base}..{head}", "--")
        return raw.decode().split()

    def reset_hard(self, sha: str) -> None:
        """Move the branch to `sha`, restore the tree, and delete untracked, not ignored files."""
        self._git.output("reset", "--quiet", "--hard", sha)
        self._git.output("clean", "--quiet", "-f", "-d")

    def diff_stat(self, base: str) -> str:
        """`git diff --stat` of the work tree against `base`, then one line per untracked file."""
        stat = self._git.output("diff", "--stat", base, "--").decode("utf-8", errors="replace")
        listed = self._git.output("ls-files", "-z", "--others", "--exclude-standard")
        untracked = [f" {decode_path(raw)} (untracked)" for raw in listed.split(b"\0") if raw]
        return "\n".join([*stat.rstrip("\n").splitlines(), *untracked])

    def _identity(self) -> tuple[str, ...]:
        return () if self.has_identity() else FALLBACK_IDENTITY

    def _stash_top(self) -> str:
        done = self._git.run("rev-parse", "--verify", "--quiet", "refs/stash")
        return done.stdout.decode().strip() if done.ok else ""

    def _as_user(self, *args: str) -> GitOutput:
        """Run a git command that records an identity (the fallback one when the user has none)."""
        done = self._git.run(*self._identity(), *args)
        if not done.ok:
            raise ConfigError(f"`git {' '.join(args)}` failed in {self._git.cwd}: {done.reason}")
        return done
