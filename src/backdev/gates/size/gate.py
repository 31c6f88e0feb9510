"""The `size` gate: a change stays small and reviewable, and does not churn untouched code.

Counted are the changed lines (added plus removed) of source files: everything that
is not test code, not documentation (`*.md`, `*.rst`, `docs/**`, the ADR folder) and
not excluded (generated and lock files, the configured and the gate's `exclude`).
Binary files count as files, not lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from backdev.application.gates import GateContext
from backdev.application.globs import PathPatterns
from backdev.domain.changes import ChangedFile
from backdev.domain.file_kinds import DOCS_PATTERNS
from backdev.domain.findings import Finding, GateResult
from backdev.gates.size.churn import formatting_churn
from backdev.gates.size.moved import moved_line_pairs

GATE_ID = "size"
DEFAULT_MAX_LINES = 400
MIN_MIXED_CHURN = 10
"""Formatting-only lines a file with real changes may carry before it is flagged; editors
strip a few trailing spaces on save, and that is no reviewer's burden."""

_BIGGEST = 5


class SizeGate:
    """Line and file budget of a change; warns about formatting-only churn."""

    @property
    def id(self) -> str:
        """The gate id, `size`."""
        return GATE_ID

    def run(self, context: GateContext) -> GateResult:
        """Count the source lines and files the change touches and compare with the budget."""
        counted = _counted_files(context)
        if not counted:
            return GateResult.skipped(
                GATE_ID, "no source file changed (only tests, docs or excluded files)"
            )
        moved = moved_line_pairs(context, counted)
        lines = sum(f.changed_line_count for f in counted) - 2 * moved
        findings = _budget_findings(context, counted, lines)
        findings += [
            churn
            for f in counted
            if f.status in ("modified", "renamed") and f.changed_line_count and not f.binary
            if (churn := _churn_finding(context, f)) is not None
        ]
        files = len(counted)
        moved_note = f", {moved} moved lines not counted" if moved else ""
        return GateResult.judged(
            GATE_ID,
            findings,
            f"{lines} changed source line{'' if lines == 1 else 's'} "
            f"in {files} file{'' if files == 1 else 's'}{moved_note}",
        )


def _counted_files(context: GateContext) -> list[ChangedFile]:
    extra = context.options.get("exclude", [])
    not_source = PathPatterns(
        (
            *DOCS_PATTERNS,
            f"{context.config.adr.strip('/')}/**",
            *(extra if isinstance(extra, list) else []),
        )
    )
    return [
        f
        for f in context.change.files
        if not f.submodule
        and not context.is_test(f.path)
        and not context.is_excluded(f.path)
        and not not_source.matches(f.path)
    ]


def _budget_findings(
    context: GateContext, counted: Sequence[ChangedFile], lines: int
) -> list[Finding]:
    findings: list[Finding] = []
    max_lines = _int_option(context, "max_lines") or DEFAULT_MAX_LINES
    if lines > max_lines:
        biggest = sorted(counted, key=lambda f: (-f.changed_line_count, f.path))[:_BIGGEST]
        listed = ", ".join(f"{f.path} ({f.changed_line_count})" for f in biggest)
        findings.append(
            Finding(
                f"{GATE_ID}/too-many-lines",
                "error",
                "",
                0,
                f"the change has {lines} changed lines of non-test source, over the budget of "
                f"{max_lines}; a change this large is hard to review. Biggest: {listed}",
                f"split the change into smaller steps of at most {max_lines} changed lines",
            )
        )
    max_files = _int_option(context, "max_files")
    if max_files is not None and len(counted) > max_files:
        findings.append(
            Finding(
                f"{GATE_ID}/too-many-files",
                "error",
                "",
                0,
                f"the change touches {len(counted)} source files, over the budget of "
                f"{max_files}; a change this wide is hard to review",
                f"split the change into smaller steps of at most {max_files} files",
            )
        )
    return findings


def _churn_finding(context: GateContext, changed: ChangedFile) -> Finding | None:
    base = context.read_base(changed.old_path or changed.path)
    head = context.read_head(changed.path)
    if base is None or head is None:
        return None
    churn = formatting_churn(base, head, python=changed.path.endswith(".py"), parse=context.parse)
    if churn is None or not (churn.whole_file or churn.lines >= MIN_MIXED_CHURN):
        return None
    line = churn.first_line if churn.first_line in changed.added_lines else 0
    head_lines = head.splitlines()
    evidence = head_lines[line - 1].strip()[:200] if 0 < line <= len(head_lines) else ""
    scope = (
        "only reformat code"
        if churn.whole_file
        else "reformat code the change does not otherwise touch"
    )
    return Finding(
        f"{GATE_ID}/formatting-churn",
        "warning",
        changed.path,
        line,
        f"{churn.lines} changed lines {scope} (whitespace, line breaks, quotes or "
        "trailing commas); such churn hides the real change from reviewers",
        "revert the reformatting, or commit it on its own before the change",
        evidence,
    )


def _int_option(context: GateContext, key: str) -> int | None:
    value = context.options.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
