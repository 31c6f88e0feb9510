"""What a new test did in one run, over all of its parametrised cases.

A run's results are matched to a test by node id: the file part, then the test's
qualified name with any `[case]` suffix removed. The file part may be relative to a
pytest rootdir below the repository root, so a path that ends with it matches too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from backdev.domain.evidence import TestEvidence, TestResult
from backdev.gates.regression_proof.added import NewTest

Verdict = Literal["passed", "failed", "other"]
_PASSING = frozenset({"passed", "xpassed"})
_SHOWN = 3


@dataclass(frozen=True, slots=True)
class Observed:
    """How one new test ended in one run: `verdict` sums up its cases."""

    verdict: Verdict
    outcome: str
    """The outcome that decided the verdict: `failed`, `error`, `skipped`, ..., or `not run`
    (absent from the run) or `not collected` (the run could not collect the tests)."""
    detail: str
    """The cases' node ids, outcomes and messages, for the finding's evidence."""


def on_base(evidence: TestEvidence, test: NewTest) -> Observed:
    """`failed` when any case failed (the defect reproduced), `passed` when all passed."""
    results = results_for(evidence, test)
    if not results:
        return _missing(evidence)
    failed = [r for r in results if r.outcome == "failed"]
    if failed:
        return Observed("failed", "failed", _detail(failed))
    if all(r.outcome in _PASSING for r in results):
        return Observed("passed", results[0].outcome, _detail(results))
    odd = [r for r in results if r.outcome not in _PASSING]
    return Observed("other", odd[0].outcome, _detail(odd))


def on_head(evidence: TestEvidence, test: NewTest) -> Observed:
    """`passed` only when every case ran and passed; otherwise the first case that did not."""
    results = results_for(evidence, test)
    if not results:
        return _missing(evidence)
    bad = [r for r in results if r.outcome != "passed"]
    if not bad:
        return Observed("passed", "passed", _detail(results))
    worst = next((r for r in bad if r.outcome == "failed"), bad[0])
    verdict: Verdict = "failed" if worst.outcome in ("failed", "error") else "other"
    return Observed(verdict, worst.outcome, _detail(bad))


def results_for(evidence: TestEvidence, test: NewTest) -> tuple[TestResult, ...]:
    """The results (one per parametrised case) that belong to `test`."""
    return tuple(r for r in evidence.results if _belongs(r, test))


def _belongs(result: TestResult, test: NewTest) -> bool:
    file, sep, rest = result.nodeid.partition("::")
    if not sep or rest.split("[", 1)[0] != test.qualname:
        return False
    return test.path in (result.path, file) or test.path.endswith(f"/{file}")


def _detail(results: tuple[TestResult, ...] | list[TestResult]) -> str:
    lines = [
        f"{r.nodeid}: {r.outcome}" + (f" — {r.message}" if r.message else "")
        for r in results[:_SHOWN]
    ]
    if len(results) > _SHOWN:
        lines.append(f"... and {len(results) - _SHOWN} more cases")
    return "\n".join(lines)


def _missing(evidence: TestEvidence) -> Observed:
    if evidence.problem:
        return Observed("other", "not collected", evidence.problem)
    return Observed("other", "not run", "not collected, deselected or filtered out in this run")
