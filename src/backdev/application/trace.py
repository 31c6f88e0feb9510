"""The `trace` use case: acceptance criterion -> linked tests -> their outcome in one run.

`build_trace` is the pure judgement (also used by the `acceptance` gate, so both say
the same thing about a criterion); `run_trace` loads the feature and runs the tests.
A criterion is `proven` when it has linked tests and every one of them ran and
passed; `missing` when no linked test ran (none is linked, or every linked test was
skipped or deselected); `failing` otherwise.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal, get_args

from backdev.application.lint import SpecParsers
from backdev.application.ports import TestRunner
from backdev.application.specs import load_specs
from backdev.domain.changes import WORKTREE
from backdev.domain.errors import ConfigError
from backdev.domain.evidence import LinkSource, Outcome, TestEvidence, TestResult
from backdev.domain.features import AcceptanceCriterion, Feature

CriterionStatus = Literal["proven", "failing", "missing"]
CRITERION_STATUSES: tuple[str, ...] = get_args(CriterionStatus)
TRACE_SCHEMA = "backdev.trace/1"
NOT_RUN: frozenset[Outcome] = frozenset({"skipped", "deselected"})
"""Outcomes of a test that was collected but never executed: it proves nothing."""


@dataclass(frozen=True, slots=True)
class TracedTest:
    """A test linked to one criterion: its outcome and how it is linked to that criterion."""

    nodeid: str
    outcome: Outcome
    links: tuple[LinkSource, ...]
    message: str = ""

    @property
    def passed(self) -> bool:
        """Only a test that ran and passed proves anything."""
        return self.outcome == "passed"


@dataclass(frozen=True, slots=True)
class CriterionTrace:
    """One criterion of the feature, with every test linked to it in this run."""

    id: str
    title: str
    line: int
    status: CriterionStatus
    tests: tuple[TracedTest, ...] = ()

    @property
    def unproven(self) -> tuple[TracedTest, ...]:
        """The linked tests that did not run and pass."""
        return tuple(t for t in self.tests if not t.passed)


@dataclass(frozen=True, slots=True)
class Trace:
    """The traceability matrix of one feature at one revision.

    `problem` is set when the tests could not produce evidence at all; every
    criterion is then `missing`, and `output` holds the tail of what the run printed.
    """

    feature: str
    title: str
    path: str
    revision: str
    criteria: tuple[CriterionTrace, ...]
    problem: str | None = None
    output: str = ""

    def count(self, status: CriterionStatus) -> int:
        """How many criteria have this status."""
        return sum(1 for c in self.criteria if c.status == status)


@dataclass(frozen=True, slots=True)
class TraceServices:
    """What `run_trace` needs, wired in the composition root."""

    specs: SpecParsers
    tests: TestRunner


def build_trace(
    feature: Feature, evidence: TestEvidence, only: Collection[str] | None = None
) -> Trace:
    """Trace each criterion of `feature` (or only the ids in `only`) through `evidence`."""
    criteria = tuple(
        trace_criterion(criterion, evidence)
        for criterion in feature.criteria
        if only is None or criterion.id in only
    )
    return Trace(
        feature=feature.id,
        title=feature.title,
        path=feature.path,
        revision=evidence.revision,
        criteria=criteria,
        problem=evidence.problem,
        output=evidence.output,
    )


def trace_criterion(criterion: AcceptanceCriterion, evidence: TestEvidence) -> CriterionTrace:
    """One criterion's linked tests and status (see the module docstring)."""
    tests = tuple(_traced(result, criterion.id) for result in evidence.for_criterion(criterion.id))
    ran = [t for t in tests if t.outcome not in NOT_RUN]
    status: CriterionStatus
    if not ran:
        status = "missing"
    elif all(t.passed for t in tests):
        status = "proven"
    else:
        status = "failing"
    return CriterionTrace(criterion.id, criterion.title, criterion.line, status, tests)


def run_trace(services: TraceServices, feature_ref: str, revision: str = WORKTREE) -> Trace:
    """Load the feature (`feature_ref`: a file's path or a feature id), run the project's
    whole test suite at `revision` (default: the working tree) and trace the feature.

    Raises SpecError for invalid spec files and ConfigError when the feature cannot
    be found; a test run that produces no evidence is reported in `Trace.problem`.
    """
    root = services.specs.files.root()
    specs = load_specs(services.specs, root, feature_ref)
    if specs.feature is None:  # load_specs raises first; this keeps the type checker honest
        raise ConfigError(f"feature {feature_ref!r} not found")
    evidence = services.tests.run(revision)
    return build_trace(specs.feature, evidence)


def _traced(result: TestResult, criterion: str) -> TracedTest:
    sources = tuple(
        dict.fromkeys(link.source for link in result.links if link.criterion == criterion)
    )
    return TracedTest(result.nodeid, result.outcome, sources, result.message)
