"""The limits of a run, checked before every model call.

Reaching one raises `LimitReached`, which is deliberately not a `BackdevError`:
no generic handler may swallow it; the run turns it into an escalation and exit 4.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from backdev.domain.conversation import Usage

LimitKind = Literal["steps", "cost", "minutes", "tokens"]


class LimitReached(Exception):
    """A run limit was reached; `kind` says which, the message says how far it got."""

    def __init__(self, kind: LimitKind, message: str) -> None:
        super().__init__(message)
        self.kind: LimitKind = kind


@dataclass(frozen=True, slots=True)
class Limits:
    """None means no limit of that kind."""

    max_steps: int | None = 100
    """Model calls in the whole run (each call is one step of the agent loop)."""
    max_cost: float | None = None
    """USD."""
    max_minutes: float | None = None
    """Wall time of the run, summed over its sessions (resumes)."""
    max_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class Spent:
    """What the run used so far."""

    calls: int = 0
    usage: Usage = field(default_factory=Usage)
    cost: float = 0.0
    minutes: float = 0.0


def check_limits(limits: Limits, spent: Spent) -> None:
    """Raise LimitReached when one more model call would go past a limit."""
    if limits.max_steps is not None and spent.calls >= limits.max_steps:
        raise LimitReached(
            "steps", f"the run made {spent.calls} model calls, the limit (--max-steps)"
        )
    if limits.max_cost is not None and spent.cost >= limits.max_cost:
        raise LimitReached(
            "cost", f"the run cost ${spent.cost:.4f}, at or over --max-cost ${limits.max_cost:.2f}"
        )
    if limits.max_minutes is not None and spent.minutes >= limits.max_minutes:
        raise LimitReached(
            "minutes",
            f"the run took {spent.minutes:.1f} minutes, at or over --max-minutes "
            f"{limits.max_minutes:g}",
        )
    total = spent.usage.input_tokens + spent.usage.output_tokens
    if limits.max_tokens is not None and total >= limits.max_tokens:
        raise LimitReached(
            "tokens", f"the run used {total} tokens, the limit is {limits.max_tokens}"
        )
