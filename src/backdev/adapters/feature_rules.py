"""Rules shared by the Markdown and Gherkin feature parsers: fields, ids and steps.

Both formats carry the same fields (id, status, workflow, scope) and the same
criterion rules; only the way a user spells them differs, so the checks here
take a `Spell` function that writes a field the way the user's format does.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import cast

import pathspec

from backdev.domain.features import (
    FEATURE_STATUSES,
    WORKFLOWS,
    CriterionStep,
    Feature,
    FeatureStatus,
    StepKeyword,
    Workflow,
)
from backdev.domain.problems import Parsed, Problem

_CRITERION_LIKE = re.compile(r"(?i:ac)[-_ ]?0*(?P<number>[1-9][0-9]*)")

Spell = Callable[[str, str], str]
"""Writes `key` set to `value` as the user would: `status: draft` or `@status:draft`."""


@dataclass(frozen=True, slots=True)
class Issue:
    """What is wrong and how to fix it, before a file and line are attached."""

    message: str
    fix: str

    def at(self, path: str, line: int) -> Problem:
        """This issue as a problem at `path:line`."""
        return Problem(path, line, self.message, self.fix)


@dataclass(frozen=True, slots=True)
class RawStep:
    """A step as written; `keyword` is None for And/But/`*`, which take the one before."""

    word: str
    keyword: StepKeyword | None
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class FeatureFields:
    """The validated header fields of a feature, whatever its format."""

    id: str
    title: str
    status: FeatureStatus
    workflow: Workflow
    scope: tuple[str, ...]


def normalized_text(text: str) -> str:
    """Drop a byte-order mark and end every line with `\\n`, so all tools count lines alike."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def failed(problems: Iterable[Problem]) -> Parsed[Feature]:
    """A result without a value: the problems, without repeats, in line order."""
    unique = sorted(dict.fromkeys(problems), key=lambda problem: problem.line)
    return Parsed(None, tuple(unique))


def make_fields(
    feature_id: str, title: str, status: str, workflow: str, scope: Sequence[str]
) -> FeatureFields:
    """Fields from values that `status_issue` and `workflow_issue` already accepted."""
    return FeatureFields(
        feature_id, title, cast(FeatureStatus, status), cast(Workflow, workflow), tuple(scope)
    )


def id_issue(value: object, spell: Spell) -> Issue | None:
    """Why `value` is not a usable feature id, if it is not."""
    if not isinstance(value, str) or not value.strip():
        return _not_text("id", value, "FEAT-012", spell)
    if any(char.isspace() for char in value):
        better = "-".join(value.split())
        return Issue(
            f"the feature id `{value}` contains whitespace", f"write {spell('id', better)}"
        )
    return None


def title_issue(value: object, spell: Spell) -> Issue | None:
    """Why `value` is not a usable title, if it is not."""
    if isinstance(value, str) and value.strip():
        return None
    return _not_text("title", value, "Password reset by email", spell)


def status_issue(value: object, spell: Spell) -> Issue | None:
    """Why `value` is not a known status, if it is not."""
    return _choice_issue("status", value, FEATURE_STATUSES, spell)


def workflow_issue(value: object, spell: Spell) -> Issue | None:
    """Why `value` is not a known workflow, if it is not."""
    return _choice_issue("workflow", value, WORKFLOWS, spell)


def glob_issue(value: object, spell: Spell) -> Issue | None:
    """Why `value` is not a usable gitignore-style scope glob, if it is not."""
    example = spell("scope", "src/accounts/**")
    if not isinstance(value, str) or not value.strip():
        shown = (
            "empty" if value is None or isinstance(value, str) else f"{_shown(value)}, not a glob"
        )
        return Issue(f"a scope entry is {shown}", f"write a glob such as {example}")
    try:
        spec = pathspec.PathSpec.from_lines("gitignore", [value])
    except ValueError:
        return Issue(
            f"the scope glob `{value}` is not a valid pattern", f"write a glob such as {example}"
        )
    if all(pattern.include is None for pattern in spec.patterns):
        # gitignore reads `#...` as a comment: such a glob would silently match nothing.
        return Issue(f"the scope glob `{value}` matches nothing", f"write a glob such as {example}")
    return None


def criterion_id_guess(text: str) -> str | None:
    """The well-formed id a malformed one such as `AC01` or `ac-01` most likely means."""
    match = _CRITERION_LIKE.fullmatch(text)
    return f"AC-{match.group('number')}" if match else None


def closest_key(key: str, known: Sequence[str]) -> str | None:
    """The known key that `key` is most likely a typo of, if any."""
    matches = difflib.get_close_matches(key.casefold(), known, n=1, cutoff=0.75)
    return matches[0] if matches else None


def resolve_steps(
    raw: Sequence[RawStep],
) -> tuple[tuple[CriterionStep, ...], list[tuple[int, Issue]]]:
    """Give And/But/`*` steps the keyword before them; a leading one is an issue."""
    steps: list[CriterionStep] = []
    issues: list[tuple[int, Issue]] = []
    previous: StepKeyword | None = None
    for step in raw:
        keyword = step.keyword or previous
        if keyword is None:
            issues.append(
                (
                    step.line,
                    Issue(
                        f"the step `{step.word}` has no Given, When or Then before it",
                        f"start it with `Given`, `When` or `Then` instead of `{step.word}`",
                    ),
                )
            )
            continue
        steps.append(CriterionStep(keyword, step.text, step.line))
        previous = keyword
    return tuple(steps), issues


def missing_steps_issue(
    criterion_id: str, steps: Sequence[CriterionStep], where: str
) -> Issue | None:
    """The issue when a criterion lacks a When or a Then step; `where` says where to add them."""
    keywords = {step.keyword for step in steps}
    missing = [word for word in ("When", "Then") if word.lower() not in keywords]
    if not missing:
        return None
    if not steps:
        message = f"criterion {criterion_id} has no Given/When/Then steps"
    else:
        message = f"criterion {criterion_id} has no {' or '.join(missing)} step"
    examples = {"When": "`When <action>`", "Then": "`Then <expected outcome>`"}
    return Issue(message, f"add {' and '.join(examples[word] for word in missing)} {where}")


def duplicate_issues(
    items: Sequence[tuple[str, int, str]], kind: str, prefix: str, spell_id: Callable[[str], str]
) -> list[tuple[int, Issue]]:
    """Issues for ids used more than once, at each repeat's line.

    `items` are (id, line, note) in file order; `note` tells how an item got its
    id when that is not obvious. The fix proposes `prefix` with the next unused number.
    """
    numbers = [int(match.group(1)) for item in items if (match := re.search(r"([0-9]+)$", item[0]))]
    next_number = max(numbers, default=0) + 1
    first_line: dict[str, int] = {}
    issues: list[tuple[int, Issue]] = []
    for item_id, line, note in items:
        if item_id not in first_line:
            first_line[item_id] = line
            continue
        issues.append(
            (
                line,
                Issue(
                    f"duplicate {kind} id {item_id}{note}"
                    f" (first used on line {first_line[item_id]})",
                    f"give it an unused id such as {spell_id(f'{prefix}{next_number}')}",
                ),
            )
        )
        next_number += 1
    return issues


def _choice_issue(key: str, value: object, choices: Sequence[str], spell: Spell) -> Issue | None:
    if isinstance(value, str) and value in choices:
        return None
    if isinstance(value, str) and value:
        message = f"unknown {key} `{value}`"
    else:
        message = f"the {key} is {_shown(value)}"
    return Issue(message, f"write {spell(key, choices[0])} or one of {', '.join(choices[1:])}")


def _not_text(key: str, value: object, example: str, spell: Spell) -> Issue:
    if isinstance(value, int | float | bool):
        # YAML reads `2024` or `yes` as a number or a boolean; quoting keeps it text.
        quoted = f'"{value}"'
        return Issue(f"the feature {key} `{value}` is not text", f"quote it: {spell(key, quoted)}")
    shown = "empty" if value is None or isinstance(value, str) else _shown(value)
    return Issue(f"the feature {key} is {shown}", f"write {spell(key, example)}")


def _shown(value: object) -> str:
    """A value as a message shows it; YAML lists and mappings are not spelled out."""
    if value is None or value == "":
        return "empty"
    if isinstance(value, list | dict):
        return "a list" if isinstance(value, list) else "a mapping"
    return f"`{value}`"
