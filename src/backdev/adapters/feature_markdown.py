"""Markdown feature files: YAML front matter for the fields, `##` sections for the rest."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from backdev.adapters.feature_markdown_body import parse_body
from backdev.adapters.feature_rules import (
    FeatureFields,
    Issue,
    closest_key,
    failed,
    glob_issue,
    id_issue,
    make_fields,
    normalized_text,
    status_issue,
    title_issue,
    workflow_issue,
)
from backdev.adapters.front_matter import (
    FrontMatter,
    UnterminatedFrontMatterError,
    split_front_matter,
)
from backdev.adapters.text_files import read_text
from backdev.adapters.yaml_nodes import YamlSyntaxError, YNode, load_yaml
from backdev.domain.features import Feature
from backdev.domain.problems import Parsed, Problem

KNOWN_KEYS = ("id", "title", "status", "workflow", "scope")
_REQUIRED = {"id": "FEAT-012", "title": "Password reset by email", "status": "draft"}


class MarkdownFeatureParser:
    """Parses a Markdown feature file, reporting every problem with its line."""

    def __init__(self) -> None:
        self._md = MarkdownIt("commonmark")

    def parse(self, path: Path, shown_as: str) -> Parsed[Feature]:
        """Read and validate the file at `path`; `shown_as` names it in problems."""
        text, problems = read_text(path, shown_as)
        if text is None:
            return failed(problems)
        return self.parse_text(text, shown_as)

    def parse_text(self, text: str, shown_as: str) -> Parsed[Feature]:
        """Validate `text` as the content of the feature file `shown_as`."""
        text = normalized_text(text)
        try:
            parts = split_front_matter(text)
        except UnterminatedFrontMatterError:
            return failed(
                [
                    Problem(
                        shown_as,
                        1,
                        "the front matter opened by `---` on line 1 is never closed",
                        "add a line `---` after the last front matter key",
                    )
                ]
            )
        fields, problems = _read_fields(parts, shown_as)
        body, body_problems = parse_body(self._md, parts.body, parts.body_first_line, shown_as)
        problems += body_problems
        if fields is None or problems:
            return failed(problems)
        feature = Feature(
            path=shown_as,
            format="markdown",
            id=fields.id,
            title=fields.title,
            status=fields.status,
            workflow=fields.workflow,
            scope=fields.scope,
            requirements=body.requirements,
            criteria=body.criteria,
            sections=body.sections,
            line=1,
            criteria_line=body.criteria_line,
        )
        return Parsed(feature)


def _spell(key: str, value: str) -> str:
    return f"`{key}: {value}`"


def _spell_glob(_key: str, value: str) -> str:
    return f"`{value}`"


def _read_fields(parts: FrontMatter, shown_as: str) -> tuple[FeatureFields | None, list[Problem]]:
    """The fields from the front matter; None exactly when there are problems."""
    if parts.yaml_text is None:
        return None, [
            Problem(
                shown_as,
                1,
                "the file has no front matter",
                "start it with a `---` line, then `id:`, `title:` and `status:` lines, then `---`",
            )
        ]
    try:
        root = load_yaml(parts.yaml_text, parts.yaml_first_line)
    except YamlSyntaxError as exc:
        return None, [
            Problem(
                shown_as,
                exc.line,
                f"the front matter is not valid YAML: {exc.message}",
                "correct the YAML on this line; quote values that hold `: `, `#` or start with `[`",
            )
        ]
    if root is None:
        return _check_mapping({}, shown_as)
    if not isinstance(root.value, dict):
        return None, [
            Problem(
                shown_as,
                root.line,
                "the front matter is not a mapping of keys to values",
                "write one `key: value` per line, e.g. `id: FEAT-012`",
            )
        ]
    return _check_mapping(root.value, shown_as)


def _check_mapping(
    mapping: dict[str, YNode], shown_as: str
) -> tuple[FeatureFields | None, list[Problem]]:
    problems: list[Problem] = []
    for key, node in mapping.items():
        if key not in KNOWN_KEYS:
            guess = closest_key(key, KNOWN_KEYS)
            hint = f"did you mean `{guess}:`? " if guess else ""
            problems.append(
                Problem(
                    shown_as,
                    node.key_line or node.line,
                    f"unknown front matter key `{key}`",
                    f"{hint}use only {', '.join(KNOWN_KEYS)}",
                )
            )
    for key, example in _REQUIRED.items():
        if key not in mapping:
            problems.append(
                Problem(
                    shown_as, 1, f"the front matter has no `{key}`", f"add {_spell(key, example)}"
                )
            )
    values: dict[str, str] = {"workflow": "feature"}
    checks = {
        "id": id_issue,
        "title": title_issue,
        "status": status_issue,
        "workflow": workflow_issue,
    }
    for key, check in checks.items():
        field = mapping.get(key)
        if field is None:
            continue
        issue = check(field.value, _spell)
        if issue is not None:
            problems.append(issue.at(shown_as, field.line))
        elif isinstance(field.value, str):
            values[key] = field.value.strip() if key == "title" else field.value
    scope = _scope(mapping.get("scope"), shown_as, problems)
    if problems:
        return None, problems
    return make_fields(
        values["id"], values["title"], values["status"], values["workflow"], scope
    ), []


def _scope(node: YNode | None, shown_as: str, problems: list[Problem]) -> list[str]:
    """The scope globs, adding a problem for each bad one."""
    if node is None:
        return []
    if not isinstance(node.value, list):
        fix = (
            f"write `scope: [{node.value}]`"
            if isinstance(node.value, str) and node.value
            else ("write a list, e.g. `scope: [src/accounts/**]`, or remove the key")
        )
        problems.append(
            Issue("`scope` must be a list of globs", fix).at(shown_as, node.key_line or node.line)
        )
        return []
    if not node.value:
        problems.append(
            Issue(
                "`scope` is an empty list",
                "list at least one glob, or remove the key to allow any path",
            ).at(shown_as, node.line)
        )
        return []
    globs: list[str] = []
    for item in node.value:
        issue = glob_issue(item.value, _spell_glob)
        if issue is not None:
            problems.append(issue.at(shown_as, item.line))
        elif isinstance(item.value, str):
            globs.append(item.value)
    return globs
