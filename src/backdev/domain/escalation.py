"""Escalations: the role's "stop and raise the issue", as a dossier for a person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EscalationRule = Literal[
    "requirement", "principle", "security-privacy", "dod", "stop-loss", "ambiguity", "limits"
]

_GATE_RULES: dict[str, EscalationRule] = {
    "scope": "requirement",
    "acceptance": "requirement",
    "architecture": "principle",
    "docs": "principle",
    "secrets": "security-privacy",
    "privacy": "security-privacy",
    "security": "security-privacy",
}


def role_rule_of(gate: str) -> EscalationRule:
    """Which of the role's rules a gate enforces; gates not listed prove the DoD."""
    return _GATE_RULES.get(gate, "dod")


@dataclass(frozen=True, slots=True)
class Escalation:
    """Everything a person needs to unblock the run, and nothing more."""

    number: int
    feature: str
    rule: EscalationRule
    title: str
    question: str
    evidence: tuple[str, ...] = ()
    tried: tuple[str, ...] = ()
    step: str = ""
    """`i/n: criterion — intent`, or empty before the plan."""
    violated: str = ""
    """The gate rule behind a stop-loss (e.g. `architecture/forbidden-import`)."""
    resume: str = ""
    """How the run continues once the question is answered."""


def render_dossier(escalation: Escalation) -> str:
    """The dossier as Markdown: rule, evidence, what was tried, the question."""
    e = escalation
    lines = [f"# Escalation {e.number}: {e.title}", "", f"- Feature: {e.feature}"]
    if e.step:
        lines.append(f"- Step: {e.step}")
    rule = f"{e.rule} ({e.violated})" if e.violated else e.rule
    lines += [f"- Rule: {rule}", "", "## Question for a person", "", e.question, ""]
    lines += ["## Evidence", "", *_listed(e.evidence, "(none recorded)"), ""]
    lines += ["## What was tried", "", *_listed(e.tried, "(nothing yet)"), ""]
    if e.resume:
        lines += ["## How to continue", "", e.resume, ""]
    return "\n".join(lines)


def _listed(items: tuple[str, ...], empty: str) -> list[str]:
    if not items:
        return [empty]
    out: list[str] = []
    for item in items:
        if "\n" in item:
            out += ["```text", item.rstrip(), "```"]
        else:
            out.append(f"- {item}")
    return out
