"""The coverage gate with fakes: changed lines, failure paths and branch arms under the tests."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from backdev.application.gates import GateContext, GateOptions
from backdev.application.python_syntax import SyntaxTrees
from backdev.domain.changes import WORKTREE, ChangedFile
from backdev.domain.evidence import FileCoverage
from backdev.domain.evidence import TestEvidence as Evidence
from backdev.domain.findings import GateResult
from backdev.gates.coverage import CoverageGate
from backdev.gates.coverage.branches import arm_name
from backdev.gates.coverage.lines import line_ranges
from backdev.gates.coverage.statements import map_statements
from backdev.gates.coverage.syntax import Branching
from tests.fakes.check import FakeTestRunner, changed_file, make_context

PATH = "src/app/parse.py"
SOURCE = (
    "def parse(value):\n"  # 1
    "    # strip first\n"  # 2
    "    text = value.strip()\n"  # 3
    "    if not text:\n"  # 4
    "        raise ValueError('empty')\n"  # 5
    "    try:\n"  # 6
    "        return int(text)\n"  # 7
    "    except TypeError:\n"  # 8
    "        return None\n"  # 9
)
STATEMENTS = frozenset({1, 3, 4, 5, 6, 7, 8, 9})
BRANCHES = {4: frozenset({5, 6})}


def _coverage(
    executed: Iterable[int],
    *,
    path: str = PATH,
    statements: frozenset[int] = STATEMENTS,
    branches: Mapping[int, frozenset[int]] | None = None,
    taken: Sequence[tuple[int, int]] = (),
) -> FileCoverage:
    return FileCoverage(
        path,
        statements,
        frozenset(executed),
        MappingProxyType(dict(BRANCHES if branches is None else branches)),
        frozenset(taken),
    )


def _context(
    files: Mapping[str, str],
    coverage: Sequence[FileCoverage] = (),
    *,
    changed: Sequence[ChangedFile] | None = None,
    options: GateOptions | None = None,
    problem: str | None = None,
) -> GateContext:
    evidence = Evidence(
        WORKTREE,
        ("pytest",),
        1 if problem else 0,
        coverage=MappingProxyType({c.path: c for c in coverage}),
        problem=problem,
        output="E   ModuleNotFoundError: No module named 'app'\n" if problem else "",
    )
    return make_context(
        files,
        changed=changed,
        options=options,
        tests=FakeTestRunner({WORKTREE: evidence}),
    )


def _run(context: GateContext) -> GateResult:
    return CoverageGate().run(context)


def _rules(result: GateResult) -> list[tuple[str, int]]:
    return [(f.rule, f.line) for f in result.findings]


def test_passes_when_every_added_line_path_and_arm_ran() -> None:
    taken = [(4, 5), (4, 6)]
    context = _context({PATH: SOURCE}, [_coverage(STATEMENTS, taken=taken)])

    result = _run(context)

    assert (result.status, result.findings) == ("pass", ())
    assert "100% of 8 changed executable lines in 1 file covered, minimum 90%" in result.summary


def test_skips_without_running_tests_when_only_test_files_changed() -> None:
    runner = FakeTestRunner()
    context = make_context({"tests/test_parse.py": "def test_x():\n    assert 1\n"}, tests=runner)

    result = _run(context)

    assert result.status == "skip"
    assert result.summary == "no added lines in non-test Python source files"
    assert runner.runs == []


def test_skips_when_no_test_runner_is_wired() -> None:
    result = _run(make_context({PATH: SOURCE}))

    assert result.status == "skip"
    assert "no test runner is wired" in result.summary


def test_fails_with_the_output_tail_when_the_tests_produce_no_evidence() -> None:
    context = _context({PATH: SOURCE}, problem="the tests could not be collected")

    (finding,) = _run(context).findings

    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "coverage/no-evidence",
        "error",
        "",
        0,
    )
    assert "the tests could not be collected" in finding.message
    assert "ModuleNotFoundError" in finding.evidence


def test_fails_at_the_first_uncovered_line_when_below_the_minimum() -> None:
    # lines 3 and 4 are uncovered; the comment on line 2 does not break the range 1-4
    executed = [5, 6, 7, 8, 9]
    context = _context({PATH: SOURCE}, [_coverage(executed, taken=[(4, 5), (4, 6)])])

    result = _run(context)

    (finding,) = [f for f in result.findings if f.rule == "coverage/uncovered-lines"]
    assert result.status == "fail"
    assert (finding.severity, finding.path, finding.line) == ("error", PATH, 1)
    assert finding.evidence == "1-4"
    assert "62.5% of its 8 changed executable lines" in finding.message
    assert "below the minimum of 90%" in finding.message
    assert finding.fix == "add tests that execute lines 1-4, or remove the code nothing needs"


def test_passes_when_uncovered_lines_stay_within_the_configured_minimum() -> None:
    executed = [1, 3, 4, 5, 6, 7]  # 8 and 9 (the except block) never ran: 75%
    context = _context(
        {PATH: SOURCE}, [_coverage(executed, taken=[(4, 5), (4, 6)])], options={"min": 70}
    )

    result = _run(context)

    assert _rules(result) == [("coverage/untested-except", 8)]
    assert "75% of 8 changed executable lines" in result.summary
    assert "minimum 70%" in result.summary


def test_counts_only_added_lines_when_old_lines_are_uncovered() -> None:
    changed = [changed_file(PATH, added=[3])]
    context = _context({PATH: SOURCE}, [_coverage([3])], changed=changed)

    result = _run(context)

    assert result.status == "pass"
    assert "100% of 1 changed executable line in 1 file" in result.summary


def test_skips_without_running_tests_when_the_added_lines_are_comments_and_docstrings() -> None:
    source = '"""Module."""\n' + SOURCE
    runner = FakeTestRunner()
    changed = [changed_file(PATH, added=[1, 3])]
    context = make_context({PATH: source}, changed=changed, tests=runner)

    result = _run(context)

    assert result.status == "skip"
    assert "adds no executable source line" in result.summary
    assert runner.runs == []


def test_counts_the_statement_when_a_continuation_line_of_it_changes() -> None:
    source = "def f(x):\n    y = max(\n        x,\n        2,\n    )\n    return y\n"
    changed = [changed_file("src/app/f.py", added=[4])]
    coverage = _coverage([], path="src/app/f.py", statements=frozenset({1, 2, 6}), branches={})

    result = _run(_context({"src/app/f.py": source}, [coverage], changed=changed))

    (finding,) = result.findings
    assert (finding.rule, finding.line, finding.evidence) == ("coverage/uncovered-lines", 2, "2")


def test_judges_a_raise_when_only_its_message_line_changes() -> None:
    source = "def f(x):\n    if x:\n        raise ValueError(\n            'bad x'\n        )\n"
    changed = [changed_file("src/app/f.py", added=[4])]
    coverage = _coverage(
        [1, 2],
        path="src/app/f.py",
        statements=frozenset({1, 2, 3}),
        branches={2: frozenset({3, -1})},
        taken=[(2, -1)],
    )

    result = _run(
        _context({"src/app/f.py": source}, [coverage], changed=changed, options={"min": 0})
    )

    assert _rules(result) == [("coverage/untested-raise", 3)]


def test_fails_when_the_run_recorded_no_coverage_data_at_all() -> None:
    (finding,) = _run(_context({PATH: SOURCE}, [])).findings

    assert (finding.rule, finding.severity) == ("coverage/no-evidence", "error")
    assert "recorded no coverage data" in finding.message


def test_ignores_a_raise_when_coverage_excludes_it_by_pragma() -> None:
    source = SOURCE.replace("raise ValueError('empty')", "raise ValueError()  # pragma: no cover")
    statements = STATEMENTS - {5}
    coverage = _coverage([1, 3, 4, 6, 7, 8, 9], statements=statements, branches={}, taken=[(4, 6)])

    result = _run(_context({PATH: source}, [coverage]))

    assert (result.status, result.findings) == ("pass", ())


def test_reports_an_untested_raise_at_its_line_when_no_test_raises_it() -> None:
    coverage = _coverage([1, 3, 4, 6, 7, 8, 9], taken=[(4, 6)])

    result = _run(_context({PATH: SOURCE}, [coverage], options={"min": 50}))

    raised = next(f for f in result.findings if f.rule == "coverage/untested-raise")
    assert (raised.severity, raised.line) == ("error", 5)
    assert raised.evidence == "raise ValueError('empty')"
    assert "pytest.raises" in raised.fix


def test_reports_one_finding_when_an_untested_except_block_reraises() -> None:
    source = SOURCE.replace("        return None\n", "        raise\n")
    coverage = _coverage([1, 3, 4, 5, 6, 7], taken=[(4, 5), (4, 6)])

    result = _run(_context({PATH: source}, [coverage], options={"min": 0}))

    assert _rules(result) == [("coverage/untested-except", 8)]
    assert result.findings[0].evidence == "except TypeError:"


def test_names_the_untaken_arm_at_the_branching_line_when_a_test_misses_it() -> None:
    coverage = _coverage([1, 3, 4, 6, 7, 8, 9, 5], taken=[(4, 6)])

    result = _run(_context({PATH: SOURCE}, [coverage]))

    (finding,) = result.findings
    assert (finding.rule, finding.line) == ("coverage/untaken-branch", 4)
    assert "true arm (line 5)" in finding.message
    assert finding.fix == "add a test that takes the true arm (line 5)"
    assert finding.evidence == "if not text:"


def test_judges_only_the_new_else_arm_when_an_else_is_added_to_an_old_if() -> None:
    source = "def f(x):\n    if x:\n        y = 1\n    else:\n        y = 2\n    return y\n"
    changed = [changed_file("src/app/f.py", added=[4, 5])]
    coverage = _coverage(
        [1, 2, 3, 6],
        path="src/app/f.py",
        statements=frozenset({1, 2, 3, 5, 6}),
        branches={2: frozenset({3, 5})},
        taken=[(2, 3)],
    )

    result = _run(_context({"src/app/f.py": source}, [coverage], changed=changed))

    branch = next(f for f in result.findings if f.rule == "coverage/untaken-branch")
    assert branch.line == 2
    assert "else arm (line 5)" in branch.message
    assert "true arm" not in branch.message


def test_ignores_old_arms_when_the_line_after_an_old_if_changes() -> None:
    source = "def f(x):\n    if x:\n        x = 1\n    return x\n"
    changed = [changed_file("src/app/f.py", added=[4])]
    coverage = _coverage(
        [1, 2, 4],
        path="src/app/f.py",
        statements=frozenset({1, 2, 3, 4}),
        branches={2: frozenset({3, 4})},
        taken=[(2, 4)],
    )

    result = _run(_context({"src/app/f.py": source}, [coverage], changed=changed))

    assert result.status == "pass"


def test_names_match_and_loop_arms_when_they_are_never_taken() -> None:
    source = (
        "def f(x):\n"  # 1
        "    match x:\n"  # 2
        "        case 0:\n"  # 3
        "            x = 1\n"  # 4
        "        case _:\n"  # 5
        "            x = 2\n"  # 6
        "    while x > 5:\n"  # 7
        "        x -= 1\n"  # 8
    )
    coverage = _coverage(
        [1, 2, 3, 5, 6, 7, 8],
        path="src/app/m.py",
        statements=frozenset(range(1, 9)),
        branches={3: frozenset({4, 5}), 7: frozenset({8, -1})},
        taken=[(3, 5), (7, 8)],
    )

    result = _run(_context({"src/app/m.py": source}, [coverage], options={"min": 0}))

    messages = {f.line: f.message for f in result.findings}
    assert sorted(messages) == [3, 7]
    assert "arm where this case matches (line 4)" in messages[3]
    assert "loop exit (exit)" in messages[7]


def test_ignores_a_branch_marked_no_branch() -> None:
    source = SOURCE.replace("if not text:", "if not text:  # pragma: no branch")
    coverage = _coverage([1, 3, 4, 5, 6, 7, 8, 9], taken=[(4, 5)])

    result = _run(_context({PATH: source}, [coverage]))

    assert result.status == "pass"


def test_warns_when_a_changed_source_file_was_not_measured() -> None:
    other = _coverage([1], path="src/app/other.py", statements=frozenset({1}), branches={})
    context = _context({"scripts/tool.py": '"""Doc."""\nprint(1)\n'}, [other])

    result = _run(context)

    (finding,) = result.findings
    assert result.status == "warn"
    assert result.summary == "1 warning (no changed executable line was measured)"
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "coverage/not-measured",
        "warning",
        "scripts/tool.py",
        0,
    )
    assert finding.evidence == "first changed statement at line 2"


def test_warns_when_a_measured_file_cannot_be_parsed() -> None:
    source = "def f(:\n    return 1\n"
    coverage = _coverage([1, 2], path="src/app/bad.py", statements=frozenset({1, 2}), branches={})

    result = _run(_context({"src/app/bad.py": source}, [coverage]))

    (finding,) = result.findings
    assert (finding.rule, finding.severity, finding.line) == ("coverage/unparsable", "warning", 1)


def test_groups_uncovered_lines_into_ranges_when_only_comments_lie_between() -> None:
    assert line_ranges([3, 4, 6, 9], [1, 3, 4, 6, 7, 9]) == "3-6, 9"
    assert line_ranges([5], [5]) == "5"


def test_names_elif_and_loop_else_arms_when_asked() -> None:
    elif_arm = Branching(4, "if", body=5, orelse=6, orelse_kind="elif")
    loop = Branching(9, "for", body=10, orelse=12, orelse_kind="else")

    assert arm_name(elif_arm, 6) == "false arm (to the elif at line 6)"
    assert arm_name(elif_arm, -1) == "false arm (exit)"
    assert arm_name(loop, 10) == "arm entering the loop body (line 10)"
    assert arm_name(loop, 12) == "loop exit into its else (line 12)"


def test_maps_header_and_continuation_lines_to_their_statement_but_not_comments() -> None:
    source = (
        "@decorate(\n"  # 1
        "    1)\n"  # 2
        "def f(x,\n"  # 3
        "      y):\n"  # 4
        '    """Doc."""\n'  # 5
        "    if (x and\n"  # 6
        "            y):\n"  # 7
        "        # why\n"  # 8
        "        return 1\n"  # 9
    )

    statements = map_statements(ast.parse(source))

    assert statements.touched([2, 4, 7, 8]) == frozenset({1, 3, 6, 8})
    assert statements.code == frozenset({1, 3, 6, 9})


def test_judges_the_arm_into_a_new_elif_when_an_old_if_gains_one() -> None:
    source = (
        "def f(x):\n    if x == 1:\n        y = 1\n    elif x == 2:\n        y = 2\n    return y\n"
    )
    changed = [changed_file("src/app/f.py", added=[4, 5])]
    coverage = _coverage(
        [1, 2, 3, 6],
        path="src/app/f.py",
        statements=frozenset({1, 2, 3, 4, 5, 6}),
        branches={2: frozenset({3, 4}), 4: frozenset({5, 6})},
        taken=[(2, 3)],
    )

    result = _run(
        _context({"src/app/f.py": source}, [coverage], changed=changed, options={"min": 0})
    )

    messages = {f.line: f.message for f in result.findings}
    assert sorted(messages) == [2, 4]
    assert "false arm (to the elif at line 4)" in messages[2]
    assert "true arm (line 5) or the false arm (line 6)" in messages[4]
    assert "never ran" in messages[4]


class _RecordingTrees(SyntaxTrees):
    """The check's shared parse, noting each text it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def parse(self, text: str) -> ast.Module:
        self.asked.append(text)
        return super().parse(text)


def test_reads_the_changed_module_through_the_checks_shared_parse() -> None:
    taken = [(4, 5), (4, 6)]
    trees = _RecordingTrees()
    context = replace(_context({PATH: SOURCE}, [_coverage(STATEMENTS, taken=taken)]), syntax=trees)
    shared = context.parse(SOURCE)  # another gate of the same check got there first

    result = _run(context)

    assert result.status == "pass"
    assert trees.asked == [SOURCE, SOURCE]
    assert context.parse(SOURCE) is shared
