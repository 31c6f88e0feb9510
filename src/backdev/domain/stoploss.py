"""Failure fingerprints: how the harness knows a model is repeating itself.

A fingerprint names a failure by what it is (gate, rule or test id, error type,
normalised message, file), not by where on a line it happened, so the same
mistake made three times is recognised however the model shuffles the code.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from backdev.domain.findings import CheckReport, Finding

STOP_AFTER = 3
"""The attempt that repeats a fingerprint this many times reverts and escalates."""

_HEX = re.compile(r"\b(?=[0-9a-f]*\d)[0-9a-f]{7,}\b")
_NUMBER = re.compile(r"\d+")
_QUOTED = re.compile(r"""(['"`])(?:(?!\1).){0,200}\1""")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """One failure, normalised; `key` is its stable short id."""

    source: str
    """The gate id, or `harness` for failures the loop itself detects."""
    rule: str
    """The rule id (e.g. `architecture/forbidden-import`) or a test id."""
    error_type: str
    path: str
    message: str
    """The normalised message: numbers, hashes and quoted values blanked."""

    @property
    def key(self) -> str:
        """A short stable id for counting repeats across restarts."""
        text = "\x1f".join((self.source, self.rule, self.error_type, self.path, self.message))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def describe(self) -> str:
        """One line for people: the rule and where."""
        where = f" in {self.path}" if self.path else ""
        return f"{self.rule}{where}: {self.message}"


def normalise(message: str) -> str:
    """The message with hashes, numbers and quoted values blanked, spaces collapsed."""
    text = _QUOTED.sub("…", message.lower())
    text = _HEX.sub("H", text)
    text = _NUMBER.sub("N", text)
    return _SPACE.sub(" ", text).strip()[:200]


def report_fingerprints(report: CheckReport) -> tuple[Fingerprint, ...]:
    """One fingerprint per distinct error finding of the failing gates."""
    seen: dict[str, Fingerprint] = {}
    for gate, finding in failures(report):
        print_ = finding_fingerprint(gate, finding)
        seen.setdefault(print_.key, print_)
    return tuple(seen.values())


def failures(report: CheckReport) -> list[tuple[str, Finding]]:
    """The error findings of the failing gates, with their gate's id."""
    return [
        (result.gate, finding)
        for result in report.gates
        if result.status == "fail"
        for finding in result.findings
        if finding.severity == "error"
    ]


def finding_fingerprint(gate: str, finding: Finding) -> Fingerprint:
    """The fingerprint of one finding of `gate`."""
    return Fingerprint(
        gate, finding.rule, finding.severity, finding.path, normalise(finding.message)
    )


def harness_fingerprint(rule: str, message: str) -> Fingerprint:
    """A failure the loop detects itself, e.g. a step that changed nothing."""
    return Fingerprint("harness", rule, "error", "", normalise(message))
