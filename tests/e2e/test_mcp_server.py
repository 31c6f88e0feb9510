"""`backdev mcp` end to end: the official MCP client against the real server process.

One server process serves every stdio test of this module, on the sample service
with a change that plants two violations: a domain module importing an adapter and
an AWS key. What the tools answer is compared with what the CLI prints for the same
request on the same repository.
"""

from __future__ import annotations

import io
import json
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.client.stdio import get_default_environment
from mcp.types import CallToolResult, TextContent
from rich.console import Console

from backdev.domain.errors import SpecError
from backdev.domain.problems import Problem
from backdev.entrypoints.cli import main
from backdev.entrypoints.errors import run_guarded
from backdev.entrypoints.mcp_answers import ToolCalls, error_text
from tests.e2e.mcp_client import (
    McpConnection,
    command_connection,
    free_port,
    http_connection,
    stdio_connection,
    wait_for_port,
)
from tests.e2e.sample_service import build_sample_service
from tests.gitrepo import IDENTITY, GitRepo, isolate_git

TOOLS = {"check", "trace", "lint", "brief", "next_step", "escalate"}
SECRET = "AKIA" + "Z" * 16
PLANTED = {
    ("architecture/forbidden-violation", "src/shop/domain/audit.py", 3),
    ("secrets/aws-access-key", "src/shop/settings.py", 1),
}


@dataclass(frozen=True)
class Sample:
    """The sample service with the planted change, and the environment its processes get."""

    repo: GitRepo
    base: str
    env: Mapping[str, str]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sample]:
    tmp = tmp_path_factory.mktemp("mcp")
    with pytest.MonkeyPatch.context() as patch:
        isolate_git(tmp, patch)
        repo = GitRepo.init(tmp / "shop")
        base = build_sample_service(repo)
        repo.write("src/shop/adapters/clock.py", '"""The wall clock."""\n\nimport time\n')
        repo.write(
            "src/shop/domain/audit.py",
            '"""When accounts were made."""\n\nfrom shop.adapters import clock\n',
        )
        repo.write("src/shop/settings.py", f'AWS_ACCESS_KEY_ID = "{SECRET}"\n')
        env = {
            **get_default_environment(),
            **IDENTITY,
            "HOME": str(tmp / "home"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CEILING_DIRECTORIES": str(tmp),
            # Rich wraps a message at 80 columns when not on a terminal; the CLI's
            # messages are compared whole.
            "COLUMNS": "1000",
        }
        yield Sample(repo, base, env)


@pytest.fixture(scope="module")
def server(sample: Sample) -> Iterator[McpConnection]:
    errlog = sample.repo.root.parent / "server-stderr.log"
    with stdio_connection(sample.repo.root, sample.env, errlog) as connection:
        yield connection


def test_six_tools_are_listed_with_typed_schemas_when_a_client_connects(
    server: McpConnection,
) -> None:
    tools = {tool.name: tool for tool in server.tools()}

    assert set(tools) == TOOLS
    check = tools["check"].input_schema["properties"]
    assert check["gates"]["anyOf"][0] == {"items": {"type": "string"}, "type": "array"}
    assert check["show_all"]["type"] == "boolean"
    assert tools["trace"].input_schema["required"] == ["feature"]
    assert tools["escalate"].input_schema["required"] == ["feature", "rule", "question"]
    assert "security-privacy" in tools["escalate"].input_schema["properties"]["rule"]["enum"]
    workflow = tools["brief"].input_schema["properties"]["workflow"]["anyOf"][0]
    assert workflow["enum"] == ["feature", "refactor", "defect"]
    assert tools["brief"].input_schema["properties"]["step"]["anyOf"][0] == {"type": "integer"}
    assert all(tool.output_schema is not None for tool in tools.values())
    hints = {name: tool.annotations for name, tool in tools.items()}
    writes = {name for name, hint in hints.items() if hint is None or not hint.read_only_hint}
    assert writes == {"escalate"}


def test_check_answers_with_the_cli_report_when_the_change_plants_violations(
    server: McpConnection, sample: Sample
) -> None:
    answer = server.call("check", {"base": sample.base})
    cli = _cli(sample, "check", "--base", sample.base, "--format", "json")

    assert not answer.is_error, _text(answer)
    assert cli.returncode == 1, cli.stderr
    assert _text(answer) == cli.stdout
    ours = answer.structured_content
    assert ours == json.loads(cli.stdout)
    assert ours["schema"] == "backdev.check/1"
    assert (ours["verdict"], ours["base"], ours["head"]) == ("fail", sample.base, "WORKTREE")
    assert {(rule, path, line) for _gate, rule, _sev, path, line in _findings(ours)} >= PLANTED


def test_twenty_calls_at_once_all_answer_while_a_full_check_runs(
    server: McpConnection, sample: Sample
) -> None:
    calls: list[tuple[str, dict[str, Any]]] = [
        ("check", {"base": sample.base}),
        ("check", {"base": sample.base, "gates": ["secrets", "architecture"]}),
    ]
    calls += [("lint", {})] * 6
    calls += [("lint", {"paths": ["docs/features"]})] * 3
    calls += [("brief", {"feature": "FEAT-001", "criterion": "AC-2", "run_tests": False})] * 6
    calls += [("trace", {"feature": "FEAT-404"})] * 3
    # A tree no earlier test has tested, so the full check really runs the project's tests
    # (the runner reuses a run of the same files in one process).
    fresh = sample.repo.root / "docs" / "concurrency-notes.md"
    fresh.write_text("Twenty calls at once.\n", encoding="utf-8")

    try:
        answers = server.call_all(calls)
    finally:
        fresh.unlink()

    assert len(answers.results) == 20
    for (name, _args), answer in zip(calls, answers.results, strict=True):
        data = answer.structured_content
        if name == "trace":
            assert answer.is_error
            assert _text(answer).startswith("error: feature 'FEAT-404' not found")
            continue
        assert not answer.is_error, _text(answer)
        assert data is not None
        if name == "check":
            found = {(rule, path, line) for _g, rule, _s, path, line in _findings(data)}
            assert found >= PLANTED
        elif name == "lint":
            assert data["problems"] == []
            assert "docs/features/FEAT-001-signup.md" in data["checked"]
        else:
            assert data["step"] == "AC-2: A second sign-up with the same address is refused"
            assert "Then the sign-up is refused with DuplicateAccount" in _text(answer)
    # Reads that run no tests never wait for the check that runs the project's tests.
    cheap = [i for i, (name, _args) in enumerate(calls) if name in {"lint", "brief"}]
    assert max(answers.arrival.index(i) for i in cheap) < answers.arrival.index(0)


def test_an_unknown_feature_is_a_tool_error_with_the_cli_message_when_traced(
    server: McpConnection, sample: Sample
) -> None:
    answer = server.call("trace", {"feature": "FEAT-404"})
    cli = _cli(sample, "trace", "FEAT-404", "--format", "json")

    assert answer.is_error
    assert cli.returncode == 2
    assert cli.stdout == ""
    assert _text(answer) == cli.stderr.strip()
    assert "FEAT-404" in _text(answer)


def test_an_unknown_gate_is_a_tool_error_with_the_cli_message_when_checked(
    server: McpConnection, sample: Sample
) -> None:
    answer = server.call("check", {"base": sample.base, "gates": ["secrets", "speling"]})
    cli = _cli(sample, "check", "--base", sample.base, "--gates", "secrets,speling")

    assert answer.is_error
    assert cli.returncode == 2
    assert _text(answer) == cli.stderr.strip()
    assert "'speling'" in _text(answer)
    assert "architecture" in _text(answer)


def test_next_step_names_the_first_unproven_criterion_when_the_tests_run(
    server: McpConnection,
) -> None:
    answer = server.call("next_step", {"feature": "docs/features/FEAT-001-signup.md"})

    assert not answer.is_error, _text(answer)
    assert answer.structured_content is not None
    step = answer.structured_content["next_step"]
    assert (step["criterion"], step["status"]) == ("AC-2", "missing")
    assert step["title"] == "A second sign-up with the same address is refused"


def test_escalate_writes_a_dossier_for_a_person_when_a_rule_would_be_broken(
    server: McpConnection, sample: Sample
) -> None:
    question = "May the domain read the clock through the adapter, or must it be injected?"
    answer = server.call(
        "escalate",
        {
            "feature": "FEAT-001",
            "rule": "principle",
            "question": question,
            "evidence": ["src/shop/domain/audit.py:3 imports shop.adapters"],
        },
    )

    assert not answer.is_error, _text(answer)
    assert answer.structured_content is not None
    dossier = answer.structured_content["dossier"]
    assert re.fullmatch(r"\.backdev/escalations/FEAT-001-\d+\.md", dossier)
    written = (sample.repo.root / dossier).read_text(encoding="utf-8")
    assert question in written
    assert "src/shop/domain/audit.py:3 imports shop.adapters" in written


def test_a_rule_outside_the_schema_is_refused_when_escalating(server: McpConnection) -> None:
    answer = server.call("escalate", {"feature": "FEAT-001", "rule": "vibes", "question": "?"})

    assert answer.is_error
    assert "rule" in _text(answer)
    assert "'security-privacy'" in _text(answer)


def test_spec_errors_read_as_the_cli_prints_them_when_a_tool_meets_them() -> None:
    problems = [
        Problem("docs/features/a.md", 7, "AC-1 has no Then step", "add a `Then` line"),
        Problem("docs/features/a.md", 9, "AC-1 is listed twice", "renumber the second one"),
    ]
    printed = io.StringIO()

    def fail() -> int:
        raise SpecError(problems)

    run_guarded(fail, Console(file=printed, width=1000, highlight=False))

    assert error_text(SpecError(problems)) == printed.getvalue().rstrip("\n")


def test_a_bug_is_a_short_tool_error_with_a_crash_log_when_a_use_case_crashes() -> None:
    def crashing() -> CallToolResult:
        raise RuntimeError("the index was off by one")

    result = anyio.run(ToolCalls().at_once, crashing)

    assert result.is_error
    message = _text(result)
    assert message.startswith(
        "backdev hit an internal error (RuntimeError: the index was off by one)."
    )
    [log] = re.findall(r"The details are in (\S+); please attach", message)
    written = Path(log).read_text(encoding="utf-8")
    Path(log).unlink()
    assert "Traceback" in written
    assert "RuntimeError: the index was off by one" in written


def test_http_serves_the_tools_of_the_root_on_loopback_when_given_a_port(sample: Sample) -> None:
    port = free_port()
    root = sample.repo.root
    errlog = root.parent / "http-stderr.log"
    with errlog.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "backdev", "mcp", "--http", str(port), "--root", root.name],
            cwd=root.parent,
            env=dict(sample.env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            wait_for_port(port)
            with http_connection(f"http://127.0.0.1:{port}/mcp") as client:
                names = {tool.name for tool in client.tools()}
                answer = client.call("lint", {"paths": ["docs/engineering"]})
        finally:
            process.send_signal(signal.SIGINT)
            code = process.wait(timeout=30)

    assert names == TOOLS
    assert not answer.is_error, _text(answer)
    assert answer.structured_content is not None
    assert answer.structured_content["problems"] == []
    assert "docs/engineering/definition-of-done.md" in answer.structured_content["checked"]
    printed = errlog.read_text(encoding="utf-8")
    assert f"on http://127.0.0.1:{port}/mcp" in printed.splitlines()[0]
    # Ctrl-C stops the web server cleanly, with the exit code of an interrupted command.
    assert code == 130
    assert "Traceback" not in printed


def test_a_busy_port_is_refused_with_a_clear_message_when_serving_http(sample: Sample) -> None:
    port = free_port()
    with _listening(port):
        cli = _cli(sample, "mcp", "--http", str(port))

    assert cli.returncode == 2
    assert f"error: cannot serve on 127.0.0.1:{port}" in cli.stderr
    assert "pass another --http PORT" in cli.stderr


def test_the_install_hint_is_given_when_the_sdk_is_missing(sample: Sample) -> None:
    # `None` in sys.modules makes every import of the SDK fail, as if not installed.
    script = (
        "import sys; sys.modules['mcp'] = None\n"
        "from backdev.entrypoints.cli import main\n"
        "raise SystemExit(main(['mcp']))\n"
    )
    done = _python(sample, script)

    assert done.returncode == 2
    assert "pip install 'backdev[mcp]'" in done.stderr


def test_mcp_help_shows_the_transports_and_examples_when_asked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["mcp", "--help"]) == 0

    shown = capsys.readouterr().out
    assert "Usage: backdev mcp" in shown
    assert "--http PORT" in shown
    assert "--root" in shown
    assert "Examples:" in shown


def test_the_sdk_is_not_loaded_when_the_cli_shows_its_help(sample: Sample) -> None:
    script = (
        "import sys\n"
        "from backdev.entrypoints.cli import main\n"
        "main(['--help'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mcp', 'mcp_types')))\n"
    )
    done = _python(sample, script)

    assert done.returncode == 0, done.stderr
    assert "mcp " in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


def _cli(sample: Sample, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backdev", *args],
        cwd=sample.repo.root,
        env=dict(sample.env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _python(sample: Sample, script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=sample.repo.root,
        env=dict(sample.env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@contextmanager
def _listening(port: int) -> Iterator[None]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", port))
        held.listen()
        yield


def _text(answer: CallToolResult) -> str:
    [block] = answer.content
    assert isinstance(block, TextContent)
    return block.text


def _findings(report: Mapping[str, Any]) -> set[tuple[str, str, str, str, int]]:
    return {
        (gate["id"], f["rule"], f["severity"], f["path"], f["line"])
        for gate in report["gates"]
        for f in gate["findings"]
    }


def test_the_documented_mcp_json_starts_a_server_that_lists_the_tools(sample: Sample) -> None:
    doc = Path(__file__).parents[2] / "docs" / "integrations" / "mcp.md"
    snippet = doc.read_text(encoding="utf-8").split("```json\n", 1)[1].split("```", 1)[0]
    entry = json.loads(snippet)["mcpServers"]["backdev"]
    installed = Path(sys.executable).parent / entry["command"]
    errlog = sample.repo.root.parent / "documented-server.log"

    with command_connection(
        str(installed), entry["args"], sample.repo.root, sample.env, errlog
    ) as connection:
        assert {tool.name for tool in connection.tools()} == TOOLS
