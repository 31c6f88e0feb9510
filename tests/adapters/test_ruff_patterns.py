"""RuffPatternScanner against the real ruff: codes, lines, bandit severities and CWEs."""

from __future__ import annotations

from pathlib import Path

import pytest

from backdev.adapters.ruff_patterns import (
    BANDIT_RULES,
    SCANNER_UNAVAILABLE,
    SYNTAX_ERROR,
    RuffPatternScanner,
)
from backdev.application.ports import PatternHit

INSECURE = """import pickle
import requests


def find(cur, name):
    cur.execute("SELECT * FROM users WHERE name = '%s'" % name)


def fetch(url):
    return requests.get(url, verify=False, timeout=5)


def load(blob):
    return pickle.loads(blob)
"""

SAFE = """import requests


def find(cur, name):
    cur.execute("SELECT * FROM users WHERE name = %s", (name,))


def fetch(url):
    return requests.get(url, timeout=5)
"""


def _codes(hits: list[PatternHit]) -> list[tuple[str, str, int, str, int | None]]:
    return sorted((h.code, h.path, h.line, h.severity, h.cwe) for h in hits)


def test_reports_bandit_severity_and_cwe_when_ruff_finds_insecure_patterns() -> None:
    hits = RuffPatternScanner().scan({"src/app/repo.py": INSECURE})

    assert _codes(hits) == [
        ("S301", "src/app/repo.py", 14, "medium", 502),
        ("S501", "src/app/repo.py", 10, "high", 295),
        ("S608", "src/app/repo.py", 6, "medium", 89),
    ]
    assert all(hit.message for hit in hits)


def test_reports_nothing_when_queries_are_parameterised_and_requests_have_timeouts() -> None:
    assert RuffPatternScanner().scan({"src/app/repo.py": SAFE}) == []


def test_keeps_each_files_path_when_many_files_are_scanned() -> None:
    files = {f"pkg{i}/sub/mod.py": INSECURE for i in range(3)} | {"top.py": SAFE}

    hits = RuffPatternScanner().scan(files)

    assert sorted({h.path for h in hits}) == [
        "pkg0/sub/mod.py",
        "pkg1/sub/mod.py",
        "pkg2/sub/mod.py",
    ]
    assert len(hits) == 9


def test_grades_shell_calls_like_bandit_when_the_command_is_a_literal() -> None:
    source = (
        "import subprocess\n\n\ndef run(cmd):\n"
        "    subprocess.run('ls -l', shell=True)\n    subprocess.run(cmd, shell=True)\n"
    )

    hits = [h for h in RuffPatternScanner().scan({"a.py": source}) if h.code == "S602"]

    assert [(h.line, h.severity) for h in hits] == [(5, "low"), (6, "high")]


def test_grades_chmod_high_when_the_mask_is_world_writable() -> None:
    source = "import os\n\nos.chmod('a', 0o777)\nos.chmod('b', 0o750)\n"

    hits = RuffPatternScanner().scan({"a.py": source})

    assert [(h.code, h.line, h.severity) for h in hits] == [
        ("S103", 3, "high"),
        ("S103", 4, "medium"),
    ]


def test_reports_one_syntax_error_when_a_file_cannot_be_parsed() -> None:
    hits = RuffPatternScanner().scan({"bad.py": "def f(:\n    pass\n", "ok.py": SAFE})

    assert [(h.code, h.path, h.line) for h in hits] == [(SYNTAX_ERROR, "bad.py", 1)]


def test_respects_noqa_comments_when_the_author_accepted_a_pattern() -> None:
    source = "import pickle\n\n\ndef load(b):\n    return pickle.loads(b)  # noqa: S301 - trusted\n"

    assert RuffPatternScanner().scan({"a.py": source}) == []


def test_ignores_the_users_ruff_configuration_when_scanning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "ruff"
    config.mkdir()
    (config / "ruff.toml").write_text('[lint]\nignore = ["S"]\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))

    hits = RuffPatternScanner().scan({"src/app/repo.py": INSECURE})

    assert len(hits) == 3


def test_reports_the_scanner_unavailable_when_ruff_cannot_run(tmp_path: Path) -> None:
    hits = RuffPatternScanner(python=str(tmp_path / "no-python")).scan({"a.py": INSECURE})

    assert [(h.code, h.path, h.line, h.severity) for h in hits] == [
        (SCANNER_UNAVAILABLE, "", 0, "error")
    ]
    assert "ruff could not run" in hits[0].message


def test_reports_the_scanner_unavailable_when_ruff_is_not_installed(tmp_path: Path) -> None:
    python = tmp_path / "python"
    python.write_text("#!/bin/sh\necho 'No module named ruff' >&2\nexit 1\n", encoding="utf-8")
    python.chmod(0o755)

    (hit,) = RuffPatternScanner(python=str(python)).scan({"a.py": INSECURE})

    assert hit.code == SCANNER_UNAVAILABLE
    assert hit.message == "ruff could not run: No module named ruff"


def test_scans_nothing_when_a_path_would_leave_the_scan_directory() -> None:
    assert RuffPatternScanner().scan({"../escape.py": INSECURE, "/abs.py": INSECURE}) == []


def test_maps_s_codes_to_bandit_ids_when_the_numbers_match() -> None:
    for code, (bandit, severity, cwe) in BANDIT_RULES.items():
        assert (code[0], bandit[0], code[1:]) == ("S", "B", bandit[1:])
        assert severity in ("low", "medium", "high")
        assert cwe > 0
