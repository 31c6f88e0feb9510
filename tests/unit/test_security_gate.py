"""The security gate with a fake pattern scanner: which hits become findings, and how."""

from __future__ import annotations

from collections.abc import Mapping

from backdev.adapters.ruff_patterns import BANDIT_RULES
from backdev.application.ports import PatternHit
from backdev.gates.security import IGNORED_CODES, SecurityGate, rule_name
from tests.fakes.check import FakePatternScanner, changed_file, make_context

SOURCE = (
    "import db\n\ndef find(cur, name):\n    cur.execute('SELECT * FROM t WHERE n = %s' % name)\n"
)
SQL = PatternHit("S608", "src/app/q.py", 4, "Possible SQL injection", "medium", 89)


def _scanner(*hits: PatternHit) -> FakePatternScanner:
    return FakePatternScanner(list(hits))


def test_reports_insecure_pattern_when_the_change_adds_it() -> None:
    context = make_context({"src/app/q.py": SOURCE}, patterns=_scanner(SQL))

    result = SecurityGate().run(context)

    assert result.status == "fail"
    (finding,) = result.findings
    assert finding.rule == "security/s608-sql-string"
    assert (finding.severity, finding.path, finding.line, finding.cwe) == (
        "error",
        "src/app/q.py",
        4,
        89,
    )
    assert finding.evidence == "cur.execute('SELECT * FROM t WHERE n = %s' % name)"
    assert "Possible SQL injection" in finding.message
    assert finding.fix.startswith("pass values as query parameters")


def test_passes_when_the_hit_is_on_a_line_the_change_did_not_add() -> None:
    changed = [changed_file("src/app/q.py", added=[1])]
    context = make_context(
        {"src/app/q.py": SOURCE},
        changed=changed,
        base_files={"src/app/q.py": SOURCE},
        patterns=_scanner(SQL),
    )

    result = SecurityGate().run(context)

    assert (result.status, result.findings) == ("pass", ())
    assert "1 Python file" in result.summary


def test_drops_low_severity_hits_when_the_default_threshold_applies() -> None:
    weak_random = PatternHit("S311", "src/app/q.py", 4, "random", "low", 330)
    context = make_context({"src/app/q.py": SOURCE}, patterns=_scanner(weak_random))

    assert SecurityGate().run(context).status == "pass"


def test_reports_low_severity_hits_when_the_severity_option_is_low() -> None:
    weak_random = PatternHit("S311", "src/app/q.py", 4, "random", "low", 330)
    context = make_context(
        {"src/app/q.py": SOURCE}, patterns=_scanner(weak_random), options={"severity": "low"}
    )

    (finding,) = SecurityGate().run(context).findings

    assert (finding.rule, finding.severity) == ("security/s311-weak-random", "error")


def test_drops_medium_hits_when_the_severity_option_is_high() -> None:
    verify = PatternHit("S501", "src/app/q.py", 3, "verify=False", "high", 295)
    context = make_context(
        {"src/app/q.py": SOURCE}, patterns=_scanner(SQL, verify), options={"severity": "high"}
    )

    (finding,) = SecurityGate().run(context).findings

    assert (finding.rule, finding.line) == ("security/s501-verify-false", 3)


def test_never_reports_asserts_or_hard_coded_passwords_when_the_scanner_finds_them() -> None:
    hits = [PatternHit(code, "src/app/q.py", 4, "x", "high", 1) for code in sorted(IGNORED_CODES)]
    context = make_context({"src/app/q.py": SOURCE}, patterns=_scanner(*hits))

    assert SecurityGate().run(context).status == "pass"


def test_skips_when_only_test_files_changed() -> None:
    hit = PatternHit("S608", "tests/test_q.py", 1, "sql", "medium", 89)
    context = make_context({"tests/test_q.py": "x = 1\n"}, patterns=_scanner(hit))

    result = SecurityGate().run(context)

    assert result.status == "skip"
    assert "test files are not scanned" in result.summary


def test_skips_when_no_python_file_changed() -> None:
    context = make_context({"README.md": "# hi\n", "src/app/data.json": "{}\n"})

    assert SecurityGate().run(context).status == "skip"


def test_does_not_scan_generated_files_when_they_are_excluded() -> None:
    hit = PatternHit("S608", "src/app/migrations/0001_initial.py", 1, "sql", "medium", 89)
    context = make_context(
        {"src/app/migrations/0001_initial.py": "x = 1\n"}, patterns=_scanner(hit)
    )

    assert SecurityGate().run(context).status == "skip"


class _UnavailableScanner(FakePatternScanner):
    """A scanner that could not run: one hit for no path, whatever it is asked."""

    def scan(self, files: Mapping[str, str]) -> list[PatternHit]:
        return [PatternHit("scanner-unavailable", "", 0, "ruff could not run: boom", "error")]


def test_reports_an_error_when_the_scanner_cannot_run() -> None:
    context = make_context({"src/app/q.py": SOURCE}, patterns=_UnavailableScanner())

    result = SecurityGate().run(context)

    (finding,) = result.findings
    assert result.status == "fail"
    assert (finding.rule, finding.path, finding.line) == ("security/scanner-unavailable", "", 0)
    assert "boom" in finding.message


def test_warns_when_a_changed_file_cannot_be_parsed() -> None:
    broken = PatternHit("syntax-error", "src/app/q.py", 3, "Expected `)`", "error")
    context = make_context({"src/app/q.py": SOURCE}, patterns=_scanner(broken))

    result = SecurityGate().run(context)

    (finding,) = result.findings
    assert result.status == "warn"
    assert (finding.rule, finding.severity, finding.line) == (
        "security/unparsable-file",
        "warning",
        3,
    )


def test_names_every_reported_rule_when_the_code_is_in_bandits_table() -> None:
    for code in BANDIT_RULES:
        if code not in IGNORED_CODES:
            name = rule_name(code)
            assert name.startswith(f"security/{code.lower()}-"), name
            assert name == name.lower()
