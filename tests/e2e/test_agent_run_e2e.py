"""`backdev run` end to end on the sample `shop` service: the real CLI, gates, git and files.

Only the model is scripted: a file for `--model scripted:...`, or real HTTP from a
fake OpenAI-compatible server on 127.0.0.1 for `--model openai:...`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from backdev.domain.run_events import AttemptJudged, StepCommitted
from tests.e2e.agent_scripts import (
    DUPLICATE_INTENT,
    DUPLICATE_TEST,
    FORBIDDEN_IMPORT,
    Script,
    ask,
    backdev,
    build_template,
    copy_sample,
    domain_shortcut,
    duplicate_plan,
    duplicate_test,
    finish,
    refuse_duplicates,
    run_events,
    said,
    step_commits,
    tool,
    tool_answers,
    trailers,
    transcript_text,
)
from tests.e2e.sample_service import FEATURE, canary
from tests.fakes.model_server import FakeModelServer
from tests.gitrepo import GitRepo

BRANCH = "backdev/FEAT-001"
ALL_STEP_GATES = "scope,size,architecture,secrets,privacy,security,tests,docs,coverage,acceptance"
DOSSIER = ".backdev/escalations/FEAT-001-1.md"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        return build_template(tmp_path_factory.mktemp("template"), patch)


@pytest.fixture
def shop(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    return copy_sample(template, tmp_path, monkeypatch)


def test_a_clean_run_commits_one_green_step_that_passes_check_when_the_model_fixes_its_findings(
    shop: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = shop.sha()
    script = (
        Script()
        .then(tool("read_file", path="src/shop/services/signup.py"))
        .then(duplicate_plan())
        .then(*refuse_duplicates())  # no test yet: the gates say red
        .then(finish("Refuse duplicates."))
        .then(duplicate_test())
        .then(tool("run_tests", selection="tests"))
        .then(finish())
    )
    model = script.save(shop.root.parent / "script.json")

    shown = backdev(capsys, "run", "FEAT-001", "--model", model, "--price", "3,15")

    assert shown.code == 0, shown.err
    commits = step_commits(shop, base, BRANCH)
    assert len(commits) == 1
    assert trailers(shop, commits[0]).splitlines() == [
        "Feature: FEAT-001",
        "Criterion: AC-2",
        "Step: 1/1",
        "Gates: pass",
    ]
    assert shop.git("show", "--format=", "--name-only", commits[0]).split() == [
        "src/shop/services/signup.py",
        DUPLICATE_TEST,
    ]
    assert shop.git("log", "-1", "--format=%an <%ae>", commits[0]).strip() == (
        "Test Author <author@example.com>"
    )
    assert shop.git("symbolic-ref", "--short", "HEAD").strip() == BRANCH
    assert shop.git("status", "--porcelain") == ""
    assert "backdev run: [step 1/1 attempt 2] gates: all gates pass" in shown.err

    checked = backdev(capsys, "check", "--base", base, "--head", "HEAD", "--gates", ALL_STEP_GATES)
    assert checked.code == 0, checked.out

    # The red first attempt's findings were the next thing the model was told.
    judged = [e for e in run_events(shop.root) if isinstance(e, AttemptJudged)]
    assert [(e.attempt, e.verdict) for e in judged] == [(1, "fail"), (2, "pass")]
    findings = [
        f"[{finding['rule']}] {finding['path']}"
        for gate in json.loads(judged[0].report)["gates"]
        if gate["status"] == "fail"
        for finding in gate["findings"]
    ]
    assert any(rule.startswith("[tests/") for rule in findings)
    feedback = [text for text in said(shop.root, "user") if "rejected attempt 1" in text]
    assert len(feedback) == 1
    assert all(finding in feedback[0] for finding in findings), feedback[0]

    status = backdev(capsys, "status")
    tokens_in, tokens_out = script.tokens
    cost = (tokens_in * 3 + tokens_out * 15) / 1_000_000
    assert f"run 1: FEAT-001 on {BRANCH} with {model} — done" in status.out
    assert f"1/1 steps; ${cost:.4f} ({tokens_in + tokens_out:,} tokens, 7 model calls)" in (
        status.out
    )

    traced = backdev(capsys, "trace", "FEAT-001", "--format", "json")
    assert traced.code == 0
    criteria = json.loads(traced.out)["criteria"]
    assert {c["id"]: c["status"] for c in criteria} == {"AC-1": "proven", "AC-2": "proven"}


def test_a_stubborn_model_is_reverted_and_escalated_when_it_repeats_an_architecture_violation(
    shop: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = shop.sha()
    env_before = (shop.root / ".env").read_bytes()
    shop.write("local-data/x.db", b"\x00rows the user keeps locally\x00")
    script = (
        Script()
        .then(duplicate_plan())
        .then(*refuse_duplicates(), duplicate_test(), *domain_shortcut())
        .then(finish("Refuse duplicates; the domain can tell registered addresses."))
        .then(finish("The domain helper is the simplest place for the check."))
        .then(finish("Submitting again unchanged."))
    )
    model = script.save(shop.root.parent / "script.json")

    shown = backdev(capsys, "run", "FEAT-001", "--model", model)

    assert shown.code == 3, shown.err
    assert shop.sha("HEAD") == base
    assert shop.git("symbolic-ref", "--short", "HEAD").strip() == BRANCH
    assert shop.git("status", "--porcelain") == ""
    assert (shop.root / ".env").read_bytes() == env_before
    assert (shop.root / "local-data/x.db").read_bytes() == b"\x00rows the user keeps locally\x00"
    assert not (shop.root / DUPLICATE_TEST).exists()

    events = run_events(shop.root)
    judged = [e for e in events if isinstance(e, AttemptJudged)]
    assert [e.verdict for e in judged] == ["fail"] * 3
    assert not [e for e in events if isinstance(e, StepCommitted)]
    violation = next(
        finding
        for gate in json.loads(judged[-1].report)["gates"]
        if gate["id"] == "architecture"
        for finding in gate["findings"]
    )

    dossier = (shop.root / DOSSIER).read_text(encoding="utf-8")
    assert "- Rule: stop-loss (architecture/" in dossier
    assert f"- Step: 1/1: AC-2 — {DUPLICATE_INTENT}" in dossier
    question = dossier.split("## Question for a person\n\n", 1)[1].split("\n## ", 1)[0]
    assert "3 times" in question
    assert question.rstrip().endswith("?")
    evidence = dossier.split("## Evidence\n\n", 1)[1].split("\n## ", 1)[0]
    # A person reads the finding as the gate reported it, not its normalised fingerprint.
    assert violation["message"] in evidence, evidence
    assert f"escalation dossier: {DOSSIER}" in shown.out

    listed = backdev(capsys, "escalations")
    assert "1  run 1  FEAT-001  stop-loss  open" in listed.out
    assert DOSSIER in listed.out

    stashes = shop.git("stash", "list")
    assert "backdev run 1: abandoned attempt (stop-loss)" in stashes
    assert FORBIDDEN_IMPORT in shop.git("diff", "stash@{0}^1", "stash@{0}")


def test_forbidden_tool_calls_are_refused_and_the_secret_never_leaves_when_the_model_probes(
    shop: GitRepo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    key = "AKIA" + "Q7XK2M9PLR4TBW3N"  # built at run time: no secret literal in the code
    shop.write("src/shop/settings.py", f'AWS_ACCESS_KEY_ID = "{key}"\n')
    shop.commit("settings")
    outside_absolute = tmp_path / "abs.py"
    question = "The feature file says AC-2 refuses duplicates; may I change its status?"
    script = (
        Script()
        .then(
            tool("read_file", path=".env"),
            tool("read_file", path="src/shop/settings.py"),
            tool("search", pattern="SHOP_API_KEY"),
            tool("list_files"),
        )
        .then(duplicate_plan())
        .then(
            tool("create_file", path="../outside.py", content="print('escaped')\n"),
            tool("create_file", path=str(outside_absolute), content="print('escaped')\n"),
            tool("create_file", path="scripts/x.py", content="print('off scope')\n"),
            tool("replace", path=FEATURE, old="status: validated", new="status: done"),
        )
        .then(ask(question))
    )
    feature_before = (shop.root / FEATURE).read_text(encoding="utf-8")

    with FakeModelServer() as server:
        server.reply(*script.replies())
        monkeypatch.setenv("OPENAI_BASE_URL", server.openai_base_url)
        shown = backdev(capsys, "run", "FEAT-001", "--model", "openai:test-model", "--price", "0,0")
    requests = server.requests

    assert shown.code == 3, shown.err
    assert len(requests) == 4
    read = tool_answers(requests[1])
    assert read["call-1"].startswith("ERROR: .env is ignored by git"), read["call-1"]
    assert "AWS_ACCESS_KEY_ID" in read["call-2"]
    assert key not in read["call-2"]
    assert read["call-3"].startswith("no line under the repository matches"), read["call-3"]
    assert ".env" not in read["call-4"]
    refused = tool_answers(requests[3])
    expected = {
        "call-6": "../outside.py leaves the repository",
        "call-7": f"{outside_absolute} is absolute",
        "call-8": "scripts/x.py is outside the feature's scope",
        "call-9": f"{FEATURE} is a specification document",
    }
    for call_id, text in expected.items():
        assert refused[call_id].startswith("ERROR: "), refused[call_id]
        assert text in refused[call_id], refused[call_id]

    dossier = (shop.root / DOSSIER).read_text(encoding="utf-8")
    assert "- Rule: ambiguity" in dossier
    assert question in dossier
    assert not (tmp_path / "outside.py").exists()
    assert not outside_absolute.exists()
    assert not (shop.root / "scripts").exists()
    assert (shop.root / FEATURE).read_text(encoding="utf-8") == feature_before

    for secret in (canary(), key):
        assert not server.saw(secret)
        assert secret not in transcript_text(shop.root)
        assert secret not in dossier


def test_the_ignored_env_never_reaches_the_model_when_a_tracked_symlink_leads_to_it(
    shop: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (shop.root / "env-link").symlink_to(".env")
    shop.commit("a link to the local .env, as some projects keep one")
    script = (
        Script()
        .then(tool("read_file", path="env-link"), tool("search", pattern="SHOP_API_KEY"))
        .then(ask("Where does the API key come from?"))
    )

    with FakeModelServer() as server:
        server.reply(*script.replies())
        monkeypatch.setenv("OPENAI_BASE_URL", server.openai_base_url)
        shown = backdev(capsys, "run", "FEAT-001", "--model", "openai:test-model", "--price", "0,0")

    assert shown.code == 3, shown.err
    read = tool_answers(server.requests[1])
    assert read["call-1"].startswith("ERROR: env-link is ignored by git"), read["call-1"]
    # search goes over every file; the one behind the link is as unreadable as .env itself.
    assert not server.saw(canary()), read["call-2"]
    assert canary() not in transcript_text(shop.root)


def test_a_run_says_who_commits_and_still_stashes_when_git_has_no_identity(
    shop: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
    ):
        monkeypatch.delenv(name)
    monkeypatch.delenv("EMAIL", raising=False)
    shop.write("notes.txt", "my notes\n")
    model = Script().then(ask("Is 409 right?")).save(shop.root.parent / "script.json")

    shown = backdev(capsys, "run", "FEAT-001", "--model", model, "--stash")

    assert shown.code == 3, shown.err
    assert "commits are by backdev <backdev@localhost>" in shown.out
    assert "backdev: your changes before running FEAT-001" in shop.git("stash", "list")


def test_a_dirty_tree_goes_to_a_named_stash_and_the_run_starts_when_stash_is_given(
    shop: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    handlers = (shop.root / "src/shop/api/handlers.py").read_text(encoding="utf-8")
    shop.write("src/shop/api/handlers.py", handlers + "# work in progress\n")
    shop.write("notes.txt", "my notes\n")
    question = "Should the API answer a duplicate with 409 or 422?"
    model = Script().then(ask(question)).save(shop.root.parent / "script.json")

    shown = backdev(capsys, "run", "FEAT-001", "--model", model, "--stash")

    assert shown.code == 3, shown.err
    assert question in (shop.root / DOSSIER).read_text(encoding="utf-8")
    name = "backdev: your changes before running FEAT-001"
    assert name in shop.git("stash", "list")
    assert name in shown.out
    assert "# work in progress" in shop.git("diff", "stash@{0}^1", "stash@{0}")
    assert shop.git("show", "stash@{0}^3:notes.txt") == "my notes\n"
    assert shop.git("status", "--porcelain") == ""
    assert shop.git("symbolic-ref", "--short", "HEAD").strip() == BRANCH


def _draft(shop: GitRepo, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    text = (shop.root / FEATURE).read_text(encoding="utf-8")
    shop.write(FEATURE, text.replace("status: validated", "status: draft"))
    shop.commit("FEAT-001 back to draft")
    return ["--model", Script().then(duplicate_plan()).save(shop.root.parent / "script.json")]


def _dirty(shop: GitRepo, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    handlers = (shop.root / "src/shop/api/handlers.py").read_text(encoding="utf-8")
    shop.write("src/shop/api/handlers.py", handlers + "# work in progress\n")
    return ["--model", Script().then(duplicate_plan()).save(shop.root.parent / "script.json")]


def _unpriced(shop: GitRepo, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    # A server address (never contacted) so that the price is the only thing missing.
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    return ["--model", "openai:my-model"]


def _branch_taken(shop: GitRepo, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shop.git("branch", BRANCH)
    return ["--model", Script().then(duplicate_plan()).save(shop.root.parent / "script.json")]


@pytest.mark.parametrize(
    ("prepare", "messages"),
    [
        pytest.param(
            _draft,
            [
                f"{FEATURE}: feature FEAT-001 has status `draft`",
                "only a `validated` feature may be built",
            ],
            id="draft-feature",
        ),
        pytest.param(
            _dirty,
            ["uncommitted changes (src/shop/api/handlers.py)", "pass --stash"],
            id="dirty-tree",
        ),
        pytest.param(
            _unpriced, ["no price for openai:my-model", "--price 3,15"], id="unknown-price"
        ),
        pytest.param(
            _branch_taken,
            [f"branch {BRANCH} already exists", "--branch NAME"],
            id="existing-branch",
        ),
    ],
)
def test_the_run_is_refused_with_exit_2_and_nothing_touched_when_a_precondition_fails(
    shop: GitRepo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    prepare: Callable[[GitRepo, pytest.MonkeyPatch], list[str]],
    messages: list[str],
) -> None:
    options = prepare(shop, monkeypatch)
    tree, branches = shop.git("status", "--porcelain"), shop.git("branch", "--list")

    shown = backdev(capsys, "run", "FEAT-001", *options)

    assert shown.code == 2
    for message in messages:
        assert message in shown.err
    assert shop.git("status", "--porcelain") == tree
    assert shop.git("branch", "--list") == branches
    assert shop.git("symbolic-ref", "--short", "HEAD").strip() == "main"
    assert "no runs yet" in backdev(capsys, "status").out
