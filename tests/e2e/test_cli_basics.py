"""The CLI as a user sees it: help, version, init, lint, exit codes and error messages."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from backdev import __version__
from backdev.domain.errors import ConfigError
from backdev.entrypoints.cli import main
from backdev.entrypoints.errors import INTERNAL_ERROR, run_guarded


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    subprocess.run(["git", "init", "-q", "-b", "main", str(tmp_path / "svc")], check=True)
    root = tmp_path / "svc"
    for package in ("", "api", "services", "domain"):
        folder = root / "src" / "shop" / package
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__init__.py").write_text("")
    monkeypatch.chdir(root)
    return root


def test_version_is_printed_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"backdev {__version__}"


@pytest.mark.parametrize("command", ["init", "lint", "check", "trace", "attest"])
def test_every_command_has_help_with_an_example(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert f"Usage: backdev {command}" in out
    assert "Example" in out


def test_an_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    assert "No such command" in capsys.readouterr().err


def test_init_then_lint_passes_when_run_in_a_fresh_repository(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init"]) == 0
    created = capsys.readouterr().out
    assert "created  docs/engineering/architecture-principles.md" in created
    assert "created  pyproject.toml" in created

    assert main(["lint"]) == 0
    assert "All 4 file(s) valid" in capsys.readouterr().err

    assert main(["init"]) == 0
    assert "created" not in capsys.readouterr().out


def test_lint_prints_file_line_what_and_fix_and_exits_2_when_a_feature_is_bad(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feature = repo / "docs" / "features" / "FEAT-001.md"
    feature.parent.mkdir(parents=True)
    feature.write_text(
        "---\nid: FEAT-001\ntitle: Reset\nstatus: validated\n---\n"
        "## Acceptance Criteria\n### AC-1: Works\nGiven a user\n"
    )

    assert main(["lint"]) == 2

    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith("docs/features/FEAT-001.md:7: ")
    assert " — " in out[0]


def test_lint_explains_what_to_do_when_no_spec_file_exists(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint"]) == 2
    assert "backdev init" in capsys.readouterr().err


def test_init_is_a_clear_error_without_traceback_when_not_in_a_git_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(tmp_path)

    assert main(["init"]) == 2

    err = capsys.readouterr().err
    assert "git init" in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_user_mistakes_map_to_exit_2_with_one_paragraph() -> None:
    stderr = io.StringIO()

    def action() -> int:
        raise ConfigError("unknown --format 'xml': use one of text, json")

    code = run_guarded(action, Console(file=stderr))

    assert code == 2
    assert stderr.getvalue() == "error: unknown --format 'xml': use one of text, json\n"


def test_an_internal_error_writes_a_crash_log_and_says_where(tmp_path: Path) -> None:
    stderr = io.StringIO()

    def action() -> int:
        raise RuntimeError("a bug of ours")

    code = run_guarded(action, Console(file=stderr, width=400))

    assert code == INTERNAL_ERROR
    message = stderr.getvalue()
    assert "internal error (RuntimeError: a bug of ours)" in message
    log = Path(message.split("The details are in ")[1].split(";")[0])
    try:
        assert "RuntimeError: a bug of ours" in log.read_text()
        assert "Traceback" not in message
    finally:
        log.unlink()


def test_an_interrupt_exits_130() -> None:
    def action() -> int:
        raise KeyboardInterrupt

    assert run_guarded(action, Console(file=io.StringIO())) == 130


def test_the_console_script_runs_as_a_real_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "backdev", "--version"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, f"backdev {__version__}")


def test_the_command_line_loads_no_adapter_agent_or_sdk_before_a_command_runs() -> None:
    # Every command pays for the command line's imports: the agent, the model SDKs and
    # the spec parsers load only in the commands that use them (see benchmarks/README.md).
    heavy = (
        "backdev.agent",
        "backdev.adapters",
        "openai",
        "anthropic",
        "mcp",
        "tomlkit",
        "grimp",
        "detect_secrets",
        "coverage",
        "markdown_it",
        "gherkin",
        "yaml",
    )
    code = (
        "import sys, backdev.entrypoints.cli\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}"
        f" or m.startswith({heavy[:2]!r})))"
    )

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert done.stdout.strip() == "[]"


def test_wiring_a_check_loads_coverage_py_only_when_tests_run(repo: Path) -> None:
    # A check of the static gates never reads coverage data: importing coverage.py would
    # cost it a tenth of a second.
    code = (
        "import sys\nfrom pathlib import Path\nfrom backdev import bootstrap\n"
        "bootstrap.check_services(Path.cwd())\nprint('coverage' in sys.modules)"
    )

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=repo
    )

    assert done.stdout.strip() == "False"
