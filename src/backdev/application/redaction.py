"""Keeping secrets out of reports: evidence lines are masked before anyone sees them."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace

from backdev.application.ports import SecretScanner
from backdev.domain.findings import Finding, GateResult

_QUOTED = re.compile(r"""(['"])(?:\\.|(?!\1).)*\1""")
HIDDEN = "(hidden: the line holds a secret)"


def mask_evidence(result: GateResult, scanner: SecretScanner) -> GateResult:
    """The result with any secret in its findings' evidence masked.

    Every gate quotes the offending line as evidence; when that line holds a
    secret (a key in a SQL string, a token in a reformatted line), the report
    must not spread it. Quoted values are replaced by `***`; a line whose
    secret is not quoted is hidden whole.
    """
    masked = tuple(_masked(finding, scanner) for finding in result.findings)
    if masked == result.findings:
        return result
    return replace(result, findings=masked)


def _masked(finding: Finding, scanner: SecretScanner) -> Finding:
    if not finding.evidence or not scanner.scan(finding.path, finding.evidence, frozenset({1})):
        return finding
    masked = _QUOTED.sub(lambda m: f"{m.group(1)}***{m.group(1)}", finding.evidence)
    return replace(finding, evidence=masked if masked != finding.evidence else HIDDEN)


_ASSIGNED = re.compile(r"""(?P<key>[\w.-]+\s*[:=]\s*)(?P<value>[^\s'"]\S*)""")
REDACTED_LINE = "(line hidden by backdev: it holds a secret)"


def redact_text(
    text: str, scanner: SecretScanner, path: str = "text", known: Collection[str] = ()
) -> str:
    """`text` with every secret the scanner finds masked, for anything sent to a model
    or written to a transcript.

    `known` values (e.g. from the repository's ignored `.env`) are masked wherever they
    appear. On a line with a secret, quoted values and `KEY=value` values become `***`;
    a line whose secret survives that (found again by the scanner) is hidden whole.
    """
    for value in known:
        text = text.replace(value, "***")
    lines = text.split("\n")
    hits = scanner.scan(path, text, frozenset(range(1, len(lines) + 1)))
    for line_number in sorted({hit.line for hit in hits}):
        index = line_number - 1
        if not 0 <= index < len(lines):
            continue
        line = _QUOTED.sub(lambda m: f"{m.group(1)}***{m.group(1)}", lines[index])
        line = _ASSIGNED.sub(lambda m: f"{m.group('key')}***", line)
        if scanner.scan(path, line, frozenset({1})):
            line = REDACTED_LINE
        lines[index] = line
    return "\n".join(lines)
