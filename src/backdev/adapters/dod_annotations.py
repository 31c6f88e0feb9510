"""One Definition of Done checklist item and its optional gate annotation.

An item may end with `{gate: coverage, min: 90}`: a YAML flow mapping naming the
built-in gate that proves it and that gate's options.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import MappingProxyType

from backdev.adapters.yaml_nodes import YamlSyntaxError, load_yaml
from backdev.domain.dod import DodItem, OptionValue
from backdev.domain.gate_catalog import BUILTIN_GATES, option_error
from backdev.domain.problems import Problem

ANNOTATION_EXAMPLE = "{gate: coverage, min: 90}"
_ANNOTATION_FIX = f"end the item with an annotation such as `{ANNOTATION_EXAMPLE}`"
_UNCLOSED = re.compile(r"\{\s*gate\s*:")

_Report = Callable[[int, str, str], None]
"""Records a problem: line, what is wrong, how to fix it."""


def parse_item(content: str, line: int, shown_as: str) -> tuple[DodItem | None, list[Problem]]:
    """The item whose text (after the `[ ]` box) starts on `line`, or its problems."""
    problems: list[Problem] = []

    def report(at: int, message: str, fix: str) -> None:
        problems.append(Problem(shown_as, max(at, 1), message, fix))

    body = content.rstrip()
    annotation: str | None = None
    annotation_line = line
    if body.endswith("}"):
        start = _matching_open(body)
        if start is None:
            report(
                line + body.count("\n"), "unbalanced braces in the gate annotation", _ANNOTATION_FIX
            )
            return None, problems
        annotation, body = body[start:], body[:start]
        annotation_line = line + body.count("\n")
    if _UNCLOSED.search(body):
        report(
            line,
            "a `{gate: ...}` annotation must close with `}` at the end of the item",
            _ANNOTATION_FIX,
        )
    text = " ".join(body.split())
    if not text:
        report(line, "checklist item has no text", "write what must be true after the `[ ]` box")
    gate, options = (
        (None, {}) if annotation is None else _annotation(annotation, annotation_line, report)
    )
    if problems:
        return None, problems
    return DodItem(text, line, gate, MappingProxyType(options)), problems


def _matching_open(body: str) -> int | None:
    """The index of the `{` that the final `}` closes, if the braces balance."""
    depth = 0
    for index in range(len(body) - 1, -1, -1):
        if body[index] == "}":
            depth += 1
        elif body[index] == "{":
            depth -= 1
            if depth == 0:
                return index
    return None


def _annotation(
    annotation: str, line: int, report: _Report
) -> tuple[str | None, dict[str, OptionValue]]:
    # Tabs are fine in Markdown but PyYAML refuses them between flow tokens.
    try:
        root = load_yaml(annotation.replace("\t", " "), line)
    except YamlSyntaxError as exc:
        report(exc.line, f"malformed gate annotation: {exc.message}", _ANNOTATION_FIX)
        return None, {}
    if root is None or not isinstance(root.value, dict):
        report(line, "the gate annotation is not a mapping", _ANNOTATION_FIX)
        return None, {}
    gate_node = root.value.get("gate")
    if gate_node is None:
        report(line, "the gate annotation has no `gate`", _ANNOTATION_FIX)
        return None, {}
    gate = gate_node.value
    if not isinstance(gate, str) or gate not in BUILTIN_GATES:
        report(gate_node.line, f"unknown gate `{gate}`", f"use one of: {', '.join(BUILTIN_GATES)}")
        return None, {}
    options: dict[str, OptionValue] = {}
    for key, node in root.value.items():
        if key == "gate":
            continue
        value = node.plain()
        error = option_error(gate, key, value)
        if error is not None:
            report(node.line, error, "correct or remove the option")
        elif isinstance(value, str | int | float | bool):
            options[key] = value
        else:
            report(
                node.line,
                f"option '{key}' takes a list, which a checklist item cannot hold",
                f"set it in `[tool.backdev.gates.{gate}]` instead",
            )
    return gate, options
