"""The Markdown body of a feature file: requirements, acceptance criteria, other sections.

Structure comes from markdown-it's block tokens, so headings and step-like lines
inside code fences, indented code or HTML blocks are never mistaken for content.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from backdev.adapters.feature_rules import (
    Issue,
    RawStep,
    criterion_id_guess,
    duplicate_issues,
    missing_steps_issue,
    resolve_steps,
)
from backdev.domain.features import (
    AcceptanceCriterion,
    FeatureSection,
    Requirement,
    StepKeyword,
    is_criterion_id,
)
from backdev.domain.problems import Problem


@dataclass(frozen=True, slots=True)
class Body:
    """What the body holds; meaningful only when parsing it gave no problem."""

    requirements: tuple[Requirement, ...] = ()
    criteria: tuple[AcceptanceCriterion, ...] = ()
    sections: tuple[FeatureSection, ...] = ()
    criteria_line: int = 1


def parse_body(
    md: MarkdownIt, body: str, first_line: int, shown_as: str
) -> tuple[Body, list[Problem]]:
    """Read the body, which starts on file line `first_line`; lines must end in `\\n` only."""
    try:
        tokens = md.parse(body)
    except RecursionError:
        problem = Problem(
            shown_as,
            first_line,
            "the Markdown is nested too deeply to read",
            "flatten the nested lists or block quotes",
        )
        return Body(), [problem]
    return _BodyReader(tokens, body.split("\n"), first_line, shown_as).read()


@dataclass(frozen=True, slots=True)
class _Heading:
    level: int
    text: str
    index: int  # 0-based line within the body


_REQUIREMENT = re.compile(r"(?P<id>R[1-9][0-9]*)\s*:\s*(?P<text>.*)", re.DOTALL)
_LEADING_ID = re.compile(r"[Rr]\s*-?[0-9]+\s*[:.)-]?\s*")
_CRITERION_HEADING = re.compile(r"(?P<id>[^\s:—–]+)[\s:—–-]*(?P<title>.*)", re.DOTALL)
_STEP = re.compile(
    r"[ \t]*(?:(?:[-*+]|[0-9]+[.)])[ \t]+)?(?P<strong>\*\*|__)?"
    r"(?P<word>given|when|then|and|but)\b:?(?P=strong)?:?[ \t]+(?P<text>\S.*)",
    # ASCII only: Unicode case folding would let `gıven` match and then miss `_KEYWORDS`.
    re.IGNORECASE | re.ASCII,
)
_KEYWORDS: dict[str, StepKeyword | None] = {
    "given": "given",
    "when": "when",
    "then": "then",
    "and": None,
    "but": None,
}
_CODE_BLOCKS = ("fence", "code_block", "html_block")


class _BodyReader:
    """One pass over one body; keeps the tokens and lines the helpers share."""

    def __init__(
        self, tokens: Sequence[Token], lines: list[str], first_line: int, shown_as: str
    ) -> None:
        self._tokens = tokens
        self._lines = lines
        self._first_line = first_line
        self._shown_as = shown_as
        self._problems: list[Problem] = []
        self._headings = [
            _Heading(int(token.tag[1:]), _plain(tokens[i + 1]), token.map[0])
            for i, token in enumerate(tokens)
            if token.type == "heading_open"
            and token.level == 0
            and token.map
            and i + 1 < len(tokens)
        ]
        self._code_lines = {
            line
            for token in tokens
            if token.type in _CODE_BLOCKS and token.map
            for line in range(token.map[0], token.map[1])
        }

    def read(self) -> tuple[Body, list[Problem]]:
        """Split the body into `##` sections and read each by its title."""
        requirements: list[Requirement] = []
        criteria: list[AcceptanceCriterion] = []
        sections: list[FeatureSection] = []
        seen: dict[str, int] = {}
        for heading, end in self._sections():
            kind = _normalized(heading.text)
            if kind in ("requirements", "acceptance criteria"):
                if kind in seen:
                    self._problem(
                        heading.index,
                        f"a second `## {heading.text}` section (the first is on line {seen[kind]})",
                        "merge the two sections into one",
                    )
                else:
                    seen[kind] = self._line(heading.index)
                if kind == "requirements":
                    requirements += self._requirements(heading, end)
                else:
                    criteria += self._criteria(heading, end)
            else:
                text = "\n".join(_trimmed(self._lines[heading.index + 1 : end]))
                sections.append(FeatureSection(heading.text, text, self._line(heading.index)))
        self._check_duplicates(requirements, criteria)
        if "acceptance criteria" not in seen:
            self._missing_criteria_section()
        body = Body(
            tuple(requirements),
            tuple(criteria),
            tuple(sections),
            seen.get("acceptance criteria", 1),
        )
        return body, self._problems

    def _sections(self) -> list[tuple[_Heading, int]]:
        bounds = [heading for heading in self._headings if heading.level <= 2]
        return [(h, end) for h, end in _spans(bounds, len(self._lines)) if h.level == 2]

    def _requirements(self, section: _Heading, end: int) -> list[Requirement]:
        found: list[Requirement] = []
        position = 0
        for i, token in enumerate(self._tokens):
            if token.type != "list_item_open" or token.level != 1 or not token.map:
                continue
            if not section.index < token.map[0] < end:
                continue
            position += 1
            text = " ".join(self._item_text(i).split())
            match = _REQUIREMENT.fullmatch(text)
            if match is None:
                self._problem(
                    token.map[0],
                    f"requirement without an id `R<n>:` ({_clip(text)})",
                    f"start it with an id, e.g. `- R{position}: {_clip(_without_id(text), 30)}`",
                )
            elif not match.group("text"):
                self._problem(
                    token.map[0],
                    f"requirement {match.group('id')} has no text",
                    f"write what is required after `{match.group('id')}:`",
                )
            else:
                found.append(
                    Requirement(match.group("id"), match.group("text"), self._line(token.map[0]))
                )
        return found

    def _item_text(self, item_index: int) -> str:
        for token in self._tokens[item_index + 1 :]:
            if token.type == "list_item_close" and token.level == 1:
                break
            if token.type == "inline":
                return _plain(token)
        return ""

    def _criteria(self, section: _Heading, end: int) -> list[AcceptanceCriterion]:
        inside = [h for h in self._headings if section.index < h.index < end and h.level <= 3]
        spans = [(h, stop) for h, stop in _spans(inside, end) if h.level == 3]
        criteria = [
            self._criterion(heading, stop, position)
            for position, (heading, stop) in enumerate(spans, start=1)
        ]
        if not criteria:
            self._problem(
                section.index,
                f"the `## {section.text}` section has no criteria",
                "add a heading `### AC-1: <title>` followed by Given/When/Then lines",
            )
        return [criterion for criterion in criteria if is_criterion_id(criterion.id)]

    def _criterion(self, heading: _Heading, end: int, position: int) -> AcceptanceCriterion:
        match = _CRITERION_HEADING.fullmatch(heading.text)
        criterion_id = match.group("id") if match else ""
        title = match.group("title").strip() if match else ""
        if not is_criterion_id(criterion_id):
            guess = criterion_id_guess(criterion_id)
            suggestion = f"{guess}: {title}" if guess else f"AC-{position}: {heading.text}"
            self._problem(
                heading.index,
                f"criterion heading `### {_clip(heading.text)}` does not start with an id `AC-<n>`",
                f"write the heading as `### {_clip(suggestion.rstrip(': '))}`",
            )
        raw = [
            RawStep(
                step.group("word"),
                _KEYWORDS[step.group("word").lower()],
                step.group("text").rstrip(),
                self._line(index),
            )
            for index in range(heading.index + 1, end)
            if index not in self._code_lines and (step := _STEP.fullmatch(self._lines[index]))
        ]
        steps, step_issues = resolve_steps(raw)
        for step_line, step_issue in step_issues:
            self._problems.append(step_issue.at(self._shown_as, step_line))
        label = criterion_id if is_criterion_id(criterion_id) else f"`{_clip(heading.text, 30)}`"
        issue = missing_steps_issue(label, steps, "under the criterion's heading")
        if issue is not None:
            self._problems.append(issue.at(self._shown_as, self._line(heading.index)))
        text = "\n".join(_trimmed(self._lines[heading.index : end]))
        return AcceptanceCriterion(criterion_id, title, steps, text, self._line(heading.index))

    def _check_duplicates(
        self, requirements: list[Requirement], criteria: list[AcceptanceCriterion]
    ) -> None:
        requirement_ids = [(r.id, r.line, "") for r in requirements]
        criterion_ids = [(c.id, c.line, "") for c in criteria]
        issues = duplicate_issues(requirement_ids, "requirement", "R", "`- {}: ...`".format)
        issues += duplicate_issues(criterion_ids, "criterion", "AC-", "`### {}: ...`".format)
        self._problems += [issue.at(self._shown_as, line) for line, issue in issues]

    def _missing_criteria_section(self) -> None:
        misplaced = next(
            (h for h in self._headings if _normalized(h.text) == "acceptance criteria"), None
        )
        if misplaced is not None:
            self._problem(
                misplaced.index,
                "the Acceptance Criteria heading is not a level-2 heading",
                "write it as `## Acceptance Criteria`",
            )
            return
        self._problems.append(
            Problem(
                self._shown_as,
                1,
                "the file has no `## Acceptance Criteria` section",
                "add `## Acceptance Criteria` with `### AC-1: <title>` and Given/When/Then lines",
            )
        )

    def _problem(self, index: int, message: str, fix: str) -> None:
        self._problems.append(Issue(message, fix).at(self._shown_as, self._line(index)))

    def _line(self, index: int) -> int:
        return self._first_line + index


def _spans(headings: Sequence[_Heading], end: int) -> list[tuple[_Heading, int]]:
    """Each heading with the index where its content stops: the next heading, else `end`."""
    stops = [heading.index for heading in headings[1:]] + [end]
    return list(zip(headings, stops, strict=False))


def _plain(token: Token) -> str:
    """The text of an inline token without its Markdown markup."""
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def _without_id(text: str) -> str:
    leading = _LEADING_ID.match(text)
    return text[leading.end() :] if leading else text


def _normalized(title: str) -> str:
    return " ".join(title.split()).casefold().rstrip(":").strip()


def _trimmed(lines: Sequence[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return list(lines[start:end])


def _clip(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
