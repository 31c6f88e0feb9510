"""Which commands a project declares or configures for itself: lint, types, tests, build.

Declared commands (`[tool.backdev] checks`) win outright. Otherwise a tool counts only
when the project configures it — a `[tool.ruff]` table, a `mypy.ini`, a pytest section,
a build backend — never merely because it happens to be installed.
"""

from __future__ import annotations

import configparser
import shlex
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path

from backdev.application.ports import ProjectCommand

PYTHON = "python"
"""A command starting with this word runs with the project's interpreter."""
BUILD_ARGV: tuple[str, ...] = (
    PYTHON,
    "-m",
    "build",
    "--no-isolation",
    "--skip-dependency-check",
)
"""The detected build: offline (no isolated environment, no download of build requirements);
the runner builds a copy of the tree into a temporary `--outdir`."""
DECLARED = "[tool.backdev.checks]"


def declared_commands(configured: Mapping[str, str]) -> tuple[ProjectCommand, ...]:
    """The commands of `[tool.backdev] checks`, split into words like a POSIX shell would.

    A command that cannot be split (unbalanced quotes) keeps an empty argv; running it
    then reports why instead of guessing at the words.
    """
    commands: list[ProjectCommand] = []
    for name, line in configured.items():
        try:
            argv = tuple(shlex.split(line))
        except ValueError:
            argv = ()
        commands.append(ProjectCommand(name, argv, DECLARED))
    return tuple(commands)


def configured_commands(root: Path) -> tuple[ProjectCommand, ...]:
    """Commands for the tools the project at `root` configures, in a fixed order."""
    pyproject = _toml(root / "pyproject.toml")
    finders: tuple[Callable[[Path, Mapping[str, object]], list[ProjectCommand]], ...] = (
        _ruff,
        _mypy,
        _pytest,
        _build,
    )
    return tuple(command for finder in finders for command in finder(root, pyproject))


def _ruff(root: Path, pyproject: Mapping[str, object]) -> list[ProjectCommand]:
    # Ruff reads ruff.toml and .ruff.toml before pyproject.toml; the first one found wins.
    for name in ("ruff.toml", ".ruff.toml"):
        if (root / name).is_file():
            return _ruff_commands(name, "format" in _toml(root / name))
    tool = _tool(pyproject)
    if "ruff" in tool:
        return _ruff_commands("[tool.ruff] in pyproject.toml", "format" in _table(tool["ruff"]))
    return []


def _ruff_commands(origin: str, formats: bool) -> list[ProjectCommand]:
    commands = [ProjectCommand("ruff", (PYTHON, "-m", "ruff", "check", "."), origin)]
    if formats:
        # A formatter section says the project formats with ruff; a bare [tool.ruff] does not.
        commands.append(
            ProjectCommand("ruff-format", (PYTHON, "-m", "ruff", "format", "--check", "."), origin)
        )
    return commands


def _mypy(root: Path, pyproject: Mapping[str, object]) -> list[ProjectCommand]:
    # mypy's own search order: the first file with a mypy section is the configuration.
    for name in ("mypy.ini", ".mypy.ini"):
        section = _ini_section(root / name, "mypy")
        if section is not None:
            return [_mypy_command(f"[mypy] in {name}", bool(section.get("files")))]
    tool = _tool(pyproject)
    if "mypy" in tool:
        files = _table(tool["mypy"]).get("files")
        return [_mypy_command("[tool.mypy] in pyproject.toml", bool(files))]
    section = _ini_section(root / "setup.cfg", "mypy")
    if section is not None:
        return [_mypy_command("[mypy] in setup.cfg", bool(section.get("files")))]
    return []


def _mypy_command(origin: str, has_files: bool) -> ProjectCommand:
    # Without configured `files`, mypy needs a target; the whole tree is the honest guess.
    argv = (PYTHON, "-m", "mypy") if has_files else (PYTHON, "-m", "mypy", ".")
    return ProjectCommand("mypy", argv, origin)


def _pytest(root: Path, pyproject: Mapping[str, object]) -> list[ProjectCommand]:
    origin: str | None = None
    # pytest.ini wins even when empty, as it does for pytest itself.
    for name in ("pytest.ini", ".pytest.ini"):
        if (root / name).is_file():
            origin = name
            break
    else:
        if "pytest" in _tool(pyproject):
            origin = "[tool.pytest] in pyproject.toml"
        elif _ini_section(root / "tox.ini", "pytest") is not None:
            origin = "[pytest] in tox.ini"
        elif _ini_section(root / "setup.cfg", "tool:pytest") is not None:
            origin = "[tool:pytest] in setup.cfg"
    if origin is None:
        return []
    return [ProjectCommand("pytest", (PYTHON, "-m", "pytest"), origin)]


def _build(root: Path, pyproject: Mapping[str, object]) -> list[ProjectCommand]:
    backend = _table(pyproject.get("build-system")).get("build-backend")
    if not isinstance(backend, str) or not backend.strip():
        return []
    return [ProjectCommand("build", BUILD_ARGV, f"build-backend {backend} in pyproject.toml")]


def _toml(path: Path) -> dict[str, object]:
    """The parsed file, or empty when absent or invalid (the config loader reports that)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return {}


def _ini_section(path: Path, section: str) -> Mapping[str, str] | None:
    """The section of an INI file, or None when the file or the section is absent."""
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(path.read_text(encoding="utf-8-sig"), str(path))
    except (OSError, UnicodeDecodeError, configparser.Error):
        return None
    return dict(parser[section]) if parser.has_section(section) else None


def _tool(pyproject: Mapping[str, object]) -> dict[str, object]:
    return _table(pyproject.get("tool"))


def _table(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}
