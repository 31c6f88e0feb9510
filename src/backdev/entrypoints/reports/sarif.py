"""SARIF 2.1.0 for code-scanning tools: one run, one rule per rule id, CWE tags."""

from __future__ import annotations

import json

from backdev import __version__
from backdev.domain.findings import CheckReport, Finding

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def render_sarif(report: CheckReport) -> str:
    """The report as a SARIF 2.1.0 log."""
    findings = [f for gate in report.gates for f in gate.findings]
    rules: dict[str, dict[str, object]] = {}
    for finding in findings:
        rules.setdefault(finding.rule, _rule(finding))
    rule_index = {rule_id: index for index, rule_id in enumerate(rules)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "backdev",
                        "version": __version__,
                        "rules": list(rules.values()),
                    }
                },
                "results": [_result(f, rule_index[f.rule]) for f in findings],
                "properties": {"verdict": report.verdict, "base": report.base, "head": report.head},
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(finding: Finding) -> dict[str, object]:
    rule: dict[str, object] = {
        "id": finding.rule,
        "name": finding.rule.replace("/", "-"),
        "shortDescription": {"text": finding.rule},
        "help": {"text": finding.fix},
    }
    if finding.cwe is not None:
        rule["properties"] = {"tags": ["security", f"external/cwe/cwe-{finding.cwe}"]}
    return rule


def _result(finding: Finding, index: int) -> dict[str, object]:
    result: dict[str, object] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": "error" if finding.severity == "error" else "warning",
        "message": {"text": f"{finding.message} Fix: {finding.fix}"},
    }
    if finding.path:
        location: dict[str, object] = {"artifactLocation": {"uri": finding.path}}
        if finding.line > 0:
            location["region"] = {"startLine": finding.line}
        result["locations"] = [{"physicalLocation": location}]
    return result
