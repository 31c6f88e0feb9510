"""Import-linter contracts the project already keeps, read without import-linter.

Contracts come from `.importlinter` and `setup.cfg` (INI: `[importlinter]` and
`[importlinter:contract:NAME]` sections) and from `[tool.importlinter]` in
`pyproject.toml`. Neither configparser nor tomllib report positions, so each
contract's header line and option lines are found by scanning the text.
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Callable
from pathlib import Path

from backdev.adapters.principles_importlinter import (
    RawOptions,
    check_root_packages,
    translate_contract,
)
from backdev.adapters.pyproject_config import (
    TomlKey,
    load_toml,
    read_optional_text,
    scan_toml_keys,
)
from backdev.domain.principles import ImportContract
from backdev.domain.problems import Parsed, Problem, SourceRef

_ROOT_SECTION = "importlinter"
_NEWLINES = re.compile(r"\r\n?")


class ImportLinterContractSource:
    """Reads `.importlinter`, `setup.cfg` and `pyproject.toml` at the project root."""

    def load(self, root: Path) -> Parsed[tuple[ImportContract, ...]]:
        """Every translated contract; an empty tuple when no file holds any."""
        readers: tuple[tuple[str, _OptionsReader, bool], ...] = (
            (".importlinter", _ini_options, True),
            ("setup.cfg", _ini_options, False),
            ("pyproject.toml", _toml_options, False),
        )
        contracts: list[ImportContract] = []
        problems: list[Problem] = []
        for name, read_options, always in readers:
            text, read_problems = read_optional_text(root / name, name)
            problems.extend(read_problems)
            # Other tools own setup.cfg and pyproject.toml: judge them only when they
            # configure import-linter, so their unrelated mistakes are not reported twice.
            if text is None or not (always or _ROOT_SECTION in text):
                continue
            try:
                root_options, raws = read_options(text, name)
            except _ReadError as exc:
                problems.append(exc.problem)
                continue
            if root_options is not None:
                problems.extend(check_root_packages(root_options))
            for raw in raws:
                found, contract_problems = translate_contract(raw)
                contracts.extend(found)
                problems.extend(contract_problems)
        if problems:
            return Parsed(None, tuple(problems))
        return Parsed(tuple(contracts))


_Found = tuple[RawOptions | None, list[RawOptions]]
"""The `[importlinter]` table (when present) and the contracts of one file."""
_OptionsReader = Callable[[str, str], _Found]


class _ReadError(Exception):
    """The file could not be parsed at all."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _ini_options(text: str, shown_as: str) -> _Found:
    """The `[importlinter]` section and every `[importlinter:...]` contract section."""
    text = _NEWLINES.sub("\n", text)
    parser = configparser.ConfigParser(interpolation=None)
    lines = text.split("\n")
    try:
        parser.read_string(text, source=shown_as)
    except configparser.Error as exc:
        raise _ReadError(_ini_problem(exc, shown_as, lines)) from None
    headers = _ini_headers(lines)
    root: RawOptions | None = None
    found: list[RawOptions] = []
    for section in parser.sections():
        if section != _ROOT_SECTION and not section.startswith(f"{_ROOT_SECTION}:"):
            continue
        header = headers.get(section, 1)
        options = dict(parser.items(section, raw=True))
        name = options.get("name") or section.split(":")[-1]
        raw = RawOptions(
            name, options, SourceRef(shown_as, header), _ini_option_lines(lines, header)
        )
        if section == _ROOT_SECTION:
            root = raw
        else:
            found.append(raw)
    return root, found


def _ini_problem(exc: configparser.Error, shown_as: str, lines: list[str]) -> Problem:
    fix = "fix the INI syntax (`key = value` lines under `[section]` headers)"
    if isinstance(exc, configparser.MissingSectionHeaderError):
        return Problem(shown_as, max(exc.lineno, 1), "text before the first [section]", fix)
    if isinstance(exc, configparser.ParsingError) and exc.errors:
        line = max(int(exc.errors[0][0]), 1)
        content = lines[line - 1].strip() if line <= len(lines) else ""
        return Problem(shown_as, line, f"not a `key = value` line: {content!r}", fix)
    if isinstance(exc, configparser.DuplicateSectionError | configparser.DuplicateOptionError):
        what = str(exc).split(": ", 1)[-1]
        return Problem(shown_as, max(exc.lineno or 1, 1), what, "remove the duplicate")
    return Problem(shown_as, 1, f"invalid INI: {str(exc).splitlines()[0]}", fix)


_INI_HEADER = re.compile(r"\[(?P<name>.+)\]")
_INI_OPTION = re.compile(r"(?P<key>[^=:\s][^=:]*?)\s*[=:]")


def _ini_headers(lines: list[str]) -> dict[str, int]:
    """The line of each `[section]` header; unindented headers win over indented ones."""
    headers: dict[str, int] = {}
    for indented in (False, True):
        for number, line in enumerate(lines, start=1):
            if indented == (line[:1] in (" ", "\t")):
                match = _INI_HEADER.match(line.strip())
                if match is not None:
                    headers.setdefault(match["name"], number)
    return headers


def _ini_option_lines(lines: list[str], header: int) -> dict[str, int]:
    option_lines: dict[str, int] = {}
    for number in range(header + 1, len(lines) + 1):
        line = lines[number - 1]
        if line.startswith("["):
            break
        match = _INI_OPTION.match(line)
        if match is not None:
            option_lines.setdefault(match["key"].strip().lower(), number)
    return option_lines


_TOML_TABLE = ("tool", "importlinter")
_TOML_CONTRACTS = (*_TOML_TABLE, "contracts")


def _toml_options(text: str, shown_as: str) -> _Found:
    """`[tool.importlinter]` and each of its `contracts`."""
    data = load_toml(text, shown_as)
    if isinstance(data, Problem):
        raise _ReadError(data)
    tool = data.get("tool")
    table = tool.get(_ROOT_SECTION) if isinstance(tool, dict) else None
    if table is None:
        return None, []
    keys = scan_toml_keys(text)
    table_line = _first_line(keys, _TOML_TABLE)
    if not isinstance(table, dict):
        fix = "write `[tool.importlinter]`"
        raise _ReadError(Problem(shown_as, table_line, "`tool.importlinter` must be a table", fix))
    root_lines = {k.path[-1]: k.line for k in keys if k.path[:-1] == _TOML_TABLE and not k.header}
    root_options = {key: value for key, value in table.items() if key != "contracts"}
    root = RawOptions(_ROOT_SECTION, root_options, SourceRef(shown_as, table_line), root_lines)
    contracts = table.get("contracts", [])
    contracts_line = _first_line(keys, _TOML_CONTRACTS, table_line)
    if not isinstance(contracts, list):
        message = "`tool.importlinter.contracts` must be an array of tables"
        fix = "write each contract under `[[tool.importlinter.contracts]]`"
        raise _ReadError(Problem(shown_as, contracts_line, message, fix))
    return root, _toml_contracts(contracts, keys, SourceRef(shown_as, contracts_line))


def _toml_contracts(
    contracts: list[object], keys: list[TomlKey], fallback: SourceRef
) -> list[RawOptions]:
    """Each contract with the line of its `[[...contracts]]` header and of its options."""
    headers = [k.line for k in keys if k.header and k.array and k.path == _TOML_CONTRACTS]
    all_headers = sorted(k.line for k in keys if k.header)
    found: list[RawOptions] = []
    for index, contract in enumerate(contracts, start=1):
        # Contracts written inline (`contracts = [{...}]`) have no header of their own.
        header = headers[index - 1] if index <= len(headers) else fallback.line
        origin = SourceRef(fallback.path, header)
        if not isinstance(contract, dict):
            message = f"contract {index} in `tool.importlinter.contracts` is not a table"
            fix = "write the contract's options under `[[tool.importlinter.contracts]]`"
            raise _ReadError(Problem(origin.path, header, message, fix))
        end = next((line for line in all_headers if line > header), None)
        lines = {
            k.path[-1]: k.line
            for k in keys
            if k.path[:-1] == _TOML_CONTRACTS
            and not k.header
            and header < k.line
            and (end is None or k.line < end)
        }
        name = contract.get("name") or contract.get("id") or f"contract {index}"
        found.append(RawOptions(str(name), contract, origin, lines))
    return found


def _first_line(keys: list[TomlKey], path: tuple[str, ...], default: int = 1) -> int:
    return next((key.line for key in keys if key.path == path), default)
