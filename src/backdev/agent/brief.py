"""The brief: the one text every model conversation starts from (and `backdev brief` prints).

It holds the role's rules, the workflow, the principles, the Definition of Done,
the feature with every criterion verbatim, the plan and the current step, a
person's answer, and how the work is judged. It is a pure function of the
specs: the same inputs always give the same text.

Two audiences read it: backdev's own agent (its tools and their rules) and an
outside AI tool or person (no backdev tools; the change is judged by
`backdev check`, and questions go to the person they work for).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal, get_args

from backdev.agent.role import (
    OUTSIDE_RULES,
    PLANNING,
    REVIEW,
    ROLE,
    ROLE_FOR_TOOLS,
    TOOL_RULES,
    WORKFLOWS,
)
from backdev.application.specs import LoadedSpecs
from backdev.domain.dod import DefinitionOfDone, DodItem
from backdev.domain.escalation import EscalationRule
from backdev.domain.features import Feature, Workflow
from backdev.domain.gate_catalog import BUILTIN_GATES
from backdev.domain.plan import Plan, PlannedStep
from backdev.domain.principles import ImportContract, Principles

Audience = Literal["agent", "tool"]
"""Who reads the brief: backdev's own agent, or an outside AI tool (or a person)."""

_HEADING = re.compile(r"^(#{1,6})(?=\s|$)")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def compose_brief(
    specs: LoadedSpecs,
    *,
    gates: Sequence[str],
    workflow: Workflow | None = None,
    plan: Plan | None = None,
    step: PlannedStep | None = None,
    step_number: int | None = None,
    step_count: int | None = None,
    answer: str | None = None,
    audience: Audience = "agent",
    status: str | None = None,
) -> str:
    """The brief for one conversation about `specs.feature`, as Markdown.

    `gates` are the ids that will judge the work; `workflow` defaults to the
    feature's own. Without a `step` the agent's brief asks for a plan and an
    outside tool's brief asks for the review (nothing is left to build); with
    one it names the step (`step_number` of `step_count`, counted from 1,
    marking the plan's earlier steps done). `answer` is a person's reply to the
    model's last question; `status` says what the tests show about the step's
    criterion now. Raises ValueError when the specs hold no feature.
    """
    feature = specs.feature
    if feature is None:
        raise ValueError("a brief needs a feature: load the specs with a feature reference")
    outside = audience == "tool"
    sections = [
        _title(feature, step, step_number, step_count, outside),
        f"## Your role\n\n{ROLE_FOR_TOOLS if outside else ROLE}",
        f"## How to work\n\n{WORKFLOWS[workflow or feature.workflow]}",
        _principles(specs.principles),
        _definition_of_done(specs.dod),
        *_feature(feature),
        _plan(plan, step_number) if plan is not None else "",
        _task(feature, step, step_number, step_count, outside=outside, status=status),
        _answer(answer) if answer and answer.strip() else "",
        _judged_outside(feature, gates) if outside else _judged(gates),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def _title(
    feature: Feature,
    step: PlannedStep | None,
    number: int | None,
    count: int | None,
    outside: bool,
) -> str:
    title = f"# Brief: {feature.id} {feature.title}"
    if step is None:
        return f"{title} ({'review' if outside else 'planning'})"
    return f"{title} (step {_step_label(number, count)}, {step.criterion})"


def _principles(principles: Principles | None) -> str:
    head = "## Architecture principles"
    if principles is None:
        return (
            f"{head}\n\nThe project has no architecture principles file: keep to the "
            "structure and dependency direction the code already has."
        )
    parts = [head]
    source = f"`{principles.path}`" if principles.path else "the project's import-linter setup"
    if principles.contracts:
        lines = [f"- {_contract(c)}" for c in principles.contracts]
        parts.append(
            f"From {source}. The `architecture` gate enforces these import contracts "
            "on every change:\n" + "\n".join(lines)
        )
    prose = principles.prose.strip()
    if prose:
        parts.append(_demoted(prose, 2))
    if len(parts) == 1:
        parts.append(f"{source} declares no contracts and no principles.")
    return "\n\n".join(parts)


def _contract(contract: ImportContract) -> str:
    named = f"{contract.name}: " if contract.name != contract.kind else ""
    if contract.kind == "layers":
        layers = " > ".join(" | ".join(f"`{m}`" for m in layer) for layer in contract.layers)
        inside = f" inside {_ticked(contract.containers)}" if contract.containers else ""
        return (
            f"{named}layers{inside}, highest first; a layer may import those below it, "
            f"never those above: {layers}"
        )
    if contract.kind == "forbidden":
        return f"{named}{_ticked(contract.sources)} must not import {_ticked(contract.targets)}"
    if contract.kind == "independent":
        return f"{named}independent, none may import another: {_ticked(contract.modules)}"
    if not contract.allowed_importers:
        return f"{named}no module may import `{contract.module}`"
    return f"{named}only {_ticked(contract.allowed_importers)} may import `{contract.module}`"


def _definition_of_done(dod: DefinitionOfDone | None) -> str:
    head = "## Definition of Done"
    if dod is None or not dod.items:
        return f"{head}\n\nThe project has no Definition of Done items: the gates below decide."
    lines = [f"- {item.text} — {_proof(item)}" for item in dod.items]
    return (
        f"{head}\n\nFrom `{dod.path}`. A gate proves each item; a manual item needs a "
        "person's attestation, so say in your summary how the change meets it.\n" + "\n".join(lines)
    )


def _proof(item: DodItem) -> str:
    if item.gate is None:
        return "manual"
    options = ", ".join(f"{key}: {value}" for key, value in item.options.items())
    return f"gate `{item.gate}`" + (f" ({options})" if options else "")


def _feature(feature: Feature) -> list[str]:
    scope = (
        f"{_ticked(feature.scope)}; write nowhere else"
        if feature.scope
        else "none declared: the change may go anywhere, so keep it small"
    )
    header = (
        f"## Feature {feature.id}: {feature.title}\n\n"
        f"- File: `{feature.path}` (status {feature.status}, workflow {feature.workflow})\n"
        f"- Scope: {scope}"
    )
    sections = [header]
    if feature.requirements:
        lines = "\n".join(f"- {r.id}: {r.text}" for r in feature.requirements)
        sections.append(f"## Requirements\n\n{lines}")
    criteria = "\n\n".join(
        f"```gherkin\n{c.text}\n```" if feature.format == "gherkin" else c.text
        for c in feature.criteria
    )
    sections.append(f"## Acceptance criteria\n\nVerbatim from the feature file:\n\n{criteria}")
    sections += [
        f"## {section.title}\n\n{section.text.strip()}"
        for section in feature.sections
        if section.text.strip()
    ]
    return sections


def _plan(plan: Plan, current: int | None) -> str:
    parts = ["## Plan"]
    if plan.edge_cases:
        cases = "\n".join(f"- {case}" for case in plan.edge_cases)
        parts.append(f"Edge cases and failure modes:\n{cases}")
    steps = []
    for number, planned in enumerate(plan.steps, start=1):
        mark = ""
        if current is not None:
            mark = " (done)" if number < current else " ← this step" if number == current else ""
        steps.append(f"{number}. {planned.criterion}: {planned.intent}{mark}")
    parts.append("Steps:\n" + "\n".join(steps))
    return "\n\n".join(parts)


def _task(
    feature: Feature,
    step: PlannedStep | None,
    number: int | None,
    count: int | None,
    *,
    outside: bool,
    status: str | None,
) -> str:
    if step is None and outside:
        return f"## Your task: the review\n\n{REVIEW}"
    if step is None:
        return f"## Your task: the plan\n\n{PLANNING}"
    parts = [
        f"## Your task: step {_step_label(number, count)}",
        f"Move criterion {step.criterion} forward: {step.intent}\n"
        "Change only what this step needs, with tests linked to the criterion; "
        "the other steps come later.",
    ]
    if status:
        parts.append(f"What the tests show now: {status}")
    if outside and feature.status != "validated":
        parts.append(
            f"Note: the feature's status is `{feature.status}`; only a `validated` feature "
            "may be built. If its requirements are not settled, ask its author first."
        )
    return "\n\n".join(parts)


def _answer(answer: str) -> str:
    quoted = "\n".join(f"> {line}" if line else ">" for line in answer.strip().splitlines())
    return (
        "## A person's answer\n\nYou asked a question and the run paused; "
        f"this is the answer. Follow it:\n\n{quoted}"
    )


def _judged(gates: Sequence[str]) -> str:
    lines = [f"- `{gate}`: {_gate_summary(gate)}" for gate in gates]
    listed = "\n".join(lines) if lines else "- (no gate is selected)"
    return (
        "## How your work is judged\n\n"
        "The harness decides when a step is done, not you: after `finish_step` these "
        f"gates run on the step's change, and every one must pass:\n{listed}\n\n"
        f"Tools and their rules:\n{TOOL_RULES}"
    )


def _judged_outside(feature: Feature, gates: Sequence[str]) -> str:
    lines = [f"- `{gate}`: {_gate_summary(gate)}" for gate in gates]
    listed = "\n".join(lines) if lines else "- (no gate is selected)"
    rules = OUTSIDE_RULES.format(feature=feature.id, rules=", ".join(get_args(EscalationRule)))
    return (
        "## How your change is judged\n\n"
        "You do not decide when the work is done; the quality gates do. Run\n\n"
        f"    backdev check --feature {feature.id}\n\n"
        "on your change (committed or not, against the default branch). It runs these "
        f"gates, and every one must pass:\n{listed}\n\n"
        f"How to work under the role:\n{rules}"
    )


def _gate_summary(gate: str) -> str:
    spec = BUILTIN_GATES.get(gate)
    return spec.summary if spec is not None else "a gate the project installed"


def _step_label(number: int | None, count: int | None) -> str:
    if number is None:
        return "in progress"
    return f"{number} of {count}" if count is not None else str(number)


def _ticked(names: Sequence[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _demoted(markdown: str, levels: int) -> str:
    """The text with every heading outside code fences `levels` deeper (at most `######`).

    The principles' own `#` title would otherwise outrank the brief's sections.
    """
    lines, fenced = [], False
    for line in markdown.splitlines():
        match = None if fenced else _HEADING.match(line)
        if _FENCE.match(line):
            fenced = not fenced
        if match is None:
            lines.append(line)
        else:
            depth = min(len(match.group(1)) + levels, 6)
            lines.append("#" * depth + line[match.end() :])
    return "\n".join(lines)
