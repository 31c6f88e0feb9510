"""Benchmark: `backdev check` (static gates) against the anchor tools on a real change.

The change is the step between two adjacent patch releases of Django, taken as sdists
from PyPI and committed as two revisions of a temporary git repository. backdev runs
its static gates on that change, cold (no cache) and warm; the anchors are the tools
doing comparable work separately: lint-imports with the same contracts, detect-secrets
on the changed files, bandit on the changed Python files. A second measurement times a
warm run of a small (< 400 changed lines) working-tree change on top.

Run from the repository root, in the dev environment:

    python benchmarks/static_gates.py [--runs 5] [--keep DIR]

Needs network access to PyPI the first time (the sdists and bandit are downloaded into
benchmarks/.cache/); prints a table and writes benchmarks/results/static_gates.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
BASE_VERSION, HEAD_VERSION = "5.2.7", "5.2.8"
STATIC_GATES = "scope,size,architecture,secrets,privacy,security,tests,docs"
BIN = Path(sys.executable).parent

PRINCIPLES = """---
forbidden:
  - from: django.utils
    to: [django.contrib, django.db.models]
  - from: django.core.signing
    to: [django.contrib]
independent:
  - [django.templatetags, django.middleware]
---
# Architecture Principles (benchmark)
"""

IMPORTLINTER = """[importlinter]
root_package = django
include_external_packages = True

[importlinter:contract:utils]
name = utils stays low
type = forbidden
source_modules = django.utils
forbidden_modules =
    django.contrib
    django.db.models

[importlinter:contract:signing]
name = signing stays low
type = forbidden
source_modules = django.core.signing
forbidden_modules = django.contrib

[importlinter:contract:independent]
name = independent
type = independence
modules =
    django.templatetags
    django.middleware
"""


def main() -> int:
    """Build the repository, time every command, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    args = parser.parse_args()
    sdists = {v: _sdist(v) for v in (BASE_VERSION, HEAD_VERSION)}
    bandit = _bandit()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="backdev-bench-"))
    try:
        repo, base, head = _build_repo(workdir, sdists)
        results = _measure(repo, base, head, bandit, args.runs)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    _print(results)
    out = HERE / "results" / "static_gates.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def _measure(repo: Path, base: str, head: str, bandit: Path, runs: int) -> dict[str, object]:
    changed = _git(repo, "diff", "--name-only", "--diff-filter=AMR", base, head).split()
    changed_py = [p for p in changed if p.endswith(".py")]
    numstat = _git(repo, "diff", "--numstat", base, head).splitlines()
    lines = sum(int(a) + int(d) for a, d, _ in (row.split("\t", 2) for row in numstat) if a != "-")
    check = [str(BIN / "backdev"), "check", "--base", base, "--head", head]
    check += ["--gates", STATIC_GATES, "--format", "json"]
    cache = repo / ".backdev"

    def cold() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    timings = {
        "backdev_cold": _time(check, repo, runs, before=cold),
        "backdev_warm": _time(check, repo, runs),
        "lint_imports": _time(
            [
                str(BIN / "lint-imports"),
                "--no-cache",
                "--config",
                str(repo.parent / "importlinter.ini"),
            ],
            repo,
            runs,
            env={**os.environ, "PYTHONPATH": str(repo)},
        ),
        "detect_secrets": _time([str(BIN / "detect-secrets"), "scan", *changed], repo, runs),
        "bandit": _time([str(bandit), "-q", "-f", "json", *changed_py], repo, runs),
    }
    anchors = sum(timings[k]["median_s"] for k in ("lint_imports", "detect_secrets", "bandit"))
    small = _small_change(repo, head)
    small_check = [str(BIN / "backdev"), "check", "--base", head, "--gates", STATIC_GATES]
    small_check += ["--format", "json"]
    _time(small_check, repo, 1)  # warm the cache for the new head
    timings["backdev_warm_small_change"] = _time(small_check, repo, runs)
    return {
        "change": f"django {BASE_VERSION} -> {HEAD_VERSION}",
        "changed_files": len(changed),
        "changed_python_files": len(changed_py),
        "changed_lines": lines,
        "small_change_lines": small,
        "runs": runs,
        "machine": f"{os.cpu_count()} cores, {sys.platform}, Python {sys.version.split()[0]}",
        "date": time.strftime("%Y-%m-%d"),
        "timings": timings,
        "anchors_total_median_s": round(anchors, 3),
        "ratio_backdev_warm_to_anchors": round(timings["backdev_warm"]["median_s"] / anchors, 3),
        "ratio_backdev_cold_to_anchors": round(timings["backdev_cold"]["median_s"] / anchors, 3),
    }


def _time(
    command: list[str],
    cwd: Path,
    runs: int,
    before: object = None,
    env: dict[str, str] | None = None,
) -> dict[str, object]:
    seconds: list[float] = []
    peak_kib = 0
    codes: set[int] = set()
    for _ in range(runs):
        if callable(before):
            before()
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds.append(time.perf_counter() - start)
        peak_kib = max(peak_kib, usage.ru_maxrss)
        codes.add(os.waitstatus_to_exitcode(status))
    return {
        "median_s": round(statistics.median(seconds), 3),
        "min_s": round(min(seconds), 3),
        "max_s": round(max(seconds), 3),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "exit_codes": sorted(codes),
    }


def _small_change(repo: Path, head: str) -> int:
    """Edit a few modules in the working tree: about 300 changed lines in all."""
    _git(repo, "checkout", "-q", head)
    targets = ["django/utils/text.py", "django/core/signing.py", "django/http/response.py"]
    for index, target in enumerate(targets):
        path = repo / target
        added = "".join(
            f"\n\ndef _bench_helper_{index}_{n}(value):\n    if value is None:\n"
            f"        return {n}\n    return value * {n}\n"
            for n in range(20)
        )
        path.write_text(path.read_text() + added)
    numstat = _git(repo, "diff", "--numstat").splitlines()
    return sum(int(row.split("\t")[0]) + int(row.split("\t")[1]) for row in numstat)


def _build_repo(workdir: Path, sdists: dict[str, Path]) -> tuple[Path, str, str]:
    repo = workdir / "repo"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    (repo / "docs" / "engineering").mkdir(parents=True)
    (repo / "docs" / "engineering" / "architecture-principles.md").write_text(PRINCIPLES)
    shas = []
    for version in (BASE_VERSION, HEAD_VERSION):
        shutil.rmtree(repo / "django", ignore_errors=True)
        with tarfile.open(sdists[version]) as archive:
            members = [m for m in archive.getmembers() if m.name.split("/")[1:2] == ["django"]]
            for member in members:
                member.name = "/".join(member.name.split("/")[1:])
            archive.extractall(repo, members=members, filter="data")
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", f"Django {version}")
        shas.append(_git(repo, "rev-parse", "HEAD").strip())
    # Outside the repository, so that backdev does not read it as the project's own.
    (workdir / "importlinter.ini").write_text(IMPORTLINTER)
    return repo, shas[0], shas[1]


def _sdist(version: str) -> Path:
    target = CACHE / f"django-{version}.tar.gz"
    if not target.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--no-binary",
                ":all:",
                "-q",
                "-d",
                str(CACHE),
                f"django=={version}",
            ],
            check=True,
        )
    return target


def _bandit() -> Path:
    venv = CACHE / "bandit-venv"
    if not (venv / "bin" / "bandit").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "bandit"], check=True)
    return venv / "bin" / "bandit"


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@localhost",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@localhost",
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


def _print(results: dict[str, object]) -> None:
    print(json.dumps({k: v for k, v in results.items() if k != "timings"}, indent=2))
    timings = results["timings"]
    assert isinstance(timings, dict)
    print(f"{'command':<28}{'median s':>10}{'min s':>8}{'max s':>8}{'peak MiB':>10}  exit")
    for name, row in timings.items():
        print(
            f"{name:<28}{row['median_s']:>10}{row['min_s']:>8}{row['max_s']:>8}"
            f"{row['peak_rss_mib']:>10}  {row['exit_codes']}"
        )


if __name__ == "__main__":
    sys.exit(main())
