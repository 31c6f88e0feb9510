"""The files `backdev init` writes: packaged templates, create-only files, pyproject.toml.

Nothing here replaces what a user wrote. New files are opened exclusively, and
the pyproject edit is checked by parsing the result before it is written.
"""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from string import Template

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import InlineTable

from backdev.application.init_ports import TableMerge, TomlValue
from backdev.domain.errors import BackdevError, ConfigError

_TEMPLATES_PACKAGE = "backdev.adapters"
_TEMPLATES_DIR = "templates"
_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)")
# Where to point the user when the table cannot be merged: its header, else `tool`.
_TABLE_LINE = r"^\s*\[\s*tool\s*\.\s*backdev\b|^\s*(tool\s*\.\s*)?backdev\b|^\s*\[?\s*tool\b"


class PackagedTemplates:
    """Templates shipped as package data in `backdev/adapters/templates/`."""

    def render(self, name: str, values: Mapping[str, str]) -> str:
        """The template with its `$placeholders` replaced; a missing value is a bug (KeyError)."""
        resource = resources.files(_TEMPLATES_PACKAGE).joinpath(_TEMPLATES_DIR, *name.split("/"))
        return Template(resource.read_text(encoding="utf-8")).substitute(values)


class LocalFileWriter:
    """Creates files on the local disk, never replacing an existing one."""

    def create(self, path: Path, text: str) -> bool:
        """Write a new UTF-8 file with `\\n` line ends; False when `path` already exists."""
        if path.exists() or path.is_symlink():
            return False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _unwritable(path, exc) from exc
        try:
            # "x" makes the existence check and the creation one step.
            with path.open("xb") as handle:
                handle.write(text.encode("utf-8"))
        except FileExistsError:
            return False
        except OSError as exc:
            raise _unwritable(path, exc) from exc
        return True


class TomlkitPyprojectEditor:
    """Merges `[tool.backdev]` into pyproject.toml with tomlkit, keeping everything else.

    The standard library's `tomllib` is the judge: it validates the file first, and
    the edited text must load to exactly the old data plus the added keys.
    """

    def merge_table(
        self, path: Path, shown_as: str, defaults: Mapping[str, TomlValue]
    ) -> TableMerge:
        """Add the missing keys of `defaults` to `[tool.backdev]`; see `PyprojectEditor`."""
        if not path.exists():
            _write(path, shown_as, _table_block(defaults, "\n"))
            return TableMerge("created", dict(defaults))
        text = _read(path, shown_as)
        before = _load(text, shown_as)
        table = _backdev_table(before, text, shown_as)
        missing = {key: value for key, value in defaults.items() if key not in (table or {})}
        if not missing:
            return TableMerge("unchanged", table or {})
        merged = {**(table or {}), **missing}
        new_text = _merged_text(text, shown_as, table is not None, missing)
        tool = before.get("tool", {})
        expected = {
            **before,
            "tool": {**(tool if isinstance(tool, dict) else {}), "backdev": merged},
        }
        try:
            same = tomllib.loads(new_text) == expected
        except tomllib.TOMLDecodeError:
            same = False
        if not same:
            raise _cannot_merge(shown_as, text, missing)
        _write(path, shown_as, new_text)
        return TableMerge("updated", merged)


def _merged_text(
    text: str, shown_as: str, has_table: bool, missing: Mapping[str, TomlValue]
) -> str:
    try:
        document = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise _cannot_merge(shown_as, text, missing) from exc
    tool = document.get("tool")
    if tool is None or (not has_table and not isinstance(tool, InlineTable)):
        # A new table at the end leaves every existing byte where it was.
        newline = "\r\n" if "\r\n" in text else "\n"
        separator = newline * (2 - _trailing_newlines(text, newline)) if text.strip() else ""
        return text + separator + _table_block(missing, newline)
    try:
        backdev = tool.get("backdev")
        if backdev is None:
            tool["backdev"] = dict(missing)
        else:
            for key, value in missing.items():
                backdev[key] = value
    except (TOMLKitError, TypeError, AttributeError, KeyError) as exc:
        raise _cannot_merge(shown_as, text, missing) from exc
    return tomlkit.dumps(document)


def _table_block(values: Mapping[str, TomlValue], newline: str) -> str:
    lines = [
        "[tool.backdev]",
        "# Where backdev finds the project's specs (written by `backdev init`).",
    ]
    lines += [f"{key} = {tomlkit.item(value).as_string()}" for key, value in values.items()]
    return newline.join(lines) + newline


def _backdev_table(
    document: Mapping[str, object], text: str, shown_as: str
) -> dict[str, object] | None:
    """The existing `[tool.backdev]` values, or None when there is no such table."""
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise _not_a_table(shown_as, text, "tool", r"^\s*tool\s*=")
    table = tool.get("backdev")
    if table is not None and not isinstance(table, dict):
        raise _not_a_table(shown_as, text, "tool.backdev", r"^\s*(tool\s*\.\s*)?backdev\s*=")
    return table


def _load(text: str, shown_as: str) -> dict[str, object]:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        detail = str(exc) or type(exc).__name__
        position = _POSITION.search(detail)
        line = int(position[1]) if position else 1
        reason = detail[: position.start()] if position else detail
        raise ConfigError(
            f"{shown_as}:{line}: is not valid TOML ({reason}) — fix the syntax and run "
            "`backdev init` again; the file was left untouched"
        ) from exc


def _read(path: Path, shown_as: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"{shown_as}:1: cannot be read ({exc.strerror or exc}) — check its permissions"
        ) from exc
    try:
        # A byte-order mark is kept by `_write`, but tomllib must not see it.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{shown_as}:{line}: is not valid UTF-8 — save it as UTF-8; the file was left untouched"
        ) from exc


def _write(path: Path, shown_as: str, text: str) -> None:
    """Replace or create `path` in one step, so a failure never leaves half a file."""
    staging = path.with_name(f".{path.name}.backdev-init")
    try:
        encoding = "utf-8-sig" if path.exists() and _has_bom(path) else "utf-8"
        staging.write_bytes(text.encode(encoding))
        if path.exists():
            shutil.copymode(path, staging)
        os.replace(staging, path)
    except OSError as exc:
        staging.unlink(missing_ok=True)
        raise ConfigError(
            f"{shown_as}:1: cannot be written ({exc.strerror or exc}) — check its permissions"
        ) from exc


def _unwritable(path: Path, exc: OSError) -> BackdevError:
    return BackdevError(
        f"{path}: cannot be written ({exc.strerror or exc}) — check that its folder is a "
        "directory you can write to"
    )


def _has_bom(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(3) == b"\xef\xbb\xbf"


def _trailing_newlines(text: str, newline: str) -> int:
    count = 0
    while count < 2 and text.endswith(newline * (count + 1)):
        count += 1
    return count


def _not_a_table(shown_as: str, text: str, key: str, pattern: str) -> ConfigError:
    return ConfigError(
        f"{shown_as}:{_line_of(text, pattern)}: `{key}` is not a table — make it a table "
        f"(`[{key}]`) so backdev can add its settings; the file was left untouched"
    )


def _cannot_merge(shown_as: str, text: str, missing: Mapping[str, TomlValue]) -> ConfigError:
    keys = "; ".join(f"{key} = {tomlkit.item(value).as_string()}" for key, value in missing.items())
    line = _line_of(text, _TABLE_LINE)
    return ConfigError(
        f"{shown_as}:{line}: cannot add to [tool.backdev] without rewriting what is there — "
        f"add these keys by hand: {keys}; the file was left untouched"
    )


def _line_of(text: str, pattern: str) -> int:
    match = re.search(pattern, text, flags=re.MULTILINE)
    return 1 if match is None else text.count("\n", 0, match.start()) + 1
