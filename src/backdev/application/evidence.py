"""One instrumented test run per revision per check, shared by every gate that needs it."""

from __future__ import annotations

import threading

from backdev.application.ports import TestRunner
from backdev.domain.changes import ChangeSet
from backdev.domain.evidence import TestEvidence


class SharedEvidence:
    """Runs the project's tests lazily, at most once per revision, whichever gate asks first.

    Gates run in threads: the first to ask starts the run, the others wait for its
    result instead of starting a second run.
    """

    def __init__(self, runner: TestRunner, change: ChangeSet) -> None:
        self._runner = runner
        self._change = change
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._runs: dict[str, TestEvidence] = {}

    @property
    def runner(self) -> TestRunner:
        """The runner, for gates that need a run of their own (a selection or an overlay)."""
        return self._runner

    def head(self) -> TestEvidence:
        """The whole suite at the change's head."""
        return self._at(self._change.head)

    def base(self) -> TestEvidence:
        """The whole suite at the change's base."""
        return self._at(self._change.base)

    def _at(self, revision: str) -> TestEvidence:
        # One lock per revision: the base and the head may run at the same time.
        with self._lock:
            lock = self._locks.setdefault(revision, threading.Lock())
        with lock:
            if revision not in self._runs:
                self._runs[revision] = self._runner.run(revision)
            return self._runs[revision]
