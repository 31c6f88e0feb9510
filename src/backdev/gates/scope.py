"""The `scope` gate: the change stays inside the feature's scope and leaves the specs alone.

The feature file, the Architecture Principles and the Definition of Done belong to other
roles; a change that edits only those (and other docs) is a spec change and passes, but
code changes must not come with spec edits. In the feature file a change of the front
matter's `status` alone is allowed. Docs and dependency manifests are judged by `docs`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from backdev.application.gates import GateContext, feature_or_skip
from backdev.application.globs import PathPatterns
from backdev.domain.changes import ChangedFile
from backdev.domain.file_kinds import DOCS_PATTERNS, MANIFEST_PATTERNS
from backdev.domain.findings import Finding, GateResult

GATE_ID = "scope"
_STATUS_LINE = re.compile(r"status\s*:")


class ScopeGate:
    """Changed files lie inside the feature's `scope`; no edits to specs other roles own."""

    @property
    def id(self) -> str:
        """The gate id, `scope`."""
        return GATE_ID

    def run(self, context: GateContext) -> GateResult:
        """Judge every changed file against the feature's scope and the spec documents."""
        feature = feature_or_skip(context, GATE_ID)
        if isinstance(feature, GateResult):
            return feature
        if context.change.is_empty:
            return GateResult.skipped(GATE_ID, "the change is empty")
        specs = _spec_paths(context)
        edits = [f for f in context.change.files if _spec_of(f, specs) and _is_edit(context, f)]
        others = [f for f in context.change.files if not _spec_of(f, specs)]
        adr = f"{context.config.adr.strip('/')}/**"
        if edits and all(_all_match(PathPatterns((*DOCS_PATTERNS, adr)), f) for f in others):
            names = ", ".join(sorted({f.path for f in edits}))
            return GateResult.judged(
                GATE_ID, [], f"spec change: only specification documents edited ({names})"
            )
        if not feature.scope and not edits:
            return GateResult.skipped(
                GATE_ID,
                f"feature {feature.id} declares no `scope`: add `scope: [...]` to its front "
                "matter to judge where the change may go",
            )
        not_judged = PathPatterns((*DOCS_PATTERNS, adr, *MANIFEST_PATTERNS))
        findings = [_spec_finding(context, f, feature.path) for f in edits]
        findings += [
            _outside_finding(f, feature.id, ", ".join(feature.scope))
            for f in _outside(context, others, not_judged)
        ]
        judged = len(context.change.files)
        return GateResult.judged(
            GATE_ID, findings, f"{judged} changed file{'' if judged == 1 else 's'}"
        )


def _outside(
    context: GateContext, files: Sequence[ChangedFile], not_judged: PathPatterns
) -> list[ChangedFile]:
    """The judged files (not docs, manifests or excluded) that leave the feature's scope."""
    if context.feature is None or not context.feature.scope:
        return []
    allowed = PathPatterns(context.feature.scope)
    return [
        f
        for f in files
        if not _all_match(not_judged, f)
        and not context.is_excluded(f.path)
        and not _all_match(allowed, f)
    ]


def _spec_paths(context: GateContext) -> dict[str, str]:
    """Spec document path -> what it is."""
    specs = {
        _clean(context.config.principles): "the Architecture Principles",
        _clean(context.config.dod): "the Definition of Done",
    }
    if context.feature is not None:
        specs[_clean(context.feature.path)] = f"feature {context.feature.id}"
    return specs


def _spec_of(changed: ChangedFile, specs: dict[str, str]) -> str | None:
    for path in _paths(changed):
        if path in specs:
            return specs[path]
    return None


def _is_edit(context: GateContext, changed: ChangedFile) -> bool:
    """True unless the file's text is unchanged, or only the feature's `status` changed."""
    base = (
        context.read_base(changed.old_path or changed.path) if changed.status != "added" else None
    )
    head = context.read_head(changed.path) if changed.status != "deleted" else None
    if base is None or head is None:
        return True
    if context.feature is not None and _clean(context.feature.path) in _paths(changed):
        return _without_status(base) != _without_status(head)
    return base != head


def _spec_finding(context: GateContext, changed: ChangedFile, feature_path: str) -> Finding:
    is_feature = _clean(feature_path) in _paths(changed)
    what = _spec_of(changed, _spec_paths(context)) or changed.path
    line, evidence = _first_edited_line(context, changed, skip_status=is_feature)
    owned = (
        "its requirements and acceptance criteria belong to the requirements owner"
        if is_feature
        else "it belongs to the architecture and delivery owners"
    )
    return Finding(
        f"{GATE_ID}/spec-edited",
        "error",
        changed.path,
        line,
        f"the change edits {what} alongside code; {owned} (other roles own these)",
        "revert the spec edit, or propose it as a separate spec-only change",
        evidence,
    )


def _outside_finding(changed: ChangedFile, feature_id: str, scope: str) -> Finding:
    moved = (
        f" (moved from {changed.old_path})"
        if changed.old_path and changed.old_path != changed.path
        else ""
    )
    return Finding(
        f"{GATE_ID}/outside-scope",
        "error",
        changed.path,
        0,
        f"{changed.path}{moved} is {changed.status} outside feature {feature_id}'s scope "
        f"({scope}); the change must not expand beyond its task",
        "revert this file, or ask the feature's owner to widen its `scope`",
    )


def _first_edited_line(
    context: GateContext, changed: ChangedFile, *, skip_status: bool
) -> tuple[int, str]:
    head = context.read_head(changed.path) if changed.status != "deleted" else None
    if head is None:
        return 0, ""
    lines = head.splitlines()
    for number in sorted(changed.added_lines):
        if 0 < number <= len(lines):
            text = lines[number - 1].strip()
            if skip_status and _STATUS_LINE.match(text):
                continue
            return number, text[:200]
    return 0, ""


def _all_match(patterns: PathPatterns, changed: ChangedFile) -> bool:
    """True when the file's path (and its old path, if moved) match `patterns`."""
    return all(patterns.matches(path) for path in _paths(changed))


def _paths(changed: ChangedFile) -> Sequence[str]:
    if changed.old_path and changed.old_path != changed.path:
        return (changed.path, changed.old_path)
    return (changed.path,)


def _without_status(text: str) -> str:
    """The text with the front matter's `status:` line removed."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return text
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            kept = [line for line in lines[1:index] if not _STATUS_LINE.match(line)]
            return "\n".join([lines[0], *kept, *lines[index:]])
    return text


def _clean(path: str) -> str:
    return path.removeprefix("./")
