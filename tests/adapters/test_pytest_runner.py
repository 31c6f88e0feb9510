"""The pytest runner's parts: interpreter choice, command, records, coverage data, process, trees.

Whole runs on real repositories are in tests/integration/test_pytest_runner_repos.py.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest
from coverage import CoverageData

from backdev.adapters.pytest_runner.command import (
    OUTPUT_ENV,
    coverage_rc,
    find_python,
    measured_sources,
    project_addopts,
    pytest_command,
    run_environment,
)
from backdev.adapters.pytest_runner.coverage_reader import CoverageReadError, read_coverage
from backdev.adapters.pytest_runner.plugin_source import PLUGIN_MODULE, install_plugin, plugin_text
from backdev.adapters.pytest_runner.process import read_tail, run_logged
from backdev.adapters.pytest_runner.records import read_records
from backdev.adapters.pytest_runner.trees import TreeError, revision_tree
from backdev.domain.evidence import TestLink as Link

# --- the interpreter ----------------------------------------------------------------


def test_configured_python_wins_when_the_project_sets_one(tmp_path: Path) -> None:
    _executable(tmp_path / ".venv" / "bin" / "python")

    assert find_python(tmp_path, "tools/py/bin/python") == str(tmp_path / "tools/py/bin/python")
    assert find_python(tmp_path, "/opt/py/bin/python") == "/opt/py/bin/python"


def test_configured_command_is_looked_up_on_path_when_it_has_no_slash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    _executable(bin_dir / "python3.99")
    monkeypatch.setenv("PATH", str(bin_dir))

    assert find_python(tmp_path, "python3.99") == str(bin_dir / "python3.99")


def test_repository_venv_is_used_when_nothing_is_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _executable(tmp_path / "path-bin" / "python")
    monkeypatch.setenv("PATH", str(tmp_path / "path-bin"))
    _executable(tmp_path / "venv" / "bin" / "python")

    assert find_python(tmp_path) == str(tmp_path / "venv" / "bin" / "python")
    _executable(tmp_path / ".venv" / "bin" / "python")
    assert find_python(tmp_path) == str(tmp_path / ".venv" / "bin" / "python")


def test_path_python_then_backdevs_own_is_used_when_the_repository_has_no_venv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _executable(tmp_path / "path-bin" / "python")
    monkeypatch.setenv("PATH", str(tmp_path / "path-bin"))

    assert find_python(tmp_path) == str(tmp_path / "path-bin" / "python")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert find_python(tmp_path) == sys.executable


# --- what is measured, and the command line -----------------------------------------


def test_src_is_measured_when_the_project_uses_the_src_layout(tmp_path: Path) -> None:
    _touch(tmp_path / "src" / "shop" / "__init__.py")
    _touch(tmp_path / "shop_old" / "__init__.py")

    assert measured_sources(tmp_path) == ([str(tmp_path / "src")], [])


def test_packages_and_modules_are_measured_when_the_layout_is_flat(tmp_path: Path) -> None:
    for path in (
        "shop/__init__.py",
        "tests/__init__.py",
        "docs/__init__.py",
        "notes/readme.txt",
        "tool.py",
        "setup.py",
        "conftest.py",
        "test_top.py",
    ):
        _touch(tmp_path / path)

    assert measured_sources(tmp_path) == ([str(tmp_path / "shop")], ["tool"])


def test_the_root_is_measured_when_no_package_or_module_is_found(tmp_path: Path) -> None:
    _touch(tmp_path / "tests" / "test_x.py")

    assert measured_sources(tmp_path) == ([str(tmp_path)], [])


def test_coverage_rc_asks_for_branches_and_relative_paths_when_written(
    tmp_path: Path,
) -> None:
    _touch(tmp_path / "src" / "shop" / "__init__.py")

    rc = coverage_rc(tmp_path, tmp_path / "data")

    # Contexts are switched by the `ac` plugin, not by coverage.py on every new frame.
    assert "dynamic_context" not in rc
    for setting in (
        "branch = True",
        "relative_files = True",
        f"data_file = {tmp_path / 'data'}",
        f"source =\n    {tmp_path / 'src'}\n",
        "    */.backdev/*",
        "    no-data-collected",
    ):
        assert setting in rc


def test_our_options_follow_the_projects_when_the_command_is_built(tmp_path: Path) -> None:
    argv = pytest_command(
        "py",
        rcfile=tmp_path / "rc",
        plugin=PLUGIN_MODULE,
        cache_dir=tmp_path / "cache",
        selection=("tests/test_a.py::test_b",),
        addopts="-ra --strict-markers",
    )

    assert argv == (
        "py",
        "-m",
        "coverage",
        "run",
        f"--rcfile={tmp_path / 'rc'}",
        "-m",
        "pytest",
        "-p",
        PLUGIN_MODULE,
        "-o",
        f"cache_dir={tmp_path / 'cache'}",
        "tests/test_a.py::test_b",
    )


def test_pytest_cov_and_xdist_are_neutralised_when_the_projects_addopts_use_them(
    tmp_path: Path,
) -> None:
    argv = pytest_command(
        "py",
        rcfile=tmp_path / "rc",
        plugin=PLUGIN_MODULE,
        cache_dir=tmp_path / "cache",
        selection=(),
        addopts="--cov=shop -n auto",
    )

    assert argv[-3:] == ("--no-cov", "-n", "0")


def test_addopts_come_from_the_file_pytest_reads_first_when_several_configure_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "setup.cfg").write_text("[tool:pytest]\naddopts = --from-setup\n")
    assert project_addopts(tmp_path, {}) == "--from-setup"
    (tmp_path / "tox.ini").write_text("[pytest]\naddopts = --from-tox\n")
    assert project_addopts(tmp_path, {}) == "--from-tox"
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\naddopts = ["--cov", "x"]\n'
    )
    assert project_addopts(tmp_path, {}) == "--cov x"
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    assert project_addopts(tmp_path, {"PYTEST_ADDOPTS": "-n 2"}) == "-n 2"


def test_environment_puts_plugin_and_sources_first_when_the_child_starts(tmp_path: Path) -> None:
    _touch(tmp_path / "src" / "shop" / "__init__.py")
    inherited = {
        "PYTHONPATH": "/theirs",
        "COVERAGE_FILE": "/elsewhere",
        "COVERAGE_PROCESS_START": "/rc",
        "COVERAGE_CORE": "sysmon",
        "HOME": "/home/x",
    }

    env = run_environment(inherited, tmp_path / "plugin", tmp_path / "records", tmp_path)

    assert env["PYTHONPATH"] == os.pathsep.join(
        [str(tmp_path / "plugin"), str(tmp_path / "src"), "/theirs"]
    )
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env[OUTPUT_ENV] == str(tmp_path / "records")
    assert "COVERAGE_FILE" not in env
    assert "COVERAGE_PROCESS_START" not in env
    assert env["COVERAGE_CORE"] == "ctrace"  # sys.monitoring would drop switched contexts
    assert env["HOME"] == "/home/x"


def test_the_plugin_copy_is_the_packaged_source_when_installed(tmp_path: Path) -> None:
    name = install_plugin(tmp_path / "plugin")
    install_plugin(tmp_path / "plugin")

    assert name == PLUGIN_MODULE
    assert (tmp_path / "plugin" / f"{PLUGIN_MODULE}.py").read_text() == plugin_text()
    assert sorted(p.name for p in (tmp_path / "plugin").iterdir()) == [f"{PLUGIN_MODULE}.py"]
    assert "import backdev" not in plugin_text()
    assert "from backdev" not in plugin_text()


# --- records ------------------------------------------------------------------------


def test_records_become_results_when_the_plugin_wrote_them(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    lines = [
        {
            "kind": "test",
            "nodeid": "tests/test_a.py::test_x[1]",
            "path": "tests/test_a.py",
            "line": 4,
            "outcome": "failed",
            "message": "assert 1 == 2",
            "links": [
                {"criterion": "AC-1", "source": "marker"},
                {"criterion": "AC-2", "source": "telepathy"},
            ],
            "context": "tests/test_a.py::test_x[1]",
        },
        {
            "kind": "test",
            "nodeid": "tests/test_a.py::test_x[2]",
            "outcome": "passed",
            "context": None,
        },
        {"kind": "test", "nodeid": "tests/test_a.py::test_odd", "outcome": "exploded"},
        {"kind": "collect-error", "nodeid": "tests/test_b.py", "message": "SyntaxError"},
        {"kind": "session", "exitstatus": 2},
    ]
    records.write_text("\n".join([*(json.dumps(line) for line in lines), "not json", "[1]"]) + "\n")

    read = read_records(records)

    assert [(r.nodeid, r.outcome, r.line) for r in read.results] == [
        ("tests/test_a.py::test_x[1]", "failed", 4),
        ("tests/test_a.py::test_x[2]", "passed", 0),
    ]
    assert read.results[0].links == (Link("AC-1", "marker"),)
    assert read.results[0].message == "assert 1 == 2"
    assert [(r.nodeid, r.outcome, r.path) for r in read.collect_errors] == [
        ("tests/test_b.py", "error", "tests/test_b.py")
    ]
    assert read.exit_status == 2


def test_no_session_is_read_when_the_records_file_is_missing(tmp_path: Path) -> None:
    read = read_records(tmp_path / "absent.jsonl")

    assert (read.results, read.exit_status) == ((), None)


# --- coverage data ------------------------------------------------------------------

MODULE = """def pick(x):
    if x:
        return sum(
            [1, 2]
        )
    return 0  # the other arm
"""


def test_coverage_data_becomes_file_coverage_when_tests_ran_the_file(tmp_path: Path) -> None:
    _write(tmp_path / "src/pkg/mod.py", MODULE)
    data_file = _data(
        tmp_path,
        {
            "": [(-1, 1), (1, -1)],
            "tests/test_mod.py::test_true": [(-1, 2), (2, 3), (3, 4), (3, -1)],
            "tests/test_mod.py::test_false": [(-1, 2), (2, 6), (6, 6)],
        },
    )

    (found,) = read_coverage(data_file, tmp_path, lambda path: True).values()

    assert found.path == "src/pkg/mod.py"
    assert found.statements == {1, 2, 3, 6}
    assert found.executed == {1, 2, 3, 6}
    assert found.branches == {2: {3, 6}}
    assert {(2, 3), (2, 6), (6, -1)} <= found.taken  # (6, 6) stands for leaving line 6
    assert (6, 6) not in found.taken
    assert found.contexts == {
        2: {"tests/test_mod.py::test_true", "tests/test_mod.py::test_false"},
        3: {"tests/test_mod.py::test_true"},  # line 4 belongs to the statement on line 3
        6: {"tests/test_mod.py::test_false"},
    }


def test_files_are_left_out_when_tests_absolute_or_unparsable(tmp_path: Path) -> None:
    _write(tmp_path / "src/pkg/mod.py", MODULE)
    _write(tmp_path / "tests/test_mod.py", "def test_x():\n    pass\n")
    _write(tmp_path / "src/pkg/broken.py", "def (:\n")
    arcs = [(-1, 1), (1, -1)]
    data_file = _data(
        tmp_path,
        {"": arcs},
        files=("src/pkg/mod.py", "tests/test_mod.py", "src/pkg/broken.py", "/abs/elsewhere.py"),
    )

    found = read_coverage(data_file, tmp_path, lambda path: not path.startswith("tests/"))

    assert list(found) == ["src/pkg/mod.py"]
    assert read_coverage(tmp_path / "none", tmp_path, lambda path: True) == {}


def test_project_exclusions_apply_when_its_coverage_config_has_them(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[tool.coverage.report]\nexclude_also = ["return 0"]\n')
    _write(tmp_path / "src/pkg/mod.py", MODULE)
    data_file = _data(tmp_path, {"": [(-1, 1), (1, -1)]})

    found = read_coverage(data_file, tmp_path, lambda path: True)["src/pkg/mod.py"]

    assert found.statements == {1, 2, 3}


def test_an_unreadable_data_file_is_an_error_when_coverage_cannot_open_it(tmp_path: Path) -> None:
    data_file = tmp_path / "coverage.sqlite"
    data_file.write_text("not a database, " * 100)

    with pytest.raises(CoverageReadError):
        read_coverage(data_file, tmp_path, lambda path: True)


# --- the process and the tree -------------------------------------------------------


def test_the_tail_is_short_and_plain_when_the_log_is_long_and_coloured(tmp_path: Path) -> None:
    log = tmp_path / "log"
    log.write_text("x" * 10_000 + "\x1b[31mFAILED\x1b[0m end\n")

    tail = read_tail(log, limit=100)

    assert len(tail) == 100
    assert tail.endswith("FAILED end\n")


def test_a_missing_program_is_reported_when_it_cannot_start(tmp_path: Path) -> None:
    finished = run_logged([str(tmp_path / "nope")], tmp_path, {}, 5, tmp_path / "log")

    assert finished.exit_code == -1
    assert finished.failed_to_start is not None
    assert str(tmp_path / "nope") in finished.failed_to_start


def test_a_slow_program_is_killed_when_the_timeout_passes(tmp_path: Path) -> None:
    argv = [sys.executable, "-c", "import time; print('started', flush=True); time.sleep(30)"]

    finished = run_logged(argv, tmp_path, dict(os.environ), 0.5, tmp_path / "log")

    assert finished.timed_out
    assert finished.seconds < 10
    assert "started" in finished.output


@pytest.mark.parametrize("path", ["../outside.py", "/etc/passwd", ".git/config", ""])
def test_overlay_paths_are_refused_when_they_leave_the_repository(
    tmp_path: Path, path: str
) -> None:
    with pytest.raises(TreeError, match="overlay path"), revision_tree(tmp_path, "abc", {path: ""}):
        pass


def test_the_work_tree_itself_is_used_when_no_overlay_is_given(tmp_path: Path) -> None:
    with revision_tree(tmp_path, "WORKTREE") as tree:
        assert tree == tmp_path


# --- helpers ------------------------------------------------------------------------


def _executable(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _data(
    tmp_path: Path,
    arcs_by_context: dict[str, list[tuple[int, int]]],
    files: tuple[str, ...] = ("src/pkg/mod.py",),
) -> Path:
    """A coverage.py data file, written the way a `relative_files` run writes it."""
    data_file = tmp_path / "coverage.sqlite"
    data = CoverageData(basename=str(data_file))
    for context, arcs in arcs_by_context.items():
        data.set_context(context)
        data.add_arcs(dict.fromkeys(files, arcs))
    data.write()
    return data_file
