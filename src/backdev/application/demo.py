"""The port the bundled demo needs: a throw-away repository holding the sample service."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

BASE_BRANCH = "main"


class DemoRepo(Protocol):
    """The sample service as a git repository: its base, and a careless change on a branch."""

    @property
    def root(self) -> Path: ...

    def create(self) -> str:
        """Write and commit the service on `main`; returns the commit's sha."""
        ...

    def commit_careless_change(self) -> str:
        """Commit the careless change on its own branch; returns the commit's sha."""
        ...

    def switch(self, branch: str) -> None:
        """Check out `branch`."""
        ...

    def message(self, revision: str = "HEAD") -> str:
        """The full commit message of `revision`."""
        ...

    def read(self, path: str) -> str:
        """The text of a file in the repository (e.g. an escalation dossier)."""
        ...
