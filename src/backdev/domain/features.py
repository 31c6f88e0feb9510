"""Feature files: requirements and acceptance criteria, the unit of traceability."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

FeatureStatus = Literal["draft", "validated", "in-progress", "done"]
Workflow = Literal["feature", "refactor", "defect"]
FeatureFormat = Literal["markdown", "gherkin"]
StepKeyword = Literal["given", "when", "then"]

FEATURE_STATUSES: tuple[str, ...] = get_args(FeatureStatus)
WORKFLOWS: tuple[str, ...] = get_args(Workflow)

CRITERION_ID = re.compile(r"AC-[1-9][0-9]*")
"""Criterion ids are `AC-<n>` with n a positive integer without leading zeros."""


def is_criterion_id(text: str) -> bool:
    """True when `text` is a well-formed criterion id such as `AC-12`."""
    return CRITERION_ID.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement line, e.g. `R1: A registered user can request a reset link`."""

    id: str
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class CriterionStep:
    """One Given/When/Then line of a criterion (`And`/`But` take the keyword before)."""

    keyword: StepKeyword
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class AcceptanceCriterion:
    """An acceptance criterion: its id, title, steps and verbatim text."""

    id: str
    title: str
    steps: tuple[CriterionStep, ...]
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class FeatureSection:
    """A free-text section of a feature file (Solution Notes, Constraints, ...)."""

    title: str
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Feature:
    """A parsed, valid feature file; every element keeps its source line."""

    path: str
    format: FeatureFormat
    id: str
    title: str
    status: FeatureStatus
    workflow: Workflow
    scope: tuple[str, ...]
    requirements: tuple[Requirement, ...]
    criteria: tuple[AcceptanceCriterion, ...]
    sections: tuple[FeatureSection, ...]
    line: int = 1
    criteria_line: int = 1
    """Line of the acceptance-criteria heading (or the first scenario)."""

    def criterion(self, criterion_id: str) -> AcceptanceCriterion | None:
        """The criterion with this id, or None."""
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        return None
