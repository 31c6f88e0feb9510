"""The behaviour-preserved gate with fakes: tests, signatures, a green suite and coverage."""

from __future__ import annotations

import ast

from backdev.application.gates import GateContext
from backdev.domain import evidence
from backdev.domain.changes import WORKTREE
from backdev.domain.features import Feature, Workflow
from backdev.domain.findings import GateResult
from backdev.gates.behaviour_preserved import BehaviourPreservedGate
from backdev.gates.behaviour_preserved.api import is_private
from backdev.gates.behaviour_preserved.covered import Ratio
from backdev.gates.behaviour_preserved.signatures import public_signatures
from tests.fakes.check import BASE, FakeTestRunner, changed_file, make_context

MODULE = "src/shop/pricing.py"
BASE_MODULE = """def total(items, *, discount=0):
    return sum(items) - discount


class Cart:
    def __init__(self, owner):
        self.owner = owner

    def add(self, item, count=1):
        return _grow(item, count)


def _grow(item, count):
    return [item] * count
"""
# The same behaviour, restructured: `total` computes in two steps, `_grow` is renamed.
REFACTORED = """def total(items, *, discount=0):
    gross = sum(items)
    return gross - discount


class Cart:
    def __init__(self, owner):
        self.owner = owner

    def add(self, item, count=1):
        return _repeat(item, count)


def _repeat(item, count):
    return [item] * count
"""
TESTS = "tests/test_pricing.py"
BASE_TESTS = """from shop.pricing import total


def test_total_subtracts_discount():
    assert total([2, 3], discount=1) == 4


def test_total_of_nothing():
    assert total([]) == 0
"""


def _feature(workflow: Workflow = "refactor") -> Feature:
    return Feature(
        path="docs/features/REF-3.md",
        format="markdown",
        id="REF-3",
        title="Tidy pricing",
        status="validated",
        workflow=workflow,
        scope=(),
        requirements=(),
        criteria=(),
        sections=(),
    )


def _coverage(path: str, statements: int, executed: int) -> evidence.FileCoverage:
    return evidence.FileCoverage(
        path, frozenset(range(1, statements + 1)), frozenset(range(1, executed + 1))
    )


def _run_of(
    revision: str,
    *failing: str,
    covered: tuple[int, int] = (10, 10),
    problem: str | None = None,
) -> evidence.TestEvidence:
    names = ("test_total_subtracts_discount", "test_total_of_nothing", *failing)
    results = tuple(
        evidence.TestResult(
            f"{TESTS}::{name}", "failed" if name in failing else "passed", TESTS, message="boom"
        )
        for name in dict.fromkeys(names)
    )
    coverage = {MODULE: _coverage(MODULE, *covered)}
    return evidence.TestEvidence(
        revision, ("pytest",), 0, results, coverage, problem=problem, output="tail"
    )


def _context(
    module: str = REFACTORED,
    tests: str | None = None,
    *,
    base: evidence.TestEvidence | None = None,
    head: evidence.TestEvidence | None = None,
    runner: bool = True,
    workflow: Workflow = "refactor",
) -> GateContext:
    files = {MODULE: module} if tests is None else {MODULE: module, TESTS: tests}
    fake = FakeTestRunner({BASE: base or _run_of(BASE), WORKTREE: head or _run_of(WORKTREE)})
    return make_context(
        files,
        base_files={MODULE: BASE_MODULE, TESTS: BASE_TESTS},
        feature=_feature(workflow),
        tests=fake if runner else None,
    )


def _run(context: GateContext) -> GateResult:
    return BehaviourPreservedGate().run(context)


def _rules(result: GateResult) -> list[tuple[str, str, int]]:
    return [(f.rule, f.path, f.line) for f in result.findings]


def test_skips_when_the_feature_is_not_a_refactoring() -> None:
    assert _run(_context(workflow="feature")).status == "skip"
    assert "not a refactor workflow" in _run(_context(workflow="defect")).summary
    assert "no feature" in _run(make_context({MODULE: REFACTORED})).summary


def test_passes_when_structure_changes_and_behaviour_stays() -> None:
    new_test = BASE_TESTS + "\n\ndef test_total_of_one():\n    assert total([5]) == 5\n"
    result = _run(_context(tests=new_test))
    assert result.status == "pass", result.findings
    assert "1 test file, 1 module" in result.summary


def test_skips_when_no_runner_is_wired_and_nothing_static_is_wrong() -> None:
    result = _run(_context(runner=False))
    assert result.status == "skip"
    assert "no test runner" in result.summary


def test_reports_static_findings_when_no_runner_is_wired() -> None:
    result = _run(_context(BASE_MODULE.replace("owner)", "owner, store)"), runner=False))
    assert _rules(result) == [("behaviour-preserved/signature-changed", MODULE, 6)]


def test_fails_at_the_head_line_when_an_existing_test_is_edited() -> None:
    edited = BASE_TESTS.replace("== 4", "== 5")
    result = _run(_context(tests=edited))
    assert _rules(result) == [("behaviour-preserved/test-changed", TESTS, 4)]


def test_ignores_a_test_that_only_moved_within_its_file() -> None:
    moved = "import pytest\n\n" + BASE_TESTS
    assert _run(_context(tests=moved)).status == "pass"


def test_fails_when_a_marker_is_added_to_an_existing_test() -> None:
    marked = BASE_TESTS.replace(
        "def test_total_of_nothing", "@pytest.mark.skip\ndef test_total_of_nothing"
    )
    result = _run(_context(tests=marked))
    assert _rules(result) == [("behaviour-preserved/test-changed", TESTS, 9)]


def test_fails_at_the_base_line_when_an_existing_test_is_removed() -> None:
    without = BASE_TESTS.split("\n\ndef test_total_of_nothing", maxsplit=1)[0] + "\n"
    result = _run(_context(tests=without))
    assert _rules(result) == [("behaviour-preserved/test-removed", TESTS, 8)]
    assert "line 8 at base" in result.findings[0].message


def test_reports_every_test_of_a_deleted_test_file_at_its_base_line() -> None:
    context = make_context(
        {MODULE: REFACTORED},
        changed=[changed_file(MODULE), changed_file(TESTS, status="deleted")],
        base_files={MODULE: BASE_MODULE, TESTS: BASE_TESTS},
        feature=_feature(),
        tests=FakeTestRunner({BASE: _run_of(BASE), WORKTREE: _run_of(WORKTREE)}),
    )
    rules = _rules(_run(context))
    assert rules == [
        ("behaviour-preserved/test-removed", TESTS, 4),
        ("behaviour-preserved/test-removed", TESTS, 8),
    ]


def test_fails_at_the_head_line_when_a_public_parameter_changes() -> None:
    cases = {
        "def total(items, *, discount=0)": "def total(items, discount=0)",  # kind
        "def add(self, item, count=1)": "def add(self, item, count)",  # default dropped
    }
    for old, new in cases.items():
        result = _run(_context(BASE_MODULE.replace(old, new)))
        assert [r[0] for r in _rules(result)] == ["behaviour-preserved/signature-changed"], new
        assert old.split("(")[0].removeprefix("def ") in result.findings[0].message


def test_shows_both_signatures_when_a_signature_changes() -> None:
    result = _run(_context(BASE_MODULE.replace("discount=0", "rebate=0")))
    finding = result.findings[0]
    assert (finding.path, finding.line) == (MODULE, 1)
    assert "`def total(items, *, discount=…)` to `def total(items, *, rebate=…)`" in (
        finding.message
    )


def test_fails_at_the_base_line_when_a_public_function_is_renamed() -> None:
    renamed = BASE_MODULE.replace("class Cart:", "class Basket:")
    result = _run(_context(renamed))
    assert _rules(result) == [("behaviour-preserved/signature-changed", MODULE, 5)]
    assert "class `Cart`" in result.findings[0].message


def test_accepts_an_alias_that_keeps_a_renamed_name() -> None:
    aliased = BASE_MODULE.replace("class Cart:", "class Basket:") + "\n\nCart = Basket\n"
    assert _run(_context(aliased)).status == "pass"


def test_ignores_private_names_annotations_and_private_modules() -> None:
    annotated = BASE_MODULE.replace("def total(items,", "def total(items: list[int],")
    private = annotated.replace("def _grow(item, count)", "def _grow(item)")
    assert _run(_context(private)).status == "pass"
    assert is_private("src/shop/_impl.py")
    assert is_private("src/shop/_internal/x.py")
    assert not is_private("src/shop/__init__.py")


def test_follows_a_literal_dunder_all_when_deciding_what_is_public() -> None:
    tree = ast.parse(
        '__all__ = ["run"]\n__all__ += ["Job"]\ndef run(): ...\ndef helper(): ...\nclass Job: ...\n'
    )
    assert set(public_signatures(tree)) == {"run", "Job"}


def test_tells_property_accessors_and_method_kinds_apart() -> None:
    tree = ast.parse(
        "class C:\n"
        "    @property\n    def x(self): ...\n"
        "    @x.setter\n    def x(self, v): ...\n"
        "    @staticmethod\n    def make(a, /, b, *args, c, **kw): ...\n"
        "    async def fetch(self): ...\n"
    )
    shown = {name: sig.shown() for name, sig in public_signatures(tree).items()}
    assert shown == {
        "C": "class C",
        "C.x": "property C.x(self)",
        "C.x.setter": "setter C.x.setter(self, v)",
        "C.make": "staticmethod C.make(a, /, b, *args, c, **kw)",
        "C.fetch": "async def C.fetch(self)",
    }


def test_fails_when_a_test_turns_red_at_head() -> None:
    head = _run_of(WORKTREE, "test_total_of_nothing")
    result = _run(_context(head=head))
    assert _rules(result) == [("behaviour-preserved/suite-red-on-head", "", 0)]
    assert f"{TESTS}::test_total_of_nothing: failed — boom" in result.findings[0].evidence


def test_only_warns_when_the_same_test_was_already_red_at_base() -> None:
    base = _run_of(BASE, "test_total_of_nothing")
    head = _run_of(WORKTREE, "test_total_of_nothing")
    result = _run(_context(base=base, head=head))
    assert result.status == "warn"
    assert _rules(result) == [("behaviour-preserved/suite-red-on-base", "", 0)]
    assert "1 still at head)" in result.findings[0].message


def test_fails_with_both_percentages_when_coverage_drops() -> None:
    head = _run_of(WORKTREE, covered=(10, 8))
    result = _run(_context(head=head))
    assert _rules(result) == [("behaviour-preserved/coverage-dropped", "", 0)]
    message = result.findings[0].message
    assert "100.0% (10/10 statements)" in message
    assert "80.0% (8/10)" in message


def test_accepts_coverage_that_stays_or_rises() -> None:
    for covered in ((12, 12), (10, 10), (20, 20)):
        assert _run(_context(head=_run_of(WORKTREE, covered=covered))).status == "pass"
    assert Ratio(2, 3).is_below(Ratio(3, 4))
    assert not Ratio(3, 4).is_below(Ratio(6, 8))


def test_fails_with_the_problem_when_a_revision_has_no_evidence() -> None:
    base = _run_of(BASE, problem="the tests could not be collected")
    result = _run(_context(base=base))
    assert _rules(result) == [("behaviour-preserved/no-evidence", "", 0)]
    assert "at the base" in result.findings[0].message
    assert result.findings[0].evidence == "tail"


def test_reports_an_unparsable_module_at_its_syntax_error() -> None:
    result = _run(_context(REFACTORED + "\ndef broken(:\n"))
    assert ("behaviour-preserved/unparsable-file", MODULE, 17) in _rules(result)
    assert result.status == "fail"
