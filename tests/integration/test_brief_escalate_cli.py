"""`backdev brief` and `backdev escalate` on the sample service: a real repository,
real test runs, the real run record, through the CLI's `main`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backdev import bootstrap
from backdev.domain.limits import Limits
from backdev.domain.plan import Plan, PlannedStep
from backdev.domain.pricing import Price
from backdev.domain.run_events import Escalated, PlanSaved, RunStarted
from backdev.entrypoints.cli import main
from tests.e2e.sample_service import FEATURE, FILES, build_sample_service
from tests.gitrepo import GitRepo, make_repo

GATES = (
    "scope",
    "size",
    "architecture",
    "secrets",
    "privacy",
    "security",
    "tests",
    "coverage",
    "acceptance",
    "checks",
    "docs",
    "dod",
)
TOKENS = re.compile(
    r"^brief for FEAT-001 (?P<what>.+): ~(?P<tokens>\d+) tokens \(estimate: characters / 4\)\n$"
)
PROVE_AC_2 = """from __future__ import annotations

import pytest

from shop.domain.accounts import normalise_email


@pytest.mark.ac("AC-2")
def test_the_same_address_in_another_case_is_one_address() -> None:
    assert normalise_email("ADA@example.com") == normalise_email("ada@example.com")
"""


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    repo = make_repo(tmp_path, monkeypatch)
    build_sample_service(repo)
    monkeypatch.chdir(repo.root)
    return repo


def _criteria() -> list[str]:
    """Each criterion of FEAT-001 exactly as the feature file has it."""
    body = FILES[FEATURE].split("## Acceptance Criteria\n", 1)[1].split("\n## ", 1)[0]
    return [f"### {block.strip()}" for block in body.split("### ") if block.strip()]


def test_prints_only_markdown_with_every_criterion_and_the_gates_when_briefing_the_sample(
    sample: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["brief", "FEAT-001"]) == 0

    out, err = capsys.readouterr()
    assert out.startswith("# Brief: FEAT-001 Sign up with an email address (step 1 of 1, AC-2)\n")
    assert out.endswith(".\n")
    assert "\x1b[" not in out
    criteria = _criteria()
    assert len(criteria) == 2
    for criterion in criteria:
        assert criterion in out
    for gate in GATES:
        assert f"\n- `{gate}`: " in out
    assert "    backdev check --feature FEAT-001\n" in out
    assert "Move criterion AC-2 forward: A second sign-up with the same address is refused\n" in out
    assert "What the tests show now: missing: no test is linked to it" in out
    shown = TOKENS.match(err)
    assert shown is not None, err
    assert shown["what"] == "step AC-2 (A second sign-up with the same address is refused)"
    assert int(shown["tokens"]) == (len(out) + 3) // 4 < 3000
    assert not (sample.root / ".backdev" / "runs.sqlite3").exists()


def test_asks_for_the_review_when_every_criterion_of_the_sample_is_proven(
    sample: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sample.write("tests/test_duplicates.py", PROVE_AC_2)

    assert main(["brief", "FEAT-001"]) == 0

    out, err = capsys.readouterr()
    assert out.startswith("# Brief: FEAT-001 Sign up with an email address (review)\n")
    assert "## Your task: the review\n" in out
    assert err.startswith("brief for FEAT-001 review (every criterion is proven): ~")


def test_briefs_the_first_criterion_without_running_tests_when_asked_not_to(
    sample: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sample.write("tests/test_duplicates.py", "this file would not even import\n")

    assert main(["brief", FEATURE, "--no-tests"]) == 0

    out, err = capsys.readouterr()
    assert out.startswith("# Brief: FEAT-001 Sign up with an email address (step 1 of 2, AC-1)\n")
    assert "What the tests show now" not in out
    assert err.startswith("brief for FEAT-001 step AC-1 (Signing up stores the normalised ")


def test_takes_the_step_from_the_latest_saved_plan_when_a_run_saved_one(
    sample: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    store, _clock = bootstrap.run_records(sample.root)
    plan = Plan(
        ("the same address in another case",),
        (
            PlannedStep("AC-2", "Raise DuplicateAccount from the service"),
            PlannedStep("AC-2", "Map DuplicateAccount to 409 in the API"),
        ),
    )
    started = RunStarted(
        "FEAT-001", FEATURE, "feature", "openai:m", "backdev/FEAT-001", "base", Limits(),
        Price(1, 1), 1.0,
    )  # fmt: skip
    store.append(store.create(started), PlanSaved(plan, 2.0))

    assert main(["brief", "FEAT-001", "--step", "2", "--no-tests"]) == 0

    out = capsys.readouterr().out
    assert out.startswith("# Brief: FEAT-001 Sign up with an email address (step 2 of 2, AC-2)\n")
    assert "2. AC-2: Map DuplicateAccount to 409 in the API ← this step\n" in out
    assert "Move criterion AC-2 forward: Map DuplicateAccount to 409 in the API\n" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--step", "3", "--no-tests"], "--step 3 is out of range"),
        (["--criterion", "AC-7", "--no-tests"], "criterion 'AC-7' is not in FEAT-001"),
        (["--workflow", "spike", "--no-tests"], "unknown --workflow 'spike'"),
    ],
)
def test_exits_2_with_the_reason_when_the_step_cannot_be_chosen(
    sample: GitRepo, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["brief", "FEAT-001", *args]) == 2

    out, err = capsys.readouterr()
    assert out == ""
    assert message in " ".join(err.split())


def test_writes_a_dossier_numbered_after_the_existing_ones_when_escalating(
    sample: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = sample.root / ".backdev" / "escalations"
    folder.mkdir(parents=True)
    (folder / "FEAT-001-2.md").write_text("# Escalation 2: earlier\n", encoding="utf-8")
    store, _clock = bootstrap.run_records(sample.root)
    started = RunStarted(
        "FEAT-001", FEATURE, "feature", "openai:m", "b", "base", Limits(), Price(1, 1), 1.0
    )
    store.append(store.create(started), Escalated(1, "dod", "x.md", "q", 2.0))
    fake_key = "AKIA" + "Q" * 16

    code = main(
        [
            "escalate",
            "FEAT-001",
            "--rule",
            "ambiguity",
            "--question",
            "Is a second sign-up refused even when the first account is not confirmed?",
            "--evidence",
            "R2: An address can hold only one account.",
            "--evidence",
            f"aws_access_key_id = '{fake_key}'",
        ]
    )

    assert code == 0
    out = capsys.readouterr().out
    assert out == ".backdev/escalations/FEAT-001-3.md\n"
    text = (sample.root / out.strip()).read_text(encoding="utf-8")
    assert text.startswith("# Escalation 3: Is a second sign-up refused even when the first")
    assert "- Feature: FEAT-001\n- Rule: ambiguity\n" in text
    assert "- R2: An address can hold only one account.\n" in text
    assert fake_key not in text
    assert (folder / "FEAT-001-2.md").read_text(encoding="utf-8") == "# Escalation 2: earlier\n"
    assert sample.git("status", "--porcelain") == ""


def test_exits_2_listing_the_rules_when_the_rule_is_unknown(
    sample: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["escalate", "FEAT-001", "--rule", "taste", "--question", "Tabs?"]) == 2

    err = " ".join(capsys.readouterr().err.split())
    assert err == (
        "error: unknown escalation rule 'taste': use one of requirement, principle, "
        "security-privacy, dod, stop-loss, ambiguity, limits"
    )
    assert not (sample.root / ".backdev" / "escalations").exists()


@pytest.mark.parametrize("command", ["brief", "escalate"])
def test_has_help_with_examples_when_asked(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--help"]) == 0

    out = capsys.readouterr().out
    assert f"Usage: backdev {command}" in out
    assert f"backdev {command} FEAT-012" in out


def test_a_value_from_the_ignored_env_is_masked_when_it_is_quoted_in_evidence(
    sample: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    value = "plain" + "-words-" + "from-env"
    (sample.root / ".env").write_text(f"SHOP_TOKEN={value}\n", encoding="utf-8")

    code = main(
        [
            "escalate",
            "FEAT-001",
            "--rule",
            "ambiguity",
            "--question",
            "Which token?",
            "--evidence",
            f"the settings printed {value}",
        ]
    )

    assert code == 0
    text = (sample.root / capsys.readouterr().out.strip()).read_text(encoding="utf-8")
    assert "- the settings printed ***" in text
    assert value not in text
