"""Helpers shared by gates: the feature a gate judges, and the tests pytest collects."""

from __future__ import annotations

import ast

from backdev.application.gates import feature_or_skip
from backdev.application.python_tests import collected_tests
from backdev.domain.features import Feature, Workflow
from backdev.domain.findings import GateResult
from tests.fakes.check import make_context


def _feature(workflow: Workflow) -> Feature:
    return Feature(
        "docs/features/FEAT-1.md",
        "markdown",
        "FEAT-1",
        "T",
        "validated",
        workflow,
        (),
        (),
        (),
        (),
    )


def test_a_gate_skips_with_the_reason_when_no_feature_is_given() -> None:
    result = feature_or_skip(make_context({"a.py": "x = 1\n"}), "acceptance")

    assert isinstance(result, GateResult)
    assert (result.status, result.summary) == (
        "skip",
        "no feature given: pass --feature or a `Feature:` trailer",
    )


def test_a_workflow_gate_skips_when_the_feature_has_another_workflow() -> None:
    context = make_context({"a.py": "x = 1\n"}, feature=_feature("feature"))

    result = feature_or_skip(context, "regression-proof", "defect")

    assert isinstance(result, GateResult)
    assert result.summary == "not a defect workflow (feature FEAT-1 has `workflow: feature`)"


def test_the_feature_is_returned_when_its_workflow_matches() -> None:
    feature = _feature("refactor")

    assert feature_or_skip(make_context({}, feature=feature), "g", "refactor") is feature


def test_collected_tests_follow_pytest_when_classes_and_helpers_mix() -> None:
    tree = ast.parse(
        "def test_a(): pass\n"
        "def helper(): pass\n"
        "class TestB:\n    def test_c(self): pass\n    def setup(self): pass\n"
        "class Plain:\n    def test_d(self): pass\n"
        "class Case(Base):\n    async def test_e(self): pass\n"
    )

    assert [(name, node.lineno) for name, node in collected_tests(tree)] == [
        ("test_a", 1),
        ("TestB::test_c", 4),
        ("Case::test_e", 9),
    ]
