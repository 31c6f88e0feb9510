"""Benchmark: backdev's one instrumented test run against a plain `pytest` run of the same suite.

The suite is a real project's, from its sdist on PyPI (default: attrs, about 1,400 tests,
many of them hypothesis-driven; `--project more-itertools==11.2.1` for another). The
sdist and a throwaway virtual environment with pytest, coverage.py and the project's test
dependencies live in benchmarks/.cache/ (gitignored). Each round times, in alternating
order, a plain `python -m pytest` and backdev's `PytestRunner.run(WORKTREE)` — coverage.py
with branches, the `ac` plugin switching coverage.py's context to each test, and reading
the data into evidence. `--variants` also times `coverage run` without backdev's reading:
with the `ac` plugin switching contexts (as backdev now does), with coverage.py's own
`dynamic_context = test_function` (how backdev labelled tests before), and in cheaper
settings without contexts, to show where the time goes.

Run from the repository root, in the dev environment:

    python benchmarks/evidence_overhead.py [--runs 5] [--project attrs==26.1.0] [--variants]

Needs network access to PyPI the first time; prints a table and writes
benchmarks/results/evidence_overhead.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from backdev.adapters.pytest_runner import PytestRunner
from backdev.adapters.pytest_runner.command import coverage_rc, run_environment, source_roots
from backdev.adapters.pytest_runner.plugin_source import install_plugin
from backdev.domain.changes import WORKTREE

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
TEST_DEPS = {
    "attrs": ["hypothesis", "cloudpickle", "pympler"],
    "more-itertools": [],
}
TOOLS = ["pytest==9.2.0", "coverage==7.17.5"]
TARGET = 1.3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--project", default="attrs==26.1.0")
    parser.add_argument("--variants", action="store_true")
    args = parser.parse_args()
    name = args.project.split("==")[0]
    python = _venv(TEST_DEPS.get(name, []))
    tree = _project(args.project)
    timings = _measure(tree, python, args.runs, args.variants)
    report = _report(args, python, timings)
    print(_table(report, timings))
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "evidence_overhead.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


def _measure(tree: Path, python: str, runs: int, variants: bool) -> dict[str, list[float]]:
    runner = PytestRunner(tree, python=python, timeout=3600)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in source_roots(tree))}
    plain = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    cases: dict[str, Callable[[], None]] = {
        "plain pytest": lambda: _run(plain, tree, env),
        "backdev run (branches + switched contexts + plugin + reading)": lambda: _evidence(runner),
    }
    if variants:
        rc = _rc(tree)
        cases["coverage.py + ac plugin, branches + switched contexts"] = _coverage_case(
            tree, python, rc, plugin=True
        )
        for label, edit in (
            ("coverage.py, branches + dynamic_context (before)", _dynamic_context),
            ("coverage.py, branches, no contexts", lambda rc: rc),
            ("coverage.py, lines only", lambda rc: rc.replace("branch = True", "")),
        ):
            cases[label] = _coverage_case(tree, python, edit(rc))
    timings: dict[str, list[float]] = {label: [] for label in cases}
    for case in cases.values():  # warm-up: bytecode caches, hypothesis database
        case()
    for round_ in range(runs):
        order = list(cases.items())
        if round_ % 2:
            order.reverse()
        for label, case in order:
            started = time.perf_counter()
            case()
            timings[label].append(time.perf_counter() - started)
            print(f"round {round_ + 1}: {label}: {timings[label][-1]:.2f} s", file=sys.stderr)
    return timings


def _evidence(runner: PytestRunner) -> None:
    evidence = runner.run(WORKTREE)
    if evidence.problem:
        raise SystemExit(f"backdev's run produced no evidence: {evidence.problem}")
    # A timing is only worth reporting if the run did the work: lines credited to tests.
    if not any(found.contexts for found in evidence.coverage.values()):
        raise SystemExit("backdev's run credited no line to a test: no contexts were switched")


def _coverage_case(tree: Path, python: str, rc: str, *, plugin: bool = False) -> Callable[[], None]:
    state = tree / ".backdev-bench"
    state.mkdir(exist_ok=True)
    rcfile = state / f"rc-{abs(hash(rc))}"
    rcfile.write_text(rc)
    records = state / "records"
    argv = [python, "-m", "coverage", "run", f"--rcfile={rcfile}", "-m", "pytest", "-q"]
    argv += ["-p", "no:cacheprovider"]
    if plugin:
        argv += ["-p", install_plugin(state)]
    env = run_environment(os.environ, state, records, tree)

    def case() -> None:
        records.unlink(missing_ok=True)
        _run(argv, tree, env)
        if plugin and not _switched(records):
            raise SystemExit("the ac plugin did not switch coverage.py's context per test")

    return case


def _switched(records: Path) -> bool:
    """Whether every test record names its own node id as its coverage context."""
    lines = [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
    tests = [line for line in lines if line.get("kind") == "test"]
    return bool(tests) and all(test["context"] == test["nodeid"] for test in tests)


def _rc(tree: Path) -> str:
    return coverage_rc(tree, tree / ".backdev-bench" / "coverage.sqlite")


def _dynamic_context(rc: str) -> str:
    """The configuration backdev used before the plugin switched contexts itself."""
    return rc.replace("branch = True", "branch = True\ndynamic_context = test_function")


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> None:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    if done.returncode not in (0, 1):
        tail = done.stdout.decode(errors="replace")[-2000:]
        raise SystemExit(f"{argv[:4]} exited {done.returncode}:\n{tail}")


def _venv(extra: list[str]) -> str:
    venv = CACHE / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q", *TOOLS, *extra]
    subprocess.run(pip, check=True)
    return str(python)


def _project(spec: str) -> Path:
    sdists = CACHE / "sdist"
    sdists.mkdir(parents=True, exist_ok=True)
    download = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
    subprocess.run([*download, "-d", str(sdists), spec], check=True, capture_output=True)
    name, version = spec.split("==")
    (archive,) = [p for p in sdists.glob("*.tar.gz") if _matches(p.name, name, version)]
    tree = CACHE / "projects" / archive.name.removesuffix(".tar.gz")
    if not tree.exists():
        tree.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            tar.extractall(tree.parent, filter="data")
    shutil.rmtree(tree / ".backdev", ignore_errors=True)
    return tree


def _matches(filename: str, name: str, version: str) -> bool:
    normal = name.replace("-", "_").lower()
    return filename.lower().startswith(f"{normal}-{version}")


def _report(
    args: argparse.Namespace, python: str, timings: dict[str, list[float]]
) -> dict[str, object]:
    plain = statistics.median(timings["plain pytest"])
    rows = [
        {
            "command": label,
            "median_s": round(statistics.median(values), 2),
            "min_s": round(min(values), 2),
            "max_s": round(max(values), 2),
            "ratio_to_plain": round(statistics.median(values) / plain, 2),
        }
        for label, values in timings.items()
    ]
    version = subprocess.run(
        [python, "-c", "import coverage, pytest; print(coverage.__version__, pytest.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {
        "project": args.project,
        "runs": args.runs,
        "date": date.today().isoformat(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "coverage": version[0],
        "pytest": version[1],
        "target_ratio": TARGET,
        "rows": rows,
    }


def _table(report: dict[str, object], timings: dict[str, list[float]]) -> str:
    plain = statistics.median(timings["plain pytest"])
    lines = [
        f"{report['project']} — median of {report['runs']}, {report['machine']},"
        f" Python {report['python']}, coverage {report['coverage']}, pytest {report['pytest']}",
        "",
        "| command | median s | min s | max s | × plain |",
        "|---|---|---|---|---|",
    ]
    for label, values in timings.items():
        median = statistics.median(values)
        lines.append(
            f"| {label} | {median:.2f} | {min(values):.2f} | {max(values):.2f}"
            f" | {median / plain:.2f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
