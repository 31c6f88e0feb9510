"""The tests gate with fakes: removed, skipped, xfailed and weakened tests; missing tests."""

from __future__ import annotations

from backdev.application.gates import GateContext
from backdev.domain.features import Feature, FeatureSection, Workflow
from backdev.gates import tests as tests_gate
from backdev.gates.tests.allowance import Allowance
from tests.fakes.check import changed_file, make_context

TEST_PATH = "tests/test_reset.py"
BASE_TESTS = """import pytest


def test_sends_link():
    assert send("a@b.c") == "sent"
    assert outbox() == 1


def test_rejects_unknown():
    with pytest.raises(KeyError):
        send("nobody")
"""

WITHOUT_UNKNOWN = BASE_TESTS.split("\n\ndef test_rejects_unknown", maxsplit=1)[0] + "\n"


def _gate() -> tests_gate.TestsGate:
    return tests_gate.TestsGate()


def _feature(test_changes: str = "", workflow: Workflow = "feature") -> Feature:
    sections = (FeatureSection("Test Changes", test_changes, 20),) if test_changes else ()
    return Feature(
        path="docs/features/FEAT-1.md",
        format="markdown",
        id="FEAT-1",
        title="Reset",
        status="validated",
        workflow=workflow,
        scope=(),
        requirements=(),
        criteria=(),
        sections=sections,
    )


def _edited(
    head: str, base: str = BASE_TESTS, path: str = TEST_PATH, feature: Feature | None = None
) -> GateContext:
    """A context where `path` changed from `base` to `head`; lines compared by position."""
    old, new = base.splitlines(), head.splitlines()
    added = [n for n, line in enumerate(new, 1) if n > len(old) or old[n - 1] != line]
    removed = [n for n, line in enumerate(old, 1) if n > len(new) or new[n - 1] != line]
    changed = [changed_file(path, added=added, removed=removed)]
    return make_context({path: head}, changed=changed, base_files={path: base}, feature=feature)


def test_skips_when_no_python_file_changed() -> None:
    result = _gate().run(make_context({"README.md": "# hi\n"}))

    assert result.status == "skip"


def test_reports_a_removed_test_when_a_test_function_is_gone() -> None:
    head = WITHOUT_UNKNOWN

    result = _gate().run(_edited(head))

    (finding,) = result.findings
    assert result.status == "fail"
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "tests/test-removed",
        "error",
        TEST_PATH,
        0,
    )
    assert "test_rejects_unknown" in finding.message
    assert finding.evidence == "def test_rejects_unknown():"


def test_reports_one_finding_when_a_test_file_is_deleted() -> None:
    gone = changed_file(TEST_PATH, status="deleted", removed=range(1, 12))
    context = make_context(changed=[gone], base_files={TEST_PATH: BASE_TESTS})

    (finding,) = _gate().run(context).findings

    assert finding.rule == "tests/test-removed"
    assert "deleted with its 2 tests (test_sends_link, test_rejects_unknown)" in finding.message


def test_reports_one_finding_when_a_test_class_is_removed() -> None:
    base = (
        "class TestReset:\n    def test_a(self):\n        assert 1 == 1\n\n"
        "    def test_b(self):\n        assert 2 == 2\n\n\ndef test_c():\n    assert 3 == 3\n"
    )
    head = "def test_c():\n    assert 3 == 3\n"

    (finding,) = _gate().run(_edited(head, base)).findings

    assert "test class `TestReset` is removed with its 2 tests" in finding.message


def test_passes_when_a_test_is_renamed_with_its_body_intact() -> None:
    head = BASE_TESTS.replace("def test_rejects_unknown", "def test_unknown_email_is_rejected")

    result = _gate().run(_edited(head))

    assert (result.status, result.findings) == ("pass", ())


def test_passes_when_a_test_file_is_moved() -> None:
    moved = changed_file(
        "tests/accounts/test_reset.py", status="renamed", old_path=TEST_PATH, added=()
    )
    context = make_context(
        {"tests/accounts/test_reset.py": BASE_TESTS},
        changed=[moved],
        base_files={TEST_PATH: BASE_TESTS},
    )

    assert _gate().run(context).status == "pass"


def test_passes_when_a_test_moves_to_another_changed_test_file() -> None:
    head = WITHOUT_UNKNOWN
    other = (
        "import pytest\n\n\ndef test_rejects_unknown():\n"
        "    with pytest.raises(KeyError):\n        send('x')\n"
    )
    changed = [
        changed_file(TEST_PATH, added=(), removed=range(9, 12)),
        changed_file("tests/test_errors.py", other, status="added"),
    ]
    context = make_context(
        {TEST_PATH: head, "tests/test_errors.py": other},
        changed=changed,
        base_files={TEST_PATH: BASE_TESTS},
    )

    assert _gate().run(context).status == "pass"


def test_passes_when_the_feature_lists_the_removed_test_under_test_changes() -> None:
    head = WITHOUT_UNKNOWN
    feature = _feature("- `test_rejects_unknown`: unknown emails are now accepted (R3).")

    assert _gate().run(_edited(head, feature=feature)).status == "pass"


def test_reports_an_added_skip_marker_when_a_test_gets_skipped() -> None:
    head = BASE_TESTS.replace(
        "def test_sends_link", '@pytest.mark.skip(reason="flaky")\ndef test_sends_link'
    )

    result = _gate().run(_edited(head))

    (finding,) = result.findings
    assert (finding.rule, finding.line) == ("tests/test-skipped", 4)
    assert finding.evidence == '@pytest.mark.skip(reason="flaky")'
    assert "`test_sends_link`" in finding.message


def test_reports_skip_calls_when_a_test_skips_itself() -> None:
    head = BASE_TESTS.replace(
        '    assert send("a@b.c") == "sent"',
        '    pytest.skip("later")\n    assert send("a@b.c") == "sent"',
    )
    head += (
        "\n\nimport unittest\n\n\n@unittest.skipIf(True, 'no')\ndef test_new():\n    assert go()\n"
    )

    rules = [(f.rule, f.line) for f in _gate().run(_edited(head)).findings]

    assert rules == [("tests/test-skipped", 5), ("tests/test-skipped", 18)]


def test_reports_xfail_when_the_change_marks_a_test_expected_to_fail() -> None:
    head = BASE_TESTS.replace("def test_sends_link", "@pytest.mark.xfail\ndef test_sends_link")

    (finding,) = _gate().run(_edited(head)).findings

    assert (finding.rule, finding.line) == ("tests/xfail-added", 4)


def test_passes_when_an_existing_skip_marker_is_only_reformatted() -> None:
    base = BASE_TESTS.replace(
        "def test_sends_link", "@pytest.mark.skip(reason='x')\ndef test_sends_link"
    )
    head = base.replace("(reason='x')", '(reason="x")')

    assert _gate().run(_edited(head, base)).status == "pass"


def test_ignores_marker_names_when_they_are_only_in_comments_or_strings() -> None:
    head = BASE_TESTS.replace(
        "    assert outbox() == 1",
        '    # not pytest.mark.skip\n    assert outbox() == 1  # "pytest.skip("',
    )

    assert _gate().run(_edited(head)).status == "pass"


def test_reports_a_weakened_test_when_assertions_are_removed() -> None:
    head = BASE_TESTS.replace("    assert outbox() == 1\n", "    outbox()\n")

    (finding,) = _gate().run(_edited(head)).findings

    assert (finding.rule, finding.line) == ("tests/test-weakened", 6)
    assert "now makes 1 assertion, 2 at base" in finding.message


def test_reports_a_weakened_test_when_an_always_true_assert_is_added() -> None:
    head = BASE_TESTS.replace("    assert outbox() == 1\n", "    assert True\n")

    findings = _gate().run(_edited(head)).findings

    assert [(f.rule, f.line) for f in findings] == [("tests/test-weakened", 6)]
    assert "always true" in findings[0].message


def test_reports_a_weakened_test_when_a_broad_except_swallows_failures() -> None:
    head = BASE_TESTS.replace(
        '    assert send("a@b.c") == "sent"\n    assert outbox() == 1\n',
        '    try:\n        assert send("a@b.c") == "sent"\n        assert outbox() == 1\n'
        "    except Exception:\n        pass\n",
    )

    (finding,) = _gate().run(_edited(head)).findings

    assert (finding.rule, finding.line) == ("tests/test-weakened", 8)
    assert "catches every exception" in finding.message


def test_passes_when_a_broad_except_fails_the_test() -> None:
    head = BASE_TESTS.replace(
        '    assert send("a@b.c") == "sent"\n    assert outbox() == 1\n',
        '    try:\n        assert send("a@b.c") == "sent"\n        assert outbox() == 1\n'
        '    except Exception as exc:\n        pytest.fail(f"crashed: {exc}")\n',
    )

    assert _gate().run(_edited(head)).status == "pass"


def test_passes_when_assertions_move_into_an_asserting_helper() -> None:
    head = (
        BASE_TESTS.replace(
            '    assert send("a@b.c") == "sent"\n    assert outbox() == 1\n',
            '    check_sent(send("a@b.c"))\n    check_outbox()\n',
        )
        + "\n\ndef check_sent(result):\n    assert result == 'sent'\n"
        + "\n\ndef check_outbox():\n    assert outbox() == 1\n"
    )

    assert _gate().run(_edited(head)).status == "pass"


SOURCE = "def reset(email):\n    return send(email)\n\n\ndef other():\n    return 1\n"


def test_reports_missing_tests_when_logic_changes_without_any_test_change() -> None:
    head = SOURCE.replace("return send(email)", "return send(email.lower())")
    context = _edited(head, SOURCE, path="src/app/reset.py")

    result = _gate().run(context)

    (finding,) = result.findings
    assert (finding.rule, finding.path, finding.line) == (
        "tests/missing-tests",
        "src/app/reset.py",
        0,
    )
    assert "`reset`" in finding.message
    assert "`other`" not in finding.message


def test_passes_when_a_source_change_comes_with_a_test_change() -> None:
    head = SOURCE.replace("return send(email)", "return send(email.lower())")
    test = "def test_lower():\n    assert reset('A') == 'a'\n"
    context = make_context(
        {"src/app/reset.py": head, "tests/test_lower.py": test},
        changed=[
            changed_file("src/app/reset.py", added=[2], removed=[2]),
            changed_file("tests/test_lower.py", test, status="added"),
        ],
        base_files={"src/app/reset.py": SOURCE},
    )

    assert _gate().run(context).status == "pass"


def test_passes_when_only_docstrings_comments_and_annotations_change() -> None:
    head = (
        '"""Resetting."""\n\n\ndef reset(email: str) -> str:\n    """Send a link."""\n'
        "    return send(email)  # the link\n\n\ndef other() -> int:\n    return 1\n"
    )
    context = _edited(head, SOURCE, path="src/app/reset.py")

    assert _gate().run(context).status == "pass"


def test_passes_when_only_imports_and_stubs_are_added() -> None:
    head = (
        "import os\nfrom typing import Protocol\n\n__all__ = ['reset']\n"
        "\n\nclass Sender(Protocol):\n    def send(self, to: str) -> None: ...\n\n\n" + SOURCE
    )
    context = _edited(head, SOURCE, path="src/app/reset.py")

    assert _gate().run(context).status == "pass"


def test_names_module_level_code_when_a_module_constant_changes() -> None:
    context = _edited("LIMIT = 5\n", "LIMIT = 3\n", path="src/app/limits.py")

    (finding,) = _gate().run(context).findings

    assert "module-level code" in finding.message


def test_does_not_require_tests_when_the_feature_is_a_refactoring() -> None:
    head = SOURCE.replace("return send(email)", "return send(email.lower())")
    context = _edited(head, SOURCE, path="src/app/reset.py", feature=_feature(workflow="refactor"))

    assert _gate().run(context).status == "pass"


def test_warns_when_a_changed_test_file_cannot_be_parsed() -> None:
    head = BASE_TESTS + "\ndef test_broken(:\n    pass\n"

    (finding,) = _gate().run(_edited(head)).findings

    assert (finding.rule, finding.severity, finding.path) == (
        "tests/unparsable-file",
        "warning",
        TEST_PATH,
    )


def test_allows_tests_by_file_class_or_id_when_listed_under_test_changes() -> None:
    allowance = Allowance.of(
        _feature("Removed: tests/old/test_a.py, `TestLegacy`, tests/test_b.py::test_b.")
    )

    assert allowance.allows("tests/old/test_a.py")
    assert allowance.allows("tests/x.py", "TestLegacy::test_z")
    assert allowance.allows("tests/test_b.py", "test_b")
    assert not allowance.allows("tests/test_c.py", "test_c")
    assert not Allowance.of(None).allows("tests/old/test_a.py")


UNROLLED = (
    "def test_lower():\n    assert lower('A') == 'a'\n    assert lower('B') == 'b'\n"
    "    assert lower('C') == 'c'\n"
)


def test_passes_when_repeated_asserts_become_a_parametrized_test() -> None:
    head = (
        "import pytest\n\n\n@pytest.mark.parametrize(('raw', 'low'), [('A', 'a'), ('B', 'b'), "
        "('C', 'c')])\ndef test_lower(raw, low):\n    assert lower(raw) == low\n"
    )

    assert _gate().run(_edited(head, UNROLLED)).status == "pass"


def test_passes_when_repeated_asserts_become_a_loop_over_literal_cases() -> None:
    head = "def test_lower():\n    for raw in ['A', 'B', 'C']:\n        assert lower(raw) == raw\n"

    assert _gate().run(_edited(head, UNROLLED)).status == "pass"


def test_reports_a_weakened_test_when_a_parametrized_case_is_dropped() -> None:
    base = (
        "import pytest\n\n\n@pytest.mark.parametrize('n', [1, 2, 3])\n"
        "def test_n(n):\n    assert n\n"
    )
    head = base.replace("[1, 2, 3]", "[1, 2]")

    (finding,) = _gate().run(_edited(head, base)).findings

    assert (finding.rule, finding.line) == ("tests/test-weakened", 4)


def test_moved_functions_need_no_new_test_when_their_logic_is_unchanged() -> None:
    helper = "def shout(text):\n    if not text:\n        return ''\n    return text.upper()\n"
    context = make_context(
        {"src/app/cli.py": "from app.text import shout\n", "src/app/text.py": helper},
        changed=[
            changed_file("src/app/cli.py", added=[1], removed=[1, 2, 3, 4]),
            changed_file("src/app/text.py", helper, status="added"),
        ],
        base_files={"src/app/cli.py": helper},
    )

    result = tests_gate.TestsGate().run(context)

    assert [f.rule for f in result.findings] == []


def test_a_moved_function_that_was_also_edited_still_needs_a_test() -> None:
    helper = "def shout(text):\n    return text.upper()\n"
    edited = "def shout(text):\n    return text.upper() + '!'\n"
    context = make_context(
        {"src/app/cli.py": "from app.text import shout\n", "src/app/text.py": edited},
        changed=[
            changed_file("src/app/cli.py", added=[1], removed=[1, 2]),
            changed_file("src/app/text.py", edited, status="added"),
        ],
        base_files={"src/app/cli.py": helper},
    )

    result = tests_gate.TestsGate().run(context)

    assert [(f.rule, f.path) for f in result.findings] == [
        ("tests/missing-tests", "src/app/text.py")
    ]
