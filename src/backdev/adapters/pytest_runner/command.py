"""Which interpreter runs the project's tests, and the command line that runs them under coverage.

backdev adds options to the project's own pytest configuration and never replaces it:
pytest still reads `[tool.pytest.ini_options]`, `pytest.ini`, `tox.ini` or `setup.cfg`
(testpaths, pythonpath, markers, addopts) itself. Everything backdev writes goes to a
run directory under `.backdev/`.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import sys
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

OUTPUT_ENV = "BACKDEV_AC_OUTPUT"
"""Read by the `ac` plugin: the file its JSON records go to."""

_VENV_PYTHONS = ("bin/python", "Scripts/python.exe")
_NOT_SOURCE_DIRS = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "benchmarks", "build", "dist"}
)
_NOT_SOURCE_FILES = frozenset({"setup.py", "conftest.py", "noxfile.py", "fabfile.py"})
_TEST_OMIT = ("*/tests/*", "*/test/*", "*/test_*.py", "*/*_test.py", "*/conftest.py")
# Warnings coverage.py raises through `warnings`: under a project's `filterwarnings =
# error` they would turn into test errors that have nothing to do with the project.
_QUIET = (
    "module-not-imported",
    "module-not-measured",
    "module-not-python",
    "no-data-collected",
    "already-imported",
    "include-ignored",
    "couldnt-parse",
    "no-ctracer",
    "no-sysmon",
)
# Inherited variables that would make our run measure or write somewhere else.
_DROPPED_ENV = (
    "COVERAGE_PROCESS_START",
    "COVERAGE_RCFILE",
    "COVERAGE_FILE",
    "COV_CORE_SOURCE",
    "COV_CORE_CONFIG",
    "COV_CORE_DATAFILE",
    "PYTEST_CURRENT_TEST",
)


def find_python(root: Path, configured: str | None = None) -> str:
    """The interpreter for the project's tests, as DESIGN.md §3 orders the choices.

    `[tool.backdev] python` when set (a path, relative to the root, or a command on
    PATH), else the repository's own `.venv`/`venv`, else the `python` first on PATH
    (an activated virtual environment), else the interpreter running backdev.
    """
    if configured:
        expanded = os.path.expanduser(configured)
        if os.sep in expanded or "/" in expanded:
            path = Path(expanded)
            return str(path if path.is_absolute() else root / path)
        return shutil.which(expanded) or expanded
    for folder in (".venv", "venv"):
        for name in _VENV_PYTHONS:
            # Not resolved: a venv's python is a symlink, and the link is what makes the venv.
            candidate = root / folder / name
            if candidate.is_file():
                return str(candidate)
    return shutil.which("python") or sys.executable


def source_roots(tree: Path) -> tuple[Path, ...]:
    """Where the project's importable code lives: `src/` (src layout), else the root."""
    src = tree / "src"
    if src.is_dir() and any(_is_source(entry) for entry in src.iterdir()):
        return (src,)
    return (tree,)


def measured_sources(tree: Path) -> tuple[list[str], list[str]]:
    """Directories and top-level module names coverage.py should measure.

    The src layout measures `src/`; a flat layout its packages and top-level modules
    (not tests, docs or tooling scripts); an unrecognised layout the whole root.
    """
    roots = source_roots(tree)
    if roots[0] != tree:
        return [str(roots[0])], []
    directories = [
        str(entry)
        for entry in sorted(tree.iterdir())
        if entry.is_dir() and _is_source(entry) and (entry / "__init__.py").is_file()
    ]
    modules = [
        entry.stem
        for entry in sorted(tree.iterdir())
        if entry.is_file() and _is_source(entry) and entry.suffix == ".py"
    ]
    return (directories, modules) if directories or modules else ([str(tree)], [])


def coverage_rc(tree: Path, data_file: Path) -> str:
    """Our own coverage.py configuration: branches and relative paths, what to measure.

    No `dynamic_context`: the `ac` plugin switches to each test's context itself, which
    spares coverage.py a Python call on every new frame outside a test.
    """
    directories, modules = measured_sources(tree)
    lines = [
        "[run]",
        "branch = True",
        "relative_files = True",
        "parallel = False",
        f"data_file = {data_file}",
        "source =",
        *(f"    {directory}" for directory in directories),
    ]
    if modules:
        lines += ["source_pkgs =", *(f"    {module}" for module in modules)]
    lines += [
        "omit =",
        "    */.backdev/*",
        "    */.venv/*",
        "    */venv/*",
        "    */site-packages/*",
        *(f"    {pattern}" for pattern in _TEST_OMIT),
        "disable_warnings =",
        *(f"    {slug}" for slug in _QUIET),
    ]
    return "\n".join(lines) + "\n"


def pytest_command(
    python: str,
    *,
    rcfile: Path,
    plugin: str,
    cache_dir: Path,
    selection: Sequence[str],
    addopts: str,
) -> tuple[str, ...]:
    """`python -m coverage run ... -m pytest ...` with our options after the project's."""
    extra: list[str] = []
    if re.search(r"(^|\s)--cov\b", addopts):
        extra.append("--no-cov")  # pytest-cov would fight our coverage run
    if re.search(r"(^|\s)(-n\s*\S|--numprocesses\b)", addopts):
        extra += ["-n", "0"]  # xdist workers would escape coverage and the recorder
    return (
        python,
        "-m",
        "coverage",
        "run",
        f"--rcfile={rcfile}",
        "-m",
        "pytest",
        "-p",
        plugin,
        "-o",
        f"cache_dir={cache_dir}",
        *extra,
        *selection,
    )


def run_environment(
    environ: Mapping[str, str], plugin_dir: Path, records: Path, tree: Path
) -> dict[str, str]:
    """The child's environment: our plugin and the tree's code first on the path, no bytecode.

    The tree's source root goes before an editable install of the project, so a run
    in a temporary worktree tests that worktree's code, not the checkout's.
    """
    env = {key: value for key, value in environ.items() if key not in _DROPPED_ENV}
    paths = [str(plugin_dir), *(str(root) for root in source_roots(tree))]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env[OUTPUT_ENV] = str(records)
    # The tracing core records contexts switched from the plugin; sys.monitoring (the
    # default from Python 3.14) stops reporting a line once any context has run it.
    env["COVERAGE_CORE"] = "ctrace"
    return env


def project_addopts(tree: Path, environ: Mapping[str, str]) -> str:
    """The `addopts` pytest will use: its first config file's, then PYTEST_ADDOPTS."""
    found = ""
    for reader in (_pytest_ini, _pyproject_addopts, _tox_or_setup):
        value = reader(tree)
        if value is not None:
            found = value
            break
    return f"{found} {environ.get('PYTEST_ADDOPTS', '')}".strip()


def _is_source(entry: Path) -> bool:
    name = entry.name
    if name.startswith((".", "_")) and name != "__init__.py":
        return False
    if entry.is_dir():
        return name.isidentifier() and name not in _NOT_SOURCE_DIRS
    stem = entry.stem
    return (
        entry.suffix == ".py"
        and stem.isidentifier()
        and name not in _NOT_SOURCE_FILES
        and not stem.startswith("test_")
        and not stem.endswith("_test")
    )


def _pytest_ini(tree: Path) -> str | None:
    for name in ("pytest.ini", ".pytest.ini"):
        parser = _read_ini(tree / name)
        if parser is not None:
            return parser.get("pytest", "addopts", fallback="")
    return None


def _tox_or_setup(tree: Path) -> str | None:
    for name, section in (("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        parser = _read_ini(tree / name)
        if parser is not None and parser.has_section(section):
            return parser.get(section, "addopts", fallback="")
    return None


def _pyproject_addopts(tree: Path) -> str | None:
    try:
        data = tomllib.loads((tree / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    tool = data.get("tool", {})
    pytest_table = tool.get("pytest", {}) if isinstance(tool, dict) else {}
    if not isinstance(pytest_table, dict) or not pytest_table:
        return None
    options = pytest_table.get("ini_options", pytest_table)
    value = options.get("addopts", "") if isinstance(options, dict) else ""
    return " ".join(map(str, value)) if isinstance(value, list) else str(value)


def _read_ini(path: Path) -> configparser.ConfigParser | None:
    if not path.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    return parser
