"""Markdown for a pull-request comment: the gate table, then findings by file."""

from __future__ import annotations

from backdev.domain.findings import CheckReport
from backdev.entrypoints.reports.grouping import findings_by_file, verdict_line

_ICON = {"pass": "✅", "fail": "❌", "warn": "⚠️", "skip": "⏭️"}


def render_markdown(report: CheckReport) -> str:
    """The report as GitHub-flavoured Markdown."""
    lines = [
        f"### backdev check — {verdict_line(report)}",
        "",
        f"Base `{report.base[:12]}` → head `{report.head[:12]}`",
        "",
        "| gate | status | summary |",
        "|---|---|---|",
    ]
    for gate in report.gates:
        lines.append(
            f"| `{gate.gate}` | {_ICON[gate.status]} {gate.status} | {_cell(gate.summary)} |"
        )
    for path, items in findings_by_file(report):
        lines += ["", f"#### `{path}`" if path else "#### The change as a whole", ""]
        for finding in items:
            where = f"line {finding.line}: " if finding.line else ""
            lines.append(
                f"- **{finding.severity}** `{finding.rule}` — {where}{_cell(finding.message)}"
            )
            if finding.evidence:
                lines.append(f"  `{_code(finding.evidence)}`")
            lines.append(f"  Fix: {_cell(finding.fix)}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return text.replace("`", "'").replace("\n", " ")
