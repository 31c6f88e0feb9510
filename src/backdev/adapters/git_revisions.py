"""Resolving what a change is between: the work tree, its revisions, the default base."""

from __future__ import annotations

from pathlib import Path

from backdev.adapters.git_command import GitCommand
from backdev.domain.changes import Commit
from backdev.domain.errors import ConfigError, NotAGitRepositoryError

_DEFAULT_BRANCHES = (
    "refs/heads/main",
    "refs/remotes/origin/main",
    "refs/heads/master",
    "refs/remotes/origin/master",
)
_ORIGIN_HEAD = "refs/remotes/origin/HEAD"
_FETCH_MORE = "fetch more history (`git fetch --unshallow`, or `fetch-depth: 0` in CI)"


def work_tree_top(git: GitCommand) -> Path:
    """The top directory of the work tree `git` runs in; NotAGitRepositoryError outside one."""
    found = git.run("rev-parse", "--show-toplevel")
    top = found.stdout.decode("utf-8", errors="surrogateescape").strip()
    if found.ok and top:
        return Path(top)
    detail = "" if "not a git repository" in found.reason else f" ({found.reason})"
    raise NotAGitRepositoryError(
        f"{git.cwd} is not inside a git repository{detail} — "
        "run backdev in a git work tree, or `git init`"
    )


def head_commit(git: GitCommand) -> str:
    """The full sha of HEAD; a ConfigError when the repository has no commit yet."""
    sha = _commit_sha(git, "HEAD")
    if sha is None:
        raise ConfigError(
            f"the repository at {git.cwd} has no commits yet — "
            "commit a first version, then run backdev check"
        )
    return sha


def resolve_commit(git: GitCommand, revision: str, option: str) -> str:
    """The full sha of `revision` (given with `option`, e.g. `--base`); ConfigError if unknown."""
    sha = None if revision.startswith("-") else _commit_sha(git, revision)
    if sha is not None:
        return sha
    if is_shallow(git):
        raise ConfigError(
            f"{option} revision '{revision}' is not in this shallow clone — {_FETCH_MORE}"
        )
    raise ConfigError(
        f"{option} revision '{revision}' is not a commit of this repository — "
        "name a commit, branch or tag (`git log --oneline` lists them), or `git fetch` it"
    )


def default_base(git: GitCommand, tip: str) -> str:
    """The merge-base of `tip` with the default branch (origin/HEAD's target, main or master)."""
    branch = _default_branch(git)
    if branch is None:
        if is_shallow(git):
            raise ConfigError(f"no default branch in this shallow clone — {_FETCH_MORE}")
        raise ConfigError(
            "no default branch to compare with (none of origin/HEAD, main, master exists) "
            "— pass --base REV"
        )
    found = git.run("merge-base", branch, tip)
    sha = found.stdout.decode("ascii", errors="replace").strip()
    if found.ok and sha:
        return sha
    shown = branch.removeprefix("refs/heads/").removeprefix("refs/remotes/")
    if is_shallow(git):
        raise ConfigError(
            f"the merge-base with {shown} is not in this shallow clone — {_FETCH_MORE}"
        )
    raise ConfigError(f"the change shares no history with {shown} — pass --base REV")


def commits_between(git: GitCommand, base: str, head: str) -> tuple[Commit, ...]:
    """The commits in `base..head`, oldest first, with their full messages."""
    listed = git.output("log", "-z", "--reverse", "--format=%H%n%B", f"{base}..{head}", "--")
    commits: list[Commit] = []
    for record in listed.split(b"\0"):
        sha, _, message = record.partition(b"\n")
        if sha.strip():
            text = message.decode("utf-8", errors="replace").rstrip("\n")
            commits.append(Commit(sha.decode("ascii").strip(), text))
    return tuple(commits)


def is_shallow(git: GitCommand) -> bool:
    """True in a shallow clone, whose history stops at a cut."""
    found = git.run("rev-parse", "--is-shallow-repository")
    return found.ok and found.stdout.strip() == b"true"


def _commit_sha(git: GitCommand, revision: str) -> str | None:
    found = git.run(
        "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"
    )
    sha = found.stdout.decode("ascii", errors="replace").strip()
    return sha if found.ok and sha else None


def _default_branch(git: GitCommand) -> str | None:
    """The ref of the default branch, by preference; None when there is none."""
    listed = git.output(
        "for-each-ref", "--format=%(refname) %(symref)", _ORIGIN_HEAD, *_DEFAULT_BRANCHES
    )
    refs: dict[str, str] = {}
    for line in listed.decode("utf-8", errors="replace").splitlines():
        name, _, target = line.partition(" ")
        refs[name] = target.strip()
    origin_target = refs.get(_ORIGIN_HEAD, "")
    if origin_target:
        return origin_target
    return next((ref for ref in _DEFAULT_BRANCHES if ref in refs), None)
