"""The defect and refactor workflows end to end: the workflow's own gate turns a step red,
the model's next attempt turns it green.

`regression-proof` runs the step's new tests on the last green commit (they must fail
there) and `behaviour-preserved` compares public signatures, tests and coverage with it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backdev.domain.run_events import AttemptJudged
from tests.e2e.agent_scripts import (
    DUPLICATE_TEST,
    Script,
    backdev,
    build_template,
    copy_sample,
    duplicate_plan,
    finish,
    plan,
    refuse_duplicates,
    run_events,
    tool,
)
from tests.e2e.sample_service import FEATURE
from tests.gitrepo import GitRepo

_PASSES_ON_BASE = """from __future__ import annotations

import pytest

from shop.adapters.memory import MemoryAccounts
from shop.services.signup import register


@pytest.mark.ac("AC-2")
def test_a_signup_is_stored() -> None:
    accounts = MemoryAccounts()
    register("ada@example.com", accounts)
    assert accounts.find("ada@example.com") is not None
"""
_REPRODUCES = """from __future__ import annotations

import pytest

from shop.adapters.memory import MemoryAccounts
from shop.services import signup


@pytest.mark.ac("AC-2")
def test_a_second_signup_with_the_same_address_is_refused() -> None:
    accounts = MemoryAccounts()
    signup.register("ada@example.com", accounts)
    with pytest.raises(signup.DuplicateAccount):
        signup.register("ADA@example.com", accounts)
"""
_REFACTOR = """---
id: REF-001
title: Name the normalisation step in the sign-up service
status: validated
workflow: refactor
scope: [src/shop/**, tests/**]
---
## Requirements
- R1: Sign-up behaves exactly as before.

## Acceptance Criteria
### AC-1: Signing up still stores the normalised address
Given a visitor
When they sign up with "  Ada@Example.COM "
Then an account for "ada@example.com" is stored
"""
_CALL = "    account = Account(normalise_email(email))\n"
_NAMED = "    account = Account(_stored_form(email))\n"
_HELPER = (
    '\n\ndef _stored_form(email: str) -> str:\n    """The address as the service keeps it."""\n'
    "    return normalise_email(email)\n"
)
_SIGNATURE = "def register(email: str, accounts: Accounts) -> Account:"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        return build_template(tmp_path_factory.mktemp("template"), patch)


@pytest.fixture
def shop(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    return copy_sample(template, tmp_path, monkeypatch)


def _verdicts(shop: GitRepo) -> list[dict[str, str]]:
    """Per attempt, each gate's status as the run record stored it."""
    attempts = [e for e in run_events(shop.root) if isinstance(e, AttemptJudged)]
    return [{g["id"]: g["status"] for g in json.loads(a.report)["gates"]} for a in attempts]


def test_a_defect_fix_is_red_until_its_test_fails_on_the_base_when_the_workflow_is_defect(
    shop: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (shop.root / FEATURE).read_text().replace("workflow: feature", "workflow: defect")
    shop.write(FEATURE, text)
    shop.commit("FEAT-001 is a defect report")
    script = (
        Script()
        .then(duplicate_plan())
        .then(
            *refuse_duplicates(), tool("create_file", path=DUPLICATE_TEST, content=_PASSES_ON_BASE)
        )
        .then(finish("Refuse duplicates."))
        .then(tool("replace", path=DUPLICATE_TEST, old=_PASSES_ON_BASE, new=_REPRODUCES))
        .then(finish("Cause: register never looked the address up. A test per rule catches it."))
    )
    model = script.save(shop.root.parent / "script.json")

    shown = backdev(capsys, "run", "FEAT-001", "--model", model)

    assert shown.code == 0, shown.out + shown.err
    first, second = _verdicts(shop)
    assert first["regression-proof"] == "fail"
    assert second["regression-proof"] == "pass"
    assert second["behaviour-preserved"] == "skip"
    lessons = (shop.root / ".backdev/lessons/FEAT-001.md").read_text()
    assert "Cause: register never looked the address up." in lessons
    assert ".backdev/lessons/FEAT-001.md" in shown.out


def test_a_refactoring_is_red_while_a_public_signature_changes_when_the_workflow_is_refactor(
    shop: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    shop.write("docs/features/REF-001-name-normalisation.md", _REFACTOR)
    shop.commit("REF-001")
    renamed = _SIGNATURE.replace("email: str", "address: str")
    script = (
        Script()
        .then(plan(("AC-1", "name the normalisation step")))
        .then(
            tool(
                "replace",
                path="src/shop/services/signup.py",
                old=_CALL,
                new=_NAMED.replace("(email)", "(address)"),
            ),
            tool("replace", path="src/shop/services/signup.py", old=_SIGNATURE, new=renamed),
            tool(
                "replace",
                path="src/shop/services/signup.py",
                old="    return account\n",
                new="    return account\n" + _HELPER,
            ),
        )
        .then(finish("Named the step; renamed the parameter on the way."))
        .then(
            tool("replace", path="src/shop/services/signup.py", old=renamed, new=_SIGNATURE),
            tool(
                "replace",
                path="src/shop/services/signup.py",
                old=_NAMED.replace("(email)", "(address)"),
                new=_NAMED,
            ),
        )
        .then(finish("Named the normalisation step; the signature stays as it was."))
    )
    model = script.save(shop.root.parent / "script.json")

    shown = backdev(capsys, "run", "REF-001", "--model", model)

    assert shown.code == 0, shown.out + shown.err
    first, second = _verdicts(shop)
    assert first["behaviour-preserved"] == "fail"
    assert second["behaviour-preserved"] == "pass"
    assert second["tests"] == "pass"  # a refactoring needs no new test
    assert (
        "def _stored_form(email: str) -> str:"
        in (shop.root / "src/shop/services/signup.py").read_text()
    )
