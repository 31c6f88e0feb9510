"""The size gate with fakes: line and file budgets, what counts, and formatting churn."""

from __future__ import annotations

from backdev.domain.changes import ChangedFile
from backdev.gates.size import SizeGate
from tests.fakes.check import changed_file, make_context


def _lines(n: int, prefix: str = "x") -> str:
    return "".join(f"{prefix}{i} = {i}\n" for i in range(n))


def test_passes_when_the_change_has_399_source_lines() -> None:
    context = make_context({"src/app/a.py": _lines(399)})

    result = SizeGate().run(context)

    assert (result.status, result.findings) == ("pass", ())
    assert "399 changed source lines in 1 file" in result.summary


def test_fails_when_the_change_exceeds_400_source_lines() -> None:
    files = {f"src/app/m{i}.py": _lines(60 + i) for i in range(7)}
    context = make_context(files)

    result = SizeGate().run(context)

    (finding,) = result.findings
    assert result.status == "fail"
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "size/too-many-lines",
        "error",
        "",
        0,
    )
    assert "441 changed lines" in finding.message
    assert "budget of 400" in finding.message
    assert "src/app/m6.py (66), src/app/m5.py (65)" in finding.message
    assert "src/app/m1.py" not in finding.message  # only the five biggest
    assert finding.fix.startswith("split the change into smaller steps")


def test_counts_removed_lines_when_files_are_modified_or_deleted() -> None:
    changed = [
        changed_file("src/app/a.py", added=range(1, 201), removed=range(1, 151)),
        changed_file("src/app/gone.py", status="deleted", removed=range(1, 61)),
    ]
    context = make_context(changed=changed)

    (finding,) = SizeGate().run(context).findings

    assert "410 changed lines" in finding.message


def test_ignores_tests_docs_and_generated_files_when_counting() -> None:
    files = {
        "tests/test_a.py": _lines(500),
        "docs/guide.txt": _lines(500),
        "README.md": _lines(500),
        "src/app/notes.rst": _lines(500),
        "src/app/migrations/0001_initial.py": _lines(500),
        "poetry.lock": _lines(500),
        "docs/adr/0001-x.md": _lines(500),
        "src/app/a.py": _lines(10),
    }

    result = SizeGate().run(make_context(files))

    assert result.status == "pass"
    assert "10 changed source lines in 1 file" in result.summary


def test_skips_when_only_tests_and_docs_changed() -> None:
    context = make_context({"tests/test_a.py": _lines(5), "README.md": "hi\n"})

    result = SizeGate().run(context)

    assert result.status == "skip"


def test_uses_the_configured_budget_when_max_lines_is_given() -> None:
    context = make_context({"src/app/a.py": _lines(51)}, options={"max_lines": 50})

    (finding,) = SizeGate().run(context).findings

    assert "budget of 50" in finding.message


def test_fails_when_the_change_touches_more_files_than_max_files() -> None:
    files = {f"src/app/m{i}.py": _lines(1) for i in range(4)}
    context = make_context(files, options={"max_files": 3})

    (finding,) = SizeGate().run(context).findings

    assert finding.rule == "size/too-many-files"
    assert "4 source files" in finding.message


def test_counts_binary_files_as_files_when_they_have_no_lines() -> None:
    binary = ChangedFile("src/app/logo.png", "added", binary=True)
    context = make_context(changed=[binary], options={"max_files": 1})

    result = SizeGate().run(context)

    assert result.status == "pass"
    assert "0 changed source lines in 1 file" in result.summary


def test_honours_the_gate_exclude_option_when_counting() -> None:
    files = {"src/vendor/big.py": _lines(900), "src/app/a.py": _lines(3)}
    context = make_context(files, options={"exclude": ["src/vendor/**"]})

    assert SizeGate().run(context).status == "pass"


BASE = "def total(items):\n    return sum(i.price for i in items)\n\n\nVALUE = {'a': 1, 'b': 2}\n"


def test_warns_when_a_file_is_only_reformatted() -> None:
    head = (
        "def total(items):\n    return sum(\n        i.price for i in items\n    )\n\n\n"
        'VALUE = {"a": 1, "b": 2,}\n'
    )
    changed = [changed_file("src/app/a.py", added=[2, 3, 4, 7], removed=[2, 5])]
    context = make_context(
        {"src/app/a.py": head}, changed=changed, base_files={"src/app/a.py": BASE}
    )

    result = SizeGate().run(context)

    (finding,) = result.findings
    assert result.status == "warn"
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "size/formatting-churn",
        "warning",
        "src/app/a.py",
        2,
    )
    assert "only reformat" in finding.message
    assert finding.evidence == "return sum("


def test_passes_when_a_reformatted_line_also_changes_behaviour() -> None:
    head = (
        "def total(items):\n    return sum(\n        i.cost for i in items\n    )\n\n\n"
        "VALUE = {'a': 1, 'b': 2}\n"
    )
    changed = [changed_file("src/app/a.py", added=[2, 3, 4], removed=[2])]
    context = make_context(
        {"src/app/a.py": head}, changed=changed, base_files={"src/app/a.py": BASE}
    )

    assert SizeGate().run(context).status == "pass"


def test_passes_when_a_comment_changes_and_nothing_else() -> None:
    base = "x = 1  # one\n"
    head = "x = 1  # the first\n"
    changed = [changed_file("src/app/a.py", added=[1], removed=[1])]
    context = make_context(
        {"src/app/a.py": head}, changed=changed, base_files={"src/app/a.py": base}
    )

    assert SizeGate().run(context).status == "pass"


def test_warns_when_a_real_change_carries_many_reformatted_lines() -> None:
    base = "".join(f"value_{i} = {{'k': {i}}}\n" for i in range(12)) + "LIMIT = 1\n"
    head = "".join(f'value_{i} = {{"k": {i}}}\n' for i in range(12)) + "LIMIT = 2\n"
    changed = [changed_file("src/app/a.py", added=range(1, 14), removed=range(1, 14))]
    context = make_context(
        {"src/app/a.py": head}, changed=changed, base_files={"src/app/a.py": base}
    )

    (finding,) = SizeGate().run(context).findings

    assert finding.rule == "size/formatting-churn"
    assert "does not otherwise touch" in finding.message


def test_passes_when_a_real_change_strips_a_few_trailing_spaces() -> None:
    base = "a = 1   \nb = 2\nc = 3\n"
    head = "a = 1\nb = 2\nc = 4\n"
    changed = [changed_file("src/app/a.py", added=[1, 3], removed=[1, 3])]
    context = make_context(
        {"src/app/a.py": head}, changed=changed, base_files={"src/app/a.py": base}
    )

    assert SizeGate().run(context).status == "pass"


def test_warns_when_a_non_python_file_changes_only_whitespace() -> None:
    base = "key: value\nother:   2\n"
    head = "key:   value\nother: 2\n"
    changed = [changed_file("config/app.yaml", added=[1, 2], removed=[1, 2])]
    context = make_context(
        {"config/app.yaml": head}, changed=changed, base_files={"config/app.yaml": base}
    )

    (finding,) = SizeGate().run(context).findings

    assert (finding.rule, finding.line) == ("size/formatting-churn", 1)


def test_passes_when_new_functions_arrive_with_their_blank_lines() -> None:
    base = "import os\n"
    functions = "".join(f"\n\ndef f{i}():\n    return {i}\n" for i in range(8))
    head = base + functions
    added = range(2, len(head.splitlines()) + 1)
    changed = [changed_file("src/app/a.py", added=added)]
    context = make_context(
        {"src/app/a.py": head}, changed=changed, base_files={"src/app/a.py": base}
    )

    assert SizeGate().run(context).status == "pass"


def test_passes_when_a_block_is_rewritten_and_short_lines_line_up_by_chance() -> None:
    base = "".join(f"    if a{i}:\n        go({i})\n    )\n    else:\n" for i in range(6))
    head = "".join(
        f"        if b{i} > 2:\n            stop({i})\n        )\n        else:\n" for i in range(6)
    )
    lines = range(1, len(head.splitlines()) + 1)
    changed = [changed_file("src/app/a.py", added=lines, removed=lines)]
    context = make_context(
        {"src/app/a.py": head}, changed=changed, base_files={"src/app/a.py": base}
    )

    assert SizeGate().run(context).status == "pass"


def test_moved_lines_are_not_counted_when_a_block_moves_between_modules() -> None:
    block = "".join(
        f"def handler_number_{n}(request_payload):\n"
        "    return process_the_payload(request_payload)\n"
        for n in range(150)
    )
    context = make_context(
        {"src/app/a.py": "", "src/app/b.py": block},
        changed=[
            changed_file("src/app/a.py", added=[], removed=range(1, 301)),
            changed_file("src/app/b.py", block, status="added"),
        ],
        base_files={"src/app/a.py": block},
    )

    result = SizeGate().run(context)

    assert result.status == "pass"
    assert (
        result.summary
        == "no findings (0 changed source lines in 2 files, 300 moved lines not counted)"
    )


def test_short_lines_do_not_count_as_moved_when_only_they_match() -> None:
    base = "".join("    return None\n" for _ in range(300))
    head = "".join("    else:\n" for _ in range(10)) + base
    context = make_context(
        {"src/app/a.py": "", "src/app/b.py": head},
        changed=[
            changed_file("src/app/a.py", added=[], removed=range(1, 301)),
            changed_file("src/app/b.py", head, status="added"),
        ],
        base_files={"src/app/a.py": base},
    )

    result = SizeGate().run(context)

    assert [f.rule for f in result.findings] == ["size/too-many-lines"]
