"""`PytestRunner`: one instrumented run of the project's pytest suite, read into `TestEvidence`."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

from backdev.adapters.pytest_runner import memo
from backdev.adapters.pytest_runner.command import (
    coverage_rc,
    find_python,
    project_addopts,
    pytest_command,
    run_environment,
)
from backdev.adapters.pytest_runner.plugin_source import install_plugin
from backdev.adapters.pytest_runner.process import Finished, run_logged
from backdev.adapters.pytest_runner.records import RunRecords, read_records
from backdev.adapters.pytest_runner.trees import TreeError, revision_tree
from backdev.application.globs import PathPatterns
from backdev.domain.config import DEFAULT_TESTS
from backdev.domain.errors import BackdevError
from backdev.domain.evidence import TestEvidence

_MISSING_MODULE = re.compile(r"No module named '?(pytest|coverage)'?")
_EXIT_PROBLEMS = {
    2: "the test run was interrupted",
    3: "pytest stopped with an internal error",
    4: "pytest rejected its command line (a usage error, or a selected test was not found)",
    5: "no tests were collected",
}


class PytestRunner:
    """Runs the project's pytest suite under coverage.py, with the `ac` plugin recording.

    `python` is `[tool.backdev] python` (None: the repository's own `.venv`/`venv`, else
    the `python` on PATH, else backdev's interpreter); `timeout` is in seconds; `tests`
    are the patterns of test files, which are left out of the coverage results.
    """

    def __init__(
        self,
        root: Path,
        python: str | None = None,
        timeout: float = 900,
        tests: Sequence[str] = DEFAULT_TESTS,
    ) -> None:
        self._root = root
        self._python = find_python(root, python)
        self._timeout = timeout
        self._tests = PathPatterns(tests)

    @property
    def python(self) -> str:
        """The interpreter the tests run with."""
        return self._python

    def run(
        self,
        revision: str,
        selection: Sequence[str] = (),
        overlay: Mapping[str, str] | None = None,
    ) -> TestEvidence:
        """Run the tests at `revision` (WORKTREE in place, a sha in a temporary worktree).

        Never raises for the project's failures: a run that cannot produce evidence
        returns TestEvidence with `problem` set and the tail of its output.
        """
        key = memo.run_key(self._root, self._python, revision, selection, overlay)
        earlier = memo.recall(key, revision) if key is not None else None
        if earlier is not None:
            return earlier
        try:
            with revision_tree(self._root, revision, overlay) as tree:
                evidence = self._run_in(tree, revision, tuple(selection))
        except (TreeError, BackdevError) as exc:
            return TestEvidence(revision, (), -1, problem=str(exc))
        except OSError as exc:
            return TestEvidence(
                revision, (), -1, problem=f"the test run could not be prepared: {exc}"
            )
        if key is not None:
            memo.remember(key, evidence)
        return evidence

    def _run_in(self, tree: Path, revision: str, selection: tuple[str, ...]) -> TestEvidence:
        state = tree / ".backdev"
        state.mkdir(exist_ok=True)
        ignore = state / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
        runs = state / "runs"
        runs.mkdir(exist_ok=True)
        run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=runs))
        try:
            plugin = install_plugin(state / "plugin")
            rcfile = run_dir / "coveragerc"
            data_file = run_dir / "coverage.sqlite"
            records_file = run_dir / "records.jsonl"
            rcfile.write_text(coverage_rc(tree, data_file), encoding="utf-8")
            argv = pytest_command(
                self._python,
                rcfile=rcfile,
                plugin=plugin,
                cache_dir=state / "pytest-cache",
                selection=selection,
                addopts=project_addopts(tree, os.environ),
            )
            env = run_environment(os.environ, state / "plugin", records_file, tree)
            finished = run_logged(argv, tree, env, self._timeout, run_dir / "output.log")
            records = read_records(records_file)
            problem = self._problem(finished, records)
            coverage = {}
            if problem is None:
                # coverage.py takes a tenth of a second to import: only a test run pays it.
                from backdev.adapters.pytest_runner.coverage_reader import (  # noqa: PLC0415
                    CoverageReadError,
                    read_coverage,
                )

                try:
                    coverage = read_coverage(data_file, tree, self._is_source)
                except CoverageReadError as exc:
                    problem = f"the coverage data could not be read: {exc}"
            return TestEvidence(
                revision=revision,
                command=argv,
                exit_code=finished.exit_code,
                results=records.results + records.collect_errors,
                coverage=MappingProxyType(coverage),
                problem=problem,
                output=finished.output,
                seconds=finished.seconds,
                fix=self._fix(finished, records) if problem else "",
            )
        finally:
            shutil.rmtree(run_dir, ignore_errors=True)

    def _is_source(self, path: str) -> bool:
        return not self._tests.matches(path) and not path.startswith(".backdev/")

    def _problem(self, finished: Finished, records: RunRecords) -> str | None:
        if finished.failed_to_start:
            return (
                "the project's Python interpreter could not be started"
                f" ({finished.failed_to_start}); set [tool.backdev] python"
            )
        if finished.timed_out:
            return f"the test run timed out after {self._timeout:g} s and was stopped"
        if records.collect_errors:
            first = records.collect_errors[0]
            count = len(records.collect_errors)
            return (
                f"the tests could not be collected ({count} error{'s' if count > 1 else ''}):"
                f" {first.nodeid}: {first.message}"
            )
        if records.exit_status is None:
            return self._no_session(finished)
        if records.exit_status in _EXIT_PROBLEMS:
            return _EXIT_PROBLEMS[records.exit_status]
        if finished.exit_code != records.exit_status:
            return (
                f"pytest finished with status {records.exit_status} but the run exited with"
                f" {finished.exit_code}: coverage.py failed after the tests"
            )
        return None

    def _fix(self, finished: Finished, records: RunRecords) -> str:
        """The one step that makes the next run produce evidence, when the cause is known."""
        if finished.failed_to_start:
            return "set [tool.backdev] python to the interpreter of the project's environment"
        if finished.timed_out:
            return "make the suite faster or select fewer tests; the run is stopped at the timeout"
        if records.collect_errors:
            first = records.collect_errors[0].nodeid
            return f"fix the error in {first} (`pytest --collect-only` shows it), then check again"
        missing = _MISSING_MODULE.search(finished.output) if records.exit_status is None else None
        if missing:
            module = missing.group(1)
            return f"run `{self._python} -m pip install {module}`, or set [tool.backdev] python"
        return ""

    def _no_session(self, finished: Finished) -> str:
        missing = _MISSING_MODULE.search(finished.output)
        if missing:
            module = missing.group(1)
            return (
                f"{module} is not installed for {self._python}: install it there"
                f" (pip install {module}), or set [tool.backdev] python"
            )
        return _EXIT_PROBLEMS.get(
            finished.exit_code, f"pytest did not run to the end (exit status {finished.exit_code})"
        )
