"""The `ac` pytest plugin: links tests to acceptance criteria and records what each test proved.

`@pytest.mark.ac("AC-1", "AC-3")` links a test to criteria. Links also come from a
pytest-bdd scenario tagged `@AC-1`, from the test's name (`test_ac_1_...`,
`test_AC1_...`) and from its docstring (one that mentions `AC-2`).

pytest loads this module through the `pytest11` entry point named `backdev`. backdev's
test runner also copies this very file next to the project and loads it with `-p`, so
that it works in a project whose interpreter does not have backdev installed: the
module therefore uses only the standard library and pytest. When the environment
variable `BACKDEV_AC_OUTPUT` names a file, one JSON record per line is appended to it:
each test that ran (node id, file, def line, outcome, message, links, coverage context),
each collection error, and the session's exit status.

While recording inside a coverage.py run (`coverage run -m pytest`), the recorder labels
what each test runs: it switches coverage.py's context to the test's node id when the
test's setup starts and back to the empty context after its teardown. A line is thus
credited to every test case that ran it — in the test itself, in the setup and teardown
of the fixtures it uses (a fixture shared across tests counts for the test that set it up
or tore it down), and each case of a parametrised test on its own. Lines run at import or
collection time belong to no test. Without coverage.py, or outside a coverage run, the
recorder never switches and the records carry no context.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import re
from collections.abc import Callable, Generator
from pathlib import Path
from typing import IO

import pytest

OUTPUT_ENV = "BACKDEV_AC_OUTPUT"
RECORDER_NAME = "backdev-ac-recorder"
MARKER_HELP = 'ac(*criteria): links the test to acceptance criteria, e.g. @pytest.mark.ac("AC-1")'

_CRITERION = re.compile(r"\bAC-(\d+)\b")
_LOOSE_CRITERION = re.compile(r"[Aa][Cc][-_ ]?(\d+)")
_NAME_TOKEN = re.compile(r"^[Aa][Cc](\d+)(?:$|(?=[A-Z]))")
_MESSAGE_LIMIT = 300
_Record = dict[str, object]
_Switch = Callable[[str], object]


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker once; start recording when backdev asked for it."""
    if not any(str(line).startswith("ac(") for line in config.getini("markers")):
        config.addinivalue_line("markers", MARKER_HELP)
    output = os.environ.get(OUTPUT_ENV)
    # Both the entry-point copy and the `-p` copy run this hook: the first registers
    # the recorder, the second finds it. xdist workers leave recording to the controller.
    if (
        output
        and not hasattr(config, "workerinput")
        and not config.pluginmanager.has_plugin(RECORDER_NAME)
    ):
        recorder = Recorder(config, Path(output), coverage_switch())
        config.pluginmanager.register(recorder, RECORDER_NAME)


def coverage_switch() -> _Switch | None:
    """`switch_context` of the coverage.py measurement running this process, if there is one."""
    try:
        # Imported here: the project's interpreter may not have coverage.py at all.
        from coverage import Coverage  # noqa: PLC0415
    except ImportError:
        return None
    current = getattr(Coverage, "current", None)  # coverage.py 5.0 and later
    running = current() if callable(current) else None
    switch = getattr(running, "switch_context", None)
    return switch if callable(switch) else None


def links_of(item: pytest.Item) -> list[tuple[str, str]]:
    """(criterion, source) pairs for a test, strongest source first, without repeats."""
    links: list[tuple[str, str]] = []
    for mark in item.iter_markers("ac"):
        for argument in mark.args:
            for part in re.split(r"[,\s]+", str(argument)):
                if part:
                    links.append((_normal(part), "marker"))
    function = _function(item)
    scenario = getattr(getattr(item, "obj", None), "__scenario__", None) or getattr(
        function, "__scenario__", None
    )
    for tag in sorted(str(tag).lstrip("@") for tag in getattr(scenario, "tags", ()) or ()):
        if _CRITERION.fullmatch(tag):
            links.append((tag, "bdd"))
    links.extend((criterion, "name") for criterion in criteria_in_name(_name(item)))
    doc = getattr(function, "__doc__", None)
    if isinstance(doc, str):
        links.extend((f"AC-{number}", "docstring") for number in _CRITERION.findall(doc))
    return list(dict.fromkeys(links))


def criteria_in_name(name: str) -> list[str]:
    """Criterion ids named by a test function: `test_ac_1_x` and `test_AC1_x` name AC-1."""
    tokens = name.split("_")
    found: list[str] = []
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token.lower() == "ac" and following.isdigit():
            found.append(f"AC-{following}")
        elif match := _NAME_TOKEN.match(token):
            found.append(f"AC-{match.group(1)}")
    return found


class Recorder:
    """Writes one JSON line per finished test, per collection error, and for the session.

    `switch` (coverage.py's `Coverage.switch_context`, or None to leave coverage alone)
    is called with each test's label before its setup and with "" after its teardown.
    """

    def __init__(self, config: pytest.Config, output: Path, switch: _Switch | None = None) -> None:
        self._base = Path(config.invocation_params.dir)
        # `rootpath` and `item.path` are pytest 7's names; pytest 6 has `rootdir`/`fspath`.
        rootpath = str(getattr(config, "rootpath", None) or getattr(config, "rootdir", self._base))
        rootdir = os.path.relpath(rootpath, self._base).replace(os.sep, "/")
        self._prefix = "" if rootdir == "." else f"{rootdir}/"
        self._stream: IO[str] = output.open("a", encoding="utf-8")
        self._tests: dict[str, _Record] = {}
        self._def_lines: dict[str, dict[int, int]] = {}
        self._switch = switch

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> None:
        """Describe the test before it runs: where it is, what it is linked to."""
        self._tests[item.nodeid] = self._describe(item)

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Generator[None, object, None]:
        """Credit what runs from here on, fixtures included, to this test."""
        if self._switch is not None:
            self._switch(self._prefix + item.nodeid)
        yield

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_teardown(self) -> Generator[None, object, None]:
        """After the test's teardown, stop crediting it."""
        yield
        if self._switch is not None:
            self._switch("")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Fold each phase (setup, call, teardown) into the test's outcome."""
        record = self._tests.setdefault(report.nodeid, self._fallback(report))
        outcome = _phase_outcome(report)
        current = record.get("outcome")
        if outcome is None or current in ("failed", "error"):
            return
        record["outcome"] = outcome
        record["message"] = _message(report)

    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        """Write the test's record as soon as it finished, so a crash keeps what ran."""
        record = self._tests.pop(nodeid, None)
        if record is not None and record.get("outcome") is not None:
            self._write(record)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """A module that cannot be collected is evidence that nothing in it ran."""
        if report.failed:
            nodeid = self._prefix + report.nodeid
            self._write(
                {
                    "kind": "collect-error",
                    "nodeid": nodeid,
                    "path": nodeid.split("::")[0],
                    "message": _crash_text(report.longrepr),
                }
            )

    def pytest_sessionfinish(self, exitstatus: int) -> None:
        """Mark the run as complete: without this record the run did not finish."""
        self._write({"kind": "session", "exitstatus": int(exitstatus)})

    def pytest_unconfigure(self) -> None:
        """Close the output file."""
        self._stream.close()

    def _describe(self, item: pytest.Item) -> _Record:
        path = self._relative(_path(item))
        return {
            "kind": "test",
            "nodeid": self._prefix + item.nodeid,
            "path": path,
            "line": self._def_line(item),
            "outcome": None,
            "message": "",
            "links": [{"criterion": c, "source": s} for c, s in links_of(item)],
            "context": self._prefix + item.nodeid if self._switch is not None else None,
        }

    def _fallback(self, report: pytest.TestReport) -> _Record:
        # Only reached for reports of items this process did not run (xdist controller).
        return {
            "kind": "test",
            "nodeid": self._prefix + report.nodeid,
            "path": self._prefix + report.location[0].replace(os.sep, "/"),
            "line": (report.location[1] or 0) + 1,
            "outcome": None,
            "message": "",
            "links": [],
            "context": None,
        }

    def _def_line(self, item: pytest.Item) -> int:
        code = getattr(_function(item), "__code__", None)
        if code is None or Path(code.co_filename) != _path(item):
            return 0
        first = int(code.co_firstlineno)
        if code.co_filename not in self._def_lines:
            self._def_lines[code.co_filename] = _def_lines_of(Path(code.co_filename))
        # A decorated function's code starts at its first decorator; the finding wants `def`.
        return self._def_lines[code.co_filename].get(first, first)

    def _relative(self, path: Path) -> str:
        try:
            return path.relative_to(self._base).as_posix()
        except ValueError:
            return os.path.relpath(path, self._base).replace(os.sep, "/")

    def _write(self, record: _Record) -> None:
        self._stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._stream.flush()


def _normal(text: str) -> str:
    match = _LOOSE_CRITERION.fullmatch(text)
    return f"AC-{match.group(1)}" if match else text


def _path(item: pytest.Item) -> Path:
    return Path(str(getattr(item, "path", None) or getattr(item, "fspath", "")))


def _function(item: pytest.Item) -> object:
    obj = getattr(item, "obj", None)
    obj = getattr(obj, "__func__", obj)
    if obj is None:
        return None
    try:
        return inspect.unwrap(obj)
    except ValueError:  # a cycle of __wrapped__
        return obj


def _name(item: pytest.Item) -> str:
    return str(getattr(item, "originalname", None) or item.name.split("[")[0])


def _phase_outcome(report: pytest.TestReport) -> str | None:
    expected_failure = hasattr(report, "wasxfail")
    if report.when == "call":
        if expected_failure:
            return "xfailed" if report.skipped else "xpassed"
        return report.outcome
    if report.failed:
        return "error"
    if report.when == "setup" and report.skipped:
        return "xfailed" if expected_failure else "skipped"
    return None


def _message(report: pytest.TestReport) -> str:
    if hasattr(report, "wasxfail"):
        return _short(str(report.wasxfail) or "expected to fail")
    if report.passed:
        return ""
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and len(longrepr) == 3:
        return _short(str(longrepr[2]).removeprefix("Skipped: "))
    return _crash_text(longrepr)


def _crash_text(longrepr: object) -> str:
    crash: object = getattr(longrepr, "reprcrash", None)
    message = str(getattr(crash, "message", None) or "")
    if message:
        return _short(message)
    lines = [line for line in str(longrepr or "").splitlines() if line.strip()]
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    return _short(errors[-1] if errors else (lines[-1] if lines else ""))


def _short(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    text = lines[0] if lines else ""
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


def _def_lines_of(path: Path) -> dict[int, int]:
    """First line (the first decorator's, if any) of each function -> its `def` line."""
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return {}
    lines: dict[int, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            lines[first] = node.lineno
    return lines
