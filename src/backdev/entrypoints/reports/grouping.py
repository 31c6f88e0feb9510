"""Ordering findings for people: by file, then line."""

from __future__ import annotations

from itertools import groupby

from backdev.domain.findings import CheckReport, Finding


def findings_by_file(report: CheckReport) -> list[tuple[str, list[Finding]]]:
    """(path, findings) sorted by path then line; "" (the whole change) comes first."""
    flat = sorted(
        (f for gate in report.gates for f in gate.findings),
        key=lambda f: (f.path, f.line, f.rule),
    )
    return [(path, list(items)) for path, items in groupby(flat, key=lambda f: f.path)]


def verdict_line(report: CheckReport) -> str:
    """One sentence: the verdict and the gate counts."""
    counts = dict.fromkeys(("fail", "warn", "pass", "skip"), 0)
    for gate in report.gates:
        counts[gate.status] += 1
    parts = [f"{n} {status}" for status, n in counts.items() if n]
    word = "FAIL" if report.verdict == "fail" else "PASS"
    return f"{word}: {', '.join(parts)} ({len(report.gates)} gates)"
