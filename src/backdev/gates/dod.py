"""The `dod` gate: every Definition of Done item is proven by its gate or attested.

It runs after the other gates and reads their results (`context.prior`):

- an item whose gate passed or warned is proven;
- an item whose gate failed is not met (error);
- an item whose gate skipped is not proven, a warning naming the skip's reason: a skip
  means the gate found nothing of its kind to judge in this change (a docs-only change
  has no lines to cover), so failing the change for it would be wrong, and passing it
  silently would hide it;
- an item whose gate did not run (left out with `--gates`/`--skip`) is not checked
  (warning);
- a manual item needs an attestation for a commit of this change (error without one).

There is no built-in Definition of Done: without the file the other gates still judge
the change, and a built-in list bound to them would only repeat their verdicts.
"""

from __future__ import annotations

from collections.abc import Sequence

from backdev.application.gates import GateContext
from backdev.application.ports import Attestation
from backdev.domain.changes import WORKTREE, ChangeSet
from backdev.domain.dod import DodItem
from backdev.domain.findings import Finding, GateResult

GATE_ID = "dod"
_SHORT_SHA = 7
_LISTED_FINDINGS = 5


class DodGate:
    """Each DoD item is proven by its gate's result in this report, or attested."""

    @property
    def id(self) -> str:
        """The gate id, `dod`."""
        return GATE_ID

    def run(self, context: GateContext) -> GateResult:
        """Judge every item of the Definition of Done."""
        dod = context.dod
        if dod is None:
            return GateResult.skipped(
                GATE_ID,
                f"no Definition of Done at {context.config.dod}: `backdev init` writes one",
            )
        results = {result.gate: result for result in context.prior}
        store = context.ports.attestations
        attestations = store.load() if store is not None else ()
        valid = _change_commits(context.change)
        findings: list[Finding] = []
        proven = attested = 0
        for item in dod.items:
            if item.gate is None:
                found = _attestation(item, attestations, valid)
                if found is None:
                    findings.append(_not_attested(dod.path, item, attestations))
                else:
                    attested += 1
                continue
            result = results.get(item.gate)
            if result is None:
                findings.append(_not_checked(dod.path, item))
            elif result.status == "fail":
                findings.append(_not_met(dod.path, item, result.summary, result.findings))
            elif result.status == "skip":
                findings.append(_not_proven(dod.path, item, result.summary))
            else:
                proven += 1
        open_items = len(dod.items) - proven - attested
        checked = (
            f"{len(dod.items)} items: {proven} proven by gates, {attested} attested, "
            f"{open_items} open"
        )
        return GateResult.judged(GATE_ID, findings, checked)


def _change_commits(change: ChangeSet) -> tuple[str, ...]:
    """The commits an attestation may name: the range's, or for uncommitted work on top
    of the base with no commit of its own, the base (the checked-out HEAD)."""
    shas = tuple(commit.sha.lower() for commit in change.commits)
    if not shas and change.head == WORKTREE:
        return (change.base.lower(),)
    return shas


def _attestation(
    item: DodItem, attestations: Sequence[Attestation], valid: Sequence[str]
) -> Attestation | None:
    for attestation in _for_item(item, attestations):
        if _names_one_of(attestation.commit, valid):
            return attestation
    return None


def _for_item(item: DodItem, attestations: Sequence[Attestation]) -> list[Attestation]:
    wanted = _normal(item.text)
    return [a for a in attestations if _normal(a.item) == wanted]


def _names_one_of(commit: str, shas: Sequence[str]) -> bool:
    """A full sha, or an abbreviation of at least 7 digits, of one of `shas`."""
    commit = commit.strip().lower()
    return len(commit) >= _SHORT_SHA and any(sha.startswith(commit) for sha in shas)


def _not_attested(path: str, item: DodItem, attestations: Sequence[Attestation]) -> Finding:
    others = _for_item(item, attestations)
    evidence = "\n".join(
        f"attested for {a.commit[:12]} by {a.by} on {a.date} (attestations line {a.line}), "
        "which is not a commit of this change"
        for a in others
    )
    quoted = item.text.replace("\\", "\\\\").replace('"', '\\"')
    return Finding(
        rule=f"{GATE_ID}/item-not-attested",
        severity="error",
        path=path,
        line=item.line,
        message=(
            f"manual item {item.text!r} has no attestation for a commit of this change; "
            "no gate proves it, so a person must confirm it"
        ),
        fix=f'check it, then run `backdev attest "{quoted}" --by NAME --note TEXT`',
        evidence=evidence,
    )


def _not_met(path: str, item: DodItem, summary: str, gate_findings: Sequence[Finding]) -> Finding:
    listed = [
        f"{f.rule} at {f.path or '(change)'}" + (f":{f.line}" if f.line else "")
        for f in gate_findings[:_LISTED_FINDINGS]
    ]
    if len(gate_findings) > _LISTED_FINDINGS:
        listed.append(f"… and {len(gate_findings) - _LISTED_FINDINGS} more")
    return Finding(
        rule=f"{GATE_ID}/item-not-met",
        severity="error",
        path=path,
        line=item.line,
        message=f"item {item.text!r} is not met: its gate {item.gate} failed ({summary})",
        fix=f"fix the {item.gate} gate's findings",
        evidence="\n".join(listed),
    )


def _not_proven(path: str, item: DodItem, reason: str) -> Finding:
    return Finding(
        rule=f"{GATE_ID}/item-not-proven",
        severity="warning",
        path=path,
        line=item.line,
        message=(f"item {item.text!r} is not proven: its gate {item.gate} skipped ({reason})"),
        fix=f"give the {item.gate} gate what its reason asks for, then run the check again",
        evidence=reason,
    )


def _not_checked(path: str, item: DodItem) -> Finding:
    itself = item.gate == GATE_ID
    why = (
        "the dod gate cannot prove its own item"
        if itself
        else ("left out with --gates/--skip, or not installed")
    )
    fix = (
        "name the gate that proves the item, or drop the annotation and attest it"
        if itself
        else f"run `backdev check` with the {item.gate} gate"
    )
    return Finding(
        rule=f"{GATE_ID}/item-not-checked",
        severity="warning",
        path=path,
        line=item.line,
        message=(
            f"item {item.text!r} is not checked: its gate {item.gate} did not run in this "
            f"check ({why})"
        ),
        fix=fix,
    )


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()
