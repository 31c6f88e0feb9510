"""What a privacy rule reports before the gate ties it to the change's added lines."""

from __future__ import annotations

from dataclasses import dataclass

from backdev.domain.findings import Severity


@dataclass(frozen=True, slots=True)
class Issue:
    """One rule broken somewhere in a file.

    `lines` are the lines the offence is on, most precise first; the gate reports the
    first of them the change added, and nothing when it added none. `literal` is a
    value the evidence must mask (a credential default).
    """

    rule: str
    severity: Severity
    lines: tuple[int, ...]
    message: str
    fix: str
    cwe: int | None
    literal: str | None = None
