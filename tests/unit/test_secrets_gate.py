"""The `secrets` gate, with fake scanners: which hits become findings, and how they read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from backdev.application.ports import SecretHit, SecretScanner
from backdev.domain.changes import ChangedFile
from backdev.domain.findings import GateResult
from backdev.gates.secrets import SecretsGate
from tests.fakes.check import FakeSecretScanner, changed_file, make_context

# Built at test time so that secret scanners of this repository stay quiet.
AWS_KEY = "AKIA" + "Q3T7Z2LMN4PX8RWB"
RANDOM = "q8Zt3Lm9" + "Xv2Kp7Rw4Ny6Bc1H"


def sha1(value: str) -> str:
    return hashlib.sha1(value.encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass
class ValueScanner:
    """Reports `kinds[value]` wherever a value appears, fingerprinted like detect-secrets."""

    kinds: dict[str, list[str]]
    accepted: frozenset[str] = frozenset()
    ignore_lines: bool = False
    asked: list[str] = field(default_factory=list)

    def scan(self, path: str, text: str, lines: frozenset[int]) -> list[SecretHit]:
        self.asked.append(path)
        hits: list[SecretHit] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if number not in lines and not self.ignore_lines:
                continue
            for value, kinds in self.kinds.items():
                if value in line:
                    fingerprint = sha1(value)
                    hits.extend(
                        SecretHit(kind, number, fingerprint, fingerprint in self.accepted)
                        for kind in kinds
                    )
        return hits


def run(
    files: dict[str, str],
    scanner: SecretScanner,
    changed: list[ChangedFile] | None = None,
) -> GateResult:
    context = make_context(files, changed=changed)
    context = replace(context, ports=replace(context.ports, secrets=scanner))
    return SecretsGate().run(context)


def test_gate_id_is_secrets_when_asked() -> None:
    assert SecretsGate().id == "secrets"


def test_reports_rule_path_line_and_cwe_when_an_added_line_holds_a_key() -> None:
    scanner = ValueScanner({AWS_KEY: ["aws-access-key"]})
    result = run({"src/app/x.py": f'import os\nKEY = "{AWS_KEY}"\n'}, scanner)

    assert result.status == "fail"
    [finding] = result.findings
    assert (finding.rule, finding.path, finding.line) == (
        "secrets/aws-access-key",
        "src/app/x.py",
        2,
    )
    assert finding.severity == "error"
    assert finding.cwe == 798
    assert "AWS access key" in finding.message
    assert finding.fix
    assert "\n" not in finding.fix


def test_masks_the_value_in_evidence_when_the_fingerprint_is_found_on_the_line() -> None:
    scanner = ValueScanner({AWS_KEY: ["aws-access-key"]})
    result = run({"a.py": f'KEY = "{AWS_KEY}"\n'}, scanner)

    [finding] = result.findings
    assert finding.evidence == 'KEY = "AKIA…"'
    assert AWS_KEY not in finding.evidence


def test_masks_everything_after_the_assignment_when_the_value_cannot_be_located() -> None:
    scanner = FakeSecretScanner(markers=("SECRET-MARKER",))
    result = run({"a.env": "API_TOKEN=SECRET-MARKER-abcdef123456\n"}, scanner)

    [finding] = result.findings
    assert finding.evidence == "API_TOKEN=SECR…"
    assert finding.rule == "secrets/fake-secret"


def test_hides_short_values_entirely_when_masking() -> None:
    scanner = ValueScanner({"hunter2x": ["password-assignment"]})
    result = run({"settings.py": 'password = "hunter2x"\n'}, scanner)

    [finding] = result.findings
    assert finding.evidence == 'password = "…"'


def test_ignores_hits_when_the_line_was_not_added() -> None:
    scanner = ValueScanner({AWS_KEY: ["aws-access-key"]}, ignore_lines=True)
    text = f'KEY = "{AWS_KEY}"\nx = 1\n'
    result = run({"a.py": text}, scanner, changed=[changed_file("a.py", text, added=[2])])

    assert result.status == "pass"


def test_accepts_a_hit_when_the_baseline_lists_it() -> None:
    scanner = ValueScanner({AWS_KEY: ["aws-access-key"]}, accepted=frozenset({sha1(AWS_KEY)}))
    result = run({"a.py": f'KEY = "{AWS_KEY}"\n'}, scanner)

    assert result.status == "pass"
    assert "1 accepted by .secrets.baseline" in result.summary


def test_names_the_configured_baseline_when_hits_are_accepted() -> None:
    scanner = ValueScanner({AWS_KEY: ["aws-access-key"]}, accepted=frozenset({sha1(AWS_KEY)}))
    context = make_context(
        {"a.py": f'KEY = "{AWS_KEY}"\n'}, options={"baseline": "ci/secrets.json"}
    )
    context = replace(context, ports=replace(context.ports, secrets=scanner))

    assert "1 accepted by ci/secrets.json" in SecretsGate().run(context).summary


def test_reports_only_the_provider_kind_when_entropy_flags_the_same_value() -> None:
    scanner = ValueScanner({AWS_KEY: ["high-entropy-string", "aws-access-key"]})
    result = run({"a.py": f'KEY = "{AWS_KEY}"\n'}, scanner)

    assert [f.rule for f in result.findings] == ["secrets/aws-access-key"]


def test_reports_one_finding_per_rule_when_a_line_repeats_a_kind() -> None:
    other = "AKIA" + "Z9Y8X7W6V5U4T3S2"
    scanner = ValueScanner({AWS_KEY: ["aws-access-key"], other: ["aws-access-key"]})
    result = run({"a.py": f'KEYS = ["{AWS_KEY}", "{other}"]\n'}, scanner)

    [finding] = result.findings
    assert AWS_KEY not in finding.evidence
    assert other not in finding.evidence


def test_skips_dummy_values_when_the_file_is_a_test() -> None:
    dummy, fake_key = "not-a-real-" + "password", "AKIA" + "FAKEFAKEFAKE0000"
    scanner = ValueScanner({dummy: ["password-assignment"], fake_key: ["aws-access-key"]})
    text = f'password = "{dummy}"\nkey = "{fake_key}"\n'
    result = run({"tests/test_login.py": text}, scanner)

    assert result.status == "pass"


def test_skips_jwt_fixtures_when_the_file_is_a_test() -> None:
    jwt = "eyJ" + "hbGciOiJIUzI1NiJ9.eyJ" + "zdWIiOiIxIn0.c2lnbmF0dXJlLXZhbHVl"
    scanner = ValueScanner({jwt: ["jwt"]})
    text = f'headers = {{"Authorization": "Bearer {jwt}"}}\n'

    assert run({"tests/test_api.py": text}, scanner).status == "pass"
    assert run({"src/app/client.py": text}, scanner).status == "fail"


def test_reports_dummy_looking_values_when_the_file_is_production_code() -> None:
    dummy = "changeme"
    scanner = ValueScanner({dummy: ["password-assignment"]})
    result = run({"src/app/settings.py": f'password = "{dummy}"\n'}, scanner)

    assert [f.line for f in result.findings] == [1]


def test_skips_a_guessed_password_in_a_test_when_the_value_is_not_random() -> None:
    scanner = ValueScanner({"admin123": ["password-assignment"]})
    text = 'client.login(username="admin", password="admin123")\n'
    result = run({"tests/test_views.py": text}, scanner)

    assert result.status == "pass"


def test_reports_a_random_secret_in_a_test_when_it_is_assigned_to_a_secret_name() -> None:
    scanner = ValueScanner({RANDOM: ["high-entropy-string"]})
    text = f'API_KEY = "{RANDOM}"\nPAYLOAD = "{RANDOM}"\n'
    result = run({"tests/test_client.py": text}, scanner)

    assert [f.line for f in result.findings] == [1]


def test_treats_example_and_docs_files_like_tests_when_values_are_dummies() -> None:
    scanner = ValueScanner({"your-password-here": ["password-assignment"]})
    files = {
        ".env.example": "DB_PASSWORD=your-password-here\n",
        "docs/setup.md": "password: your-password-here\n",
    }
    result = run(files, scanner)

    assert result.status == "pass"


def test_shows_only_the_header_when_a_private_key_is_found() -> None:
    scanner = ValueScanner({"BEGIN RSA PRIVATE KEY": ["private-key"]})
    text = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n"
    result = run({"deploy/id_rsa": text}, scanner)

    [finding] = result.findings
    assert finding.evidence == "-----BEGIN RSA PRIVATE KEY-----"


def test_passes_with_what_was_scanned_when_nothing_is_found() -> None:
    result = run({"a.py": "x = 1\ny = 2\n", "b.md": "hello\n"}, ValueScanner({}))

    assert result.status == "pass"
    assert "3 added lines in 2 files" in result.summary


def test_skips_with_a_reason_when_no_file_adds_lines() -> None:
    changed = [
        changed_file("gone.py", status="deleted", added=[], removed=[1, 2]),
        changed_file("a.py", "x = 1\n", added=[], removed=[3]),
    ]
    result = run({"a.py": "x = 1\n"}, ValueScanner({}), changed=changed)

    assert result.status == "skip"
    assert "no added lines" in result.summary


def test_does_not_scan_lock_files_when_they_change() -> None:
    scanner = ValueScanner({RANDOM: ["high-entropy-string"]})
    result = run({"poetry.lock": f'hash = "{RANDOM}"\n', "a.py": "x = 1\n"}, scanner)

    assert scanner.asked == ["a.py"]
    assert result.status == "pass"


def test_skips_when_every_added_file_is_unreadable_text() -> None:
    changed = [changed_file("logo.png", "x\n", status="added")]
    result = run({}, ValueScanner({}), changed=changed)

    assert result.status == "skip"
