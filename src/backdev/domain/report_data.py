"""The check report as plain data (`backdev.check/1`), a stable schema that people script
against: the JSON report, the MCP answer and the run record all hold this shape."""

from __future__ import annotations

import json

from backdev.domain.findings import REPORT_SCHEMA, CheckReport, Finding, GateResult


def report_dict(report: CheckReport) -> dict[str, object]:
    """The report as plain data, exactly in the DESIGN.md §3 schema."""
    return {
        "schema": REPORT_SCHEMA,
        "verdict": report.verdict,
        "base": report.base,
        "head": report.head,
        "gates": [_gate(gate) for gate in report.gates],
    }


def render_json(report: CheckReport) -> str:
    """The report as an indented JSON document with a trailing newline."""
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"


def _gate(gate: GateResult) -> dict[str, object]:
    return {
        "id": gate.gate,
        "status": gate.status,
        "summary": gate.summary,
        "findings": [finding_dict(f) for f in gate.findings],
    }


def finding_dict(finding: Finding) -> dict[str, object]:
    """One finding; `cwe` only when the rule has one, `evidence` only when there is some."""
    data: dict[str, object] = {
        "rule": finding.rule,
        "severity": finding.severity,
        "path": finding.path,
        "line": finding.line,
        "message": finding.message,
        "fix": finding.fix,
    }
    if finding.evidence:
        data["evidence"] = finding.evidence
    if finding.cwe is not None:
        data["cwe"] = finding.cwe
    return data
