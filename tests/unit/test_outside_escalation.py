"""`backdev escalate` as a use case: rule, question, numbering, and the dossier written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from backdev.agent.outside_escalation import (
    ESCALATION_RULES,
    EscalationServices,
    escalate_outside,
    escalation_rule,
    next_escalation_number,
)
from backdev.application.lint import SpecParsers
from backdev.domain.errors import ConfigError
from backdev.domain.features import AcceptanceCriterion, Feature
from backdev.domain.limits import Limits
from backdev.domain.pricing import Price
from backdev.domain.problems import Parsed
from backdev.domain.run_events import Escalated, RunStarted
from tests.fakes.agent import FakeRunStore
from tests.fakes.specs import (
    FakeConfigSource,
    FakeContractSource,
    FakeDodParser,
    FakePrinciplesParser,
    FakeProjectFiles,
)

FEATURE_PATH = "docs/features/FEAT-3.md"
FEATURE = Feature(
    path=FEATURE_PATH,
    format="markdown",
    id="FEAT-3",
    title="Refunds",
    status="validated",
    workflow="feature",
    scope=(),
    requirements=(),
    criteria=(AcceptanceCriterion("AC-1", "Refund", (), "### AC-1: Refund", 5),),
    sections=(),
)


@dataclass
class _CannedFeatures:
    def parse(self, path: Path, shown_as: str) -> Parsed[Feature]:
        return Parsed(FEATURE, ())


@dataclass
class _Dossiers:
    """A `DossierStore` that keeps what it is given."""

    written: dict[str, str] = field(default_factory=dict)
    earlier: tuple[str, ...] = ()

    def names(self) -> list[str]:
        return [*self.earlier, *(path.rsplit("/", 1)[-1] for path in self.written)]

    def write(self, feature: str, number: int, text: str) -> str:
        path = f".backdev/escalations/{feature}-{number}.md"
        self.written[path] = text
        return path

    def write_lessons(self, feature: str, text: str) -> str:
        raise AssertionError("an escalation writes no lessons")


def _services(
    store: FakeRunStore | None = None, dossiers: _Dossiers | None = None
) -> EscalationServices:
    project = FakeProjectFiles({FEATURE_PATH: "---\nid: FEAT-3\n---\n"})
    specs = SpecParsers(
        features=_CannedFeatures(),
        principles=FakePrinciplesParser(project),
        dod=FakeDodParser(project),
        config=FakeConfigSource(),
        contracts=FakeContractSource(),
        files=project,
    )
    return EscalationServices(
        specs,
        store or FakeRunStore(),
        dossiers if dossiers is not None else _Dossiers(),
        lambda text: text.replace("hunter2", "***"),
    )


def _store_with_escalations(*numbers: int) -> FakeRunStore:
    store = FakeRunStore()
    started = RunStarted(
        "FEAT-3", FEATURE_PATH, "feature", "openai:m", "b", "base", Limits(), Price(1, 1), 1.0
    )
    run_id = store.create(started)
    for number in numbers:
        store.append(run_id, Escalated(number, "dod", f"x-{number}.md", "q", 2.0))
    return store


def test_numbers_after_the_highest_of_runs_and_files_when_both_exist() -> None:
    names = ["FEAT-3-4.md", "FEAT-10-2.md", "notes.md", "FEAT-3-0.md", "FEAT-3-x.md"]

    assert next_escalation_number([1, 2], names) == 5
    assert next_escalation_number([7], names) == 8
    assert next_escalation_number([], []) == 1


def test_accepts_every_role_rule_and_lists_them_when_the_rule_is_unknown() -> None:
    assert [escalation_rule(rule) for rule in ESCALATION_RULES] == list(ESCALATION_RULES)

    with pytest.raises(ConfigError) as raised:
        escalation_rule("style")

    assert str(raised.value) == (
        "unknown escalation rule 'style': use one of requirement, principle, "
        "security-privacy, dod, stop-loss, ambiguity, limits"
    )


def test_writes_a_dossier_numbered_after_runs_and_files_when_asked() -> None:
    dossiers = _Dossiers(earlier=("FEAT-9-5.md",))
    services = _services(_store_with_escalations(1, 3), dossiers=dossiers)

    path = escalate_outside(
        services,
        "FEAT-3",
        rule="principle",
        question="  May the domain read the clock?\nIt needs today's date.  ",
        evidence=["architecture/forbidden-import src/x.py:3", "  ", "password hunter2"],
    )

    assert path == ".backdev/escalations/FEAT-3-6.md"
    text = dossiers.written[path]
    assert text.startswith(
        "# Escalation 6: May the domain read the clock?\n\n- Feature: FEAT-3\n- Rule: principle\n"
    )
    assert (
        "## Question for a person\n\nMay the domain read the clock?\nIt needs today's date.\n"
    ) in text
    assert "## Evidence\n\n- architecture/forbidden-import src/x.py:3\n- password ***\n\n" in text
    assert "hunter2" not in text
    assert "Raised outside a `backdev run`" in text


def test_shortens_the_title_when_the_question_is_long() -> None:
    dossiers = _Dossiers()

    path = escalate_outside(_services(dossiers=dossiers), "FEAT-3", rule="dod", question="x" * 200)

    title = dossiers.written[path].splitlines()[0]
    assert title == "# Escalation 1: " + "x" * 71 + "…"


@pytest.mark.parametrize(
    ("rule", "question", "message"),
    [("style", "q", "unknown escalation rule"), ("dod", " \n ", "the question is empty")],
)
def test_writes_nothing_when_the_request_is_invalid(rule: str, question: str, message: str) -> None:
    dossiers = _Dossiers()

    with pytest.raises(ConfigError, match=message):
        escalate_outside(_services(dossiers=dossiers), "FEAT-3", rule=rule, question=question)

    assert dossiers.written == {}
