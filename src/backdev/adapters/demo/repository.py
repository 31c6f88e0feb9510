"""The demo's git repository: the service at its base, the careless change on a branch."""

from __future__ import annotations

import json
from pathlib import Path

from backdev.adapters.demo.service import CARELESS, FILES
from backdev.adapters.git_command import GitCommand
from backdev.application.demo import BASE_BRANCH

CARELESS_BRANCH = "careless-agent"
_IDENTITY = ("-c", "user.name=backdev demo", "-c", "user.email=demo@localhost")


class DemoRepository:
    """A throw-away repository under `root`; its tests run with `python`."""

    def __init__(self, root: Path, python: str) -> None:
        self._root = root
        self._python = python
        self._git = GitCommand(root)

    @property
    def root(self) -> Path:
        """The repository's top folder."""
        return self._root

    def create(self) -> str:
        """Write and commit the service on `main`; returns the commit's sha."""
        self._root.mkdir(parents=True, exist_ok=True)
        for path, text in FILES.items():
            self._write(path, text.replace("PYTHON", json.dumps(self._python)))
        self._git.output("init", "--quiet", f"--initial-branch={BASE_BRANCH}")
        # The demo's commits, the agent's included, carry the demo's own identity.
        self._git.output("config", "user.name", "backdev demo")
        self._git.output("config", "user.email", "demo@localhost")
        return self._commit("shop: sign-up service, principles, DoD and feature FEAT-001")

    def commit_careless_change(self) -> str:
        """Commit the careless change on its own branch; returns the commit's sha."""
        self._git.output("switch", "--quiet", "--create", CARELESS_BRANCH)
        for path, text in CARELESS.items():
            if text is None:
                (self.root / path).unlink()
            else:
                self._write(path, text)
        return self._commit("FEAT-001 AC-2: refuse duplicate sign-ups")

    def message(self, revision: str = "HEAD") -> str:
        """The full commit message of `revision`."""
        return self._git.output("log", "-1", "--format=%B", revision).decode().strip()

    def read(self, path: str) -> str:
        """The text of a file in the repository (e.g. an escalation dossier)."""
        return (self._root / path).read_text(encoding="utf-8")

    def switch(self, branch: str) -> None:
        """Check out `branch` (the tree is clean between the acts)."""
        self._git.output("switch", "--quiet", branch)

    def _write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def _commit(self, message: str) -> str:
        self._git.output("add", "--all")
        self._git.output(*_IDENTITY, "commit", "--quiet", "--no-verify", "-m", message)
        return self._git.output("rev-parse", "HEAD").decode().strip()


def recording(name: str) -> Path:
    """The path of a recorded model session shipped with the package."""
    return Path(__file__).with_name(name)
