"""The Claude Code Stop hook's decision, against the documented hook protocol."""

from __future__ import annotations

import json

import pytest

from backdev.application.check import CheckRequest
from backdev.application.claude_stop import (
    REASON_LIMIT,
    SAME_FINDINGS_LIMIT,
    StopEvent,
    StopRecord,
    decide_stop,
    findings_fingerprint,
    judge_stop,
    parse_stop_event,
    stop_reason,
)
from backdev.domain.changes import WORKTREE
from backdev.domain.errors import ConfigError
from backdev.domain.findings import CheckReport, Finding, GateResult, Severity
from tests.fakes.hooks import FakeStopMemory

BASE = "3f2a9c1d0b7e" + "0" * 28
RECHECK = "backdev check --gates secrets"
FIRST = StopEvent("s1", "/repo", stop_hook_active=False)
AGAIN = StopEvent("s1", "/repo", stop_hook_active=True)


def finding(
    rule: str = "secrets/aws-access-key",
    line: int = 3,
    *,
    severity: Severity = "error",
    message: str = "this line adds an AWS access key",
    evidence: str = "",
) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,
        path="src/app/settings.py",
        line=line,
        message=message,
        fix="rotate it and read it from the environment",
        evidence=evidence,
    )


def failing(*findings: Finding) -> CheckReport:
    gate = GateResult.judged("secrets", findings or (finding(),), "1 added line")
    return CheckReport(BASE, WORKTREE, (gate, GateResult("size", "pass", "no findings")))


PASSING = CheckReport(BASE, WORKTREE, (GateResult("secrets", "pass", "no findings"),))


def test_the_documented_stop_input_is_read_when_claude_code_sends_it() -> None:
    text = json.dumps(
        {
            "session_id": "abc123",
            "transcript_path": "/home/u/.claude/projects/x/abc123.jsonl",
            "cwd": "/home/u/svc",
            "permission_mode": "default",
            "hook_event_name": "Stop",
            "stop_hook_active": True,
            "last_assistant_message": "Done.",
        }
    )
    assert parse_stop_event(text) == StopEvent("abc123", "/home/u/svc", stop_hook_active=True)


def test_missing_optional_fields_take_safe_defaults_when_absent() -> None:
    assert parse_stop_event('{"stop_hook_active": "yes"}') == StopEvent("", None, False)


def test_a_subagent_stop_event_is_accepted_when_hooked_there() -> None:
    assert parse_stop_event('{"hook_event_name": "SubagentStop"}').session_id == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "JSON object"),
        ('{"hook_event_name": "PreToolUse"}', "register it under"),
    ],
)
def test_bad_hook_input_is_a_config_error_saying_what_to_do_when_received(
    text: str, expected: str
) -> None:
    with pytest.raises(ConfigError, match=expected):
        parse_stop_event(text)


def test_nothing_is_printed_and_the_session_forgotten_when_the_change_passes() -> None:
    reply = decide_stop(PASSING, AGAIN, StopRecord("f" * 64, 1), RECHECK)
    assert reply.output is None
    assert reply.record is None


def test_the_stop_is_blocked_with_the_findings_when_the_change_fails() -> None:
    reply = decide_stop(failing(), FIRST, None, RECHECK)
    assert reply.output is not None
    assert reply.output["decision"] == "block"
    reason = reply.output["reason"]
    assert "src/app/settings.py:3 [secrets/aws-access-key] this line adds an AWS access key" in (
        reason
    )
    assert "fix: rotate it and read it from the environment" in reason
    assert "gates secrets" in reason
    assert "the working tree" in reason
    assert reason.endswith(f"Re-check with: {RECHECK}")
    assert reply.record == StopRecord(findings_fingerprint(failing()), 1)


def test_the_stop_is_blocked_again_when_the_agent_continues_with_the_same_findings() -> None:
    report = failing()
    previous = StopRecord(findings_fingerprint(report), 1)
    reply = decide_stop(report, AGAIN, previous, RECHECK)
    assert reply.output is not None
    assert reply.output["decision"] == "block"
    assert reply.record == StopRecord(previous.fingerprint, 2)


def test_the_agent_may_stop_and_the_person_is_told_when_the_same_findings_hit_the_limit() -> None:
    report = failing()
    previous = StopRecord(findings_fingerprint(report), SAME_FINDINGS_LIMIT)
    reply = decide_stop(report, AGAIN, previous, RECHECK)
    assert reply.output is not None
    assert "decision" not in reply.output
    assert f"after {SAME_FINDINGS_LIMIT} attempts" in reply.output["systemMessage"]
    assert RECHECK in reply.output["systemMessage"]
    assert reply.record is None


def test_the_count_starts_over_when_the_findings_change() -> None:
    previous = StopRecord(findings_fingerprint(failing()), SAME_FINDINGS_LIMIT)
    moved_on = failing(finding(rule="secrets/private-key", line=9))
    reply = decide_stop(moved_on, AGAIN, previous, RECHECK)
    assert reply.output is not None
    assert reply.output["decision"] == "block"
    assert reply.record == StopRecord(findings_fingerprint(moved_on), 1)


def test_the_count_starts_over_when_the_stop_follows_a_new_prompt() -> None:
    report = failing()
    previous = StopRecord(findings_fingerprint(report), SAME_FINDINGS_LIMIT)
    reply = decide_stop(report, FIRST, previous, RECHECK)
    assert reply.output is not None
    assert reply.output["decision"] == "block"
    assert reply.record is not None
    assert reply.record.blocks == 1


def test_warnings_neither_appear_in_the_reason_nor_change_the_fingerprint() -> None:
    error = finding()
    warned = failing(error, finding(rule="size/churn", line=1, severity="warning"))
    assert findings_fingerprint(warned) == findings_fingerprint(failing(error))
    assert "size/churn" not in stop_reason(warned, RECHECK)


def test_the_reason_stays_under_the_limit_and_counts_the_rest_when_findings_are_many() -> None:
    many = failing(*(finding(line=n, message="x" * 300) for n in range(1, 200)))
    reason = stop_reason(many, RECHECK)
    assert len(reason) <= REASON_LIMIT
    assert "more finding(s); the re-check lists all." in reason
    assert reason.endswith(RECHECK)


def test_evidence_is_shown_on_one_line_when_a_finding_has_it() -> None:
    report = failing(finding(evidence='AWS = "AKIA…"\n  second line'))
    assert '  evidence: AWS = "AKIA…" second line' in stop_reason(report, RECHECK)


def test_memory_is_consulted_only_when_the_agent_is_continuing_for_the_hook() -> None:
    memory = FakeStopMemory({"s1": StopRecord(findings_fingerprint(failing()), 1)})
    requests: list[CheckRequest] = []

    def check(request: CheckRequest) -> CheckReport:
        requests.append(request)
        return failing()

    request = CheckRequest(base="origin/main", gates=("secrets",))
    first = judge_stop(check, memory, FIRST, request)
    assert memory.recalled == []
    assert memory.records["s1"].blocks == 1
    assert first.output is not None
    assert (
        "Re-check with: backdev check --base origin/main --gates secrets"
        in (first.output["reason"])
    )

    judge_stop(check, memory, AGAIN, request)
    assert memory.recalled == ["s1"]
    assert memory.records["s1"].blocks == 2
    assert requests == [request, request]
