"""Redaction with the real scanner: what a model or transcript would otherwise see."""

from __future__ import annotations

from pathlib import Path

from backdev.adapters.secret_scanner import DetectSecretsScanner
from backdev.application.redaction import redact_text

# Built at run time so that secret scanners of this repository stay quiet.
AWS_KEY = "AKIA" + "QWERTYUIOPASDFGH"
PRIVATE_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" * 2


def test_provider_tokens_never_survive_when_a_file_is_redacted() -> None:
    scanner = DetectSecretsScanner(Path("/nonexistent-backdev-root"))
    text = (
        f'import os\nAWS_ACCESS_KEY_ID = "{AWS_KEY}"\nGITHUB_TOKEN={PRIVATE_TOKEN}\nDEBUG = True\n'
    )

    redacted = redact_text(text, scanner, "settings.py")

    assert AWS_KEY not in redacted
    assert PRIVATE_TOKEN not in redacted
    assert "import os" in redacted
    assert "DEBUG = True" in redacted
