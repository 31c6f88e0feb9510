"""Evidence masking: whatever gate quotes a line, a secret on it never reaches a report."""

from __future__ import annotations

from backdev.application.redaction import HIDDEN, REDACTED_LINE, mask_evidence, redact_text
from backdev.domain.findings import Finding, GateResult
from tests.fakes.check import FakeSecretScanner


def _result(evidence: str) -> GateResult:
    finding = Finding("security/s501-verify-false", "error", "src/c.py", 1, "m", "f", evidence)
    return GateResult.judged("security", [finding], "1 file")


def test_quoted_values_are_masked_when_the_evidence_holds_a_secret() -> None:
    line = 'requests.get(url, headers={"X-Key": "SECRET-MARKER-1"}, verify=False)'

    masked = mask_evidence(_result(line), FakeSecretScanner())

    assert masked.findings[0].evidence == 'requests.get(url, headers={"***": "***"}, verify=False)'


def test_the_whole_line_is_hidden_when_the_secret_is_not_quoted() -> None:
    masked = mask_evidence(_result("TOKEN=SECRET-MARKER-2"), FakeSecretScanner())

    assert masked.findings[0].evidence == HIDDEN


def test_the_result_is_unchanged_when_no_evidence_holds_a_secret() -> None:
    result = _result("requests.get(url, verify=False)")

    assert mask_evidence(result, FakeSecretScanner()) is result


def test_text_keeps_lines_without_secrets_when_redacted() -> None:
    text = "def f():\n    return 1\n"
    assert redact_text(text, FakeSecretScanner()) == text


def test_assigned_and_quoted_secrets_are_masked_when_text_is_redacted() -> None:
    text = 'first\nAPI_KEY=SECRET-MARKER-9\ntoken = "SECRET-MARKER-2"\nlast'

    redacted = redact_text(text, FakeSecretScanner())

    assert redacted == 'first\nAPI_KEY=***\ntoken = "***"\nlast'


def test_a_line_is_hidden_whole_when_masking_values_leaves_the_secret() -> None:
    text = "ok\nprefix SECRET-MARKER-7 suffix"

    assert redact_text(text, FakeSecretScanner()) == f"ok\n{REDACTED_LINE}"


def test_known_values_are_masked_anywhere_when_the_scanner_misses_them() -> None:
    value = "letters-and" + "-dashes-only"
    text = f"settings: SHOP_API_KEY={value}\nprint({value!r})"

    redacted = redact_text(text, FakeSecretScanner(), known=(value,))

    assert value not in redacted
    assert redacted == "settings: SHOP_API_KEY=***\nprint('***')"
