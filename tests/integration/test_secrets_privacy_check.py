"""`backdev check` on real git repositories: the secrets and privacy gates.

Every rule is exercised with a change that breaks it, next to a negative control in the
same change that must not fire. Secret-looking values are assembled at test time so that
secret scanners run on this repository stay quiet.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from backdev.entrypoints.cli import main
from tests.gitrepo import GitRepo, make_repo

AWS_KEY = "AKIA" + "Q3T7Z2LMN4PX8RWB"
LEGACY_KEY = "AKIA" + "L9G8C7Y6L5E4G3A2"
GITHUB = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" + "k1L2m3N4o5P6q7R8"
SLACK = "xoxb-" + "123456789012-" + "abcdefghijkl"
STRIPE = "sk_" + "live_" + "abcdefghijklmnop" + "qrstuvwx1234"
GOOGLE = "AIza" + "SyA1b2C3d4E5f6G7h8I9" + "j0K1l2M3n4O5p6Q"
OPENAI = "sk-" + "proj-" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7" + "Op8Qr9St0Uv1Wx2Yz3"
JWT = (
    "eyJ" + "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJ" + "zdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ"
    ".SflKxwRJ" + "SMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
RANDOM = "q8Zt3Lm9" + "Xv2Kp7Rw4Ny6Bc1Hd5Fg0Js"
PASSWORD = "hunter2" + "xyz"
KEY_BODY = "MIIEowIBAAKCAQEA" + "x9Yz" * 12
SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
BASE_MODULE = "import logging\n\nlogger = logging.getLogger(__name__)\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    repo = make_repo(tmp_path, monkeypatch)
    monkeypatch.chdir(repo.root)
    return repo


def check(
    repo: GitRepo, base: str, gate: str, capsys: pytest.CaptureFixture[str], code: int
) -> dict[str, Any]:
    """Run `backdev check --gates GATE --format json` and return that gate's report."""
    capsys.readouterr()
    exit_code = main(["check", "--base", base, "--gates", gate, "--format", "json"])
    out = capsys.readouterr().out
    assert exit_code == code, out
    [result] = json.loads(out)["gates"]
    assert result["id"] == gate
    return dict(result)


def located(result: dict[str, Any]) -> list[tuple[str, str, int]]:
    return sorted((f["rule"], f["path"], f["line"]) for f in result["findings"])


# --- secrets ---------------------------------------------------------------------------


def test_secrets_reports_each_provider_format_when_added_and_not_legacy_keys_or_hashes(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("src/app/keys.py", f'LEGACY = "{LEGACY_KEY}"\n')
    base = repo.commit("base")
    lines = [
        f'LEGACY = "{LEGACY_KEY}"',
        f'AWS = "{AWS_KEY}"',
        f'GITHUB = "{GITHUB}"',
        f'SLACK = "{SLACK}"',
        f'STRIPE = "{STRIPE}"',
        f'MAPS = "{GOOGLE}"',
        f'OPENAI = "{OPENAI}"',
        f'HEADERS = {{"Authorization": "Bearer {JWT}"}}',
        'COMMIT = "3f786850e387550fdab836ed7e6dc881de23001b"',
        f'DIGEST = "{SHA256}"',
        'REQUEST_ID = "123e4567-e89b-12d3-a456-426614174000"',
        'TOKEN = os.environ["GITHUB_TOKEN"]',
    ]
    repo.write("src/app/keys.py", "\n".join(lines) + "\n")

    result = check(repo, base, "secrets", capsys, code=1)

    path = "src/app/keys.py"
    assert located(result) == [
        ("secrets/aws-access-key", path, 2),
        ("secrets/github-token", path, 3),
        ("secrets/google-api-key", path, 6),
        ("secrets/jwt", path, 8),
        ("secrets/openai-key", path, 7),
        ("secrets/slack-token", path, 4),
        ("secrets/stripe-key", path, 5),
    ]
    assert all(f["severity"] == "error" and f["cwe"] == 798 for f in result["findings"])
    assert all(f["fix"] and "\n" not in f["fix"] for f in result["findings"])


def test_secrets_never_prints_the_value_when_reporting(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("README.md", "app\n")
    base = repo.commit("base")
    repo.write("src/app/settings.py", f'AWS = "{AWS_KEY}"\npassword = "{PASSWORD}"\n')

    capsys.readouterr()
    assert main(["check", "--base", base, "--gates", "secrets", "--format", "json"]) == 1
    out = capsys.readouterr().out

    assert AWS_KEY not in out
    assert PASSWORD not in out
    evidence = [f["evidence"] for f in json.loads(out)["gates"][0]["findings"]]
    assert evidence == ['AWS = "AKIA…"', 'password = "…"']


def test_secrets_reports_passwords_in_config_files_when_literal_and_not_references(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("README.md", "app\n")
    base = repo.commit("base")
    repo.write(
        "config/app.yaml",
        f"database:\n  password: {PASSWORD}\n  replica_password: ${{REPLICA_PASSWORD}}\n",
    )
    repo.write(
        "config/app.json", f'{{\n  "api_key": "{PASSWORD}",\n  "api_key_header": "X-Api-Key"\n}}\n'
    )
    repo.write(
        "src/app/settings.py",
        f'db_password: str = "{PASSWORD}"\nPASSWORD_FIELD = "password"\n',
    )

    result = check(repo, base, "secrets", capsys, code=1)

    assert located(result) == [
        ("secrets/password-assignment", "config/app.json", 2),
        ("secrets/password-assignment", "config/app.yaml", 2),
        ("secrets/password-assignment", "src/app/settings.py", 1),
    ]


def test_secrets_reports_a_private_key_block_when_added_and_not_code_naming_the_header(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("README.md", "app\n")
    base = repo.commit("base")
    header = "-----BEGIN RSA PRIVATE KEY-----"
    repo.write(
        "deploy/id_rsa", f"{header}\n{KEY_BODY}\n{KEY_BODY}\n-----END RSA PRIVATE KEY-----\n"
    )
    repo.write("src/app/pem.py", f'def is_key(line):\n    return line.startswith("{header}")\n')

    result = check(repo, base, "secrets", capsys, code=1)

    assert located(result) == [("secrets/private-key", "deploy/id_rsa", 1)]
    assert result["findings"][0]["evidence"] == header


def test_secrets_reports_a_random_string_when_named_like_a_secret_and_not_a_digest(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("README.md", "app\n")
    base = repo.commit("base")
    repo.write("src/app/signing.py", f'SIGNING = "{RANDOM}"\nFILE_SHA256 = "{SHA256}"\n')

    result = check(repo, base, "secrets", capsys, code=1)

    assert located(result) == [("secrets/high-entropy-string", "src/app/signing.py", 1)]


def test_secrets_accepts_a_value_when_the_baseline_lists_it_for_that_file(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    hashed = hashlib.sha1(AWS_KEY.encode(), usedforsecurity=False).hexdigest()
    baseline = {"version": "1.5.0", "results": {"src/app/known.py": [{"hashed_secret": hashed}]}}
    repo.write(".secrets.baseline", json.dumps(baseline, indent=2) + "\n")
    base = repo.commit("base")
    repo.write("src/app/known.py", f'KEY = "{AWS_KEY}"\n')
    repo.write("src/app/other.py", f'KEY = "{AWS_KEY}"\n')

    result = check(repo, base, "secrets", capsys, code=1)

    assert located(result) == [("secrets/aws-access-key", "src/app/other.py", 1)]
    assert "1 accepted by .secrets.baseline" in result["summary"]


def test_secrets_passes_dummies_in_test_files_but_not_real_looking_tokens(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("README.md", "app\n")
    base = repo.commit("base")
    repo.write(
        "tests/test_login.py",
        "def test_login(client):\n"
        '    client.login(username="admin", password="not-a-real-password")\n'
        '    client.login(username="admin", password="admin123")\n'
        f'    token = "{GITHUB}"\n',
    )

    result = check(repo, base, "secrets", capsys, code=1)

    assert located(result) == [("secrets/github-token", "tests/test_login.py", 4)]


def test_secrets_skips_when_the_change_only_removes_lines(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("src/app/keys.py", f'KEY = "{AWS_KEY}"\nX = 1\n')
    base = repo.commit("base")
    repo.write("src/app/keys.py", "X = 1\n")

    result = check(repo, base, "secrets", capsys, code=0)

    assert result["status"] == "skip"


# --- privacy ---------------------------------------------------------------------------


def test_privacy_reports_a_sensitive_value_in_a_log_call_and_not_counts_or_ids(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy = 'def old(password):\n    logger.info("legacy %s", password)\n'
    repo.write("src/app/auth.py", BASE_MODULE + legacy)
    base = repo.commit("base")
    added = (
        "\n\ndef login(user, password, token_count, checkout):\n"
        '    logger.info("user %s logged in", user.id)\n'
        '    logger.info("tokens used: %d", token_count)\n'
        '    logger.info("checkout %s", checkout.token)\n'
        '    logger.debug("login %s with %s", user.email, password)\n'
        '    print(f"token={user.api_key}")\n'
        '    raise PermissionError(f"bad password {password}")\n'
    )
    repo.write("src/app/auth.py", BASE_MODULE + legacy + added)

    result = check(repo, base, "privacy", capsys, code=1)

    assert located(result) == [
        ("privacy/sensitive-data-in-exception", "src/app/auth.py", 14),
        ("privacy/sensitive-data-in-log", "src/app/auth.py", 12),
        ("privacy/sensitive-data-in-log", "src/app/auth.py", 13),
    ]
    cwes = {f["rule"]: f["cwe"] for f in result["findings"]}
    assert cwes == {
        "privacy/sensitive-data-in-log": 532,
        "privacy/sensitive-data-in-exception": 209,
    }


def test_privacy_reports_exception_text_in_a_response_and_not_a_logged_reraise(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("README.md", "app\n")
    base = repo.commit("base")
    repo.write(
        "src/app/views.py",
        BASE_MODULE + "\n\ndef create(payload):\n"
        "    try:\n"
        "        return 201, save(payload)\n"
        "    except ValueError as exc:\n"
        '        return 500, {"error": str(exc)}\n'
        "\n\ndef update(payload):\n"
        "    try:\n"
        "        return save(payload)\n"
        "    except Exception:\n"
        '        logger.exception("update failed")\n'
        "        raise\n",
    )

    result = check(repo, base, "privacy", capsys, code=1)

    assert located(result) == [("privacy/exception-in-response", "src/app/views.py", 10)]
    assert result["findings"][0]["cwe"] == 209


def test_privacy_reports_a_credential_default_and_not_a_lookup_without_default(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("README.md", "app\n")
    base = repo.commit("base")
    repo.write(
        "src/app/config.py",
        "import os\n\n"
        'DB_PASSWORD = os.getenv("DB_PASSWORD")\n'
        f'API_KEY = os.environ.get("API_KEY", "{PASSWORD}")\n'
        'DB_HOST = os.getenv("DB_HOST", "localhost")\n',
    )

    result = check(repo, base, "privacy", capsys, code=1)

    assert located(result) == [("privacy/credential-default", "src/app/config.py", 4)]
    assert PASSWORD not in result["findings"][0]["evidence"]
    assert result["findings"][0]["cwe"] == 798


def test_privacy_fails_on_a_broad_swallowed_exception_and_not_a_deliberate_fallback(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("README.md", "app\n")
    base = repo.commit("base")
    repo.write(
        "src/app/jobs.py",
        "import contextlib\nimport os\n\n\n"
        "def run(items):\n"
        "    for item in items:\n"
        "        try:\n"
        "            item.process()\n"
        "        except Exception:\n"
        "            continue\n"
        "\n\ndef parse(text):\n"
        "    try:\n"
        "        return int(text)\n"
        "    except ValueError:\n"
        "        return None\n"
        "\n\ndef clean(path):\n"
        "    with contextlib.suppress(FileNotFoundError):\n"
        "        os.remove(path)\n",
    )

    result = check(repo, base, "privacy", capsys, code=1)

    assert located(result) == [("privacy/swallowed-exception", "src/app/jobs.py", 9)]
    assert result["findings"][0]["severity"] == "error"


def test_privacy_warns_on_a_narrow_swallowed_exception_and_not_a_commented_one(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("README.md", "app\n")
    base = repo.commit("base")
    repo.write(
        "src/app/cache.py",
        "def read(cache, key):\n"
        "    try:\n"
        "        return cache[key]\n"
        "    except KeyError:\n"
        "        pass\n"
        "    try:\n"
        "        return cache[key.lower()]\n"
        "    except KeyError:  # a miss falls through to the default below\n"
        "        pass\n"
        "    return None\n",
    )

    result = check(repo, base, "privacy", capsys, code=0)

    assert result["status"] == "warn"
    assert located(result) == [("privacy/swallowed-narrow-exception", "src/app/cache.py", 4)]


def test_privacy_warns_at_the_error_line_when_a_file_cannot_be_parsed(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("README.md", "app\n")
    base = repo.commit("base")
    repo.write("src/app/broken.py", "x = 1\n\ndef f(:\n    pass\n")
    repo.write("src/app/fine.py", "def f():\n    return 1\n")

    result = check(repo, base, "privacy", capsys, code=0)

    assert result["status"] == "warn"
    assert located(result) == [("privacy/unparsable", "src/app/broken.py", 3)]


def test_privacy_skips_test_files_when_they_are_the_only_python_change(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("README.md", "app\n")
    base = repo.commit("base")
    repo.write(
        "tests/test_auth.py",
        "def test_login(caplog):\n"
        '    password = "dummy"\n'
        '    print("trying", password)\n'
        "    try:\n"
        "        login(password)\n"
        "    except Exception:\n"
        "        pass\n",
    )

    result = check(repo, base, "privacy", capsys, code=0)

    assert result["status"] == "skip"
