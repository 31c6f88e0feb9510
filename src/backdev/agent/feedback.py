"""Texts the harness sends the model: instructions, gate findings, commit messages."""

from __future__ import annotations

from backdev.domain.findings import CheckReport, Finding
from backdev.domain.plan import PlannedStep

MAX_FINDINGS = 30


def plan_request(criteria: list[str], proven: list[str]) -> str:
    """The first user message of the planning conversation."""
    todo = [c for c in criteria if c not in proven]
    done = f" Already proven by passing tests: {', '.join(proven)}." if proven else ""
    return (
        "Plan the work before writing any code. Read what you need with read_file, "
        "list_files and search, then call submit_plan once with the edge cases and "
        "failure modes you see, and small steps, each aimed at one criterion. "
        f"Criteria to plan for: {', '.join(todo)}.{done} If the requirements are "
        "ambiguous, call ask instead of guessing."
    )


def step_request(number: int, count: int, step: PlannedStep) -> str:
    """The first user message of a step's conversation."""
    return (
        f"Implement step {number}/{count} ({step.criterion}): {step.intent}\n"
        "Change only what this step needs, with tests linked to the criterion "
        f'(@pytest.mark.ac("{step.criterion}")). Run the tests with run_tests; when they '
        "pass, call finish_step with a one-paragraph summary (and trade_offs if you "
        "made a choice a reviewer should know about)."
    )


def findings_message(report: CheckReport, attempt: int) -> str:
    """The failing gates' findings as text the model can act on."""
    lines = [
        f"The quality gates rejected attempt {attempt} of this step. Fix every finding "
        "below, run the tests, then call finish_step again. If a finding asks for "
        "something the requirements forbid, call ask."
    ]
    shown = 0
    for result in report.gates:
        if result.status != "fail":
            continue
        lines.append(f"\n{result.gate}: {result.summary}")
        for finding in result.findings:
            if finding.severity != "error" or shown >= MAX_FINDINGS:
                continue
            shown += 1
            where = f"{finding.path}:{finding.line}" if finding.line else finding.path
            lines.append(f"- [{finding.rule}] {where or 'the change'}: {finding.message}")
            if finding.fix:
                lines.append(f"  fix: {finding.fix}")
            if finding.evidence:
                lines.append(f"  evidence: {finding.evidence.strip()[:400]}")
    return "\n".join(lines)


def finding_line(finding: Finding) -> str:
    """One finding on one line for a dossier: rule, where, what."""
    if not finding.path:
        return f"{finding.rule}: {finding.message}"
    return f"{finding.rule} {finding.path}:{finding.line}: {finding.message}"


def verdict_line(report: CheckReport) -> str:
    """`pass` or the failing gates with their summaries, for progress and the record."""
    failing = [f"{r.gate}: {r.summary}" for r in report.gates if r.status == "fail"]
    return "all gates pass" if not failing else "; ".join(failing)


def commit_message(
    feature: str, number: int, count: int, step: PlannedStep, *, summary: str, trade_offs: str
) -> str:
    """The step's commit message, its trailers in the last paragraph."""
    body = summary.strip() or step.intent
    if trade_offs.strip():
        body += f"\n\nTrade-offs: {trade_offs.strip()}"
    subject = f"{feature} {step.criterion}: {step.intent}".splitlines()[0][:72]
    trailers = (
        f"Feature: {feature}\nCriterion: {step.criterion}\nStep: {number}/{count}\nGates: pass"
    )
    return f"{subject}\n\n{body}\n\n{trailers}\n"


def lessons_proposal(feature: str, title: str, messages: list[str]) -> str:
    """A defect run's lessons-learned entry, proposed for a person to review and file.

    It gathers what each step's commit says (the model was asked to name the cause,
    why it slipped through, and what would catch its kind earlier).
    """
    lines = [f"# Lessons learned (proposal): {feature} {title}", ""]
    for message in messages:
        paragraphs = message.strip().split("\n\n")
        body = "\n\n".join(paragraphs[1:-1]).strip()  # neither the subject nor the trailers
        lines += [f"## {paragraphs[0]}", "", body or "(the step gave no summary)", ""]
    lines.append("Review this proposal and move what holds into your lessons-learned log.")
    return "\n".join(lines)
