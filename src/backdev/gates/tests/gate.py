"""The `tests` gate: changed logic comes with tests, and no test is removed, skipped or weakened.

Each rule lives in its own module; this one gathers the changed test files and runs them.
"""

from __future__ import annotations

from backdev.application.gates import GateContext
from backdev.domain.changes import ChangedFile
from backdev.domain.findings import Finding, GateResult
from backdev.gates.tests.allowance import Allowance
from backdev.gates.tests.facts import FileFacts, read_facts
from backdev.gates.tests.markers import added_markers
from backdev.gates.tests.matching import ChangedTestFile, match_tests
from backdev.gates.tests.missing import missing_tests, unparsable
from backdev.gates.tests.removed import removed_tests
from backdev.gates.tests.weakened import weakened_tests

GATE_ID = "tests"


class TestsGate:
    """Test integrity (no test removed, skipped, xfailed or weakened) and tests for new logic."""

    __test__ = False  # a gate, not a test class, though pytest's naming rule says otherwise

    @property
    def id(self) -> str:
        """The gate id, `tests`."""
        return GATE_ID

    def run(self, context: GateContext) -> GateResult:
        """Judge the changed Python test files and the changed source logic."""
        pairs: list[ChangedTestFile] = []
        findings: list[Finding] = []
        for changed in context.change.files:
            if _is_python_test(context, changed):
                pair = _pair(context, changed)
                if isinstance(pair, Finding):
                    findings.append(pair)
                else:
                    pairs.append(pair)
        sources = context.python_files(include_tests=False)
        if not pairs and not sources and not findings:
            return GateResult.skipped(GATE_ID, "no Python test or source file changed")
        allowance = Allowance.of(context.feature)
        matches = match_tests(pairs)
        findings += removed_tests(matches, allowance)
        findings += added_markers(pairs, matches, allowance)
        findings += weakened_tests(pairs, matches, allowance)
        findings += missing_tests(context, sources)
        return GateResult.judged(
            GATE_ID,
            findings,
            f"{_count(len(pairs), 'test file')}, {_count(len(sources), 'source file')}",
        )


def _is_python_test(context: GateContext, changed: ChangedFile) -> bool:
    if changed.binary or changed.submodule:
        return False
    paths = (changed.path, changed.old_path or changed.path)
    return any(p.endswith(".py") and context.is_test(p) for p in paths)


def _pair(context: GateContext, changed: ChangedFile) -> ChangedTestFile | Finding:
    """The file's tests at base and head; a Finding when head cannot be parsed."""
    base: FileFacts | None = None
    head: FileFacts | None = None
    if changed.status not in ("added", "copied"):
        base_path = changed.old_path or changed.path
        text = context.read_base(base_path)
        facts = read_facts(base_path, text) if text is not None else None
        base = facts if isinstance(facts, FileFacts) else None
    if changed.status != "deleted":
        text = context.read_head(changed.path)
        facts = read_facts(changed.path, text) if text is not None else None
        if isinstance(facts, str):
            return unparsable(changed.path, facts, "whether tests were removed or weakened")
        head = facts
        if head is None:
            # Unreadable at head (binary or not UTF-8): nothing can be said about it.
            return ChangedTestFile(changed.path, None, None)
    return ChangedTestFile(changed.path, base, head, changed.added_lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
