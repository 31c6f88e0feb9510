"""The checks gate with fakes: each project command is a sub-result with its exit status."""

from __future__ import annotations

from dataclasses import dataclass, replace

from backdev.application.ports import CommandOutcome, ProjectCommand
from backdev.domain.changes import ChangeSet
from backdev.domain.evidence import TestEvidence as Evidence
from backdev.domain.evidence import TestResult as Result
from backdev.gates.checks import ChecksGate
from tests.fakes.check import BASE, FakeProjectCommands, FakeTestRunner, make_context

RUFF = ProjectCommand(
    "ruff", ("python", "-m", "ruff", "check", "."), "[tool.ruff] in pyproject.toml"
)
MYPY = ProjectCommand("mypy", ("python", "-m", "mypy", "."), "[tool.mypy] in pyproject.toml")
PYTEST = ProjectCommand("pytest", ("python", "-m", "pytest"), "[tool.pytest] in pyproject.toml")
FILES = {"src/app.py": "x = 1\n"}


@dataclass
class ScriptedCommands(FakeProjectCommands):
    """Commands whose outcomes are given in full (output, timeouts), by command name."""

    outcomes: dict[str, tuple[int, str, bool]] | None = None

    def run(self, command: ProjectCommand, timeout: float) -> CommandOutcome:
        self.ran.append(command.name)
        code, output, timed_out = (self.outcomes or {}).get(command.name, (0, "", False))
        return CommandOutcome(command, code, output, 0.1, timed_out)


def test_skips_when_no_command_runner_is_wired() -> None:
    result = ChecksGate().run(make_context(FILES))

    assert result.status == "skip"
    assert result.summary == "no project command runner is wired"


def test_skips_when_the_project_declares_and_configures_no_command() -> None:
    result = ChecksGate().run(make_context(FILES, commands=FakeProjectCommands()))

    assert result.status == "skip"
    assert "declare commands in [tool.backdev.checks]" in result.summary


def test_passes_and_lists_each_command_when_every_command_exits_zero() -> None:
    commands = FakeProjectCommands((RUFF, MYPY))

    result = ChecksGate().run(make_context(FILES, commands=commands))

    assert (result.status, result.findings) == ("pass", ())
    assert result.summary == "no findings (ruff ✓, mypy ✓)"
    assert commands.ran == ["ruff", "mypy"]


def test_fails_with_the_command_and_its_exit_status_when_a_command_fails() -> None:
    commands = FakeProjectCommands((RUFF, MYPY), exit_codes={"mypy": 1})

    result = ChecksGate().run(make_context(FILES, commands=commands))

    (finding,) = result.findings
    assert result.status == "fail"
    assert result.summary == "1 error (ruff ✓, mypy ✗ (1))"
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "checks/command-failed",
        "error",
        "",
        0,
    )
    assert "`python -m mypy .`" in finding.message
    assert "status 1" in finding.message
    assert "[tool.mypy] in pyproject.toml" in finding.message
    assert finding.fix == "run `python -m mypy .` and fix what it reports"
    assert finding.evidence == "mypy failed"


def test_keeps_only_the_tail_of_long_output_as_evidence_when_a_command_fails() -> None:
    output = "head-of-output\n" + "x" * 5000 + "\nFound 3 errors."
    commands = ScriptedCommands((RUFF,), outcomes={"ruff": (1, output, False)})

    (finding,) = ChecksGate().run(make_context(FILES, commands=commands)).findings

    assert len(finding.evidence) == 2000
    assert finding.evidence.endswith("Found 3 errors.")
    assert "head-of-output" not in finding.evidence


def test_reports_an_unavailable_tool_with_how_to_install_it_when_it_cannot_start() -> None:
    reason = "No module named 'ruff' in the project's interpreter /p/.venv/bin/python"
    commands = ScriptedCommands((RUFF, MYPY), outcomes={"ruff": (127, reason, False)})

    result = ChecksGate().run(make_context(FILES, commands=commands))

    (finding,) = result.findings
    assert result.summary == "1 error (ruff ✗ (unavailable), mypy ✓)"
    assert finding.rule == "checks/command-unavailable"
    assert finding.severity == "error"
    assert reason in finding.message
    assert finding.fix == (
        "install ruff in the project's environment (e.g. `python -m pip install ruff`), "
        "or declare the project's commands in [tool.backdev.checks]"
    )


def test_names_the_program_to_install_when_a_declared_program_is_missing() -> None:
    lint = ProjectCommand("lint", ("flake8", "src"), "[tool.backdev.checks]")
    commands = ScriptedCommands(
        (lint,), outcomes={"lint": (127, "command not found: flake8", False)}
    )

    (finding,) = ChecksGate().run(make_context(FILES, commands=commands)).findings

    assert finding.rule == "checks/command-unavailable"
    assert "install flake8" in finding.fix


def test_asks_to_fix_the_quoting_when_a_declared_command_cannot_be_split() -> None:
    broken = ProjectCommand("lint", (), "[tool.backdev.checks]")
    commands = ScriptedCommands((broken,), outcomes={"lint": (127, "cannot be split", False)})

    (finding,) = ChecksGate().run(make_context(FILES, commands=commands)).findings

    assert finding.fix == "fix the quoting of `lint` in [tool.backdev.checks]"


def test_fails_saying_so_when_a_command_times_out() -> None:
    commands = ScriptedCommands((MYPY,), outcomes={"mypy": (-9, "checking…", True)})
    context = make_context(FILES, commands=commands, options={"timeout": 30})

    result = ChecksGate().run(context)

    (finding,) = result.findings
    assert result.summary == "1 error (mypy ✗ (timeout))"
    assert finding.rule == "checks/command-failed"
    assert "did not finish within 30 s" in finding.message


def test_takes_the_suite_outcome_from_the_evidence_when_evidence_is_wired() -> None:
    evidence = Evidence(
        "WORKTREE",
        ("coverage", "run", "-m", "pytest"),
        1,
        results=(
            Result("tests/test_a.py::test_ok", "passed", "tests/test_a.py"),
            Result("tests/test_a.py::test_bad", "failed", "tests/test_a.py", message="boom"),
        ),
        output="1 failed, 1 passed in 0.1s",
    )
    commands = FakeProjectCommands((RUFF, PYTEST))
    runner = FakeTestRunner({"WORKTREE": evidence})

    result = ChecksGate().run(make_context(FILES, commands=commands, tests=runner))

    (finding,) = result.findings
    assert commands.ran == ["ruff"]
    assert len(runner.runs) == 1
    assert result.summary == "1 error (ruff ✓, pytest ✗ (1))"
    assert finding.rule == "checks/command-failed"
    assert "1 failed, 1 passed" in finding.message
    assert finding.evidence.startswith("FAILED tests/test_a.py::test_bad — boom")


def test_passes_the_suite_when_the_evidence_run_passed() -> None:
    runner = FakeTestRunner({"WORKTREE": Evidence("WORKTREE", ("pytest",), 0)})
    context = make_context(FILES, commands=FakeProjectCommands((PYTEST,)), tests=runner)

    result = ChecksGate().run(context)

    assert (result.status, result.summary) == ("pass", "no findings (pytest ✓)")


def test_fails_with_the_problem_when_the_tests_produced_no_evidence() -> None:
    broken = Evidence(
        "WORKTREE", ("pytest",), 2, problem="the tests could not be collected", output="E   Syn"
    )
    context = make_context(
        FILES,
        commands=FakeProjectCommands((PYTEST,)),
        tests=FakeTestRunner({"WORKTREE": broken}),
    )

    (finding,) = ChecksGate().run(context).findings

    assert finding.rule == "checks/command-failed"
    assert "the tests could not be collected" in finding.message
    assert finding.evidence == "E   Syn"


def test_runs_the_suite_itself_when_no_evidence_is_wired() -> None:
    commands = FakeProjectCommands((PYTEST,), exit_codes={"pytest": 1})

    result = ChecksGate().run(make_context(FILES, commands=commands))

    assert commands.ran == ["pytest"]
    assert result.summary == "1 error (pytest ✗ (1))"


def test_runs_a_pytest_command_with_arguments_itself_when_evidence_is_wired() -> None:
    slow = ProjectCommand("slow", ("pytest", "-m", "slow"), "[tool.backdev.checks]")
    runner = FakeTestRunner()
    commands = FakeProjectCommands((slow,))

    ChecksGate().run(make_context(FILES, commands=commands, tests=runner))

    assert commands.ran == ["slow"]
    assert runner.runs == []


def test_says_the_commands_ran_in_the_working_tree_when_the_head_is_a_commit() -> None:
    context = make_context(FILES, commands=FakeProjectCommands((RUFF,)))
    committed = ChangeSet(BASE, "c" * 40, context.change.files)

    result = ChecksGate().run(replace(context, change=committed))

    assert result.summary == "no findings (ruff ✓; run in the working tree)"
