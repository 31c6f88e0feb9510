"""`PytestRunner` on real git repositories: real pytest, real coverage.py, real worktrees.

Most runs use a bare interpreter: a fresh virtual environment that can import pytest
and coverage.py (linked from backdev's own environment through a `.pth` file) and
nothing else. backdev is not importable there, so those runs prove the `ac` plugin
works from the copy the runner puts under `.backdev/plugin/`; it also leaves out
slow-to-import plugins, which keeps each run under a second. The runs that need
backdev importable (a second copy of the plugin loaded) use backdev's interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest

import backdev
from backdev.adapters.pytest_runner import PytestRunner
from backdev.adapters.pytest_runner.command import OUTPUT_ENV
from backdev.adapters.pytest_runner.plugin_source import install_plugin
from backdev.domain.changes import WORKTREE
from backdev.domain.evidence import TestEvidence as Evidence
from backdev.domain.evidence import TestLink as Link
from backdev.domain.evidence import TestResult as Result
from tests.gitrepo import GitRepo, isolate_git

_LINKED = ("pytest", "pluggy", "iniconfig", "packaging", "pygments", "coverage")

PYPROJECT = """[project]
name = "shop"
version = "0"

[tool.pytest.ini_options]
testpaths = ["tests"]
addopts = "--strict-markers"
filterwarnings = ["error"]

[tool.coverage.report]
exclude_also = ["if DEBUG:"]
"""
PRICING = """DEBUG = False


def price(amount, discount=0):
    if amount < 0:
        raise ValueError("negative amount")
    if discount:
        amount = amount - discount
    if DEBUG:
        print(amount)
    return amount


def never_called():  # pragma: no cover
    return 1


def total(items):
    return sum(
        price(item)
        for item in items
    )
"""
UNUSED = "def unused():\n    return 1\n"
PRICING_TESTS = """import pytest

from shop.pricing import price, total


@pytest.mark.ac("AC-1")
def test_price_without_discount():
    assert price(10) == 10


def test_ac_2_discount_applies():
    assert price(10, 3) == 7


def test_rejects_negative():
    \"\"\"The failure scenario of AC-3.\"\"\"
    with pytest.raises(ValueError):
        price(-1)


@pytest.mark.parametrize("amount", [1, 2])
def test_AC4_amounts(amount):
    assert price(amount) == 1


@pytest.mark.skip(reason="not yet")
def test_skipped():
    pass


@pytest.mark.xfail(reason="known bug")
def test_expected_failure():
    assert total([1]) == 2


@pytest.mark.xfail(reason="fixed already")
def test_unexpected_pass():
    assert total([1]) == 1


class TestTotals:
    def test_total(self):
        assert total([1, 2]) == 3


@pytest.fixture
def broken():
    yield
    raise RuntimeError("teardown broke")


def test_with_broken_teardown(broken):
    pass
"""
TESTS = "tests/test_pricing.py"
SIGNS = """def sign(x):
    if x < 0:
        return "negative"
    return "positive"


def connect():
    return "connection"


def close(connection):
    return connection.upper()
"""
SIGN_TESTS = """import pytest

from shop.signs import close, connect, sign


@pytest.fixture
def connection():
    opened = connect()
    yield opened
    close(opened)


@pytest.mark.parametrize("x", [-1, 1])
def test_sign(x):
    assert sign(x) in ("negative", "positive")


def test_uses_a_connection(connection):
    assert connection == "connection"


def test_without_a_connection():
    assert sign(0) == "positive"
"""
SIGN_TESTS_PATH = "tests/test_signs.py"


@pytest.fixture(scope="session")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An interpreter with pytest and coverage.py but without backdev."""
    return _venv(tmp_path_factory.mktemp("bare"), _LINKED)


@pytest.fixture(scope="session")
def backdev_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An interpreter where backdev is installed with its `pytest11` entry point.

    The entry point is declared by a small distribution of its own, so this holds
    whether or not backdev's installed metadata declares it yet.
    """
    where = tmp_path_factory.mktemp("with-backdev")
    package_parent = Path(backdev.__file__).resolve().parents[1]
    python = _venv(where, _LINKED, also=(package_parent,))
    info = where / "linked" / "backdev_entry_point-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: backdev-entry-point\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text(
        "[pytest11]\nbackdev = backdev.entrypoints.pytest_plugin\n", encoding="utf-8"
    )
    return python


@dataclass(frozen=True)
class SrcRun:
    """One whole-suite run of the src-layout project, and the tree around it."""

    repo: GitRepo
    evidence: Evidence
    status_before: str
    status_after: str


@pytest.fixture(scope="module")
def src_run(tmp_path_factory: pytest.TempPathFactory, bare_python: str) -> Iterator[SrcRun]:
    tmp = tmp_path_factory.mktemp("src-layout")
    with pytest.MonkeyPatch.context() as patch:
        isolate_git(tmp, patch)
        repo = GitRepo.init(tmp / "repo")
        repo.write("pyproject.toml", PYPROJECT)
        repo.write("src/shop/__init__.py", "")
        repo.write("src/shop/pricing.py", PRICING)
        repo.write(TESTS, PRICING_TESTS)
        repo.commit("base")
        repo.write("src/shop/unused.py", UNUSED)  # untracked, never imported
        before = repo.git("status", "--porcelain")
        evidence = PytestRunner(repo.root, python=bare_python).run(WORKTREE)
        yield SrcRun(repo, evidence, before, repo.git("status", "--porcelain"))


@pytest.fixture(scope="module")
def signs_run(tmp_path_factory: pytest.TempPathFactory, bare_python: str) -> Evidence:
    """One run of a suite with a parametrised test and a fixture that runs project code."""
    tmp = tmp_path_factory.mktemp("signs")
    with pytest.MonkeyPatch.context() as patch:
        isolate_git(tmp, patch)
        repo = GitRepo.init(tmp / "repo")
        repo.write("src/shop/__init__.py", "")
        repo.write("src/shop/signs.py", SIGNS)
        repo.write(SIGN_TESTS_PATH, SIGN_TESTS)
        repo.commit("signs")
        return PytestRunner(repo.root, python=bare_python).run(WORKTREE)


def test_outcomes_are_recorded_per_test_when_the_suite_mixes_every_ending(src_run: SrcRun) -> None:
    outcomes = {r.nodeid.removeprefix(f"{TESTS}::"): r.outcome for r in src_run.evidence.results}

    assert src_run.evidence.problem is None
    assert src_run.evidence.exit_code == 1
    assert outcomes == {
        "test_price_without_discount": "passed",
        "test_ac_2_discount_applies": "passed",
        "test_rejects_negative": "passed",
        "test_AC4_amounts[1]": "passed",
        "test_AC4_amounts[2]": "failed",
        "test_skipped": "skipped",
        "test_expected_failure": "xfailed",
        "test_unexpected_pass": "xpassed",
        "TestTotals::test_total": "passed",
        "test_with_broken_teardown": "error",
    }


def test_results_carry_path_def_line_and_message_when_tests_end_differently(
    src_run: SrcRun,
) -> None:
    marked = _result(src_run.evidence, "test_price_without_discount")
    failed = _result(src_run.evidence, "test_AC4_amounts[2]")
    broken = _result(src_run.evidence, "test_with_broken_teardown")
    skipped = _result(src_run.evidence, "test_skipped")

    assert (marked.path, marked.line) == (TESTS, _line(PRICING_TESTS, "def test_price_without"))
    assert failed.line == _line(PRICING_TESTS, "def test_AC4_amounts")
    assert failed.message == "assert 2 == 1"
    assert broken.message == "RuntimeError: teardown broke"
    assert skipped.message == "not yet"


def test_links_come_from_marker_name_and_docstring_when_tests_name_criteria(
    src_run: SrcRun,
) -> None:
    evidence = src_run.evidence

    assert _result(evidence, "test_price_without_discount").links == (Link("AC-1", "marker"),)
    assert _result(evidence, "test_ac_2_discount_applies").links == (Link("AC-2", "name"),)
    assert _result(evidence, "test_rejects_negative").links == (Link("AC-3", "docstring"),)
    assert [r.nodeid for r in evidence.for_criterion("AC-4")] == [
        f"{TESTS}::test_AC4_amounts[1]",
        f"{TESTS}::test_AC4_amounts[2]",
    ]
    assert _result(evidence, "TestTotals::test_total").links == ()


def test_coverage_holds_source_files_only_when_tests_and_sources_both_ran(src_run: SrcRun) -> None:
    assert set(src_run.evidence.coverage) == {
        "src/shop/__init__.py",
        "src/shop/pricing.py",
        "src/shop/unused.py",
    }
    unused = src_run.evidence.coverage["src/shop/unused.py"]
    assert (unused.statements, unused.executed) == (frozenset({1, 2}), frozenset())


def test_coverage_lines_and_branches_follow_coverage_py_when_a_file_has_exclusions(
    src_run: SrcRun,
) -> None:
    pricing = src_run.evidence.coverage["src/shop/pricing.py"]
    check = _line(PRICING, "    if amount < 0")
    raise_line = _line(PRICING, "        raise ValueError")
    total_return = _line(PRICING, "    return sum(")

    assert _line(PRICING, "    return 1") not in pricing.statements  # pragma: no cover
    assert _line(PRICING, "        print(amount)") not in pricing.statements  # exclude_also
    assert total_return in pricing.executed
    assert pricing.executed <= pricing.statements
    assert pricing.branches[check] == {raise_line, check + 2}
    assert {(check, raise_line), (check, check + 2)} <= pricing.taken


def test_coverage_contexts_name_the_tests_that_ran_a_line_when_contexts_are_recorded(
    src_run: SrcRun,
) -> None:
    contexts = src_run.evidence.coverage["src/shop/pricing.py"].contexts
    raise_line = _line(PRICING, "        raise ValueError")
    discount = _line(PRICING, "        amount = amount - discount")
    total_return = _line(PRICING, "    return sum(")

    assert contexts[raise_line] == {f"{TESTS}::test_rejects_negative"}
    assert contexts[discount] == {f"{TESTS}::test_ac_2_discount_applies"}
    amounts = {f"{TESTS}::test_AC4_amounts[1]", f"{TESTS}::test_AC4_amounts[2]"}
    assert amounts <= contexts[_line(PRICING, "    if amount < 0")]
    assert f"{TESTS}::TestTotals::test_total" in contexts[total_return]


def test_each_case_is_credited_with_its_own_lines_when_a_test_is_parametrised(
    signs_run: Evidence,
) -> None:
    contexts = signs_run.coverage["src/shop/signs.py"].contexts
    negative = f"{SIGN_TESTS_PATH}::test_sign[-1]"
    positive = f"{SIGN_TESTS_PATH}::test_sign[1]"

    assert signs_run.problem is None, signs_run.output
    assert contexts[_line(SIGNS, '        return "negative"')] == {negative}
    assert contexts[_line(SIGNS, '    return "positive"')] == {
        positive,
        f"{SIGN_TESTS_PATH}::test_without_a_connection",
    }
    assert {negative, positive} <= contexts[_line(SIGNS, "    if x < 0")]


def test_fixture_lines_are_credited_to_the_test_when_it_sets_the_fixture_up_and_down(
    signs_run: Evidence,
) -> None:
    contexts = signs_run.coverage["src/shop/signs.py"].contexts
    user = {f"{SIGN_TESTS_PATH}::test_uses_a_connection"}

    assert contexts[_line(SIGNS, '    return "connection"')] == user  # fixture setup
    assert contexts[_line(SIGNS, "    return connection.upper()")] == user  # fixture teardown
    # Lines run at import time (the `def` statements) belong to no test.
    assert _line(SIGNS, "def connect") not in contexts


def test_records_carry_no_context_when_plain_pytest_runs_without_coverage_measuring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bare_python: str
) -> None:
    repo = _repo(tmp_path, monkeypatch)
    repo.write("tests/test_ok.py", "def test_ok():\n    pass\n")
    plugin = install_plugin(tmp_path / "plugin")
    records = tmp_path / "records.jsonl"
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "plugin"), OUTPUT_ENV: str(records)}
    without_coverage = _venv(tmp_path / "no-coverage", _LINKED[:-1])

    # coverage.py importable but not measuring, then not importable at all.
    for python in (bare_python, without_coverage):
        subprocess.run(
            [python, "-m", "pytest", "-q", "-p", plugin, "-p", "no:cacheprovider"],
            cwd=repo.root,
            env=env,
            capture_output=True,
            check=True,
        )

    tests = [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
    assert [(r["nodeid"], r["outcome"], r["context"]) for r in tests if r["kind"] == "test"] == [
        ("tests/test_ok.py::test_ok", "passed", None),
        ("tests/test_ok.py::test_ok", "passed", None),
    ]


def test_user_tree_is_left_as_it_was_when_the_suite_ran_in_place(src_run: SrcRun) -> None:
    root = src_run.repo.root
    stray = [
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.name in ("__pycache__", ".pytest_cache", ".coverage") or p.suffix == ".pyc"
    ]

    assert src_run.status_after == src_run.status_before
    assert stray == []
    assert (root / ".backdev" / ".gitignore").read_text(encoding="utf-8") == "*\n"
    assert list((root / ".backdev" / "runs").iterdir()) == []


def test_only_selected_tests_run_when_a_selection_is_given(
    src_run: SrcRun, bare_python: str
) -> None:
    wanted = f"{TESTS}::test_ac_2_discount_applies"

    evidence = PytestRunner(src_run.repo.root, python=bare_python).run(WORKTREE, [wanted])

    assert [r.nodeid for r in evidence.results] == [wanted]
    assert evidence.problem is None


def test_flat_layout_with_pythonpath_runs_when_backdevs_entry_point_also_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backdev_python: str
) -> None:
    isolate_git(tmp_path, monkeypatch)
    repo = GitRepo.init(tmp_path / "flat")
    repo.write(
        "pytest.ini",
        "[pytest]\naddopts = --strict-markers -p no:cacheprovider\n"
        "pythonpath = tests/helpers\nmarkers =\n    slow: long tests\nfilterwarnings = error\n",
    )
    repo.write("setup.py", "print('not measured')\n")
    repo.write("shop/__init__.py", "")
    repo.write("shop/cart.py", "def add(cart, items):\n    return cart + items\n")
    repo.write("tests/helpers/builders.py", "def make_cart():\n    return []\n")
    repo.write(
        "tests/test_cart.py",
        "import pytest\nfrom builders import make_cart\nfrom shop.cart import add\n\n\n"
        '@pytest.mark.slow\n@pytest.mark.ac("AC-1")\ndef test_add():\n'
        "    assert add(make_cart(), [1]) == [1]\n",
    )
    repo.commit("flat")

    evidence = PytestRunner(repo.root, python=backdev_python).run(WORKTREE)

    assert evidence.problem is None, evidence.output
    assert "plugins: backdev-entry-point-0.1" in evidence.output  # both copies were loaded
    assert [(r.nodeid, r.outcome, r.links) for r in evidence.results] == [
        ("tests/test_cart.py::test_add", "passed", (Link("AC-1", "marker"),))
    ]
    assert set(evidence.coverage) == {"shop/__init__.py", "shop/cart.py"}
    assert evidence.coverage["shop/cart.py"].contexts[2] == {"tests/test_cart.py::test_add"}
    assert repo.git("status", "--porcelain") == ""


def test_collection_errors_are_a_problem_when_test_modules_cannot_be_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bare_python: str
) -> None:
    repo = _repo(tmp_path, monkeypatch)
    repo.write("tests/test_ok.py", "def test_ok():\n    pass\n")
    repo.write("tests/test_broken.py", "import missing_module\n")
    repo.write("tests/test_syntax.py", "def test_(:\n")

    evidence = PytestRunner(repo.root, python=bare_python).run(WORKTREE)

    assert evidence.problem is not None
    assert evidence.problem.startswith("the tests could not be collected (2 errors):")
    assert "tests/test_broken.py: ModuleNotFoundError: No module named 'missing_module'" in (
        evidence.problem
    )
    assert {(r.nodeid, r.outcome) for r in evidence.results} == {
        ("tests/test_broken.py", "error"),
        ("tests/test_syntax.py", "error"),
    }
    assert "missing_module" in evidence.output
    assert evidence.coverage == {}
    assert evidence.fix.startswith("fix the error in tests/test_broken.py")


def test_a_failing_suite_is_evidence_not_a_problem_when_it_collects(
    src_run: SrcRun,
) -> None:
    assert src_run.evidence.exit_code == 1
    assert src_run.evidence.problem is None
    assert "1 failed" in src_run.evidence.output


def test_no_tests_is_a_problem_when_nothing_is_collected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bare_python: str
) -> None:
    repo = _repo(tmp_path, monkeypatch)
    repo.write("tests/helpers.py", "VALUE = 1\n")

    evidence = PytestRunner(repo.root, python=bare_python).run(WORKTREE)

    assert (evidence.exit_code, evidence.problem) == (5, "no tests were collected")


def test_missing_tools_are_a_problem_when_the_interpreter_lacks_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, monkeypatch)
    repo.write("tests/test_ok.py", "def test_ok():\n    pass\n")
    repo.commit("tests")
    empty = _venv(tmp_path / "empty", ())
    coverage_only = _venv(tmp_path / "coverage-only", ("coverage",))

    no_coverage = PytestRunner(repo.root, python=empty).run(WORKTREE)
    no_pytest = PytestRunner(repo.root, python=coverage_only).run(WORKTREE)
    no_python = PytestRunner(repo.root, python="no/such/python").run(WORKTREE)

    assert no_coverage.problem == (
        f"coverage is not installed for {empty}: install it there (pip install coverage),"
        " or set [tool.backdev] python"
    )
    assert no_pytest.problem is not None
    assert no_pytest.problem.startswith(f"pytest is not installed for {coverage_only}")
    assert no_python.problem is not None
    assert no_python.problem.startswith("the project's Python interpreter could not be started")
    assert no_coverage.fix == (
        f"run `{empty} -m pip install coverage`, or set [tool.backdev] python"
    )
    assert no_pytest.fix.startswith(f"run `{coverage_only} -m pip install pytest`")
    assert no_python.fix.startswith("set [tool.backdev] python")
    assert repo.git("status", "--porcelain") == ""


def test_a_hanging_run_is_killed_with_its_children_when_the_timeout_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bare_python: str
) -> None:
    repo = _repo(tmp_path, monkeypatch)
    pid_file = tmp_path / "child.pid"
    repo.write(
        "tests/test_hang.py",
        "import subprocess, time\n\n\ndef test_hang():\n"
        "    child = subprocess.Popen(['sleep', '60'])\n"
        f"    open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "    time.sleep(60)\n",
    )

    evidence = PytestRunner(repo.root, python=bare_python, timeout=3).run(WORKTREE)

    assert evidence.problem == "the test run timed out after 3 s and was stopped"
    assert evidence.seconds < 30
    assert not _alive(int(pid_file.read_text(encoding="utf-8")))


def test_a_base_revision_runs_in_a_removed_worktree_when_an_overlay_adds_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bare_python: str
) -> None:
    repo = _repo(tmp_path, monkeypatch)
    repo.write("src/calc/__init__.py", "def double(x):\n    return x * 3\n")
    base = repo.commit("buggy base")
    repo.write("src/calc/__init__.py", "def double(x):\n    return x * 2\n")
    new_test = "from calc import double\n\n\ndef test_double():\n    assert double(2) == 4\n"
    repo.write("tests/test_double.py", new_test)
    status = repo.git("status", "--porcelain")
    runner = PytestRunner(repo.root, python=bare_python)

    on_base = runner.run(base, ["tests/test_double.py"], {"tests/test_double.py": new_test})
    on_head = runner.run(WORKTREE, ["tests/test_double.py"])

    assert [(r.nodeid, r.outcome) for r in on_base.results] == [
        ("tests/test_double.py::test_double", "failed")
    ]
    assert on_base.revision == base
    assert set(on_base.coverage) == {"src/calc/__init__.py"}
    assert [r.outcome for r in on_head.results] == ["passed"]
    assert repo.git("worktree", "list", "--porcelain").count("worktree ") == 1
    assert repo.git("status", "--porcelain") == status


def test_the_working_tree_is_copied_when_an_overlay_is_given_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bare_python: str
) -> None:
    repo = _repo(tmp_path, monkeypatch)
    repo.write("src/calc/__init__.py", "def double(x):\n    return x * 3\n")
    repo.write("tests/test_old.py", "def test_old():\n    pass\n")
    repo.commit("base")
    repo.write("src/calc/__init__.py", "def double(x):\n    return x * 2\n")  # uncommitted
    repo.delete("tests/test_old.py")
    new_test = "from calc import double\n\n\ndef test_new():\n    assert double(2) == 4\n"
    overlay = {"tests/test_new.py": new_test}
    status = repo.git("status", "--porcelain")

    evidence = PytestRunner(repo.root, python=bare_python).run(WORKTREE, overlay=overlay)

    assert [(r.nodeid, r.outcome) for r in evidence.results] == [
        ("tests/test_new.py::test_new", "passed")
    ]
    assert not (repo.root / "tests" / "test_new.py").exists()
    assert repo.git("status", "--porcelain") == status


def test_an_unknown_revision_is_a_problem_when_it_cannot_be_checked_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bare_python: str
) -> None:
    repo = _repo(tmp_path, monkeypatch)

    evidence = PytestRunner(repo.root, python=bare_python).run("0" * 40)

    assert evidence.problem is not None
    assert evidence.problem.startswith(f"cannot check out {'0' * 40} into a temporary worktree")


def test_the_bare_interpreter_cannot_import_backdev_when_used_as_the_project_venv(
    bare_python: str,
) -> None:
    done = subprocess.run(
        [bare_python, "-c", "import pytest, coverage\nimport backdev"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 1
    assert "No module named 'backdev'" in done.stderr


# --- helpers ------------------------------------------------------------------------


def _venv(where: Path, distributions: tuple[str, ...], also: tuple[Path, ...] = ()) -> str:
    """A virtual environment that sees only `distributions`, linked from backdev's own.

    `also` are more directories to put on its path (e.g. backdev's source).
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    linked = where / "linked"
    linked.mkdir()
    for name in distributions:
        dist = metadata.distribution(name)
        tops = {Path(str(f)).parts[0] for f in dist.files or () if not str(f).startswith("..")}
        for top in tops:
            source = Path(str(dist.locate_file(top)))
            if source.exists() and not (linked / top).exists():
                (linked / top).symlink_to(source)
    python = where / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    lines = [str(linked), *(str(path) for path in also)]
    Path(site, "linked.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(python)


def _repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    isolate_git(tmp_path, monkeypatch)
    repo = GitRepo.init(tmp_path / "repo")
    repo.commit("empty start")
    return repo


def _result(evidence: Evidence, name: str) -> Result:
    found = evidence.result(f"{TESTS}::{name}")
    assert found is not None, name
    return found


def _line(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state
