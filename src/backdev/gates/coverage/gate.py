"""The `coverage` gate: the change's executable lines, branch arms and failure paths run
under the project's tests.

Judged are the statements the change adds or edits in non-test Python source (test
files and excluded files never count); an edit anywhere in a multi-line statement
counts as an edit of that statement. Executable means what coverage.py counts as a
statement, so comments, docstrings, blank lines and `# pragma: no cover` lines never
count. Three rules: the covered share of those statements reaches the option `min`
(default 90%); every added `raise` and `except` block runs; every added branch arm is
taken.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from backdev.application.gates import GateContext, GateOptions
from backdev.domain.changes import ChangedFile
from backdev.domain.findings import Finding, GateResult
from backdev.gates.coverage.branches import branch_findings
from backdev.gates.coverage.failure import failure_findings
from backdev.gates.coverage.lines import LineTotals, totals, uncovered_findings
from backdev.gates.coverage.measured import MeasuredFile
from backdev.gates.coverage.syntax import SourceFacts, read_facts

GATE_ID = "coverage"
DEFAULT_MIN = 90.0
NO_EVIDENCE = f"{GATE_ID}/no-evidence"
NOT_MEASURED = f"{GATE_ID}/not-measured"
UNPARSABLE = f"{GATE_ID}/unparsable"
_OUTPUT_TAIL = 1500
_NO_CODE = (
    "the change adds no executable source line (only comments, docstrings, blank lines "
    "or lines excluded from coverage)"
)

Facts = SourceFacts | tuple[int, str]
"""A file's facts, or (line, reason) when it cannot be parsed."""


class CoverageGate:
    """Changed lines covered to the threshold; added branch arms and failure paths tested."""

    @property
    def id(self) -> str:
        """The gate id, `coverage`."""
        return GATE_ID

    def run(self, context: GateContext) -> GateResult:
        """Judge the changed source statements against the head's instrumented test run."""
        changed = [f for f in context.python_files(include_tests=False) if f.added_lines]
        if not changed:
            return GateResult.skipped(GATE_ID, "no added lines in non-test Python source files")
        texts = {f.path: context.read_head(f.path) for f in changed}
        facts = {path: _facts(path, text, context) for path, text in texts.items()}
        if not any(_code(f, facts[f.path]) for f in changed):
            return GateResult.skipped(GATE_ID, _NO_CODE)  # known without running the tests
        if context.evidence is None:
            return GateResult.skipped(
                GATE_ID, "no test runner is wired, so no coverage evidence to judge the change by"
            )
        evidence = context.evidence.head()
        problem = evidence.problem
        if problem is None and not evidence.coverage:
            problem = "the test run recorded no coverage data"
        if problem is not None:
            finding = _no_evidence(problem, evidence.output, evidence.fix)
            return GateResult.judged(GATE_ID, [finding], "the project's test run")
        measured: list[MeasuredFile] = []
        findings: list[Finding] = []
        for file in changed:
            coverage = evidence.coverage.get(file.path)
            if coverage is None:
                findings.extend(_unmeasured(file, _code(file, facts[file.path])))
                continue
            lines = tuple((texts[file.path] or "").splitlines())
            touched = _touched(file, facts[file.path])
            measured.append(MeasuredFile(file.path, touched, coverage, lines))
        counted = totals(measured)
        if not counted.executable and not findings:
            return GateResult.skipped(GATE_ID, _NO_CODE)
        findings += uncovered_findings(measured, counted, minimum := _minimum(context.options))
        for judged in measured:
            if judged.executable:
                findings += _paths_and_arms(judged, facts[judged.path])
        return GateResult.judged(GATE_ID, findings, _checked(counted, minimum, measured))


def _facts(path: str, text: str | None, context: GateContext) -> Facts:
    if text is None:
        return 0, "it is not UTF-8 text"
    return read_facts(text, path, context.parse)


def _touched(file: ChangedFile, facts: Facts) -> frozenset[int]:
    """The first lines of the statements the change adds or edits (its lines, unparsed)."""
    if isinstance(facts, SourceFacts):
        return facts.statements.touched(file.added_lines)
    return file.added_lines


def _code(file: ChangedFile, facts: Facts) -> frozenset[int]:
    """The touched statements that could be executable (all touched lines, unparsed)."""
    if isinstance(facts, SourceFacts):
        return _touched(file, facts) & facts.statements.code
    return file.added_lines


def _paths_and_arms(measured: MeasuredFile, facts: Facts) -> list[Finding]:
    """The failure-path and branch findings of one file (a warning when it cannot be parsed)."""
    if isinstance(facts, SourceFacts):
        return [*failure_findings(measured, facts), *branch_findings(measured, facts)]
    line, reason = facts
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    return [
        Finding(
            rule=UNPARSABLE,
            severity="warning",
            path=measured.path,
            line=line,
            message=f"Python {version} cannot parse this file ({reason}), so its added "
            "raise statements, except blocks and branches could not be checked",
            fix="fix the syntax error, or run backdev with a Python that supports this syntax",
        )
    ]


def _unmeasured(file: ChangedFile, code: frozenset[int]) -> list[Finding]:
    """A changed file the test run did not measure at all: said, never silently passed."""
    if not code:
        return []
    count = len(code)
    return [
        Finding(
            rule=NOT_MEASURED,
            severity="warning",
            path=file.path,
            line=0,
            message=f"coverage did not measure this file, so its {count} changed "
            f"statement{'' if count == 1 else 's'} could not be judged: it lies outside "
            "the sources the test run measures",
            fix="move the code under the project's packages, or exclude the file in "
            "[tool.backdev] exclude",
            evidence=f"first changed statement at line {min(code)}",
        )
    ]


def _no_evidence(problem: str, output: str, fix: str = "") -> Finding:
    return Finding(
        rule=NO_EVIDENCE,
        severity="error",
        path="",
        line=0,
        message=f"the project's tests could not produce coverage evidence ({problem}), "
        "so no changed line can be shown to be tested",
        fix=fix
        or "make the test suite collect and run (`pytest` at the repository root), then check",
        evidence=output[-_OUTPUT_TAIL:].strip(),
    )


def _minimum(options: GateOptions) -> float:
    value = options.get("min", DEFAULT_MIN)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return DEFAULT_MIN  # the gate catalog validated options before any gate ran
    return float(value)


def _checked(counted: LineTotals, minimum: float, measured: Sequence[MeasuredFile]) -> str:
    files = sum(1 for m in measured if m.executable)
    lines = counted.executable
    if not lines:
        return "no changed executable line was measured"
    return (
        f"{counted.percent:g}% of {lines} changed executable line{'' if lines == 1 else 's'} "
        f"in {files} file{'' if files == 1 else 's'} covered, minimum {minimum:g}%"
    )
