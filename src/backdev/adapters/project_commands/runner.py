"""Running one project command at the repository root, with a timeout, leaving no files behind.

Exit status 127 means the command could not start (the shell's "command not found"):
the program or the interpreter is missing, or `python -m MODULE` names a module the
project's environment does not have. The output then says which.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from backdev.adapters.project_commands.detect import (
    BUILD_ARGV,
    PYTHON,
    configured_commands,
    declared_commands,
)
from backdev.adapters.pytest_runner import find_python
from backdev.application.ports import CommandOutcome, ProjectCommand

CANNOT_START = 127
TAIL_CHARS = 4000
# `python -c` puts the working directory first on sys.path; dropping it stops a local
# directory such as `build/` from passing for the module of the same name.
_PROBE = (
    "import importlib.util, sys\n"
    "del sys.path[0]\n"
    "sys.exit(0 if importlib.util.find_spec(sys.argv[1]) is not None else 1)\n"
)
_PROBE_TIMEOUT = 60.0


class LocalProjectCommands:
    """The project's declared or configured commands, run with the project's interpreter.

    `python` is `[tool.backdev] python` (None: the repository's `.venv`/`venv`, else
    `python` on PATH, else backdev's own interpreter); `configured` is the
    `[tool.backdev] checks` table. Caches go under `.backdev/`; the build runs on a
    copy of the tree in a temporary directory.
    """

    def __init__(self, root: Path, python: str | None, configured: Mapping[str, str]) -> None:
        self._root = root
        self._python = python
        self._configured = dict(configured)

    def detect(self) -> tuple[ProjectCommand, ...]:
        """Declared commands if any, else those of the tools the project configures."""
        if self._configured:
            return declared_commands(self._configured)
        return configured_commands(self._root)

    def run(self, command: ProjectCommand, timeout: float) -> CommandOutcome:
        """Run `command` at the root; a leading `python` means the project's interpreter."""
        started = time.monotonic()
        if not command.argv:
            return _cannot_start(
                command, "the command cannot be split into words: check its quoting", started
            )
        python = find_python(self._root, self._python)
        argv = [
            python if index == 0 and word == PYTHON else word
            for index, word in enumerate(command.argv)
        ]
        missing = self._missing_module(argv, python)
        if missing is not None:
            return _cannot_start(command, missing, started)
        env = self._environment(python)
        if command.argv == BUILD_ARGV:
            return self._build(command, argv, env, timeout, started)
        return _execute(command, argv, cwd=self._root, env=env, timeout=timeout, started=started)

    def _missing_module(self, argv: list[str], python: str) -> str | None:
        """Why `python -m MODULE` cannot start, or None when it can (or is not that form)."""
        if len(argv) < 3 or argv[0] != python or argv[1] != "-m":
            return None
        module = argv[2]
        try:
            probe = subprocess.run(
                [python, "-c", _PROBE, module],
                cwd=self._root,
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
                capture_output=True,
                timeout=_PROBE_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"the project's interpreter {python} cannot run: {exc}"
        if probe.returncode == 0:
            return None
        if probe.returncode == 1:
            return f"No module named {module!r} in the project's interpreter {python}"
        reason = probe.stderr.decode("utf-8", errors="replace").strip()[-500:]
        return f"the project's interpreter {python} failed to start: {reason}"

    def _environment(self, python: str) -> dict[str, str]:
        """The process environment, with caches moved under `.backdev/` and the
        interpreter's scripts directory first on PATH (as an activated venv would)."""
        cache = self._root / ".backdev" / "cache"
        _ensure_backdev_dir(self._root)
        env = dict(os.environ)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.setdefault("RUFF_CACHE_DIR", str(cache / "ruff"))
        env.setdefault("MYPY_CACHE_DIR", str(cache / "mypy"))
        addopts = env.get("PYTEST_ADDOPTS", "")
        env["PYTEST_ADDOPTS"] = f"{addopts} -o cache_dir={cache / 'pytest'}".strip()
        scripts = Path(python).parent
        if Path(python).is_absolute() and scripts.is_dir():
            env["PATH"] = os.pathsep.join((str(scripts), env.get("PATH", "")))
        return env

    def _build(
        self,
        command: ProjectCommand,
        argv: list[str],
        env: dict[str, str],
        timeout: float,
        started: float,
    ) -> CommandOutcome:
        # Building in place would leave dist/, build/ and *.egg-info in the user's tree.
        with tempfile.TemporaryDirectory(prefix="backdev-build-") as temporary:
            tree = Path(temporary) / "tree"
            _copy_tree(self._root, tree)
            # A copy has no git history; version-from-git backends need a stand-in version.
            build_env = {**env, "SETUPTOOLS_SCM_PRETEND_VERSION": "0.0.0"}
            full = [*argv, "--outdir", str(Path(temporary) / "dist"), str(tree)]
            return _execute(
                command, full, cwd=tree, env=build_env, timeout=timeout, started=started
            )


def _execute(
    command: ProjectCommand,
    argv: list[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float,
    started: float,
) -> CommandOutcome:
    try:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=os.name == "posix",
        )
    except FileNotFoundError:
        return _cannot_start(command, f"command not found: {argv[0]}", started)
    except PermissionError:
        return _cannot_start(command, f"not executable: {argv[0]}", started)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        output, _ = process.communicate()
        text = _tail(output) + f"\n[backdev: stopped after {timeout:g} s]"
        return CommandOutcome(
            command, process.returncode, text.strip(), _since(started), timed_out=True
        )
    return CommandOutcome(command, process.returncode, _tail(output), _since(started))


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Stop the command and everything it started (a test runner's workers, a compiler)."""
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    else:
        process.kill()


def _copy_tree(root: Path, target: Path) -> None:
    """Copy the files git would see (tracked and untracked, not ignored) to `target`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        shutil.copytree(
            root,
            target,
            symlinks=True,
            ignore=shutil.ignore_patterns(".git", ".backdev", ".venv", "venv", "__pycache__"),
        )
        return
    target.mkdir(parents=True)
    for raw in listed.stdout.split(b"\0"):
        relative = os.fsdecode(raw)
        source = root / relative
        if not relative or not (source.is_file() or source.is_symlink()):
            continue  # deleted in the working tree, or a submodule
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination, follow_symlinks=False)


def _ensure_backdev_dir(root: Path) -> None:
    """`.backdev/` holds machine state and ignores itself, so git never shows it."""
    directory = root / ".backdev"
    # A read-only checkout still gets its commands run; the tools then keep their caches.
    with contextlib.suppress(OSError):
        directory.mkdir(exist_ok=True)
        ignore = directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")


def _cannot_start(command: ProjectCommand, reason: str, started: float) -> CommandOutcome:
    return CommandOutcome(command, CANNOT_START, reason, _since(started))


def _tail(output: bytes) -> str:
    text = output.decode("utf-8", errors="replace").strip()
    return text[-TAIL_CHARS:]


def _since(started: float) -> float:
    return round(time.monotonic() - started, 3)
