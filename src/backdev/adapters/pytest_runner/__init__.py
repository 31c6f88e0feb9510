"""The pytest test runner: the project's own suite, once, under coverage.py and the `ac` plugin."""

from __future__ import annotations

from backdev.adapters.pytest_runner.command import find_python
from backdev.adapters.pytest_runner.run import PytestRunner

__all__ = ["PytestRunner", "find_python"]
