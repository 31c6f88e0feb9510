"""The terminal report: a table of gates, then findings grouped by file with their fix."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from backdev.domain.findings import CheckReport
from backdev.entrypoints.reports.grouping import findings_by_file, verdict_line

_STYLE = {"pass": "green", "fail": "bold red", "warn": "yellow", "skip": "dim"}


def print_text(report: CheckReport, console: Console) -> None:
    """Print the report for a person reading a terminal (plain text when not a terminal)."""
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("gate")
    table.add_column("status")
    table.add_column("summary", overflow="fold")
    for gate in report.gates:
        table.add_row(gate.gate, Text(gate.status, style=_STYLE[gate.status]), gate.summary)
    console.print(table)
    for path, items in findings_by_file(report):
        console.print()
        console.print(Text(path or "(the change as a whole)", style="bold underline"))
        for finding in items:
            where = f"{finding.line:>5}" if finding.line else "    -"
            head = Text(f"  {where}  ")
            head.append(finding.severity, style="red" if finding.severity == "error" else "yellow")
            head.append(f"  {finding.rule}  ", style="cyan")
            head.append(finding.message)
            console.print(head, soft_wrap=True)
            if finding.evidence:
                console.print(Text(f"         | {finding.evidence}", style="dim"), soft_wrap=True)
            console.print(Text(f"         fix: {finding.fix}", style="green"), soft_wrap=True)
    console.print()
    console.print(
        Text(verdict_line(report), style=_STYLE["fail" if report.verdict == "fail" else "pass"])
    )
