"""Test evidence: what one instrumented run of the project's tests proved.

One run per check, shared by every gate that needs it: outcomes per test, the
acceptance criteria each test is linked to, and line and branch coverage with the
tests that executed each line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

Outcome = Literal["passed", "failed", "error", "skipped", "xfailed", "xpassed", "deselected"]
LinkSource = Literal["marker", "bdd", "name", "docstring"]


def _empty() -> Mapping[int, frozenset[str]]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class TestLink:
    """A test linked to a criterion, and how the link was made (marker is the strongest)."""

    __test__ = False  # a domain value, not a test class for pytest to collect

    criterion: str
    source: LinkSource


@dataclass(frozen=True, slots=True)
class TestResult:
    """One test (one parametrised case) and how it ended in this run.

    `nodeid` is pytest's id (`tests/test_x.py::TestY::test_z[1]`); `path` and `line`
    locate the test function (line 0 when unknown); `message` is the short reason
    for a failure, error or skip.
    """

    __test__ = False  # a domain value, not a test class for pytest to collect

    nodeid: str
    outcome: Outcome
    path: str
    line: int = 0
    links: tuple[TestLink, ...] = ()
    message: str = ""

    @property
    def passed(self) -> bool:
        """Only a test that ran and passed proves anything."""
        return self.outcome == "passed"

    @property
    def criteria(self) -> tuple[str, ...]:
        """The criterion ids this test is linked to, in the order found, without repeats."""
        return tuple(dict.fromkeys(link.criterion for link in self.links))


@dataclass(frozen=True, slots=True)
class FileCoverage:
    """Coverage of one source file (repository-relative path).

    `statements` are the executable lines; `executed` the lines that ran;
    `branches` maps each line that branches to the lines it can jump to (a
    negative number is an exit from the code object, as coverage.py writes it);
    `taken` holds the (from, to) arcs that ran; `contexts` maps a line to the
    node ids of the tests that executed it.
    """

    path: str
    statements: frozenset[int]
    executed: frozenset[int]
    branches: Mapping[int, frozenset[int]] = field(default_factory=lambda: MappingProxyType({}))
    taken: frozenset[tuple[int, int]] = frozenset()
    contexts: Mapping[int, frozenset[str]] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True)
class TestEvidence:
    """The result of one run of the project's tests at one revision.

    `problem` is set when the run could not produce evidence at all (the tests
    could not be collected, pytest or coverage is missing, the run timed out): it
    says what happened, and `output` holds the tail of what the run printed.
    """

    __test__ = False  # a domain value, not a test class for pytest to collect

    revision: str
    command: tuple[str, ...]
    exit_code: int
    results: tuple[TestResult, ...] = ()
    coverage: Mapping[str, FileCoverage] = field(default_factory=lambda: MappingProxyType({}))
    problem: str | None = None
    output: str = ""
    seconds: float = 0.0
    fix: str = ""
    """How to make the run produce evidence, when the runner can tell (e.g. what to install)."""

    def for_criterion(self, criterion: str) -> tuple[TestResult, ...]:
        """The tests linked to `criterion`, in run order."""
        return tuple(r for r in self.results if criterion in r.criteria)

    def result(self, nodeid: str) -> TestResult | None:
        """The test with this node id, or None when it was not collected."""
        for result in self.results:
            if result.nodeid == nodeid:
                return result
        return None
