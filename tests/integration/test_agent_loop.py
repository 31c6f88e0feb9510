"""The agent's loop on a real repository: commits, feedback, stop-loss, limits, asking.

The model is scripted and the gates' verdicts are canned, so each rule of DESIGN §4
is tested on its own; the real gates run in tests/e2e.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backdev.application.agent_ports import ModelError
from backdev.domain.limits import Limits
from backdev.domain.run_events import AttemptJudged, PlanSaved, Reverted, StepCommitted
from tests.e2e.sample_service import FEATURE
from tests.integration.agent_harness import (
    FINISH,
    PASS,
    failing,
    make_harness,
    plan,
    turn,
    write_test,
)


def test_a_green_step_is_committed_with_trailers_when_the_gates_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])

    result = h.run([plan("AC-2"), write_test(), FINISH])

    assert result.outcome == "done"
    message = h.repo.git("log", "-1", "--format=%B")
    assert message.startswith("FEAT-001 AC-2: make AC-2 true")
    assert "Feature: FEAT-001\nCriterion: AC-2\nStep: 1/1\nGates: pass" in message
    assert h.repo.git("rev-parse", "--abbrev-ref", "HEAD").strip() == "backdev/FEAT-001"
    assert h.repo.git("status", "--porcelain") == ""
    kinds = h.store.kinds(result.run_id)
    assert kinds.index("plan") < kinds.index("commit")  # the plan is saved before any code
    step_check, final_check = h.check.requests
    assert step_check.base == h.base
    assert step_check.skip == ("dod",)
    assert step_check.options == {"acceptance": {"criteria": ["AC-2"]}}
    assert final_check.head == h.repo.sha()
    assert {"acceptance", "coverage", "dod", "secrets"} <= set(final_check.gates)


def test_findings_are_the_next_message_when_a_step_is_red(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [failing(), PASS])

    result = h.run([plan("AC-2"), write_test(), FINISH, FINISH])

    assert result.outcome == "done"
    feedback = h.model.requests[-1][-1].content if h.model else ""
    assert "The quality gates rejected attempt 1" in feedback
    assert "[architecture/forbidden-import] src/shop/domain/x.py:3" in feedback
    assert "fix: do the right thing" in feedback
    attempts = [e for e in h.store.events(1) if isinstance(e, AttemptJudged)]
    assert [(a.attempt, a.verdict) for a in attempts] == [(1, "fail"), (2, "pass")]


def test_the_run_reverts_and_escalates_when_the_same_failure_comes_a_third_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [failing()])
    h.repo.write("local-data/app.db", "keep me")

    result = h.run([plan("AC-2"), write_test(), FINISH, FINISH, FINISH])

    assert result.outcome == "escalated"
    assert h.repo.sha() == h.base  # back at the last green commit
    assert h.repo.git("status", "--porcelain") == ""
    assert (h.repo.root / ".env").exists()
    assert (h.repo.root / "local-data/app.db").read_text() == "keep me"
    assert "abandoned attempt" in h.repo.git("stash", "list")
    revert = next(e for e in h.store.events(1) if isinstance(e, Reverted))
    assert revert.stash
    dossier = (h.repo.root / result.dossier).read_text()
    assert result.dossier == ".backdev/escalations/FEAT-001-1.md"
    assert "- Rule: stop-loss (architecture/forbidden-import)" in dossier
    assert "- Step: 1/1: AC-2 — make AC-2 true" in dossier
    assert "attempt 3:" in dossier


def test_different_failures_do_not_stop_the_run_when_none_repeats_three_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = [failing("privacy/log-leak"), failing("security/s608"), failing(), PASS]
    h = make_harness(tmp_path, monkeypatch, reports)

    result = h.run([plan("AC-2"), write_test(), FINISH, FINISH, FINISH, FINISH])

    assert result.outcome == "done"


def test_a_step_that_changed_nothing_is_red_without_running_the_gates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])

    result = h.run([plan("AC-2"), FINISH, FINISH, FINISH])

    assert result.outcome == "escalated"
    assert h.check.requests == []
    dossier = (h.repo.root / result.dossier).read_text()
    assert "harness/empty-step" in dossier


def test_the_run_stops_before_the_next_model_call_when_a_limit_is_reached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])

    result = h.run([plan("AC-2"), write_test(), FINISH], limits=Limits(max_steps=2))

    assert result.outcome == "limits"
    assert h.model is not None
    assert len(h.model.requests) == 2
    assert h.repo.git("status", "--porcelain") == ""  # the unfinished step was put aside
    dossier = (h.repo.root / result.dossier).read_text()
    assert "- Rule: limits" in dossier


def test_asking_ends_the_run_with_the_question_in_the_dossier_when_the_model_is_unsure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])
    question = "Should the refusal be a 409 or a 422?"

    result = h.run([plan("AC-2"), turn(("ask", {"question": question}))])

    assert result.outcome == "escalated"
    dossier = (h.repo.root / result.dossier).read_text()
    assert "- Rule: ambiguity" in dossier
    assert question in dossier


def test_invalid_plans_are_refused_then_escalated_when_the_model_keeps_sending_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])

    result = h.run([plan("AC-1"), plan("AC-9"), plan()])

    assert result.outcome == "escalated"
    assert not any(isinstance(e, PlanSaved) for e in h.store.events(1))
    assert "no step aims at AC-2" in h.conversation_text()
    assert "harness/invalid-plan" in (h.repo.root / result.dossier).read_text()


def test_refused_tool_calls_are_answered_as_errors_when_paths_leave_the_scope(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])
    outside = ("create_file", {"path": "../outside.py", "content": "x = 1\n"})
    secret = ("read_file", {"path": ".env"})
    spec = (
        "replace",
        {"path": "docs/features/FEAT-001-signup.md", "old": "validated", "new": "done"},
    )

    result = h.run([plan("AC-2"), turn(outside, secret, spec), write_test(), FINISH])

    assert result.outcome == "done"
    results = [e for _run, e in h.transcript.entries if e.get("type") == "tool-result"]
    refused = [e for e in results if e["name"] in {"create_file", "read_file", "replace"}][:3]
    assert all(e["is_error"] for e in refused)
    assert not (tmp_path / "outside.py").exists()
    assert "CANARY" not in h.conversation_text()
    assert "status: validated" in (h.repo.root / "docs/features/FEAT-001-signup.md").read_text()
    commits = [e for e in h.store.events(1) if isinstance(e, StepCommitted)]
    assert len(commits) == 1


def test_a_model_failure_ends_the_session_and_says_how_to_resume_when_the_script_runs_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])

    with pytest.raises(ModelError, match="`backdev resume` continues it"):
        h.run([plan("AC-2")])

    assert h.store.kinds(1)[-1] == "ended"


def test_a_commit_refused_by_a_hook_goes_back_to_the_model_when_the_gates_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])
    hook = h.repo.root / ".git/hooks/pre-commit"
    hook.write_text(
        "#!/bin/sh\nif git diff --cached | grep -q TODO; then echo 'no TODO please'; exit 1; fi\n"
    )
    hook.chmod(0o755)
    todo = ("create_file", {"path": "tests/test_dup.py", "content": "# TODO\n"})
    fix = ("replace", {"path": "tests/test_dup.py", "old": "# TODO\n", "new": "# done\n"})

    result = h.run([plan("AC-2"), turn(todo), FINISH, turn(fix), FINISH])

    assert result.outcome == "done"
    assert "no TODO please" in h.conversation_text()
    assert (h.repo.root / "tests/test_dup.py").read_text() == "# done\n"


def test_a_defect_run_proposes_a_lessons_learned_entry_when_it_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])
    text = (h.repo.root / FEATURE).read_text().replace("workflow: feature", "workflow: defect")
    h.repo.write(FEATURE, text)
    h.repo.commit("a defect, this time")
    summary = "Cause: the service never looked the address up. A unit test per rule catches it."
    finish = turn(("finish_step", {"summary": summary}))

    result = h.run([plan("AC-2"), write_test(), finish])

    assert result.outcome == "done"
    proposal = (h.repo.root / ".backdev/lessons/FEAT-001.md").read_text()
    assert proposal.startswith("# Lessons learned (proposal): FEAT-001 Sign up")
    assert summary in proposal
    assert "Feature: FEAT-001" not in proposal
    assert any(".backdev/lessons/FEAT-001.md" in notice for notice in result.notices)


def test_a_run_escalation_numbers_after_dossiers_on_disk_when_some_were_written_outside_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])
    h.repo.write(".backdev/.gitignore", "*\n")  # as backdev writes it
    h.repo.write(".backdev/escalations/FEAT-001-4.md", "# raised with backdev escalate\n")

    result = h.run([plan("AC-2"), turn(("ask", {"question": "which status code?"}))])

    assert result.dossier == ".backdev/escalations/FEAT-001-5.md"
    assert (h.repo.root / ".backdev/escalations/FEAT-001-4.md").read_text().startswith("# raised")
