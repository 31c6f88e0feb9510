"""`backdev brief` and the next step, as pure use cases over specs, a trace and a plan."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backdev.adapters.dod_file import parse_dod_text
from backdev.adapters.feature_files import FeatureFileParser
from backdev.adapters.principles_file import parse_principles_text
from backdev.agent.brief import compose_brief
from backdev.agent.briefing import (
    TOKEN_METHOD,
    check_selection,
    estimate_tokens,
    gates_for,
    latest_plan,
    make_brief,
    next_step,
)
from backdev.agent.role import REVIEW, ROLE, ROLE_FOR_TOOLS, WORKFLOWS
from backdev.agent.tool_specs import (
    ASK,
    CREATE_FILE,
    FINISH_STEP,
    LIST_FILES,
    READ_FILE,
    REPLACE,
    RUN_TESTS,
    SEARCH,
    SUBMIT_PLAN,
)
from backdev.application.specs import LoadedSpecs
from backdev.application.trace import CriterionStatus, CriterionTrace, Trace, TracedTest
from backdev.domain.config import BackdevConfig
from backdev.domain.errors import ConfigError
from backdev.domain.evidence import Outcome
from backdev.domain.limits import Limits
from backdev.domain.plan import Plan, PlannedStep
from backdev.domain.pricing import Price
from backdev.domain.run_events import PlanSaved, RunStarted
from tests.e2e.sample_service import FEATURE, FILES
from tests.fakes.agent import FakeRunStore

TOKEN_BUDGET = 3000
AGENT_TOOLS = (READ_FILE, LIST_FILES, SEARCH, REPLACE, CREATE_FILE, RUN_TESTS, ASK, FINISH_STEP)
PRINCIPLES = "docs/engineering/architecture-principles.md"
DOD = "docs/engineering/definition-of-done.md"
THIRD = """\
### AC-3: A malformed address is refused
Given a visitor
When they sign up with "not-an-address"
Then the sign-up is refused with InvalidEmail"""


def _sample_specs(tmp_path: Path, *, extra: str = "", status: str = "validated") -> LoadedSpecs:
    """The sample service's specs, parsed by the real parsers (`extra` adds criteria)."""
    text = FILES[FEATURE].replace("\n## Solution Notes", f"\n{extra}\n## Solution Notes")
    path = tmp_path / "FEAT-001.md"
    path.write_text(text.replace("status: validated", f"status: {status}"), encoding="utf-8")
    parsed = FeatureFileParser().parse(path, FEATURE)
    principles = parse_principles_text(FILES[PRINCIPLES], PRINCIPLES).value
    dod = parse_dod_text(FILES[DOD], DOD).value
    assert parsed.value is not None, parsed.problems
    return LoadedSpecs(BackdevConfig(), parsed.value, principles, dod)


def _three(tmp_path: Path) -> LoadedSpecs:
    return _sample_specs(tmp_path, extra=THIRD + "\n")


def _trace(specs: LoadedSpecs, *statuses: CriterionStatus, problem: str | None = None) -> Trace:
    """A trace of the feature with one status per criterion, in file order."""
    assert specs.feature is not None
    criteria = tuple(
        CriterionTrace(c.id, c.title, c.line, status, _tests(c.id, status))
        for c, status in zip(specs.feature.criteria, statuses, strict=True)
    )
    feature = specs.feature
    return Trace(feature.id, feature.title, feature.path, "WORKTREE", criteria, problem)


def _tests(criterion: str, status: CriterionStatus) -> tuple[TracedTest, ...]:
    outcome: dict[CriterionStatus, Outcome] = {"proven": "passed", "failing": "failed"}
    if status not in outcome:
        return ()
    node = f"tests/test_signup.py::test_{criterion.lower().replace('-', '_')}"
    message = "AssertionError: no DuplicateAccount\nmore detail" if status == "failing" else ""
    return (TracedTest(node, outcome[status], ("marker",), message),)


PLAN = Plan(
    ("the same address in another case",),
    (
        PlannedStep("AC-2", "Refuse a second account for the same address"),
        PlannedStep("AC-3", "Validate the address where it enters"),
    ),
)


# --- the next step ---------------------------------------------------------------------


def test_next_step_is_the_first_unproven_criterion_in_file_order_when_several_are_open(
    tmp_path: Path,
) -> None:
    specs = _three(tmp_path)

    upcoming = next_step(_trace(specs, "proven", "failing", "missing"))

    assert upcoming is not None
    assert (upcoming.criterion, upcoming.status) == ("AC-2", "failing")
    assert upcoming.title == "A second sign-up with the same address is refused"
    assert upcoming.reason == (
        "its linked tests did not pass: `tests/test_signup.py::test_ac_2` failed "
        "(AssertionError: no DuplicateAccount)"
    )


def test_next_step_is_a_missing_criterion_when_it_comes_before_a_failing_one(
    tmp_path: Path,
) -> None:
    upcoming = next_step(_trace(_three(tmp_path), "proven", "missing", "failing"))

    assert upcoming is not None
    assert (upcoming.criterion, upcoming.status) == ("AC-2", "missing")
    assert upcoming.reason == (
        'no test is linked to it; link one with `@pytest.mark.ac("AC-2")` or `test_ac_2_` '
        "in its name"
    )


def test_next_step_is_none_when_every_criterion_is_proven(tmp_path: Path) -> None:
    assert next_step(_trace(_sample_specs(tmp_path), "proven", "proven")) is None


def test_next_step_says_linked_tests_did_not_run_when_they_were_skipped(tmp_path: Path) -> None:
    specs = _sample_specs(tmp_path)
    trace = _trace(specs, "proven", "missing")
    skipped = TracedTest("tests/test_signup.py::test_dup", "skipped", ("name",), "needs a db")
    trace = Trace(
        trace.feature,
        trace.title,
        trace.path,
        trace.revision,
        (trace.criteria[0], CriterionTrace("AC-2", "t", 20, "missing", (skipped,))),
    )

    upcoming = next_step(trace)

    assert upcoming is not None
    assert upcoming.reason == (
        "its linked tests did not run: `tests/test_signup.py::test_dup` skipped (needs a db)"
    )


def test_next_step_names_the_problem_when_the_tests_produced_no_evidence(
    tmp_path: Path,
) -> None:
    specs = _sample_specs(tmp_path)
    trace = _trace(specs, "missing", "missing", problem="pytest could not collect the tests")

    upcoming = next_step(trace)

    assert upcoming is not None
    assert upcoming.criterion == "AC-1"
    assert upcoming.reason == "the tests produced no evidence (pytest could not collect the tests)"


# --- choosing the step -----------------------------------------------------------------


def test_brief_is_for_the_next_step_when_a_trace_is_given(tmp_path: Path) -> None:
    specs = _three(tmp_path)

    brief = make_brief(specs, trace=_trace(specs, "proven", "failing", "missing"))

    assert brief.step == "AC-2: A second sign-up with the same address is refused"
    assert brief.criteria_left == ("AC-2", "AC-3")
    assert brief.text.startswith(
        "# Brief: FEAT-001 Sign up with an email address (step 1 of 2, AC-2)\n"
    )
    assert (
        "## Your task: step 1 of 2\n\nMove criterion AC-2 forward: A second sign-up with the "
        "same address is refused\n"
    ) in brief.text
    assert (
        "What the tests show now: failing: its linked tests did not pass: "
        "`tests/test_signup.py::test_ac_2` failed (AssertionError: no DuplicateAccount).\n"
    ) in brief.text


def test_brief_is_for_the_first_criterion_when_no_trace_is_given(tmp_path: Path) -> None:
    brief = make_brief(_three(tmp_path))

    assert brief.step == "AC-1: Signing up stores the normalised address"
    assert brief.criteria_left == ("AC-1", "AC-2", "AC-3")
    assert "What the tests show now" not in brief.text


def test_step_is_the_nth_unproven_criterion_when_there_is_no_plan(tmp_path: Path) -> None:
    specs = _three(tmp_path)

    brief = make_brief(specs, trace=_trace(specs, "proven", "failing", "missing"), step=2)

    assert brief.step == "AC-3: A malformed address is refused"
    assert "## Your task: step 2 of 2\n\nMove criterion AC-3 forward" in brief.text
    assert "## Plan" not in brief.text


def test_step_is_the_plans_step_when_a_plan_was_saved(tmp_path: Path) -> None:
    specs = _three(tmp_path)

    brief = make_brief(specs, plan=PLAN, step=2)

    assert brief.step == "AC-3: A malformed address is refused"
    assert (
        "Steps:\n1. AC-2: Refuse a second account for the same address (done)\n"
        "2. AC-3: Validate the address where it enters ← this step\n"
    ) in brief.text
    assert "Move criterion AC-3 forward: Validate the address where it enters\n" in brief.text


def test_criterion_takes_the_plans_intent_when_a_plan_step_aims_at_it(tmp_path: Path) -> None:
    specs = _three(tmp_path)

    brief = make_brief(specs, plan=PLAN, criterion="AC-2")

    assert brief.text.startswith("# Brief: FEAT-001 Sign up with an email address (step 1 of 2")
    assert "Move criterion AC-2 forward: Refuse a second account for the same address\n" in (
        brief.text
    )


def test_criterion_says_it_is_proven_when_its_tests_pass_already(tmp_path: Path) -> None:
    specs = _sample_specs(tmp_path)

    brief = make_brief(specs, trace=_trace(specs, "proven", "missing"), criterion="AC-1")

    assert brief.step == "AC-1: Signing up stores the normalised address"
    assert (
        "What the tests show now: proven already; its linked tests pass "
        "(`tests/test_signup.py::test_ac_1`)."
    ) in brief.text


def test_refuses_a_step_beyond_the_unproven_criteria_when_there_is_no_plan(
    tmp_path: Path,
) -> None:
    specs = _three(tmp_path)

    with pytest.raises(ConfigError, match=r"numbered 1 to 2 \(AC-2, AC-3\)"):
        make_brief(specs, trace=_trace(specs, "proven", "failing", "missing"), step=3)


def test_refuses_a_step_beyond_the_saved_plan_before_any_test_runs(tmp_path: Path) -> None:
    specs = _three(tmp_path)
    assert specs.feature is not None

    with pytest.raises(ConfigError, match="it has steps 1 to 2"):
        check_selection(specs.feature, PLAN, step=3)


@pytest.mark.parametrize(
    ("step", "criterion", "workflow", "message"),
    [
        (None, "AC-9", None, "criterion 'AC-9' is not in FEAT-001 .*its criteria are AC-1, AC-2"),
        (1, "AC-1", None, "either --step or --criterion, not both"),
        (None, None, "hotfix", "unknown --workflow 'hotfix': use one of feature, refactor"),
        (0, None, None, "steps are numbered from 1"),
    ],
)
def test_refuses_the_request_when_it_names_what_the_feature_lacks(
    tmp_path: Path, step: int | None, criterion: str | None, workflow: str | None, message: str
) -> None:
    specs = _sample_specs(tmp_path)

    with pytest.raises(ConfigError, match=message):
        make_brief(specs, step=step, criterion=criterion, workflow=workflow)


def test_asks_for_the_review_when_every_criterion_is_proven(tmp_path: Path) -> None:
    specs = _sample_specs(tmp_path)

    brief = make_brief(specs, trace=_trace(specs, "proven", "proven"))

    assert brief.step is None
    assert brief.criteria_left == ()
    assert brief.text.startswith("# Brief: FEAT-001 Sign up with an email address (review)\n")
    assert f"## Your task: the review\n\n{REVIEW}\n" in brief.text


# --- what an outside tool reads --------------------------------------------------------


def test_holds_every_criterion_verbatim_within_the_token_budget_for_the_sample_feature(
    tmp_path: Path,
) -> None:
    specs = _sample_specs(tmp_path)
    assert specs.feature is not None

    brief = make_brief(specs, trace=_trace(specs, "proven", "missing"))

    for criterion in specs.feature.criteria:
        assert criterion.text in brief.text
    assert brief.tokens == estimate_tokens(brief.text) == -(-len(brief.text) // 4)
    assert brief.token_method == TOKEN_METHOD == "estimate: characters / 4"
    assert brief.tokens < TOKEN_BUDGET, f"the sample brief is about {brief.tokens} tokens"


def test_names_no_agent_tool_when_written_for_an_outside_tool(tmp_path: Path) -> None:
    specs = _sample_specs(tmp_path)

    text = make_brief(specs).text

    for tool in (*AGENT_TOOLS, SUBMIT_PLAN):
        assert f"`{tool.name}" not in text
        assert f"{tool.name}{{" not in text
    assert "finish_step" not in text
    assert f"## Your role\n\n{ROLE_FOR_TOOLS}\n" in text
    assert ROLE not in text
    assert "Ask the person you work for, with the problem, the evidence" in text


def test_lists_the_gates_and_the_check_command_when_written_for_an_outside_tool(
    tmp_path: Path,
) -> None:
    text = make_brief(_sample_specs(tmp_path)).text

    assert "    backdev check --feature FEAT-001\n" in text
    listed = re.findall(r"^- `([a-z-]+)`: ", text, flags=re.MULTILINE)
    assert tuple(listed) == gates_for("feature")
    assert "- `coverage`: changed lines and failure paths are covered\n" in text
    assert "`backdev escalate FEAT-001 --rule RULE --question" in text
    assert "(rules: requirement, principle, security-privacy, dod, stop-loss, ambiguity" in text


def test_keeps_the_agents_tool_rules_when_composed_for_the_agent(tmp_path: Path) -> None:
    text = compose_brief(_sample_specs(tmp_path), gates=["scope"], audience="agent")

    assert f"## Your role\n\n{ROLE}\n" in text
    assert "`replace{path, old, new}`" in text
    assert "backdev check --feature" not in text


def test_runs_the_workflow_gate_only_for_its_own_workflow() -> None:
    assert "regression-proof" in gates_for("defect")
    assert "behaviour-preserved" not in gates_for("defect")
    assert "behaviour-preserved" in gates_for("refactor")
    feature_gates = gates_for("feature")
    assert "regression-proof" not in feature_gates
    assert "behaviour-preserved" not in feature_gates
    assert {"scope", "acceptance", "dod"} <= set(feature_gates)


def test_describes_the_workflow_asked_for_when_it_differs_from_the_features(
    tmp_path: Path,
) -> None:
    text = make_brief(_sample_specs(tmp_path), workflow="defect").text

    assert f"## How to work\n\n{WORKFLOWS['defect']}\n" in text
    assert WORKFLOWS["feature"] not in text


def test_warns_that_only_validated_features_are_built_when_the_feature_is_a_draft(
    tmp_path: Path,
) -> None:
    text = make_brief(_sample_specs(tmp_path, status="draft")).text

    assert "Note: the feature's status is `draft`; only a `validated` feature may be built." in (
        text
    )


def test_refuses_to_brief_when_the_specs_hold_no_feature() -> None:
    with pytest.raises(ConfigError, match="a brief needs a feature"):
        make_brief(LoadedSpecs(BackdevConfig(), None, None, None))


# --- the saved plan --------------------------------------------------------------------


def _run(store: FakeRunStore, feature: str, plan: Plan | None) -> None:
    started = RunStarted(
        feature, "f.md", "feature", "openai:m", "b", "base", Limits(), Price(1, 1), at=1.0
    )
    run_id = store.create(started)
    if plan is not None:
        store.append(run_id, PlanSaved(plan, 2.0))


def test_latest_plan_is_the_newest_saved_plan_of_the_feature_when_runs_exist() -> None:
    store = FakeRunStore()
    older = Plan((), (PlannedStep("AC-1", "old"),))
    _run(store, "FEAT-001", older)
    _run(store, "FEAT-001", PLAN)
    _run(store, "FEAT-001", None)
    _run(store, "FEAT-002", older)

    assert latest_plan(store, "FEAT-001") == PLAN
    assert latest_plan(store, "FEAT-003") is None
    assert latest_plan(FakeRunStore(), "FEAT-001") is None
