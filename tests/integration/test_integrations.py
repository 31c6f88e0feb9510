"""Every copy-paste snippet in docs/integrations/, run for real.

pre-commit runs through `pre-commit try-repo` on a committed copy of this project (it
clones a repository and pip-installs backdev into a fresh environment from the package
index pip is configured with: about a minute, so both runs share one fixture and run at
the same time). Git hooks block real `git commit` and `git push` runs. The Claude Code
hook is fed the documented stdin JSON. The GitHub Action's own shell steps run in bash.
Secret-looking values are assembled at run time so scanners of this repository stay quiet.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from backdev.application.hooks import CHAIN
from backdev.entrypoints.cli import main
from tests.gitrepo import IDENTITY, GitRepo, make_repo

PROJECT = Path(__file__).resolve().parents[2]
DOCS = PROJECT / "docs" / "integrations"
BIN = Path(sys.executable).parent
AWS_KEY = "AKIA" + "Q3T7Z2LMN4PX8RWB"
SECRET_RULE = "secrets/aws-access-key"
CLEAN_CODE = "def double(x):\n    return 2 * x\n"
CLEAN_TEST = "from app import double\n\n\ndef test_double():\n    assert double(2) == 4\n"


def fenced(doc: str, language: str) -> list[str]:
    """The fenced code blocks of `language` in docs/integrations/`doc`, in order."""
    text = (DOCS / doc).read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def run(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command; its exit code and output are the test's to judge."""
    return subprocess.run(
        list(args), cwd=cwd, input=stdin, capture_output=True, text=True, check=False
    )


def shown(done: subprocess.CompletedProcess[str]) -> str:
    """All a hook printed: git passes a hook's stdout on to its own stderr."""
    return done.stdout + done.stderr


def plant_secret(repo: GitRepo) -> None:
    repo.write("settings.py", f'AWS = "{AWS_KEY}"\n')
    repo.git("add", "settings.py")


def stage_clean_change(repo: GitRepo) -> None:
    repo.write("app.py", CLEAN_CODE)
    repo.write("tests/test_app.py", CLEAN_TEST)
    repo.git("add", "app.py", "tests/test_app.py")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    repo = make_repo(tmp_path, monkeypatch)
    repo.write("README.md", "# service\n")
    repo.commit("base")
    monkeypatch.chdir(repo.root)
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")
    return repo


# --- pre-commit ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def try_repo_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """`pre-commit try-repo` as the docs show it, on a staged secret and on a clean change."""
    top = tmp_path_factory.mktemp("pre-commit")
    env = _isolated_env(top)
    copy = _committed_copy(top / "backdev", env)
    [line] = [x for x in fenced("pre-commit.md", "sh") if "try-repo" in x]
    argv = shlex.split(line.strip().replace("path/to/backdev", str(copy)))
    assert argv[:2] == ["pre-commit", "try-repo"]
    runs: dict[str, subprocess.Popen[bytes]] = {}
    with contextlib.ExitStack() as cleanup:
        for name, prepare in (("planted", plant_secret), ("clean", stage_clean_change)):
            target = GitRepo.init(top / name)
            _git(target, env, "commit", "--quiet", "--allow-empty", "-m", "base")
            prepare(target)
            log = cleanup.enter_context((top / f"{name}.log").open("wb"))
            runs[name] = subprocess.Popen(
                [sys.executable, "-m", "pre_commit", *argv[1:]],
                cwd=target.root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            cleanup.callback(_stop, runs[name])
        codes = {name: process.wait(timeout=900) for name, process in runs.items()}
    return {
        name: f"exit {code}\n" + (top / f"{name}.log").read_text(errors="replace")
        for name, code in codes.items()
    }


def test_pre_commit_try_repo_fails_when_a_secret_is_staged(
    try_repo_runs: dict[str, str],
) -> None:
    output = try_repo_runs["planted"]
    assert output.startswith("exit 1\n"), output
    assert re.search(r"backdev check \(static gates\)\.+Failed", output), output
    assert SECRET_RULE in output
    assert AWS_KEY not in output


def test_pre_commit_try_repo_passes_when_the_staged_change_is_clean(
    try_repo_runs: dict[str, str],
) -> None:
    output = try_repo_runs["clean"]
    assert output.startswith("exit 0\n"), output
    assert re.search(r"backdev check \(static gates\)\.+Passed", output), output


def test_the_pre_commit_config_snippet_names_hooks_the_manifest_defines() -> None:
    [config] = [yaml.safe_load(b) for b in fenced("pre-commit.md", "yaml")]
    wanted = [hook["id"] for repo in config["repos"] for hook in repo["hooks"]]
    manifest = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    defined = {hook["id"]: hook for hook in manifest}
    assert wanted == ["backdev-check", "backdev-lint"]
    assert set(wanted) == set(defined)
    check = defined["backdev-check"]
    assert check["entry"] == "backdev hook pre-commit"
    assert (check["pass_filenames"], check["always_run"]) == (False, True)
    lint_pattern = re.compile(defined["backdev-lint"]["files"])
    assert lint_pattern.search("docs/features/FEAT-012.md")
    assert lint_pattern.search("docs/engineering/definition-of-done.md")
    assert not lint_pattern.search("docs/integrations/pre-commit.md")


def test_the_pre_commit_hook_judges_the_range_pre_commit_names_at_the_push_stage(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.sha()
    plant_secret(repo)
    head = repo.commit("add settings")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", base)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", head)
    assert main(["hook", "pre-commit"]) == 1
    out = capsys.readouterr().out
    assert f"backdev: {base[:12]}..{head[:12]}" in out
    assert SECRET_RULE in out


# --- plain git hooks ----------------------------------------------------------------


def test_the_installed_hook_refuses_a_secret_and_lets_a_clean_commit_through(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    [setup] = [b for b in fenced("git-hooks.md", "sh") if "install-hook" in b]
    assert "backdev install-hook " in setup
    assert main(["install-hook"]) == 0
    assert "installed the pre-commit hook" in capsys.readouterr().out
    base = repo.sha()

    plant_secret(repo)
    refused = run(repo.root, "git", "commit", "-m", "add settings")
    assert refused.returncode != 0
    assert SECRET_RULE in shown(refused)
    assert "settings.py" in shown(refused)
    assert "backdev refused the commit" in shown(refused)
    assert AWS_KEY not in shown(refused)
    assert repo.sha() == base

    repo.git("rm", "--quiet", "--cached", "settings.py")
    (repo.root / "settings.py").unlink()
    stage_clean_change(repo)
    repo.write("notes.txt", f"unstaged scratch {AWS_KEY}\n")  # never part of the commit
    accepted = run(repo.root, "git", "commit", "-m", "double")
    assert accepted.returncode == 0, shown(accepted)
    assert repo.git("log", "-1", "--format=%s").strip() == "double"


def test_an_existing_hook_is_kept_until_forced_and_the_documented_chain_line_works(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'their own hook ran'\n")
    hook.chmod(0o755)

    assert main(["install-hook"]) == 2
    err = " ".join(capsys.readouterr().err.split())  # the console wraps long lines
    assert "already exists" in err
    assert "backdev hook pre-commit || exit 1" in err
    assert hook.read_text() == "#!/bin/sh\necho 'their own hook ran'\n"

    [chain] = [b for b in fenced("git-hooks.md", "sh") if "|| exit 1" in b and "pre-commit" in b]
    hook.write_text(hook.read_text() + chain)
    plant_secret(repo)
    refused = run(repo.root, "git", "commit", "-m", "add settings")
    assert refused.returncode != 0
    assert "their own hook ran" in shown(refused)
    assert SECRET_RULE in shown(refused)

    assert main(["install-hook", "--force"]) == 0
    assert "replaced the old hook" in capsys.readouterr().out
    assert "backdev-hook: pre-commit" in hook.read_text()


def test_the_hook_goes_to_core_hooks_path_and_runs_from_there_when_configured(
    repo: GitRepo,
) -> None:
    repo.git("config", "core.hooksPath", ".githooks")
    assert main(["install-hook"]) == 0
    assert (repo.root / ".githooks" / "pre-commit").is_file()
    assert not (repo.root / ".git" / "hooks" / "pre-commit").exists()
    plant_secret(repo)
    refused = run(repo.root, "git", "commit", "-m", "add settings")
    assert refused.returncode != 0
    assert SECRET_RULE in shown(refused)


def test_the_pre_push_hook_refuses_a_push_with_a_secret_and_lets_a_clean_one_through(
    repo: GitRepo, tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    run(tmp_path, "git", "init", "--quiet", "--bare", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "--quiet", "origin", "main")
    assert main(["install-hook", "--pre-push"]) == 0

    stage_clean_change(repo)
    repo.commit("double")
    pushed = run(repo.root, "git", "push", "origin", "main")
    assert pushed.returncode == 0, shown(pushed)
    assert "PASS" in shown(pushed)

    plant_secret(repo)
    repo.commit("add settings")
    refused = run(repo.root, "git", "push", "origin", "main")
    assert refused.returncode != 0
    assert SECRET_RULE in shown(refused)
    assert "backdev refused the push" in shown(refused)
    remote_main = run(remote, "git", "rev-parse", "main").stdout.strip()
    assert remote_main == repo.sha("HEAD~1")


def test_the_documented_pre_push_chain_passes_git_input_to_backdev_and_the_rest(
    repo: GitRepo, tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    run(tmp_path, "git", "init", "--quiet", "--bare", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "--quiet", "origin", "main")
    [chain] = [b for b in fenced("git-hooks.md", "sh") if "backdev hook pre-push" in b]
    assert CHAIN["pre-push"].split("`")[3] in chain  # the error message says the same
    hook = repo.root / ".git" / "hooks" / "pre-push"
    rest = 'printf "%s\\n" "$input" | sed "s/^/their hook saw: /"\n'
    hook.write_text("#!/bin/sh\n" + chain + rest)
    hook.chmod(0o755)

    plant_secret(repo)
    repo.commit("add settings")
    refused = run(repo.root, "git", "push", "origin", "main")
    assert refused.returncode != 0
    assert SECRET_RULE in shown(refused)
    assert "their hook saw" not in shown(refused)  # `|| exit 1` stopped it first

    repo.git("reset", "--quiet", "--hard", "HEAD~1")
    stage_clean_change(repo)
    repo.commit("double")
    pushed = run(repo.root, "git", "push", "origin", "main")
    assert pushed.returncode == 0, shown(pushed)
    assert f"their hook saw: refs/heads/main {repo.sha()}" in shown(pushed)


# --- Claude Code --------------------------------------------------------------------


def claude_blocks() -> dict[str, Any]:
    """The JSON blocks of claude-code.md by role: settings, hook input, block output."""
    blocks = [json.loads(b) for b in fenced("claude-code.md", "json")]
    by_role = {
        "settings": [b for b in blocks if "hooks" in b],
        "input": [b for b in blocks if "hook_event_name" in b],
        "output": [b for b in blocks if "decision" in b],
    }
    assert all(len(found) == 1 for found in by_role.values()), by_role
    return {role: found[0] for role, found in by_role.items()}


def claude_stop(payload: Mapping[str, object], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run(
        cwd, sys.executable, "-m", "backdev", "hook", "claude-stop", stdin=json.dumps(payload)
    )


def test_the_settings_snippet_is_valid_json_naming_the_stop_command() -> None:
    settings = claude_blocks()["settings"]
    [group] = settings["hooks"]["Stop"]
    [handler] = group["hooks"]
    assert handler["type"] == "command"
    assert handler["command"] == "backdev hook claude-stop"
    assert main([*shlex.split(handler["command"])[1:], "--help"]) == 0


def test_the_stop_hook_prints_the_documented_block_on_a_failing_change_and_nothing_on_a_pass(
    repo: GitRepo,
) -> None:
    documented = claude_blocks()
    payload = {**documented["input"], "cwd": str(repo.root)}
    repo.write("settings.py", f'AWS = "{AWS_KEY}"\n')  # uncommitted, untracked: still judged

    blocked = claude_stop(payload, PROJECT)
    assert blocked.returncode == 0, blocked.stderr
    output = json.loads(blocked.stdout)
    assert set(output) == set(documented["output"])
    assert output["decision"] == "block"
    assert f"settings.py:1 [{SECRET_RULE}]" in output["reason"]
    assert "fix: " in output["reason"]
    assert AWS_KEY not in output["reason"]

    (repo.root / "settings.py").unlink()
    stage_clean_change(repo)
    passed = claude_stop(payload, PROJECT)
    assert (passed.returncode, passed.stdout) == (0, ""), passed.stderr


def test_the_stop_hook_lets_a_stuck_agent_stop_and_tells_the_person(repo: GitRepo) -> None:
    payload = {**claude_blocks()["input"], "cwd": str(repo.root), "session_id": "stuck"}
    repo.write("settings.py", f'AWS = "{AWS_KEY}"\n')
    first = json.loads(claude_stop(payload, repo.root).stdout)
    again = json.loads(claude_stop({**payload, "stop_hook_active": True}, repo.root).stdout)
    last = json.loads(claude_stop({**payload, "stop_hook_active": True}, repo.root).stdout)
    assert [first.get("decision"), again.get("decision"), last.get("decision")] == [
        "block",
        "block",
        None,
    ]
    assert "allowed to stop" in last["systemMessage"]


def test_the_stop_hook_reports_an_error_without_blocking_when_it_cannot_judge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_repo(tmp_path, monkeypatch, name="unused")  # isolates git from this machine
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    payload = {**claude_blocks()["input"], "cwd": str(outside)}
    failed = claude_stop(payload, outside)
    assert (failed.returncode, failed.stdout) == (1, "")
    assert "not inside a git repository" in failed.stderr


# --- GitHub Actions -----------------------------------------------------------------


def action() -> dict[str, Any]:
    loaded = yaml.safe_load((PROJECT / "action.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def step(action_doc: Mapping[str, Any], name: str) -> dict[str, Any]:
    [found] = [s for s in action_doc["runs"]["steps"] if s.get("name") == name]
    return dict(found)


def test_the_action_is_composite_and_uploads_the_sarif_before_it_fails() -> None:
    doc = action()
    assert doc["runs"]["using"] == "composite"
    assert doc["inputs"]["base"]["default"] == "origin/${{ github.base_ref }}"
    names = [s["name"] for s in doc["runs"]["steps"]]
    assert names == [
        "Set up Python",
        "Install backdev",
        "Run backdev check",
        "Upload the findings to code scanning",
        "Fail when a gate failed",
    ]
    steps = doc["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    assert steps[0]["with"]["python-version"] == "${{ inputs.python-version }}"
    install = step(doc, "Install backdev")
    assert install["env"]["BACKDEV_ACTION_PATH"] == "${{ github.action_path }}"
    assert 'pip install --disable-pip-version-check "$BACKDEV_ACTION_PATH"' in install["run"]
    upload = step(doc, "Upload the findings to code scanning")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert "always()" in upload["if"]
    assert step(doc, "Fail when a gate failed")["if"] == "${{ always() }}"
    for shell_step in (s for s in steps if "run" in s):
        assert "${{" not in shell_step["run"], "inputs must reach scripts as env variables"


def action_step(
    name: str, cwd: Path, env: Mapping[str, str], tmp_path: Path
) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run an action step's script in bash as GitHub does; return it and GITHUB_OUTPUT."""
    outputs = tmp_path / "github-output"
    outputs.write_text("")
    script = step(action(), name)["run"]
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env={**os.environ, **env, "GITHUB_OUTPUT": str(outputs)},
        capture_output=True,
        text=True,
        check=False,
    )
    return done, outputs.read_text()


def test_the_action_records_the_failure_writes_sarif_and_fails_last_when_a_gate_fails(
    repo: GitRepo, tmp_path: Path
) -> None:
    base = repo.sha()
    plant_secret(repo)
    repo.commit("add settings")
    env = {
        "BACKDEV_BASE": base,
        "BACKDEV_GATES": action()["inputs"]["gates"]["default"],
        "BACKDEV_SARIF": "backdev.sarif",
    }
    checked, outputs = action_step("Run backdev check", repo.root, env, tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert outputs == "exit-code=1\n"
    sarif = json.loads((repo.root / "backdev.sarif").read_text())
    assert SECRET_RULE in {r["ruleId"] for r in sarif["runs"][0]["results"]}

    final_env = {"BACKDEV_EXIT": "1", "BACKDEV_SARIF": "backdev.sarif"}
    failed, _ = action_step("Fail when a gate failed", repo.root, final_env, tmp_path)
    assert failed.returncode == 1
    assert "::error title=backdev check::a quality gate failed" in failed.stdout
    passed, _ = action_step(
        "Fail when a gate failed", repo.root, {**final_env, "BACKDEV_EXIT": "0"}, tmp_path
    )
    assert passed.returncode == 0


def test_the_action_judges_the_last_push_when_there_is_no_pull_request_base(
    repo: GitRepo, tmp_path: Path
) -> None:
    stage_clean_change(repo)
    repo.commit("double")
    env = {
        "BACKDEV_BASE": "origin/",
        "BACKDEV_BEFORE": "0" * 40,
        "BACKDEV_GATES": "secrets,tests",
        "BACKDEV_SARIF": "out.sarif",
    }
    checked, outputs = action_step("Run backdev check", repo.root, env, tmp_path)
    assert "backdev check --base HEAD~1 --gates secrets,tests" in checked.stdout
    assert outputs == "exit-code=0\n"


def test_the_workflow_snippet_and_the_inputs_table_match_the_action() -> None:
    doc = action()
    [workflow] = [yaml.safe_load(b) for b in fenced("github-actions.md", "yaml")]
    steps = workflow["jobs"]["check"]["steps"]
    [ours] = [s for s in steps if s["uses"].split("@")[0].endswith("/backdev")]
    assert set(ours["with"]) <= set(doc["inputs"])
    assert ours["with"]["gates"] == doc["inputs"]["gates"]["default"]
    checkout = steps[0]
    assert checkout["with"]["fetch-depth"] == 0
    table = (DOCS / "github-actions.md").read_text()
    documented = re.findall(r"^\| `([a-z-]+)` \|", table, flags=re.MULTILINE)
    assert documented == list(doc["inputs"])


# --- helpers for the module fixture (no monkeypatch at module scope) --------------------


def _isolated_env(top: Path) -> dict[str, str]:
    home = top / "home"
    home.mkdir()
    leaky = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG", "GIT_CONFIG_GLOBAL"}
    env = {k: v for k, v in os.environ.items() if k not in leaky}
    env.update(IDENTITY)
    env.update(
        {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "PRE_COMMIT_HOME": str(top / "pre-commit-home"),
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        }
    )
    return env


def _committed_copy(destination: Path, env: Mapping[str, str]) -> Path:
    """This project's files as git sees them (tracked or new, not ignored), committed."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    for name in filter(None, listed.split("\0")):
        source = PROJECT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    copy = GitRepo.init(destination)
    _git(copy, env, "add", "--all")
    _git(copy, env, "commit", "--quiet", "-m", "backdev as it is now")
    return destination


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Never leave a pre-commit run behind when the fixture fails half-way."""
    if process.poll() is None:
        process.kill()
        process.wait()


def _git(repo: GitRepo, env: Mapping[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo.root, env=dict(env), capture_output=True, check=True)
