"""`backdev escalate`: a person or an outside AI tool stops and raises the issue.

The dossier has the same shape as a run's, and its number continues the one
sequence that run escalations and earlier dossiers share, so no file is overwritten.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import cast, get_args

from backdev.application.agent_ports import DossierStore, RunStore
from backdev.application.lint import SpecParsers
from backdev.application.specs import load_specs
from backdev.domain.errors import ConfigError
from backdev.domain.escalation import Escalation, EscalationRule, render_dossier
from backdev.domain.run_events import Escalated

ESCALATION_RULES: tuple[str, ...] = get_args(EscalationRule)
_DOSSIER_NUMBER = re.compile(r"-([1-9][0-9]*)\.md$")
_TITLE_LENGTH = 72


@dataclass(frozen=True, slots=True)
class EscalationServices:
    """What `escalate_outside` needs, wired in the composition root."""

    specs: SpecParsers
    store: RunStore
    dossiers: DossierStore
    redact: Callable[[str], str]


def escalate_outside(
    services: EscalationServices,
    feature_ref: str,
    *,
    rule: str,
    question: str,
    evidence: Sequence[str] = (),
) -> str:
    """Write a dossier for `feature_ref` (a path or an id); returns its repository path.

    Raises ConfigError for an unknown rule, an empty question or a feature that
    cannot be found (before anything is written), SpecError for invalid specs.
    """
    checked = escalation_rule(rule)
    asked = question.strip()
    if not asked:
        raise ConfigError("the question is empty: --question says what a person must decide")
    specs = load_specs(services.specs, services.specs.files.root(), feature_ref)
    if specs.feature is None:  # load_specs raises first; this keeps the type checker honest
        raise ConfigError(f"feature {feature_ref!r} not found")
    feature = specs.feature
    number = next_escalation_number(recorded_numbers(services.store), services.dossiers.names())
    shown = services.redact(asked)
    dossier = Escalation(
        number=number,
        feature=feature.id,
        rule=checked,
        title=_title(shown),
        question=shown,
        evidence=tuple(services.redact(e.strip()) for e in evidence if e.strip()),
        resume=(
            "Raised outside a `backdev run` (with `backdev escalate`): answer the person or "
            "tool that raised it. `backdev answer` and `backdev resume` are for run escalations."
        ),
    )
    return services.dossiers.write(feature.id, number, render_dossier(dossier))


def escalation_rule(rule: str) -> EscalationRule:
    """`rule` as one of the role's escalation rules; ConfigError listing them otherwise."""
    if rule not in ESCALATION_RULES:
        raise ConfigError(
            f"unknown escalation rule {rule!r}: use one of {', '.join(ESCALATION_RULES)}"
        )
    return cast("EscalationRule", rule)


def next_escalation_number(recorded: Iterable[int], dossier_names: Iterable[str]) -> int:
    """One more than the highest number used by a run's escalations or a dossier file."""
    used = [*recorded]
    for name in dossier_names:
        match = _DOSSIER_NUMBER.search(name)
        if match is not None:
            used.append(int(match.group(1)))
    return 1 + max(used, default=0)


def recorded_numbers(store: RunStore) -> list[int]:
    """The numbers of every run's escalations in the run record."""
    return [
        event.number
        for run in store.runs()
        for event in store.events(run.run_id)
        if isinstance(event, Escalated)
    ]


def _title(question: str) -> str:
    first = question.splitlines()[0].strip()
    if len(first) <= _TITLE_LENGTH:
        return first
    return first[: _TITLE_LENGTH - 1].rstrip() + "…"
