"""coverage.py's data file -> domain `FileCoverage`, per non-test source file.

The analysis is done here, in backdev's process, with coverage.py's own parser
(statements, possible arcs, exit counts) applied to the file as it is in the tree
that ran. coverage.py's `Coverage` object is not used for it: it resolves relative
paths against the current directory, which is wrong for a run in a temporary
worktree and is process-global state that concurrent runs would share.

Which test ran a line comes from coverage.py's contexts, which the `ac` plugin switches
to each test's node id for the whole of the test: its setup, call and teardown. So a
line is credited to exactly the test cases that ran it, each case of a parametrised
test on its own, including lines run by the fixtures a test sets up and tears down
(a fixture shared by several tests counts for the one that set it up or tore it down).
Lines run at import or collection time, under the empty context, belong to no test.
"""

from __future__ import annotations

import configparser
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from types import MappingProxyType

from coverage import Coverage, CoverageData
from coverage.config import DEFAULT_EXCLUDE, DEFAULT_PARTIAL, DEFAULT_PARTIAL_ALWAYS
from coverage.exceptions import CoverageException
from coverage.parser import PythonParser

from backdev.domain.evidence import FileCoverage

_Arc = tuple[int, int]


class CoverageReadError(Exception):
    """The data file exists but coverage.py cannot read it (e.g. another schema version)."""


def read_coverage(
    data_file: Path,
    tree: Path,
    keep: Callable[[str], bool],
) -> dict[str, FileCoverage]:
    """Coverage of every measured file under `tree` that `keep` accepts (by relative path).

    Files measured outside the tree (absolute names), files that no longer parse,
    and files coverage.py has no source for are left out.
    """
    if not data_file.is_file():
        return {}
    data = CoverageData(basename=str(data_file))
    try:
        data.read()
        measured = data.measured_files()
    except CoverageException as exc:
        raise CoverageReadError(str(exc)) from exc
    exclude, partial = _exclusions(tree)
    found: dict[str, FileCoverage] = {}
    for name in sorted(measured):
        path = name.replace("\\", "/")
        if Path(name).is_absolute() or not path.endswith(".py") or not keep(path):
            continue
        parser = _parse(tree / path, exclude)
        if parser is not None:
            found[path] = _file_coverage(path, parser=parser, data=data, name=name, partial=partial)
    return found


def _file_coverage(
    path: str,
    *,
    parser: PythonParser,
    data: CoverageData,
    name: str,
    partial: str,
) -> FileCoverage:
    statements = frozenset(parser.statements)
    executed = frozenset(parser.translate_lines(data.lines(name) or ())) & statements
    possible = parser.arcs()
    destinations: dict[int, set[int]] = {}
    for start, end in possible:
        destinations.setdefault(start, set()).add(end)
    no_branch = parser.lines_matching(partial) if partial else set()
    branches = {
        line: frozenset(destinations.get(line, ()))
        for line, exits in parser.exit_counts().items()
        if exits > 1 and line in statements and line not in no_branch
    }
    taken = _taken(parser.translate_arcs(data.arcs(name) or ()), possible, destinations)
    return FileCoverage(
        path=path,
        statements=statements,
        executed=executed,
        branches=MappingProxyType(branches),
        taken=frozenset(taken),
        contexts=MappingProxyType(_tests_by_line(data, name, parser, statements)),
    )


def _taken(
    arcs: Iterable[_Arc], possible: set[_Arc], destinations: dict[int, set[int]]
) -> set[_Arc]:
    """Executed arcs, with coverage.py's self-arcs (a line "jumping" to itself) resolved.

    A recorded (n, n) that is no real loop stands for leaving line n; when n has a
    single possible destination that is the arc taken, otherwise it says nothing.
    """
    taken: set[_Arc] = set()
    for start, end in arcs:
        if start != end or (start, end) in possible:
            taken.add((start, end))
        elif len(destinations.get(start, ())) == 1:
            taken.add((start, next(iter(destinations[start]))))
    return taken


def _tests_by_line(
    data: CoverageData, name: str, parser: PythonParser, statements: frozenset[int]
) -> dict[int, frozenset[str]]:
    """Node ids of the tests that ran each statement; the empty context is no test's."""
    by_line: dict[int, set[str]] = {}
    for line, names in data.contexts_by_lineno(name).items():
        first = parser.first_line(line)
        tests = {context for context in names if context}
        if tests and first in statements:
            by_line.setdefault(first, set()).update(tests)
    return {line: frozenset(tests) for line, tests in by_line.items()}


def _parse(file: Path, exclude: str) -> PythonParser | None:
    try:
        parser = PythonParser(filename=str(file), exclude=exclude)
        parser.parse_source()
    except (CoverageException, OSError, SyntaxError, ValueError):
        return None
    return parser


def _exclusions(tree: Path) -> tuple[str, str]:
    """The exclusion regexes of the project's coverage configuration, else coverage's defaults.

    `# pragma: no cover` and the project's `exclude_lines`/`exclude_also` keep lines out
    of the statements, as they would in the project's own coverage report.
    """
    config = _coverage_config(tree)
    exclude_lines = list(DEFAULT_EXCLUDE)
    partial_lines = [*DEFAULT_PARTIAL, *DEFAULT_PARTIAL_ALWAYS]
    if config is not None:
        try:
            settings = Coverage(data_file=None, config_file=str(config))
            exclude_lines = _strings(settings.get_option("report:exclude_lines"))
            partial_lines = _strings(settings.get_option("report:partial_branches")) + _strings(
                settings.get_option("report:partial_branches_always")
            )
        except CoverageException:
            pass  # a broken project config: fall back to coverage.py's defaults
    return _join(exclude_lines), _join(partial_lines)


def _coverage_config(tree: Path) -> Path | None:
    """The file coverage.py itself would read its settings from, in its own order."""
    if (tree / ".coveragerc").is_file():
        return tree / ".coveragerc"
    for name in ("setup.cfg", "tox.ini"):
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(tree / name, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            # An unreadable setup.cfg or tox.ini holds no coverage settings we could use.
            continue
        if any(section.startswith("coverage:") for section in parser.sections()):
            return tree / name
    try:
        pyproject = tomllib.loads((tree / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    tool = pyproject.get("tool")
    return tree / "pyproject.toml" if isinstance(tool, dict) and "coverage" in tool else None


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def _join(patterns: list[str]) -> str:
    return "|".join(f"(?:{pattern})" for pattern in patterns if pattern)
