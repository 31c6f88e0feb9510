"""The agent's domain: plans, prices, limits, fingerprints, dossiers and the run record."""

from __future__ import annotations

import json

import pytest

from backdev.domain.conversation import (
    AssistantTurn,
    ToolCall,
    Usage,
    turn_from_record,
    turn_to_record,
)
from backdev.domain.errors import ConfigError
from backdev.domain.escalation import Escalation, render_dossier, role_rule_of
from backdev.domain.findings import CheckReport, Finding, GateResult
from backdev.domain.limits import LimitReached, Limits, Spent, check_limits
from backdev.domain.plan import Plan, PlannedStep, parse_plan
from backdev.domain.pricing import ModelId, Price, parse_model_id, parse_price, price_for
from backdev.domain.run_events import (
    Answered,
    AttemptJudged,
    Escalated,
    ModelCalled,
    PlanSaved,
    Resumed,
    Reverted,
    RunEvent,
    RunStarted,
    SessionEnded,
    StepCommitted,
    event_from_record,
    event_to_record,
)
from backdev.domain.run_state import fold
from backdev.domain.stoploss import harness_fingerprint, normalise, report_fingerprints

CRITERIA = ("AC-1", "AC-2")


def test_plan_is_accepted_when_every_unproven_criterion_has_a_step() -> None:
    plan = parse_plan(
        {"edge_cases": ["empty email"], "steps": [{"criterion": "AC-2", "intent": "same reply"}]},
        CRITERIA,
        proven={"AC-1"},
    )
    assert plan == Plan(("empty email",), (PlannedStep("AC-2", "same reply"),))


def test_plan_is_refused_when_a_criterion_without_tests_has_no_step() -> None:
    problems = parse_plan(
        {"edge_cases": [], "steps": [{"criterion": "AC-1", "intent": "store token"}]},
        CRITERIA,
        proven=set(),
    )
    assert problems == [
        "no step aims at AC-2: every criterion without passing tests needs at least one step"
    ]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"edge_cases": "x", "steps": []}, "`edge_cases` must be a list"),
        ({"edge_cases": [], "steps": []}, "`steps` must be a non-empty list"),
        ({"edge_cases": [], "steps": ["AC-1"]}, "step 1 must be an object"),
        ({"edge_cases": [], "steps": [{"criterion": "AC-9", "intent": "x"}]}, "got 'AC-9'"),
        ({"edge_cases": [], "steps": [{"criterion": "AC-1", "intent": " "}]}, "`intent` must say"),
    ],
)
def test_plan_problems_tell_the_model_what_to_send_when_arguments_are_wrong(
    arguments: dict[str, object], expected: str
) -> None:
    problems = parse_plan(arguments, CRITERIA, proven=set())  # type: ignore[arg-type]
    assert isinstance(problems, list)
    assert any(expected in p for p in problems)


def test_model_id_and_price_are_parsed_when_well_formed() -> None:
    assert parse_model_id("OpenAI:gpt-4.1") == ModelId("openai", "gpt-4.1")
    assert parse_price(" 3, 15 ") == Price(3.0, 15.0)
    assert Price(3.0, 15.0).cost(Usage(1_000_000, 100_000)) == pytest.approx(4.5)


@pytest.mark.parametrize("text", ["gpt-4", ":x", "openai:", ""])
def test_model_id_is_refused_when_not_provider_colon_model(text: str) -> None:
    with pytest.raises(ConfigError, match="PROVIDER:MODEL"):
        parse_model_id(text)


@pytest.mark.parametrize("text", ["3", "a,b", "-1,2", "nan,1", "1,2,3", "inf,1"])
def test_price_is_refused_when_not_two_non_negative_numbers(text: str) -> None:
    with pytest.raises(ConfigError, match="IN,OUT"):
        parse_price(text)


def test_price_is_required_when_the_model_is_not_in_the_table() -> None:
    with pytest.raises(ConfigError, match="--price"):
        price_for(ModelId("openai", "my-finetune"), None)
    assert price_for(ModelId("openai", "my-finetune"), Price(1, 2)) == Price(1, 2)
    assert price_for(ModelId("scripted", "x.json"), None) == Price(0, 0)
    assert price_for(ModelId("openai", "gpt-4.1"), None).input_per_million > 0


@pytest.mark.parametrize(
    ("limits", "spent", "kind"),
    [
        (Limits(max_steps=3), Spent(calls=3), "steps"),
        (Limits(max_steps=None, max_cost=1.0), Spent(cost=1.0), "cost"),
        (Limits(max_steps=None, max_minutes=5), Spent(minutes=5.5), "minutes"),
        (Limits(max_steps=None, max_tokens=10), Spent(usage=Usage(6, 4)), "tokens"),
    ],
)
def test_limits_raise_their_own_exception_when_reached(
    limits: Limits, spent: Spent, kind: str
) -> None:
    with pytest.raises(LimitReached) as caught:
        check_limits(limits, spent)
    assert caught.value.kind == kind


def test_limits_allow_the_call_when_below_every_limit() -> None:
    check_limits(
        Limits(max_steps=3, max_cost=1, max_minutes=5, max_tokens=11), Spent(2, Usage(5, 5), 0.5, 4)
    )


def test_fingerprints_are_equal_when_only_numbers_hashes_and_quoted_values_differ() -> None:
    def report(message: str) -> CheckReport:
        finding = Finding("privacy/log-leak", "error", "src/a.py", 3, message, "fix")
        return CheckReport("b", "h", (GateResult("privacy", "fail", "1 error", (finding,)),))

    first = report_fingerprints(report("'password' reaches logger.info on line 12 (abc1234ef)"))
    again = report_fingerprints(report("'secret' reaches logger.info on line 40 (99ffee0011)"))
    other = report_fingerprints(report("an exception text is returned in a response"))
    assert [f.key for f in first] == [f.key for f in again]
    assert first[0].key != other[0].key
    assert normalise("Line 12  of\n'x'") == "line N of …"


def test_fingerprints_ignore_passing_gates_and_warnings() -> None:
    warning = Finding("size/churn", "warning", "a.py", 1, "churn", "fix")
    report = CheckReport(
        "b",
        "h",
        (
            GateResult("size", "warn", "1 warning", (warning,)),
            GateResult("scope", "pass", "ok"),
        ),
    )
    assert report_fingerprints(report) == ()
    assert harness_fingerprint("harness/empty-step", "no change").source == "harness"


def test_dossier_names_the_rule_evidence_attempts_and_question() -> None:
    text = render_dossier(
        Escalation(
            number=2,
            feature="FEAT-1",
            rule="stop-loss",
            title="the same failure three times",
            question="May the domain import the adapter?",
            evidence=("architecture/forbidden-import in src/shop/domain/x.py",),
            tried=("attempt 1", "line one\nline two"),
            step="1/2: AC-1 — store token",
            violated="architecture/forbidden-import",
            resume='backdev answer 2 "..." && backdev resume',
        )
    )
    assert text.startswith("# Escalation 2: the same failure three times")
    assert "- Rule: stop-loss (architecture/forbidden-import)" in text
    assert "May the domain import the adapter?" in text
    assert "```text\nline one\nline two\n```" in text
    assert role_rule_of("privacy") == "security-privacy"
    assert role_rule_of("coverage") == "dod"


def _events() -> list[RunEvent]:
    started = RunStarted(
        "FEAT-1",
        "docs/features/f.md",
        "feature",
        "openai:gpt-4.1",
        "backdev/FEAT-1",
        "base0",
        Limits(max_steps=50, max_cost=2.0),
        Price(2, 8),
        at=1000.0,
    )
    plan = Plan(("e",), (PlannedStep("AC-1", "one"), PlannedStep("AC-2", "two")))
    return [
        started,
        PlanSaved(plan, 1001.0),
        ModelCalled(0, Usage(100, 20), 0.001, 1002.0),
        ModelCalled(1, Usage(200, 30), 0.002, 1010.0),
        AttemptJudged(1, 1, "fail", ("k1",), "privacy: 1 error", "{}", 1020.0),
        AttemptJudged(1, 2, "fail", ("k1", "k2"), "privacy: 1 error", "{}", 1030.0),
        AttemptJudged(1, 3, "pass", (), "all gates pass", "{}", 1040.0),
        StepCommitted(1, "sha1", 1041.0),
        Reverted("sha1", "stash9", "stop-loss", 1050.0),
        Escalated(1, "stop-loss", ".backdev/escalations/FEAT-1-1.md", "why?", 1060.0),
        SessionEnded("escalated", "stop-loss", 1060.0),
        Answered(1, "do it this way", 2000.0),
        Resumed(Limits(max_steps=80), 2100.0),
        ModelCalled(2, Usage(10, 10), 0.0, 2160.0),
    ]


def test_run_state_folds_the_events_when_a_run_was_escalated_answered_and_resumed() -> None:
    state = fold(7, _events())
    assert state.next_step == 2
    assert state.last_green == "sha1"
    assert state.calls == 3
    assert state.usage == Usage(310, 60)
    assert state.cost == pytest.approx(0.003)
    assert state.attempts == {1: 3}
    assert state.repeats == {}  # the answer cleared the counts
    assert state.open_escalation is None
    assert state.outcome is None  # resumed: running again
    assert state.limits == Limits(max_steps=80)
    # session 1 ran 1000..1060, session 2 2100..2160; the answer came in between
    assert state.minutes == pytest.approx(2.0)


def test_run_state_counts_repeats_and_keeps_the_open_escalation_when_unanswered() -> None:
    state = fold(1, _events()[:11])
    assert state.repeats == {"k1": 2, "k2": 1}
    assert state.open_escalation is not None
    assert state.open_escalation.number == 1
    assert state.outcome == "escalated"


def test_run_state_refuses_a_record_when_it_does_not_start_with_run_started() -> None:
    with pytest.raises(ValueError, match="RunStarted"):
        fold(1, _events()[1:])


def test_events_round_trip_through_json_when_stored_and_read_back() -> None:
    for event in _events():
        record = json.loads(json.dumps(event_to_record(event)))
        assert event_from_record(record) == event


@pytest.mark.parametrize(
    "record",
    [
        {"kind": "nope"},
        {"kind": "commit", "step": 1, "sha": 3, "at": 1.0},
        {"kind": "model-call", "step": 1, "usage": [1], "cost": 0, "at": 1.0},
        {"kind": "ended", "outcome": "exploded", "detail": "", "at": 1.0},
        {"kind": "plan", "plan": {"steps": [1], "edge_cases": []}, "at": 1.0},
    ],
)
def test_event_records_are_refused_when_malformed(record: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        event_from_record(record)  # type: ignore[arg-type]


def test_model_turn_records_round_trip_when_written_to_a_transcript() -> None:
    turn = AssistantTurn(
        "thinking", (ToolCall("c1", "read_file", {"path": "a.py"}),), Usage(5, 6), "tool_calls"
    )
    assert turn_from_record(json.loads(json.dumps(turn_to_record(turn)))) == turn
    with pytest.raises(ValueError, match="not a model-turn record"):
        turn_from_record({"type": "tool-call"})
    with pytest.raises(ValueError, match="must be an object"):
        turn_from_record({"type": "model-turn", "tool_calls": [{"name": "x", "arguments": [1]}]})


def test_raising_a_limit_keeps_the_failure_counts_when_the_escalation_was_a_limit() -> None:
    events = _events()[:9]  # up to the revert: repeats k1 x2, k2 x1
    events += [
        Escalated(1, "limits", ".backdev/escalations/FEAT-1-1.md", "raise it", 1060.0),
        Answered(1, "resumed with new limits", 1070.0),
    ]

    state = fold(1, events)

    assert state.repeats == {"k1": 2, "k2": 1}
    assert state.open_escalation is None
