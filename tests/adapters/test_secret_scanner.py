"""DetectSecretsScanner on real text: what it finds, what it must not, and the baseline.

Every secret-looking value is assembled at test time so that secret scanners run on this
repository stay quiet.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from backdev.adapters.secret_scanner import DetectSecretsScanner
from backdev.application.ports import SecretHit

AWS_KEY = "AKIA" + "Q3T7Z2LMN4PX8RWB"
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


def sha1(value: str) -> str:
    return hashlib.sha1(value.encode("utf-8"), usedforsecurity=False).hexdigest()


def scan(text: str, path: str = "src/app/settings.py", root: Path | None = None) -> list[SecretHit]:
    scanner = DetectSecretsScanner(root or Path("/nonexistent-backdev-root"))
    lines = frozenset(range(1, len(text.splitlines()) + 1))
    return scanner.scan(path, text, lines)


def kinds(text: str, path: str = "src/app/settings.py") -> set[str]:
    return {hit.kind for hit in scan(text, path)}


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        (f'KEY = "{AWS_KEY}"', "aws-access-key"),
        (f'client = boto3.client("s3", aws_access_key_id="{AWS_KEY}")', "aws-access-key"),
        (f'TOKEN = "{GITHUB}"', "github-token"),
        (f'SLACK = "{SLACK}"', "slack-token"),
        (f'STRIPE = "{STRIPE}"', "stripe-key"),
        (f'MAPS = "{GOOGLE}"', "google-api-key"),
        (f'OPENAI = "{OPENAI}"', "openai-key"),
        (f'headers = {{"Authorization": "Bearer {JWT}"}}', "jwt"),
        (f'password = "{PASSWORD}"', "password-assignment"),
        (f'value = "{RANDOM}"', "high-entropy-string"),
    ],
)
def test_finds_the_kind_when_a_line_holds_a_known_format(line: str, kind: str) -> None:
    assert kind in kinds(line + "\n")


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (".env", f"DB_PASSWORD={PASSWORD}"),
        (".env", f"export SECRET_KEY='{PASSWORD}'"),
        (".env", f"SMTP_PASS={PASSWORD}"),
        ("config/app.yaml", f"password: {PASSWORD}"),
        ("config/app.json", f'  "password": "{PASSWORD}",'),
        ("config/app.toml", f'password = "{PASSWORD}"'),
        ("config/app.ini", f"password = {PASSWORD}"),
        ("src/app/settings.py", f'    db_password: str = "{PASSWORD}"'),
    ],
)
def test_finds_a_password_assignment_when_any_config_format_assigns_a_literal(
    path: str, line: str
) -> None:
    assert "password-assignment" in kinds(line + "\n", path)


@pytest.mark.parametrize(
    "line",
    [
        'commit = "3f786850e387550fdab836ed7e6dc881de23001b"',
        'digest = "' + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" + '"',
        'request_id = "123e4567-e89b-12d3-a456-426614174000"',
        'password = os.environ["DB_PASSWORD"]',
        'api_key = os.getenv("API_KEY")',
        "password = get_password()",
        'PASSWORD_FIELD = "password"',
        'TOKEN_TYPE = "Bearer"',
        'author: str = "John Smith"',
        'name = "ThisIsAVeryLongIdentifierName"',
        'help_text = "Enter your password"',
        'url = "postgres://app:pa55word@localhost/app"',
        'doc = "https://user:pass@host:port/path"',
        'KEY = "AKIAXXXXXXXXXXXXXXXX"',
        'if line.startswith("-----BEGIN RSA PRIVATE KEY-----"):',
        f'x = "{RANDOM}"  # pragma: allowlist secret',
    ],
)
def test_finds_nothing_when_the_line_only_looks_like_a_secret(line: str) -> None:
    assert scan(line + "\n") == []


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (".env", "API_KEY=${API_KEY}"),
        ("config/app.yaml", "password: ${DB_PASSWORD}"),
        ("config/app.yaml", "password: '{{ vault_db_password }}'"),
        ("config/app.yaml", "password: <your-password>"),
        (".env", "PASS_THROUGH=enabled"),
        (".env", "DETECT_SECRETS_TEAM=security"),
        (".env", "MAX_TOKENS=4096"),
        (".env", "TOKEN_URL=https://auth.example.com/token"),
    ],
)
def test_finds_nothing_when_a_config_line_is_a_reference_or_not_a_secret(
    path: str, line: str
) -> None:
    assert scan(line + "\n", path) == []


def test_reports_a_private_key_once_on_its_header_when_a_key_block_is_added() -> None:
    text = (
        "-----BEGIN RSA PRIVATE KEY-----\n"
        + "\n".join([KEY_BODY] * 3)
        + "\n-----END RSA PRIVATE KEY-----\n"
    )

    hits = scan(text, "deploy/id_rsa")

    assert [(h.kind, h.line) for h in hits] == [("private-key", 1)]
    assert hits[0].fingerprint == sha1("BEGIN RSA PRIVATE KEY")


def test_reports_a_private_key_when_it_is_a_one_line_string_in_code() -> None:
    line = f'KEY = "-----BEGIN PRIVATE KEY-----\\n{KEY_BODY}\\n-----END PRIVATE KEY-----"'

    assert [h.kind for h in scan(line + "\n")] == ["private-key"]


def test_reports_a_key_block_on_its_first_added_line_when_the_header_was_not_added() -> None:
    text = "-----BEGIN EC PRIVATE KEY-----\n" + KEY_BODY + "\n-----END EC PRIVATE KEY-----\n"
    scanner = DetectSecretsScanner(Path("/nonexistent-backdev-root"))

    hits = scanner.scan("k.pem", text, frozenset({2}))

    assert [(h.kind, h.line) for h in hits] == [("private-key", 2)]


def test_scans_only_the_given_lines_when_other_lines_hold_secrets() -> None:
    text = f'A = "{AWS_KEY}"\nB = 1\nC = "{GITHUB}"\n'
    scanner = DetectSecretsScanner(Path("/nonexistent-backdev-root"))

    hits = scanner.scan("a.py", text, frozenset({2, 3}))

    assert {h.line for h in hits} == {3}


def test_fingerprints_values_like_detect_secrets_when_reporting() -> None:
    [hit] = scan(f'KEY = "{AWS_KEY}"\n')

    assert hit.fingerprint == sha1(AWS_KEY)
    assert AWS_KEY not in repr(hit)


def test_marks_a_hit_accepted_when_the_baseline_lists_its_hash_for_the_file(
    tmp_path: Path,
) -> None:
    baseline = {
        "results": {"src/a.py": [{"type": "AWS Access Key", "hashed_secret": sha1(AWS_KEY)}]}
    }
    (tmp_path / ".secrets.baseline").write_text(json.dumps(baseline), encoding="utf-8")
    text = f'KEY = "{AWS_KEY}"\n'

    [accepted] = scan(text, "src/a.py", tmp_path)
    [other_file] = scan(text, "src/b.py", tmp_path)

    assert accepted.accepted
    assert not other_file.accepted


def test_accepts_a_token_when_the_baseline_lists_the_part_detect_secrets_reports(
    tmp_path: Path,
) -> None:
    # detect-secrets' GitHub plugin reports only the `ghp` prefix of a token as its value.
    baseline = {"results": {"a.py": [{"type": "GitHub Token", "hashed_secret": sha1("ghp")}]}}
    (tmp_path / ".secrets.baseline").write_text(json.dumps(baseline), encoding="utf-8")

    hits = scan(f'TOKEN = "{GITHUB}"\n', "a.py", tmp_path)

    assert [h.accepted for h in hits if h.kind == "github-token"] == [True]


@pytest.mark.parametrize("content", [None, "{not json", '{"results": []}', "[1, 2]"])
def test_accepts_nothing_when_the_baseline_is_missing_or_unreadable(
    tmp_path: Path, content: str | None
) -> None:
    if content is not None:
        (tmp_path / ".secrets.baseline").write_text(content, encoding="utf-8")

    hits = scan(f'KEY = "{AWS_KEY}"\n', "a.py", tmp_path)

    assert [h.accepted for h in hits] == [False]


def test_does_not_scan_the_baseline_file_when_it_changes() -> None:
    baseline = json.dumps({"results": {"a.py": [{"hashed_secret": sha1(AWS_KEY)}]}}, indent=2)

    assert scan(baseline + "\n", ".secrets.baseline") == []
