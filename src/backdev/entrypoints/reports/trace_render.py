"""Renderings of `backdev trace`: a terminal table, JSON (`backdev.trace/1`) and Markdown.

Every criterion is listed, so a criterion without a test shows as a gap instead of
being left out.
"""

from __future__ import annotations

import json
from typing import Literal, get_args

from rich.console import Console
from rich.table import Table
from rich.text import Text

from backdev.application.trace import TRACE_SCHEMA, CriterionTrace, Trace, TracedTest

TraceFormat = Literal["text", "json", "markdown"]
TRACE_FORMATS: tuple[str, ...] = get_args(TraceFormat)

_STYLE = {"proven": "green", "failing": "bold red", "missing": "yellow"}
_ICON = {"proven": "✅", "failing": "❌", "missing": "⚠️"}
_GAP = "no linked test ran (gap)"


def trace_dict(trace: Trace) -> dict[str, object]:
    """The trace as plain data in the `backdev.trace/1` schema; `problem` and `output` only
    when the tests could not produce evidence."""
    data: dict[str, object] = {
        "schema": TRACE_SCHEMA,
        "feature": trace.feature,
        "criteria": [_criterion(c) for c in trace.criteria],
    }
    if trace.problem is not None:
        data["problem"] = trace.problem
        data["output"] = trace.output
    return data


def render_trace_json(trace: Trace) -> str:
    """The trace as an indented JSON document with a trailing newline."""
    return json.dumps(trace_dict(trace), indent=2, ensure_ascii=False) + "\n"


def render_trace_markdown(trace: Trace) -> str:
    """The trace as a GitHub-flavoured Markdown table, one row per linked test."""
    lines = [
        f"### backdev trace — {trace.feature}: {_cell(trace.title)}",
        "",
        f"`{trace.path}` at `{trace.revision[:12]}` — {summary_line(trace)}",
        "",
    ]
    if trace.problem is not None:
        lines += [f"**The tests produced no evidence:** {_cell(trace.problem)}", ""]
    lines += ["| criterion | status | test | outcome | linked by |", "|---|---|---|---|---|"]
    for criterion in trace.criteria:
        head = (
            f"`{criterion.id}` {_cell(criterion.title)}",
            f"{_ICON[criterion.status]} {criterion.status}",
        )
        if not criterion.tests:
            lines.append(f"| {head[0]} | {head[1]} | {_GAP} | | |")
        for index, test in enumerate(criterion.tests):
            first = head if index == 0 else ("", "")
            lines.append(
                f"| {first[0]} | {first[1]} | `{_code(test.nodeid)}` | {test.outcome} "
                f"| {', '.join(test.links)} |"
            )
    return "\n".join(lines) + "\n"


def print_trace(trace: Trace, console: Console) -> None:
    """Print the trace for a person reading a terminal (plain text when not a terminal)."""
    console.print(Text(f"{trace.feature}: {trace.title}", style="bold"), soft_wrap=True)
    if trace.problem is not None:
        console.print(Text(f"the tests produced no evidence: {trace.problem}", style="bold red"))
        if trace.output:
            console.print(Text(trace.output.strip()[-1000:], style="dim"), soft_wrap=True)
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("criterion", overflow="fold")
    table.add_column("status", no_wrap=True)
    # A node id is copied into a shell: it must stay whole, even past the width.
    table.add_column("test", no_wrap=True, overflow="ignore")
    table.add_column("outcome", no_wrap=True)
    for criterion in trace.criteria:
        status = Text(criterion.status, style=_STYLE[criterion.status])
        label = f"{criterion.id} {criterion.title}"
        if not criterion.tests:
            table.add_row(label, status, Text(_GAP, style="yellow"), "")
        for index, test in enumerate(criterion.tests):
            table.add_row(
                label if index == 0 else "",
                status if index == 0 else "",
                test.nodeid,
                Text(test.outcome, style="green" if test.passed else "red"),
            )
    console.print(table)
    console.print(Text(summary_line(trace), style=_STYLE[_overall(trace)]))


def summary_line(trace: Trace) -> str:
    """E.g. `2 of 3 criteria proven, 1 failing, 0 missing`."""
    total = len(trace.criteria)
    return (
        f"{trace.count('proven')} of {total} criteri{'on' if total == 1 else 'a'} proven, "
        f"{trace.count('failing')} failing, {trace.count('missing')} missing"
    )


def _criterion(criterion: CriterionTrace) -> dict[str, object]:
    return {
        "id": criterion.id,
        "title": criterion.title,
        "line": criterion.line,
        "status": criterion.status,
        "tests": [_test(t) for t in criterion.tests],
    }


def _test(test: TracedTest) -> dict[str, object]:
    return {"nodeid": test.nodeid, "outcome": test.outcome, "links": list(test.links)}


def _overall(trace: Trace) -> str:
    if trace.count("failing"):
        return "failing"
    return "missing" if trace.count("missing") else "proven"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|")
