"""`backdev check` on real git repositories: the security, size, scope and tests gates.

Every rule is exercised with a change that breaks it and, in the same or a sibling
change, a negative control that must not fire.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from backdev.entrypoints.cli import main

FEATURE = "docs/features/FEAT-1-reset.md"
FEATURE_TEXT = """---
id: FEAT-1
title: Password reset
status: validated
workflow: feature
scope: [src/accounts/**, tests/accounts/**]
---
## Requirements
- R1: A user can ask for a reset link.

## Acceptance Criteria
### AC-1: A link is sent
Given a registered user
When they ask for a reset
Then a link is sent
"""
TESTS = """def test_sends_link():
    assert send("a@b.c") == "sent"
    assert outbox() == 1


def test_rejects_unknown():
    assert send("nobody") is None
"""
SOURCE = "def send(email):\n    return 'sent'\n"


class Repo:
    """A throwaway git repository with a committed base."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=self.root, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def commit(self, files: dict[str, str]) -> str:
        for path, text in files.items():
            self.write(path, text)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "base")
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "t")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "t@example.com")
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    made = Repo(root)
    made.git("init", "-q", "-b", "main")
    return made


def check(capsys: pytest.CaptureFixture[str], gate: str, *extra: str) -> dict[str, Any]:
    """Run `backdev check --base HEAD` on the working tree; the one gate's JSON result."""
    code = main(["check", "--base", "HEAD", "--gates", gate, "--format", "json", *extra])
    report = json.loads(capsys.readouterr().out)
    (result,) = report["gates"]
    assert code == (1 if result["status"] == "fail" else 0)
    return dict(result)


def found(result: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [(f["rule"], f["path"], f["line"]) for f in result["findings"]]


# --- security -----------------------------------------------------------------------


def test_security_reports_sql_formatting_when_the_change_adds_it_beside_a_safe_query(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy = "def old(cur, x):\n    cur.execute('DELETE FROM t WHERE id = %s' % x)\n"
    repo.commit({"src/app/legacy.py": legacy, "src/app/q.py": "import requests\n"})
    repo.write("src/app/legacy.py", legacy + "\n\ndef noop():\n    return None\n")
    repo.write(
        "src/app/q.py",
        "import requests\n\n\ndef find(cur, name):\n"
        "    cur.execute('SELECT * FROM users WHERE name = %s', (name,))\n"
        "    cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n"
        "    return requests.get('https://example.com', timeout=5)\n",
    )

    result = check(capsys, "security")

    assert result["status"] == "fail"
    assert found(result) == [("security/s608-sql-string", "src/app/q.py", 6)]
    assert result["findings"][0]["cwe"] == 89


def test_security_reports_verify_false_when_added_but_not_in_test_files(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"src/app/__init__.py": ""})
    call = "import requests\n\n\ndef get(u):\n    return requests.get(u, verify=False, timeout=5)\n"
    repo.write("src/app/client.py", call)
    repo.write("tests/test_client.py", call)

    result = check(capsys, "security")

    assert found(result) == [("security/s501-verify-false", "src/app/client.py", 5)]
    assert result["findings"][0]["cwe"] == 295


# --- size ---------------------------------------------------------------------------


def test_size_fails_when_source_lines_exceed_the_budget(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"README.md": "# app\n"})
    repo.write("src/app/big.py", "".join(f"v{i} = {i}\n" for i in range(401)))

    result = check(capsys, "size")

    assert found(result) == [("size/too-many-lines", "", 0)]
    assert "401 changed lines" in result["findings"][0]["message"]


def test_size_passes_when_399_source_lines_come_with_many_test_and_doc_lines(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"README.md": "# app\n"})
    repo.write("src/app/big.py", "".join(f"v{i} = {i}\n" for i in range(399)))
    repo.write("tests/test_big.py", "".join(f"def test_{i}():\n    pass\n" for i in range(300)))
    repo.write("docs/guide.md", "line\n" * 500)

    result = check(capsys, "size")

    assert (result["status"], found(result)) == ("pass", [])


def test_size_uses_the_configured_budget_when_pyproject_sets_max_files(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"pyproject.toml": "[tool.backdev.gates.size]\nmax_files = 2\n"})
    for name in ("a", "b", "c"):
        repo.write(f"src/app/{name}.py", "x = 1\n")

    result = check(capsys, "size")

    assert found(result) == [("size/too-many-files", "", 0)]


def test_size_warns_when_untouched_code_is_only_reformatted(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = "def total(items):\n    return sum([i.price for i in items], 0)\n\n\nNAMES = {'a': 1}\n"
    repo.commit({"src/app/fmt.py": base, "src/app/real.py": base})
    repo.write(
        "src/app/fmt.py",
        "def total(items):\n    return sum(\n        [i.price for i in items],\n        0,\n"
        '    )\n\n\nNAMES = {"a": 1}\n',
    )
    repo.write("src/app/real.py", base.replace("i.price", "i.cost"))

    result = check(capsys, "size")

    assert result["status"] == "warn"
    assert found(result) == [("size/formatting-churn", "src/app/fmt.py", 2)]


# --- scope --------------------------------------------------------------------------


def test_scope_fails_when_a_file_lies_outside_the_feature_scope(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({FEATURE: FEATURE_TEXT, "src/accounts/reset.py": SOURCE})
    repo.write("src/accounts/reset.py", SOURCE + "\n\ndef other():\n    return 2\n")
    repo.write("src/billing/pay.py", "x = 1\n")
    repo.write("docs/notes.md", "why\n")

    result = check(capsys, "scope", "--feature", FEATURE)

    assert found(result) == [("scope/outside-scope", "src/billing/pay.py", 0)]


def test_scope_passes_when_the_change_stays_in_scope_or_touches_docs_only(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({FEATURE: FEATURE_TEXT, "src/accounts/reset.py": SOURCE})
    repo.write("src/accounts/reset.py", SOURCE + "\n\ndef other():\n    return 2\n")
    repo.write("tests/accounts/test_reset.py", TESTS)
    repo.write("pyproject.toml", "[project]\nname = 'app'\n")

    assert check(capsys, "scope", "--feature", FEATURE)["status"] == "pass"
    repo.git("checkout", "-q", "--", ".")
    repo.git("clean", "-qfd")
    repo.write("docs/guide.md", "# Guide\n")
    assert check(capsys, "scope", "--feature", FEATURE)["status"] == "pass"


def test_scope_fails_when_code_comes_with_an_edit_of_the_acceptance_criteria(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({FEATURE: FEATURE_TEXT, "src/accounts/reset.py": SOURCE})
    repo.write(FEATURE, FEATURE_TEXT.replace("Then a link is sent", "Then a link is sent fast"))
    repo.write("src/accounts/reset.py", SOURCE + "\n\ndef other():\n    return 2\n")

    result = check(capsys, "scope", "--feature", FEATURE)

    assert found(result) == [("scope/spec-edited", FEATURE, 15)]


def test_scope_passes_when_only_the_spec_or_only_the_feature_status_changes(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({FEATURE: FEATURE_TEXT, "src/accounts/reset.py": SOURCE})
    repo.write(FEATURE, FEATURE_TEXT.replace("Then a link is sent", "Then a link is sent fast"))

    spec_only = check(capsys, "scope", "--feature", FEATURE)

    assert spec_only["status"] == "pass"
    assert "spec change" in spec_only["summary"]
    repo.write(FEATURE, FEATURE_TEXT.replace("status: validated", "status: in-progress"))
    repo.write("src/accounts/reset.py", SOURCE + "\n\ndef other():\n    return 2\n")
    assert check(capsys, "scope", "--feature", FEATURE)["status"] == "pass"


# --- tests --------------------------------------------------------------------------


def test_tests_gate_reports_removal_not_renaming_when_tests_disappear(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"tests/test_a.py": TESTS, "tests/test_b.py": TESTS})
    repo.write("tests/test_a.py", TESTS.split("\n\n\ndef test_rejects_unknown", maxsplit=1)[0])
    repo.write("tests/test_b.py", TESTS.replace("test_rejects_unknown", "test_unknown_is_refused"))

    result = check(capsys, "tests")

    assert found(result) == [("tests/test-removed", "tests/test_a.py", 0)]
    assert "test_rejects_unknown" in result["findings"][0]["message"]


def test_tests_gate_passes_when_a_test_file_is_moved_with_git_mv(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"tests/test_a.py": TESTS})
    (repo.root / "tests" / "accounts").mkdir()
    repo.git("mv", "tests/test_a.py", "tests/accounts/test_a.py")

    assert check(capsys, "tests")["status"] == "pass"


def test_tests_gate_reports_skip_and_xfail_when_markers_are_added_beside_a_new_test(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"tests/test_a.py": "import pytest\n\n\n" + TESTS})
    head = "import pytest\n\n\n" + TESTS.replace(
        "def test_sends_link", "@pytest.mark.skip(reason='flaky')\ndef test_sends_link"
    ).replace("def test_rejects_unknown", "@pytest.mark.xfail\ndef test_rejects_unknown")
    repo.write("tests/test_a.py", head + "\n\ndef test_new():\n    assert send('x') == 'sent'\n")

    result = check(capsys, "tests")

    assert found(result) == [
        ("tests/test-skipped", "tests/test_a.py", 4),
        ("tests/xfail-added", "tests/test_a.py", 10),
    ]


def test_tests_gate_reports_the_weakened_test_when_another_one_is_strengthened(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"tests/test_a.py": TESTS})
    repo.write(
        "tests/test_a.py",
        TESTS.replace("    assert outbox() == 1\n", "    outbox()\n").replace(
            '    assert send("nobody") is None\n',
            '    assert send("nobody") is None\n    assert outbox() == 0\n',
        ),
    )

    result = check(capsys, "tests")

    assert found(result) == [("tests/test-weakened", "tests/test_a.py", 3)]


def test_tests_gate_reports_missing_tests_when_logic_changes_without_tests(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"src/app/mail.py": SOURCE, "src/app/docs.py": SOURCE})
    repo.write("src/app/mail.py", SOURCE.replace("'sent'", "'queued'"))
    repo.write(
        "src/app/docs.py", '"""Mail."""\n\n\n' + SOURCE.replace(":\n", ':\n    """Send."""\n')
    )

    result = check(capsys, "tests")

    assert found(result) == [("tests/missing-tests", "src/app/mail.py", 0)]
    assert "`send`" in result["findings"][0]["message"]


def test_tests_gate_passes_when_a_source_change_comes_with_a_test_change(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"src/app/mail.py": SOURCE, "tests/test_mail.py": TESTS})
    repo.write("src/app/mail.py", SOURCE.replace("'sent'", "'queued'"))
    repo.write("tests/test_mail.py", TESTS.replace('== "sent"', '== "queued"'))

    assert check(capsys, "tests")["status"] == "pass"


def test_security_and_tests_warn_when_a_changed_file_cannot_be_parsed(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"src/app/ok.py": SOURCE, "tests/test_ok.py": TESTS})
    repo.write("src/app/ok.py", SOURCE + "\n\ndef broken(:\n    pass\n")
    repo.write("tests/test_ok.py", TESTS + "\n\ndef test_broken(:\n    pass\n")

    code = main(["check", "--base", "HEAD", "--gates", "security,tests", "--format", "json"])

    gates = {g["id"]: g for g in json.loads(capsys.readouterr().out)["gates"]}
    assert code == 0
    assert found(gates["security"]) == [("security/unparsable-file", "src/app/ok.py", 5)]
    # The test file changed, so missing-tests has no need to parse the source file.
    assert found(gates["tests"]) == [("tests/unparsable-file", "tests/test_ok.py", 0)]
    assert {g["status"] for g in gates.values()} == {"warn"}


def test_scope_judges_a_committed_range_when_the_feature_comes_from_a_trailer(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({FEATURE: FEATURE_TEXT, "src/accounts/reset.py": SOURCE})
    repo.write("src/billing/pay.py", "x = 1\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Pay\n\nFeature: FEAT-1")
    head = repo.git("rev-parse", "HEAD")

    args = ["check", "--base", base, "--head", head, "--gates", "scope", "--format", "json"]
    code = main(args)

    (result,) = json.loads(capsys.readouterr().out)["gates"]
    assert code == 1
    assert found(result) == [("scope/outside-scope", "src/billing/pay.py", 0)]


def test_tests_gate_allows_a_removal_when_the_feature_lists_it_under_test_changes(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    allowed = (
        FEATURE_TEXT
        + "\n## Test Changes\n- `test_rejects_unknown`: unknown emails now get a link.\n"
    )
    repo.commit({FEATURE: allowed, "tests/accounts/test_a.py": TESTS, "tests/test_b.py": TESTS})
    without = TESTS.split("\n\n\ndef test_rejects_unknown", maxsplit=1)[0]
    repo.write("tests/accounts/test_a.py", without)

    assert check(capsys, "tests", "--feature", FEATURE)["status"] == "pass"
    unknown_only = "def test_rejects_unknown" + TESTS.split("def test_rejects_unknown")[1]
    repo.write("tests/test_b.py", unknown_only)
    result = check(capsys, "tests", "--feature", FEATURE)
    assert found(result) == [("tests/test-removed", "tests/test_b.py", 0)]
    assert "test_sends_link" in result["findings"][0]["message"]
