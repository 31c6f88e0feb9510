"""The project's own commands: which ones a project has, and running them for real."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from backdev.adapters.project_commands import LocalProjectCommands
from backdev.application.ports import ProjectCommand
from tests.gitrepo import make_repo

PY = sys.executable


def _detect(root: Path, configured: dict[str, str] | None = None) -> list[tuple[str, ...]]:
    found = LocalProjectCommands(root, PY, configured or {}).detect()
    return [(c.name, " ".join(c.argv), c.origin) for c in found]


def _write(root: Path, path: str, text: str) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def test_detects_nothing_when_tools_are_installed_but_not_configured(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")

    assert _detect(tmp_path) == []


def test_detects_every_configured_tool_in_order_when_pyproject_configures_them(
    tmp_path: Path,
) -> None:
    _write(
        tmp_path,
        "pyproject.toml",
        "[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n"
        "[tool.pytest.ini_options]\naddopts = '-q'\n"
        "[tool.mypy]\nstrict = true\n"
        "[tool.ruff]\nline-length = 100\n",
    )

    assert _detect(tmp_path) == [
        ("ruff", "python -m ruff check .", "[tool.ruff] in pyproject.toml"),
        ("mypy", "python -m mypy .", "[tool.mypy] in pyproject.toml"),
        ("pytest", "python -m pytest", "[tool.pytest] in pyproject.toml"),
        (
            "build",
            "python -m build --no-isolation --skip-dependency-check",
            "build-backend setuptools.build_meta in pyproject.toml",
        ),
    ]


def test_adds_the_format_check_when_ruff_s_formatter_is_configured(tmp_path: Path) -> None:
    _write(tmp_path, "ruff.toml", "line-length = 90\n[format]\nquote-style = 'single'\n")

    assert _detect(tmp_path) == [
        ("ruff", "python -m ruff check .", "ruff.toml"),
        ("ruff-format", "python -m ruff format --check .", "ruff.toml"),
    ]


def test_runs_mypy_on_its_configured_files_when_the_configuration_names_them(
    tmp_path: Path,
) -> None:
    _write(tmp_path, "pyproject.toml", "[tool.mypy]\nfiles = ['src']\n")

    assert _detect(tmp_path) == [("mypy", "python -m mypy", "[tool.mypy] in pyproject.toml")]


@pytest.mark.parametrize(
    ("path", "text", "origin"),
    [
        ("mypy.ini", "[mypy]\nfiles = src\n", "[mypy] in mypy.ini"),
        ("setup.cfg", "[metadata]\nname = x\n[mypy]\nstrict = True\n", "[mypy] in setup.cfg"),
    ],
)
def test_detects_mypy_when_an_ini_file_has_a_mypy_section(
    tmp_path: Path, path: str, text: str, origin: str
) -> None:
    _write(tmp_path, path, text)

    ((name, _argv, found_origin),) = _detect(tmp_path)

    assert (name, found_origin) == ("mypy", origin)


@pytest.mark.parametrize(
    ("path", "text", "origin"),
    [
        ("pytest.ini", "", "pytest.ini"),
        ("tox.ini", "[tox]\nenvlist = py311\n[pytest]\naddopts = -q\n", "[pytest] in tox.ini"),
        ("setup.cfg", "[tool:pytest]\naddopts = -q\n", "[tool:pytest] in setup.cfg"),
    ],
)
def test_detects_pytest_when_a_pytest_configuration_exists(
    tmp_path: Path, path: str, text: str, origin: str
) -> None:
    _write(tmp_path, path, text)

    assert _detect(tmp_path) == [("pytest", "python -m pytest", origin)]


def test_ignores_sections_of_other_tools_when_ini_files_exist(tmp_path: Path) -> None:
    _write(tmp_path, "tox.ini", "[tox]\nenvlist = py311\n")
    _write(tmp_path, "setup.cfg", "[metadata]\nname = x\n")

    assert _detect(tmp_path) == []


def test_uses_only_the_declared_commands_when_the_project_declares_some(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", "[tool.ruff]\n")

    found = _detect(tmp_path, {"lint": "flake8 'src dir'", "broken": 'echo "unclosed'})

    assert found == [
        ("lint", "flake8 src dir", "[tool.backdev.checks]"),
        ("broken", "", "[tool.backdev.checks]"),
    ]


def test_detects_nothing_when_pyproject_is_not_valid_toml(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", "[tool.ruff\n")

    assert _detect(tmp_path) == []


def _declared(tmp_path: Path, line: str, python: str | None = PY) -> LocalProjectCommands:
    return LocalProjectCommands(tmp_path, python, {"check": line})


def _run(commands: LocalProjectCommands, timeout: float = 30) -> tuple[int, str]:
    (command,) = commands.detect()
    outcome = commands.run(command, timeout)
    return outcome.exit_code, outcome.output


def test_runs_a_leading_python_with_the_project_s_interpreter_when_declared(
    tmp_path: Path,
) -> None:
    line = "python -c \"import sys; print(sys.executable); sys.stderr.write('err'); sys.exit(3)\""

    code, output = _run(_declared(tmp_path, line))

    assert code == 3
    assert output == f"{PY}\nerr"


def test_uses_the_repository_s_venv_when_no_interpreter_is_configured(tmp_path: Path) -> None:
    fake = tmp_path / ".venv" / "bin" / "python"
    _write(tmp_path, ".venv/bin/python", '#!/bin/sh\necho venv-python "$@"\n')
    fake.chmod(0o755)

    code, output = _run(_declared(tmp_path, "python -c pass", python=None))

    assert (code, output) == (0, "venv-python -c pass")


def test_resolves_a_relative_configured_interpreter_against_the_root(tmp_path: Path) -> None:
    _write(tmp_path, "tools/py", "#!/bin/sh\necho tools-python\n")
    (tmp_path / "tools" / "py").chmod(0o755)

    assert _run(_declared(tmp_path, "python -V", python="tools/py")) == (0, "tools-python")


def test_cannot_start_when_the_configured_interpreter_does_not_exist(tmp_path: Path) -> None:
    code, output = _run(_declared(tmp_path, "python -V", python="missing/python"))

    assert code == 127
    assert "missing/python" in output


def test_cannot_start_when_the_program_is_missing(tmp_path: Path) -> None:
    assert _run(_declared(tmp_path, "no-such-tool-xyz --check")) == (
        127,
        "command not found: no-such-tool-xyz",
    )


def test_cannot_start_when_python_m_names_a_module_the_environment_lacks(
    tmp_path: Path,
) -> None:
    (tmp_path / "nosuchmodule_xyz").mkdir()  # a local directory must not pass for the module

    code, output = _run(_declared(tmp_path, "python -m nosuchmodule_xyz"))

    assert code == 127
    assert output == f"No module named 'nosuchmodule_xyz' in the project's interpreter {PY}"


def test_cannot_start_and_says_why_when_a_declared_command_cannot_be_split(
    tmp_path: Path,
) -> None:
    code, output = _run(_declared(tmp_path, "echo 'unclosed"))

    assert code == 127
    assert "check its quoting" in output


def test_stops_the_command_and_its_children_when_it_times_out(tmp_path: Path) -> None:
    marker = tmp_path / "child-finished"
    _write(
        tmp_path,
        "slow.py",
        "import subprocess, sys, time\n"
        f'child = "import pathlib, time; time.sleep(1.5); pathlib.Path({str(marker)!r}).touch()"\n'
        "subprocess.Popen([sys.executable, '-c', child])\n"
        "print('started', flush=True)\n"
        "time.sleep(30)\n",
    )
    commands = _declared(tmp_path, "python slow.py")
    (command,) = commands.detect()

    outcome = commands.run(command, 1.0)

    assert outcome.timed_out
    assert outcome.output.endswith("[backdev: stopped after 1 s]")
    assert outcome.seconds < 10
    time.sleep(2.0)  # the child, had it survived, would have written the marker by now
    assert not marker.exists()


def test_keeps_caches_under_backdev_when_ruff_runs(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", "[tool.ruff]\n")
    _write(tmp_path, "app.py", "import os\n")
    commands = LocalProjectCommands(tmp_path, PY, {})
    (ruff,) = commands.detect()

    outcome = commands.run(ruff, 60)

    assert outcome.exit_code == 1
    assert "F401" in outcome.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [".backdev", "app.py", "pyproject.toml"]
    assert (tmp_path / ".backdev" / ".gitignore").read_text(encoding="utf-8") == "*\n"


FAKE_BUILD = """\
import os, pathlib, sys
args = sys.argv[1:]
outdir = pathlib.Path(args[args.index("--outdir") + 1])
source = pathlib.Path(args[-1])
outdir.mkdir(parents=True, exist_ok=True)
(outdir / "x-0.0.0.tar.gz").write_text("sdist")
print("cwd", os.getcwd() == str(source))
print("files", sorted(p.name for p in source.iterdir()))
print("outside", not str(outdir).startswith(os.environ["PROJECT_ROOT"]))
print("version", os.environ["SETUPTOOLS_SCM_PRETEND_VERSION"])
pathlib.Path("x.egg-info").mkdir()
"""


def test_builds_a_copy_of_the_tree_into_a_temporary_outdir_when_a_backend_is_declared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch)
    repo.write("pyproject.toml", "[build-system]\nbuild-backend = 'setuptools.build_meta'\n")
    repo.write(".gitignore", "secret.env\n")
    repo.write("tracked.py", "x = 1\n")
    repo.commit("base")
    repo.write("untracked.py", "y = 2\n")
    repo.write("secret.env", "ignored\n")
    fake = tmp_path / "fakes"
    (fake / "build").mkdir(parents=True)
    (fake / "build" / "__init__.py").write_text("", encoding="utf-8")
    (fake / "build" / "__main__.py").write_text(FAKE_BUILD, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(fake))
    monkeypatch.setenv("PROJECT_ROOT", str(repo.root))
    commands = LocalProjectCommands(repo.root, PY, {})
    (build,) = commands.detect()

    outcome = commands.run(build, 60)

    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.splitlines() == [
        "cwd True",
        "files ['.gitignore', 'pyproject.toml', 'tracked.py', 'untracked.py']",
        "outside True",
        "version 0.0.0",
    ]
    assert repo.git("status", "--porcelain", "--ignored") == (
        "?? untracked.py\n!! .backdev/\n!! secret.env\n"
    )


def test_cannot_start_the_build_when_the_build_module_is_not_installed(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", "[build-system]\nbuild-backend = 'x'\n")
    (tmp_path / "build").mkdir()  # a local build/ directory is not the build frontend
    commands = LocalProjectCommands(tmp_path, PY, {})
    build = ProjectCommand("build", commands.detect()[0].argv, "test")

    outcome = commands.run(build, 60)

    assert outcome.exit_code == 127
    assert "No module named 'build'" in outcome.output
