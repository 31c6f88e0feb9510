"""`backdev resume` / `answer` / `escalations` end to end: a run killed with SIGKILL, or
stopped by a question or a limit, continues where it stood without losing or repeating a
green step.

The killed run is a real `python -m backdev run` process talking HTTP to a fake
OpenAI-compatible server on 127.0.0.1, which holds one request open until the test
has killed the process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.agent_scripts import (
    DUPLICATE_INTENT,
    DUPLICATE_TEST,
    Blocker,
    Script,
    ask,
    backdev,
    build_template,
    copy_sample,
    duplicate_plan,
    duplicate_test,
    finish,
    map_duplicates_to_409,
    plan,
    prompt,
    refuse_duplicates,
    step_commits,
    tool,
    trailers,
)
from tests.e2e.sample_service import FEATURE
from tests.fakes.model_server import FakeModelServer, RecordedRequest
from tests.gitrepo import GitRepo

BRANCH = "backdev/FEAT-001"
DOSSIER = ".backdev/escalations/FEAT-001-1.md"
OPENAI_RUN = ("run", "FEAT-001", "--model", "openai:test-model", "--price", "0,0")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        return build_template(tmp_path_factory.mktemp("template"), patch)


@pytest.fixture
def shop(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    return copy_sample(template, tmp_path, monkeypatch)


def test_resume_finishes_the_step_once_and_stashes_the_leftovers_when_killed_mid_step(
    shop: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = shop.sha()
    before_kill = Script().then(duplicate_plan()).then(duplicate_test())
    after_kill = Script().then(*refuse_duplicates(), duplicate_test()).then(finish())
    blocker = Blocker()

    with FakeModelServer() as server:
        server.reply(*before_kill.replies(), blocker)
        try:
            _kill_when_held(_start_run(shop.root, server), blocker, shop.root.parent)
        finally:
            blocker.released.set()
        assert blocker.request is not None
        assert "created tests/test_duplicates.py" in _tool_text(blocker.request)
        assert (shop.root / DUPLICATE_TEST).exists()
        assert "running or interrupted (backdev resume continues it)" in (
            backdev(capsys, "status").out
        )
        killed_at = len(server.requests)

        server.reply(*after_kill.replies())
        monkeypatch.setenv("OPENAI_BASE_URL", server.openai_base_url)
        shown = backdev(capsys, "resume")
    resumed = server.requests[killed_at:]

    assert shown.code == 0, shown.err
    commits = step_commits(shop, base, BRANCH)
    assert len(commits) == 1
    assert "Step: 1/1" in trailers(shop, commits[0])
    assert shop.git("status", "--porcelain") == ""
    name = "backdev: interrupted attempt of run 1"
    assert name in shop.git("stash", "list")
    assert name in shown.out
    assert "AC-2" in shop.git("show", f"stash@{{0}}^3:{DUPLICATE_TEST}")
    # The saved plan stands: the resumed conversation is the step's, not a new plan.
    assert len(resumed) == len(after_kill.turns)
    assert "Implement step 1/1" in prompt(resumed[0])
    assert "submit_plan" not in _tool_names(resumed[0])
    assert "— done" in backdev(capsys, "status").out


def test_resume_does_not_repeat_a_committed_step_when_killed_before_the_next_one(
    shop: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = shop.sha()
    two_steps = plan(("AC-2", DUPLICATE_INTENT), ("AC-2", "answer a duplicate sign-up with 409"))
    before_kill = (
        Script().then(two_steps).then(*refuse_duplicates(), duplicate_test()).then(finish())
    )
    after_kill = Script().then(*map_duplicates_to_409()).then(finish("Answer 409."))
    blocker = Blocker()

    with FakeModelServer() as server:
        server.reply(*before_kill.replies(), blocker)
        try:
            _kill_when_held(_start_run(shop.root, server), blocker, shop.root.parent)
        finally:
            blocker.released.set()
        assert blocker.request is not None
        assert "Implement step 2/2" in prompt(blocker.request)
        assert len(step_commits(shop, base, BRANCH)) == 1
        killed_at = len(server.requests)

        server.reply(*after_kill.replies())
        monkeypatch.setenv("OPENAI_BASE_URL", server.openai_base_url)
        shown = backdev(capsys, "resume")
    resumed = server.requests[killed_at:]

    assert shown.code == 0, shown.err
    commits = step_commits(shop, base, BRANCH)
    assert len(commits) == 2
    assert "Step: 1/2" in trailers(shop, commits[0])
    assert "Step: 2/2" in trailers(shop, commits[1])
    assert len(resumed) == len(after_kill.turns)
    assert all("Implement step 1/2" not in prompt(request) for request in resumed)
    assert "interrupted attempt" not in shop.git("stash", "list")
    status = backdev(capsys, "status").out
    assert "— done" in status
    assert "2/2 steps" in status
    again = backdev(capsys, "resume")
    assert again.code == 0
    assert "the run is already done" in again.out
    assert len(step_commits(shop, base, BRANCH)) == 2


def test_resume_waits_for_an_answer_then_gives_it_to_the_model_when_an_escalation_is_open(
    shop: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "Is a sign-up with the same address in other letter case a duplicate?"
    answer = "Yes: addresses are compared after normalise_email."
    follow_up = "Should the API answer a duplicate with 409?"
    first = Script().then(ask(question))
    second = Script().then(duplicate_plan()).then(ask(follow_up))

    with FakeModelServer() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.openai_base_url)
        server.reply(*first.replies())
        assert backdev(capsys, *OPENAI_RUN).code == 3

        waiting = backdev(capsys, "resume")
        assert waiting.code == 2
        assert "run 1 waits for an answer to escalation 1" in waiting.err
        assert DOSSIER in waiting.err
        assert 'backdev answer 1 "..."' in waiting.err
        assert len(server.requests) == 1

        answered = backdev(capsys, "answer", "1", answer)
        assert answered.code == 0, answered.err
        assert "continue run 1 with: backdev resume" in answered.out
        assert f"answered: {answer}" in backdev(capsys, "escalations").out

        shop.git("switch", "--quiet", "main")  # the person looked around meanwhile
        server.reply(*second.replies())
        resumed = backdev(capsys, "resume")
    requests = server.requests

    assert resumed.code == 3, resumed.err
    assert shop.git("symbolic-ref", "--short", "HEAD").strip() == BRANCH
    assert len(requests) == 3
    assert answer not in prompt(requests[0])
    assert answer in prompt(requests[1])  # the new plan's conversation
    assert answer in prompt(requests[2])  # and the step after it
    dossier = shop.root / ".backdev/escalations/FEAT-001-2.md"
    assert follow_up in dossier.read_text(encoding="utf-8")
    listed = backdev(capsys, "escalations").out
    assert "2  run 1  FEAT-001  ambiguity  open" in listed


def test_the_run_stops_with_exit_4_and_a_limits_dossier_when_max_steps_is_reached(
    shop: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    reading = [tool("read_file", path=p) for p in ("src/shop/domain/accounts.py", FEATURE)]
    script = Script().then(reading[0]).then(reading[1]).then(duplicate_plan())
    model = script.save(shop.root.parent / "script.json")

    shown = backdev(capsys, "run", "FEAT-001", "--model", model, "--max-steps", "2")

    assert shown.code == 4, shown.err
    dossier = (shop.root / DOSSIER).read_text(encoding="utf-8")
    assert "- Rule: limits" in dossier
    assert "--max-steps" in dossier
    status = backdev(capsys, "status")
    assert "— limits" in status.out
    assert "2 model calls" in status.out

    # What the run says to do next must work: a limit is raised, not answered.
    advice = [line for line in shown.out.splitlines() if line.startswith("next:")]
    assert len(advice) == 1
    assert "backdev resume --max-" in advice[0], shown.out
    how = dossier.split("## How to continue", 1)[1]
    assert "backdev resume --max-" in how, how
    same_limits = backdev(capsys, "resume")
    assert same_limits.code == 2
    assert "stopped at a limit" in same_limits.err

    Script().then(duplicate_plan()).then(ask("Which module owns the check?")).save(
        shop.root.parent / "script.json"
    )
    raised = backdev(capsys, "resume", "--max-steps", "10")
    assert raised.code == 3, raised.err
    assert "4 model calls" in backdev(capsys, "status").out


def test_the_run_stops_before_the_call_that_would_pass_max_cost_when_the_budget_is_spent(
    shop: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # Each turn costs (1000 * 3 + 100 * 15) / 1e6 = $0.0045: the fourth call would pass $0.01.
    paths = ("src/shop/domain/accounts.py", "src/shop/services/signup.py", FEATURE)
    script = Script()
    for path in paths:
        script.then(tool("read_file", path=path))
    model = script.then(duplicate_plan()).save(shop.root.parent / "script.json")

    shown = backdev(
        capsys, "run", "FEAT-001", "--model", model, "--price", "3,15", "--max-cost", "0.01"
    )

    assert shown.code == 4, shown.err
    assert "cost: $0.0135 (3,300 tokens, 3 model calls)" in shown.out
    dossier = (shop.root / DOSSIER).read_text(encoding="utf-8")
    assert "- Rule: limits" in dossier
    assert "--max-cost $0.01" in dossier


def test_resume_and_answer_are_refused_with_exit_2_when_there_is_nothing_to_continue(
    shop: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    resumed = backdev(capsys, "resume")
    assert resumed.code == 2
    assert "there is no run to resume" in resumed.err
    assert "backdev run FEATURE --model" in resumed.err

    answered = backdev(capsys, "answer", "9", "x")
    assert answered.code == 2
    assert "there is no escalation 9" in answered.err
    assert "backdev escalations" in answered.err


def _start_run(root: Path, server: FakeModelServer) -> subprocess.Popen[bytes]:
    """`backdev run` as its own process, talking to `server`; output goes to files."""
    env = {**os.environ, "OPENAI_BASE_URL": server.openai_base_url}
    env.pop("OPENAI_API_KEY", None)
    with (root.parent / "run.out").open("wb") as out, (root.parent / "run.err").open("wb") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "backdev", *OPENAI_RUN],
            cwd=root,
            env=env,
            stdout=out,
            stderr=err,
        )


def _kill_when_held(process: subprocess.Popen[bytes], blocker: Blocker, logs: Path) -> None:
    """SIGKILL the run while the server holds its request; fail if it never gets there."""
    deadline = time.monotonic() + 120
    while not blocker.arrived.wait(0.05):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            said = (logs / "run.err").read_text(encoding="utf-8", errors="replace")
            raise AssertionError(f"the run never reached the held request:\n{said}")
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(30) == -signal.SIGKILL


def _tool_text(request: RecordedRequest) -> str:
    messages = request.json()["messages"]
    return "\n".join(str(m["content"]) for m in messages if m["role"] == "tool")


def _tool_names(request: RecordedRequest) -> list[str]:
    return [str(t["function"]["name"]) for t in request.json().get("tools", [])]
