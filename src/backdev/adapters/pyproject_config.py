"""The `[tool.backdev]` table of `pyproject.toml`, validated with its lines.

`tomllib` gives values but no positions, so keys are located by scanning the
text: enough TOML syntax to find `[table]` headers and `key = ...` lines.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backdev.adapters.text_files import decode_text, read_text
from backdev.domain.config import BackdevConfig, parse_config
from backdev.domain.problems import Parsed, Problem

PYPROJECT = "pyproject.toml"


class PyprojectConfigSource:
    """Reads `[tool.backdev]` from the project's `pyproject.toml`."""

    def load(self, root: Path) -> Parsed[BackdevConfig]:
        """The validated configuration; built-in defaults when there is no table."""
        text, problems = read_optional_text(root / PYPROJECT, PYPROJECT)
        if problems:
            return Parsed(None, tuple(problems))
        if text is None:
            return Parsed(BackdevConfig())
        return config_from_text(text, PYPROJECT)


def config_from_text(text: str, shown_as: str) -> Parsed[BackdevConfig]:
    """Validate the `[tool.backdev]` table of a `pyproject.toml` text."""
    data = load_toml(text, shown_as)
    if isinstance(data, Problem):
        return Parsed(None, (data,))
    tool = data.get("tool")
    table = tool.get("backdev") if isinstance(tool, dict) else None
    if table is None:
        return Parsed(BackdevConfig())
    line_of = _line_finder(text)
    if not isinstance(table, dict):
        message = "`tool.backdev` must be a table"
        return Parsed(None, (Problem(shown_as, line_of(""), message, "write `[tool.backdev]`"),))
    config, problems = parse_config(table, shown_as, line_of)
    return Parsed(None if problems else config, tuple(problems))


def read_optional_text(path: Path, shown_as: str) -> tuple[str | None, list[Problem]]:
    """Like `read_text`, but an absent or blank file is simply no text, not a problem."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, []
    except OSError:
        return read_text(path, shown_as)  # it describes what stopped the reading
    if not data.strip():
        return None, []
    return decode_text(data, shown_as)


def load_toml(text: str, shown_as: str) -> dict[str, object] | Problem:
    """The parsed document, or the problem at the line tomllib names."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        return Problem(shown_as, 1, "TOML nested too deeply", "flatten the nested values")
    except ValueError as exc:  # TOMLDecodeError, or int() refusing a huge literal
        message, line = _split_position(str(exc), text)
        return Problem(shown_as, line, f"invalid TOML: {message}", "fix the TOML syntax")


@dataclass(frozen=True, slots=True)
class TomlKey:
    """A key or table header found in TOML text: its full dotted path and line."""

    path: tuple[str, ...]
    line: int
    header: bool
    array: bool = False


def scan_toml_keys(text: str) -> list[TomlKey]:
    """Every `[table]`/`[[array]]` header and `key = ...` line, with full key paths.

    Keys inside inline tables or multi-line arrays are not seen; callers fall back
    to the enclosing key's line.
    """
    found: list[TomlKey] = []
    table: tuple[str, ...] = ()
    open_string: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if open_string is not None:
            if line.count(open_string) % 2 == 1:
                open_string = None
            continue
        header = _HEADER.match(line)
        if header is not None:
            table = _segments(header["path"])
            found.append(TomlKey(table, number, header=True, array=header["open"] == "[["))
        else:
            key = _KEY.match(line)
            if key is not None:
                found.append(TomlKey(table + _segments(key["path"]), number, header=False))
        for quotes in ('"""', "'''"):
            if line.count(quotes) % 2 == 1:
                open_string = quotes
                break
    return found


_SEGMENT = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_DOTTED = rf"{_SEGMENT}(?:[ \t]*\.[ \t]*{_SEGMENT})*"
_HEADER = re.compile(rf"^[ \t]*(?P<open>\[\[?)[ \t]*(?P<path>{_DOTTED})[ \t]*\]")
_KEY = re.compile(rf"^[ \t]*(?P<path>{_DOTTED})[ \t]*=")
_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$")
_AT_END = " (at end of document)"


def _segments(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in re.findall(_SEGMENT, dotted))


def _split_position(message: str, text: str) -> tuple[str, int]:
    match = _POSITION.search(message)
    if match is not None:
        return message[: match.start()], max(int(match[1]), 1)
    if message.endswith(_AT_END):
        last_line = max(len(text.rstrip("\n").split("\n")), 1)
        return message[: -len(_AT_END)], last_line
    return message, 1


def _line_finder(text: str) -> Callable[[str], int]:
    """`line_of(dotted_key)` for keys below `[tool.backdev]`, falling back to enclosing keys."""
    lines: dict[tuple[str, ...], int] = {}
    for key in scan_toml_keys(text):
        if key.path[:2] == ("tool", "backdev"):
            lines.setdefault(key.path[2:], key.line)
    table_line = lines.get((), min(lines.values(), default=1))

    def line_of(dotted: str) -> int:
        parts = tuple(dotted.split(".")) if dotted else ()
        while parts:
            if parts in lines:
                return lines[parts]
            parts = parts[:-1]
        return table_line

    return line_of
