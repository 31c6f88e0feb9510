"""Turning a parsed Gherkin feature into a `Feature`: tags to fields, scenarios to criteria."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from typing import cast

from gherkin.parser_types import (
    Background,
    BackgroundEnvelope,
    Envelope,
    Rule,
    RuleEnvelope,
    Scenario,
    ScenarioEnvelope,
    Tag,
)
from gherkin.parser_types import Feature as GherkinFeature

from backdev.adapters.feature_rules import (
    FeatureFields,
    Issue,
    RawStep,
    closest_key,
    criterion_id_guess,
    duplicate_issues,
    failed,
    glob_issue,
    id_issue,
    make_fields,
    missing_steps_issue,
    resolve_steps,
    status_issue,
    workflow_issue,
)
from backdev.domain.features import (
    AcceptanceCriterion,
    Feature,
    FeatureSection,
    StepKeyword,
    is_criterion_id,
)
from backdev.domain.problems import Parsed, Problem

TAG_KEYS = ("id", "status", "workflow", "scope")
_REQUIRED = {"id": "FEAT-012", "status": "draft"}
_CHECKS = {"id": id_issue, "status": status_issue, "workflow": workflow_issue}
_KEYWORD_TYPES: dict[str, StepKeyword] = {"Context": "given", "Action": "when", "Outcome": "then"}
_CRITERION_TAG = re.compile(r"(?i:ac)[-_0-9]")


class GherkinTree:
    """One parsed feature with the file's lines; `read` validates and converts it."""

    def __init__(self, feature: GherkinFeature, lines: list[str], shown_as: str) -> None:
        self._feature = feature
        self._lines = lines
        self._shown_as = shown_as
        self._problems: list[Problem] = []
        self._scenarios: list[Scenario] = []
        self._backgrounds: list[Background] = []
        self._starts: list[int] = []  # first line of every block, to know where each one ends

    def read(self) -> Parsed[Feature]:
        """The feature, or every problem found in it."""
        line = self._feature["location"]["line"]
        fields = self._fields(line)
        self._walk(self._feature["children"])
        criteria = self._criteria()
        if not self._scenarios:
            self._problem(
                line,
                "the feature has no Scenario",
                "add `Scenario: <title>` with Given/When/Then steps, tagged `@AC-1`",
            )
        if fields is None or self._problems:
            return failed(self._problems)
        feature = Feature(
            path=self._shown_as,
            format="gherkin",
            id=fields.id,
            title=fields.title,
            status=fields.status,
            workflow=fields.workflow,
            scope=fields.scope,
            requirements=(),
            criteria=tuple(criteria),
            sections=self._sections(),
            line=line,
            criteria_line=self._scenarios[0]["location"]["line"],
        )
        return Parsed(feature)

    def _fields(self, feature_line: int) -> FeatureFields | None:
        before = len(self._problems)
        values: dict[str, tuple[str, int]] = {}
        scope: list[str] = []
        for tag in self._feature["tags"]:
            name, line = tag["name"][1:], tag["location"]["line"]
            key, colon, value = name.partition(":")
            if _CRITERION_TAG.match(name):
                self._problem(
                    line,
                    f"the criterion tag `@{name}` is on the Feature, where it names no scenario",
                    "move it to the line above its `Scenario:`",
                )
            elif not colon:
                continue  # plain tags (`@smoke`) belong to other tools
            elif key == "scope":
                self._issue(line, glob_issue(value, _spell))
                scope.append(value)
            elif key in values:
                self._problem(
                    line,
                    f"the tag `@{key}:` appears twice (first on line {values[key][1]})",
                    f"keep one `@{key}:` tag",
                )
            elif key in _CHECKS:
                values[key] = (value, line)
                self._issue(line, _CHECKS[key](value, _spell))
            elif guess := closest_key(key, TAG_KEYS):
                self._problem(
                    line, f"unknown feature tag `@{key}:`", f"write `@{guess}:{value}` instead"
                )
        for key, example in _REQUIRED.items():
            if key not in values:
                self._problem(
                    feature_line,
                    f"the feature has no `@{key}:` tag",
                    f"add `@{key}:{example}` to the tags above `Feature:`",
                )
        title = self._feature["name"].strip()
        if not title:
            self._problem(
                feature_line,
                "the Feature has no title",
                "write it after the keyword: `Feature: Password reset by email`",
            )
        if len(self._problems) > before:
            return None
        workflow = values.get("workflow", ("feature", 0))[0]
        return make_fields(values["id"][0], title, values["status"][0], workflow, scope)

    def _walk(self, children: Sequence[Envelope]) -> None:
        for child in children:
            if "background" in child:
                background = cast(BackgroundEnvelope, child)["background"]
                self._backgrounds.append(background)
                self._starts.append(background["location"]["line"])
            elif "scenario" in child:
                scenario = cast(ScenarioEnvelope, child)["scenario"]
                self._scenarios.append(scenario)
                self._starts.append(_first_line(scenario["location"]["line"], scenario["tags"]))
            elif "rule" in child:
                rule: Rule = cast(RuleEnvelope, child)["rule"]
                self._starts.append(_first_line(rule["location"]["line"], rule["tags"]))
                self._walk(rule["children"])

    def _criteria(self) -> list[AcceptanceCriterion]:
        criteria: list[AcceptanceCriterion] = []
        ids: list[tuple[str, int, str]] = []
        for position, scenario in enumerate(self._scenarios, start=1):
            line = scenario["location"]["line"]
            tagged = self._tagged_id(scenario, position)
            criterion_id = tagged or f"AC-{position}"
            if tagged != "":
                ids.append((criterion_id, line, "" if tagged else ", given by its position"))
            raw = [
                RawStep(
                    step["keyword"].strip(),
                    _KEYWORD_TYPES.get(step.get("keywordType", "")),
                    step["text"],
                    step["location"]["line"],
                )
                for step in scenario["steps"]
            ]
            steps, step_issues = resolve_steps(raw)
            for step_line, issue in step_issues:
                self._issue(step_line, issue)
            self._issue(line, missing_steps_issue(criterion_id, steps, "to the scenario"))
            text = "\n".join(self._block_lines(line))
            criteria.append(
                AcceptanceCriterion(criterion_id, scenario["name"].strip(), steps, text, line)
            )
        for dup_line, issue in duplicate_issues(ids, "criterion", "AC-", lambda cid: f"`@{cid}`"):
            self._issue(dup_line, issue)
        return criteria

    def _tagged_id(self, scenario: Scenario, position: int) -> str | None:
        """The id from the scenario's `@AC-<n>` tag: "" when malformed, None when untagged."""
        found: list[Tag] = [
            tag for tag in scenario["tags"] if _CRITERION_TAG.match(tag["name"][1:])
        ]
        for tag in found:
            name = tag["name"][1:]
            if not is_criterion_id(name):
                guess = criterion_id_guess(name) or f"AC-{position}"
                self._problem(
                    tag["location"]["line"],
                    f"malformed criterion tag `@{name}`",
                    f"write `@{guess}`",
                )
                return ""
        for tag in found[1:]:
            self._problem(
                tag["location"]["line"],
                f"the scenario has a second criterion tag `{tag['name']}`",
                f"keep only `{found[0]['name']}`, one `@AC-<n>` tag per scenario",
            )
        return found[0]["name"][1:] if found else None

    def _sections(self) -> tuple[FeatureSection, ...]:
        sections: list[FeatureSection] = []
        description = textwrap.dedent(self._feature["description"]).strip("\n")
        if description.strip():
            first = description.strip().split("\n", 1)[0]
            start = self._feature["location"]["line"]
            line = next(
                (
                    n
                    for n in range(start + 1, len(self._lines) + 1)
                    if self._lines[n - 1].strip() == first
                ),
                start,
            )
            sections.append(FeatureSection("Description", description, line))
        for background in self._backgrounds:
            line = background["location"]["line"]
            title = f"{background['keyword']}: {background['name']}".strip().rstrip(":")
            sections.append(FeatureSection(title, "\n".join(self._block_lines(line)), line))
        return tuple(sections)

    def _block_lines(self, line: int) -> list[str]:
        """The file's lines from `line` to the next block, less trailing blanks and comments."""
        end = min((start for start in self._starts if start > line), default=len(self._lines) + 1)
        block = self._lines[line - 1 : end - 1]
        while block and (not block[-1].strip() or block[-1].lstrip().startswith("#")):
            block.pop()
        return block

    def _issue(self, line: int, issue: Issue | None) -> None:
        if issue is not None:
            self._problems.append(issue.at(self._shown_as, line))

    def _problem(self, line: int, message: str, fix: str) -> None:
        self._problems.append(Problem(self._shown_as, line, message, fix))


def _spell(key: str, value: str) -> str:
    return f"`@{key}:{value}`"


def _first_line(line: int, tags: Sequence[Tag]) -> int:
    return min([line, *(tag["location"]["line"] for tag in tags)])
