"""The few named exceptions that steer a run (limits live in the domain)."""

from __future__ import annotations

from dataclasses import dataclass, field

from backdev.domain.escalation import EscalationRule


@dataclass
class Escalate(Exception):
    """Stop and raise the issue with a person: the role's Authority rule."""

    rule: EscalationRule
    title: str
    question: str
    evidence: list[str] = field(default_factory=list)
    violated: str = ""
    revert: bool = True
    """False when the tree holds only green commits (e.g. the final DoD check)."""

    def __post_init__(self) -> None:
        super().__init__(self.title)
