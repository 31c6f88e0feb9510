"""YAML loaded as a tree of values that remember their line.

Spec files must point every finding at `FILE:LINE`, so plain `yaml.safe_load`
is not enough: we compose the node graph and keep each node's line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

import yaml

YamlScalar = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class YNode:
    """A YAML value with the 1-based line where it starts.

    `value` is a scalar, a `list[YNode]`, or a `dict[str, YNode]` (keys that
    are not strings are rendered with `str`). `key_line` is the line of the
    mapping key this value belongs to, when it belongs to one.
    """

    value: YamlScalar | list[YNode] | dict[str, YNode]
    line: int
    key_line: int = 0

    def plain(self) -> object:
        """The value without line information (lists, dicts and scalars)."""
        if isinstance(self.value, list):
            return [item.plain() for item in self.value]
        if isinstance(self.value, dict):
            return {key: item.plain() for key, item in self.value.items()}
        return self.value


class YamlSyntaxError(Exception):
    """The text is not valid YAML; `line` is 1-based relative to the text given."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


_MAX_NODES = 10_000


def load_yaml(text: str, first_line: int = 1) -> YNode | None:
    """Parse one YAML document; lines are offset so the text's first line is `first_line`.

    Returns None for an empty document. Raises YamlSyntaxError for invalid YAML,
    for more than one document, and for alias expansion beyond a sane size.
    """
    lines = _LineIndex(text, first_line)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = lines.of(mark) if mark is not None else first_line
        return _raise(str(exc.problem or exc.context or "invalid YAML"), line)
    except yaml.YAMLError as exc:
        return _raise(f"invalid YAML ({exc})", first_line)
    except RecursionError:
        return _raise("YAML nested too deeply", first_line)
    if root is None:
        return None
    budget = [_MAX_NODES]
    try:
        return _convert(root, lines, budget, 0)
    except yaml.YAMLError as exc:
        return _raise(f"invalid YAML ({exc})", first_line)


def _raise(message: str, line: int) -> YNode:
    raise YamlSyntaxError(message, line)


_MAX_DEPTH = 100

# PyYAML also counts U+0085, U+2028 and U+2029 as line breaks but editors do not,
# so lines come from character offsets, counting only `\r\n`, `\r` and `\n`.
_LINE_END = re.compile(r"\r\n|\r|\n")


class _LineIndex:
    def __init__(self, text: str, first_line: int) -> None:
        self._starts = [0, *(match.end() for match in _LINE_END.finditer(text))]
        self._first_line = first_line

    def of(self, mark: yaml.Mark) -> int:
        return bisect_right(self._starts, mark.index) - 1 + self._first_line


def _convert(
    node: yaml.Node, lines: _LineIndex, budget: list[int], depth: int, key_line: int = 0
) -> YNode:
    budget[0] -= 1
    line = lines.of(node.start_mark)
    if budget[0] < 0 or depth > _MAX_DEPTH:
        raise YamlSyntaxError("YAML too large or nested too deeply (aliases?)", line)
    if isinstance(node, yaml.SequenceNode):
        items = [_convert(child, lines, budget, depth + 1) for child in node.value]
        return YNode(items, line, key_line)
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, YNode] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            key_text = "" if key is None else str(key)
            child_key_line = lines.of(key_node.start_mark)
            if key_text in mapping:
                # PyYAML keeps the last value silently; a repeated `id:` is a mistake to show.
                first = mapping[key_text].key_line
                raise YamlSyntaxError(
                    f"key `{key_text}` appears twice (first on line {first})", child_key_line
                )
            mapping[key_text] = _convert(value_node, lines, budget, depth + 1, child_key_line)
        return YNode(mapping, line, key_line)
    return YNode(_scalar(node), line, key_line)


def _scalar(node: yaml.Node) -> YamlScalar:
    try:
        value = yaml.SafeLoader("").construct_object(node, deep=False)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        # An ill-typed scalar such as `!!int abc`: keep its text, the caller validates it.
        return str(node.value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
