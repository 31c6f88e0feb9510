"""The brief: role, workflow, principles, DoD, the feature verbatim, plan, step, judgement."""

from __future__ import annotations

from dataclasses import replace
from importlib.resources import files
from pathlib import Path

import pytest

from backdev.adapters.dod_file import parse_dod_text
from backdev.adapters.feature_files import FeatureFileParser
from backdev.adapters.principles_file import parse_principles_text
from backdev.agent.brief import compose_brief
from backdev.agent.role import PLANNING, ROLE, WORKFLOWS
from backdev.application.specs import LoadedSpecs
from backdev.domain.config import BackdevConfig
from backdev.domain.dod import DefinitionOfDone, DodItem
from backdev.domain.features import AcceptanceCriterion, CriterionStep, Feature, FeatureSection
from backdev.domain.gate_catalog import BUILTIN_GATES
from backdev.domain.plan import Plan, PlannedStep
from backdev.domain.principles import (
    ForbiddenContract,
    IndependenceContract,
    LayersContract,
    Principles,
    ProtectedContract,
)
from backdev.domain.problems import SourceRef

TOKEN_BUDGET = 3000
CONTRACTS_YAML = """\
layers:
  - shop.api
  - shop.services
  - shop.domain
forbidden:
  - from: shop.domain
    to: [shop.adapters, sqlite3, requests]
independent:
  - [shop.billing, shop.catalog]
protected:
  - module: shop.adapters
    allowed_importers: [shop.bootstrap]"""
RUN_GATES = [g for g in BUILTIN_GATES if g not in ("regression-proof", "behaviour-preserved")]
REF = SourceRef("docs/engineering/architecture-principles.md", 2)


def _template(name: str) -> str:
    return files("backdev.adapters").joinpath("templates", name).read_text(encoding="utf-8")


def _realistic_specs(tmp_path: Path) -> LoadedSpecs:
    """The specs `backdev init` writes, filled in and parsed by the real parsers."""
    feature_file = tmp_path / "FEAT-000.md"
    feature_text = _template("feature-example.md").replace("$scope", "src/accounts/**, tests/**")
    feature_file.write_text(feature_text.replace("status: draft", "status: validated"))
    feature = FeatureFileParser().parse(feature_file, "docs/features/FEAT-000.md").value
    principles_text = _template("architecture-principles.md").replace("$contracts", CONTRACTS_YAML)
    principles = parse_principles_text(principles_text, REF.path).value
    dod = parse_dod_text(
        _template("definition-of-done.md"), "docs/engineering/definition-of-done.md"
    ).value
    assert feature is not None
    assert principles is not None
    assert dod is not None
    return LoadedSpecs(BackdevConfig(), feature, principles, dod)


def _criterion(number: int, text: str) -> AcceptanceCriterion:
    steps = (CriterionStep("given", "a cart", 10), CriterionStep("then", "a total", 11))
    return AcceptanceCriterion(f"AC-{number}", f"Criterion {number}", steps, text, 9)


def _feature(**changes: object) -> Feature:
    feature = Feature(
        path="docs/features/FEAT-7.md",
        format="markdown",
        id="FEAT-7",
        title="Cart totals",
        status="validated",
        workflow="feature",
        scope=("src/shop/**",),
        requirements=(),
        criteria=(_criterion(1, "### AC-1: Total\nGiven a cart\nThen a total"),),
        sections=(),
    )
    return replace(feature, **changes)  # type: ignore[arg-type]


def _specs(
    feature: Feature | None = None,
    principles: Principles | None = None,
    dod: DefinitionOfDone | None = None,
) -> LoadedSpecs:
    return LoadedSpecs(BackdevConfig(), feature or _feature(), principles, dod)


PLAN = Plan(
    ("an empty cart", "a price below zero"),
    (
        PlannedStep("AC-1", "Sum the prices"),
        PlannedStep("AC-2", "Reject negative prices"),
        PlannedStep("AC-3", "Round to cents"),
    ),
)


# --- a realistic brief -----------------------------------------------------------------


def test_holds_every_criterion_verbatim_within_the_token_budget_when_the_feature_is_real(
    tmp_path: Path,
) -> None:
    specs = _realistic_specs(tmp_path)
    assert specs.feature is not None

    brief = compose_brief(
        specs,
        gates=RUN_GATES,
        plan=PLAN,
        step=PLAN.steps[1],
        step_number=2,
        step_count=3,
        answer="Use the generic message for locked accounts too.",
    )

    assert len(specs.feature.criteria) == 3
    for criterion in specs.feature.criteria:
        assert criterion.text in brief
    for requirement in specs.feature.requirements:
        assert f"- {requirement.id}: {requirement.text}" in brief
    for section in specs.feature.sections:
        assert f"## {section.title}\n\n{section.text.strip()}" in brief
    estimated_tokens = len(brief) / 4
    assert estimated_tokens < TOKEN_BUDGET, f"the brief is about {estimated_tokens:.0f} tokens"


def test_opens_with_the_role_and_the_feature_workflow_when_composed(tmp_path: Path) -> None:
    brief = compose_brief(_realistic_specs(tmp_path), gates=RUN_GATES)

    assert brief.startswith(
        "# Brief: FEAT-000 Lock an account after repeated failed sign-ins (planning)\n\n"
        f"## Your role\n\n{ROLE}\n\n## How to work\n\n{WORKFLOWS['feature']}\n\n"
    )
    assert brief.endswith("you to fix.\n")


def test_lists_the_principles_contracts_and_their_prose_when_principles_exist(
    tmp_path: Path,
) -> None:
    brief = compose_brief(_realistic_specs(tmp_path), gates=RUN_GATES)

    assert (
        "From `docs/engineering/architecture-principles.md`. The `architecture` gate enforces "
        "these import contracts on every change:\n"
        "- layers, highest first; a layer may import those below it, never those above: "
        "`shop.api` > `shop.services` > `shop.domain`\n"
        "- `shop.domain` must not import `shop.adapters`, `sqlite3`, `requests`\n"
        "- independent, none may import another: `shop.billing`, `shop.catalog`\n"
        "- only `shop.bootstrap` may import `shop.adapters`\n"
    ) in brief
    assert "\n### Architecture Principles\n" in brief
    assert "\n#### Principles\n" in brief
    assert "1. **Respect the boundaries written here.**" in brief


def test_names_each_dod_item_with_its_gate_and_options_when_a_dod_exists(tmp_path: Path) -> None:
    brief = compose_brief(_realistic_specs(tmp_path), gates=RUN_GATES)

    assert (
        "- Changed lines, new branches and failure paths are exercised by tests "
        "— gate `coverage` (min: 90)\n"
    ) in brief
    assert (
        "- Trade-offs that matter are written down in the commit, the feature's solution "
        "notes or an ADR — manual\n"
    ) in brief


# --- planning, steps and answers -------------------------------------------------------


def test_asks_for_a_plan_when_no_step_is_given() -> None:
    brief = compose_brief(_specs(), gates=["scope"])

    assert brief.startswith("# Brief: FEAT-7 Cart totals (planning)\n")
    assert f"## Your task: the plan\n\n{PLANNING}\n" in brief
    assert "## Plan" not in brief


def test_marks_earlier_steps_done_and_names_the_current_one_when_a_step_is_given() -> None:
    brief = compose_brief(
        _specs(), gates=["scope"], plan=PLAN, step=PLAN.steps[1], step_number=2, step_count=3
    )

    assert brief.startswith("# Brief: FEAT-7 Cart totals (step 2 of 3, AC-2)\n")
    assert (
        "## Plan\n\nEdge cases and failure modes:\n- an empty cart\n- a price below zero\n\n"
        "Steps:\n1. AC-1: Sum the prices (done)\n2. AC-2: Reject negative prices ← this step\n"
        "3. AC-3: Round to cents\n\n"
        "## Your task: step 2 of 3\n\nMove criterion AC-2 forward: Reject negative prices\n"
    ) in brief
    assert PLANNING not in brief


def test_shows_the_plan_without_marks_when_no_step_number_is_given() -> None:
    brief = compose_brief(_specs(), gates=[], plan=PLAN, step=PLAN.steps[0])

    assert "Steps:\n1. AC-1: Sum the prices\n2. AC-2: Reject negative prices\n" in brief
    assert "## Your task: step in progress\n" in brief


def test_quotes_the_persons_answer_line_by_line_when_one_is_given() -> None:
    brief = compose_brief(
        _specs(),
        gates=[],
        step=PLAN.steps[0],
        step_number=1,
        step_count=3,
        answer="Round half up.\n\nKeep cents as integers.\n",
    )

    assert (
        "## A person's answer\n\nYou asked a question and the run paused; this is the "
        "answer. Follow it:\n\n> Round half up.\n>\n> Keep cents as integers.\n\n"
    ) in brief


def test_leaves_the_answer_out_when_it_is_blank() -> None:
    assert "A person's answer" not in compose_brief(_specs(), gates=[], answer="  \n")


# --- the feature -----------------------------------------------------------------------


def test_fences_gherkin_scenarios_verbatim_when_the_feature_is_gherkin() -> None:
    scenario = (
        "Scenario: AC-1 Total\n  # a comment the parser keeps\n  Given a cart\n  Then a total"
    )
    feature = _feature(format="gherkin", criteria=(_criterion(1, scenario),))

    brief = compose_brief(_specs(feature), gates=[])

    assert f"```gherkin\n{scenario}\n```" in brief


def test_says_the_scope_is_open_when_the_feature_declares_none() -> None:
    brief = compose_brief(_specs(_feature(scope=())), gates=[])

    assert "- Scope: none declared: the change may go anywhere, so keep it small\n" in brief


def test_keeps_feature_sections_and_skips_empty_ones_when_composed() -> None:
    sections = (
        FeatureSection("Solution Notes", "Use Decimal.\n### Detail\nNo floats.", 20),
        FeatureSection("Constraints", "  \n", 30),
    )

    brief = compose_brief(_specs(_feature(sections=sections)), gates=[])

    assert "## Solution Notes\n\nUse Decimal.\n### Detail\nNo floats.\n" in brief
    assert "## Constraints" not in brief


@pytest.mark.parametrize("workflow", ["defect", "refactor"])
def test_describes_the_features_own_workflow_when_none_is_passed(workflow: str) -> None:
    brief = compose_brief(_specs(_feature(workflow=workflow)), gates=[])

    assert f"## How to work\n\n{WORKFLOWS[workflow]}\n" in brief


def test_uses_the_workflow_passed_when_it_differs_from_the_features() -> None:
    brief = compose_brief(_specs(), gates=[], workflow="refactor")

    assert WORKFLOWS["refactor"] in brief
    assert WORKFLOWS["feature"] not in brief


def test_refuses_to_compose_when_the_specs_hold_no_feature() -> None:
    specs = LoadedSpecs(BackdevConfig(), None, None, None)

    with pytest.raises(ValueError, match="a brief needs a feature"):
        compose_brief(specs, gates=[])


# --- principles and DoD in their other shapes ------------------------------------------


def test_renders_containers_siblings_and_contract_names_when_contracts_come_from_importlinter() -> (
    None
):
    contracts = (
        LayersContract(
            (("entrypoints",), ("adapters", "gates"), ("domain",)),
            ("backdev",),
            REF,
            "importlinter",
            name="Dependencies point inwards",
        ),
        ProtectedContract("backdev.adapters", (), REF, "importlinter"),
        ForbiddenContract(("backdev.domain",), ("yaml",), REF, "principles"),
        IndependenceContract(("backdev.gates.a", "backdev.gates.b"), REF, "principles"),
    )

    brief = compose_brief(_specs(principles=Principles("", "", contracts)), gates=[])

    assert (
        "From the project's import-linter setup. The `architecture` gate enforces these "
        "import contracts on every change:\n"
        "- Dependencies point inwards: layers inside `backdev`, highest first; a layer may "
        "import those below it, never those above: "
        "`entrypoints` > `adapters` | `gates` > `domain`\n"
        "- no module may import `backdev.adapters`\n"
        "- `backdev.domain` must not import `yaml`\n"
        "- independent, none may import another: `backdev.gates.a`, `backdev.gates.b`\n\n"
    ) in brief


def test_says_to_keep_the_existing_structure_when_there_are_no_principles() -> None:
    brief = compose_brief(_specs(), gates=[])

    assert (
        "## Architecture principles\n\nThe project has no architecture principles file: keep "
        "to the structure and dependency direction the code already has.\n"
    ) in brief


def test_says_the_file_is_empty_when_principles_hold_neither_contracts_nor_prose() -> None:
    brief = compose_brief(_specs(principles=Principles(REF.path, "  ", ())), gates=[])

    assert f"`{REF.path}` declares no contracts and no principles." in brief


def test_demotes_prose_headings_but_not_code_when_principles_have_headings() -> None:
    prose = "# Title\n```python\n# not a heading\n```\n###### Deep\n#hashtag"

    brief = compose_brief(_specs(principles=Principles(REF.path, prose, ())), gates=[])

    assert "### Title\n```python\n# not a heading\n```\n###### Deep\n#hashtag\n" in brief


def test_lets_the_gates_decide_when_the_project_has_no_dod() -> None:
    empty = DefinitionOfDone("docs/engineering/definition-of-done.md", ())

    for dod in (None, empty):
        brief = compose_brief(_specs(dod=dod), gates=[])
        assert "The project has no Definition of Done items: the gates below decide." in brief


def test_names_a_manual_item_and_a_gate_without_options_when_listing_the_dod() -> None:
    items = (DodItem("Reviewed by a person", 3), DodItem("No secrets", 4, gate="secrets"))

    brief = compose_brief(_specs(dod=DefinitionOfDone("dod.md", items)), gates=[])

    assert "- Reviewed by a person — manual\n- No secrets — gate `secrets`\n" in brief


# --- how it is judged ------------------------------------------------------------------


def test_lists_each_gate_with_what_it_proves_when_gates_are_given() -> None:
    brief = compose_brief(_specs(), gates=["scope", "coverage", "team-rules"])

    assert (
        "- `scope`: changed files lie inside the feature's scope\n"
        "- `coverage`: changed lines and failure paths are covered\n"
        "- `team-rules`: a gate the project installed\n"
    ) in brief
    assert "`replace{path, old, new}`: copy `old` from the file exactly" in brief


def test_says_no_gate_is_selected_when_the_list_is_empty() -> None:
    assert "- (no gate is selected)\n" in compose_brief(_specs(), gates=[])
