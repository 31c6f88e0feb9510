"""Runtime dependencies declared in the project's manifests, by normalised distribution name."""

from __future__ import annotations

import configparser
import re
import tomllib
from collections.abc import Iterable

MANIFESTS: tuple[str, ...] = ("pyproject.toml", "requirements.txt", "setup.cfg")
"""Root-level files that declare runtime dependencies (optional and dev extras do not count)."""

_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def normalise(name: str) -> str:
    """The PEP 503 form of a distribution name: `Foo_Bar.baz` -> `foo-bar-baz`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_dependencies(path: str, text: str | None) -> frozenset[str]:
    """Normalised names of the runtime dependencies `text` (the file `path`) declares.

    A file that cannot be read or parsed declares nothing: judging it is another
    tool's job, and guessing would invent dependencies.
    """
    if text is None:
        return frozenset()
    if path.endswith("pyproject.toml"):
        return _pyproject(text)
    if path.endswith("setup.cfg"):
        return _setup_cfg(text)
    return _requirement_lines(text.splitlines())


def line_declaring(name: str, text: str, lines: Iterable[int]) -> int:
    """The first of `lines` (1-based) in `text` that names the distribution `name`, or 0."""
    rows = text.splitlines()
    for number in sorted(lines):
        if 1 <= number <= len(rows):
            row = rows[number - 1].split("#", 1)[0]
            if any(normalise(token) == name for token in _NAME.findall(row)):
                return number
    return 0


def _pyproject(text: str) -> frozenset[str]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return frozenset()
    names: set[str] = set()
    project = data.get("project")
    if isinstance(project, dict):
        listed = project.get("dependencies")
        if isinstance(listed, list):
            names |= _requirement_lines(item for item in listed if isinstance(item, str))
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    declared = poetry.get("dependencies") if isinstance(poetry, dict) else None
    if isinstance(declared, dict):
        names |= {normalise(key) for key in declared if key.lower() != "python"}
    return frozenset(names)


def _setup_cfg(text: str) -> frozenset[str]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return frozenset()
    value = parser.get("options", "install_requires", fallback="")
    return _requirement_lines(value.splitlines())


def _requirement_lines(lines: Iterable[str]) -> frozenset[str]:
    names: set[str] = set()
    for raw in lines:
        line = raw.split(" #", 1)[0].strip()
        # Options (-r, -e, --hash), paths and bare URLs name no distribution we can compare.
        if not line or line.startswith(("#", "-", ".", "/")) or "://" in line.split("@")[0]:
            continue
        match = _NAME.match(line)
        if match:
            names.add(normalise(match.group(0)))
    return frozenset(names)
