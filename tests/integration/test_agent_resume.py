"""Starting, refusing, answering and resuming runs on a real repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from backdev.agent.records import answer_escalation, list_escalations
from backdev.agent.run import resume_run
from backdev.domain.errors import ConfigError
from backdev.domain.limits import Limits
from backdev.domain.run_events import StepCommitted
from tests.e2e.sample_service import FEATURE
from tests.fakes.agent import FakeClock
from tests.integration.agent_harness import FINISH, PASS, make_harness, plan, turn, write_test

ASK = turn(("ask", {"question": "409 or 422?"}))


def test_a_feature_is_refused_when_it_is_not_validated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])
    text = (h.repo.root / FEATURE).read_text().replace("status: validated", "status: draft")
    h.repo.write(FEATURE, text)
    h.repo.commit("draft again")

    with pytest.raises(ConfigError, match="status `draft`; only a `validated` feature"):
        h.run([])


def test_a_dirty_tree_is_refused_when_stash_is_not_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])
    h.repo.write("src/shop/api/handlers.py", "# my unfinished work\n")

    with pytest.raises(ConfigError, match=r"uncommitted changes \(src/shop/api/handlers.py\)"):
        h.run([])
    assert h.store.runs() == []
    assert "my unfinished work" in (h.repo.root / "src/shop/api/handlers.py").read_text()


def test_a_dirty_tree_is_stashed_under_a_name_when_stash_is_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])
    h.repo.write("src/shop/api/handlers.py", "# my unfinished work\n")

    result = h.run([plan("AC-2"), write_test(), FINISH], stash=True)

    assert result.outcome == "done"
    assert "backdev: your changes before running FEAT-001" in h.repo.git("stash", "list")
    assert any("stash" in notice for notice in result.notices)


@pytest.mark.parametrize(
    ("model", "price", "message"),
    [
        ("openai:my-finetune", None, "no price for openai:my-finetune"),
        ("gpt-4", None, "is not PROVIDER:MODEL"),
    ],
)
def test_a_run_is_refused_before_it_starts_when_the_model_or_price_is_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model: str, price: object, message: str
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])

    with pytest.raises(ConfigError, match=message):
        h.run([], model=model, price=price)
    assert h.repo.git("rev-parse", "--abbrev-ref", "HEAD").strip() == "main"


def test_a_second_run_is_refused_when_the_branch_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])
    h.repo.git("branch", "backdev/FEAT-001")

    with pytest.raises(ConfigError, match="branch backdev/FEAT-001 already exists"):
        h.run([])


def test_resume_waits_for_an_answer_then_passes_it_to_the_model_when_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])
    first = h.run([plan("AC-2"), ASK])
    assert first.outcome == "escalated"

    with pytest.raises(ConfigError, match=r"waits for an answer to escalation 1.*backdev answer 1"):
        resume_run(h.services([]), None, None, h.progress.append)

    answer_escalation(h.store, FakeClock(), 1, "Use 409 Conflict.")
    assert list_escalations(h.store)[0].answer == "Use 409 Conflict."
    with pytest.raises(ConfigError, match="already answered"):
        answer_escalation(h.store, FakeClock(), 1, "again")

    result = resume_run(h.services([write_test(), FINISH]), None, None, h.progress.append)

    assert result.outcome == "done"
    assert "Use 409 Conflict." in h.conversation_text()
    assert len([e for e in h.store.events(1) if isinstance(e, StepCommitted)]) == 1


def test_resume_records_a_commit_made_just_before_a_crash_when_the_record_missed_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])
    h.run([plan("AC-2"), ASK])
    answer_escalation(h.store, FakeClock(), 1, "go on")
    # the step's commit landed, then the process died before recording it
    h.repo.write("tests/test_dup.py", "def test_x() -> None:\n    pass\n")
    sha = h.repo.commit(
        "FEAT-001 AC-2: x\n\nFeature: FEAT-001\nCriterion: AC-2\nStep: 1/1\nGates: pass"
    )

    result = resume_run(h.services([]), None, None, h.progress.append)

    assert result.outcome == "done"
    assert result.commits == (sha,)
    assert h.model is not None
    assert h.model.requests == []  # nothing was redone


def test_resume_stashes_what_an_interrupted_attempt_left_when_the_tree_is_dirty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])
    h.run([plan("AC-2"), ASK])
    answer_escalation(h.store, FakeClock(), 1, "go on")
    h.repo.write("src/shop/services/half.py", "x = 1\n")  # as if killed mid-step

    result = resume_run(h.services([write_test(), FINISH]), None, None, h.progress.append)

    assert result.outcome == "done"
    assert "interrupted attempt of run 1" in h.repo.git("stash", "list")
    assert not (h.repo.root / "src/shop/services/half.py").exists()


def test_resume_is_refused_with_a_hint_when_there_is_no_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])

    with pytest.raises(ConfigError, match="no run to resume: start one with backdev run"):
        resume_run(h.services([]), None, None, h.progress.append)
    with pytest.raises(ConfigError, match="there is no escalation 4"):
        answer_escalation(h.store, FakeClock(), 4, "x")
    with pytest.raises(ConfigError, match="the answer is empty"):
        answer_escalation(h.store, FakeClock(), 4, "  ")


def test_resume_after_a_limit_needs_a_higher_limit_and_no_answer_when_limits_are_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])
    first = h.run([plan("AC-2"), write_test(), FINISH], limits=Limits(max_steps=2))
    assert first.outcome == "limits"

    with pytest.raises(ConfigError, match=r"stopped at a limit: the run made 2 model calls"):
        resume_run(h.services([]), None, None, h.progress.append)
    result = resume_run(
        h.services([write_test(), FINISH]), None, Limits(max_steps=10), h.progress.append
    )

    assert result.outcome == "done"


def test_nothing_is_stashed_when_the_run_is_refused_for_an_existing_branch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = make_harness(tmp_path, monkeypatch, [PASS])
    h.repo.git("branch", "backdev/FEAT-001")
    h.repo.write("src/shop/api/handlers.py", "# my unfinished work\n")

    with pytest.raises(ConfigError, match="already exists"):
        h.run([], stash=True)

    assert h.repo.git("stash", "list") == ""
    assert "my unfinished work" in (h.repo.root / "src/shop/api/handlers.py").read_text()
