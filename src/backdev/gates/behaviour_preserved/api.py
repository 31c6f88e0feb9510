"""Rule `signature-changed`: a refactoring keeps the public signatures of the modules it touches.

A changed signature is reported at its head line; a removed (or renamed) one at its
base line, in the module's base path. The methods of a removed class are covered by
the class's own finding. Private modules (`_impl.py`, `pkg/_internal/…`) have no public
signatures. A name that stays bound as an alias or re-export is not removed.
"""

from __future__ import annotations

from backdev.domain.findings import Finding
from backdev.gates.behaviour_preserved.signatures import (
    Signature,
    other_bindings,
    public_signatures,
)
from backdev.gates.behaviour_preserved.source import GATE_ID, Versions

RULE = f"{GATE_ID}/signature-changed"


def signature_findings(files: list[Versions]) -> list[Finding]:
    """Findings for every public signature of the changed modules that changed or went away."""
    findings: list[Finding] = []
    for version in files:
        if version.base is None or version.base_path is None or is_private(version.base_path):
            continue
        before = public_signatures(version.base)
        after = public_signatures(version.head) if version.head is not None else {}
        kept = other_bindings(version.head) if version.head is not None else frozenset()
        gone_classes = {n for n, s in before.items() if s.kind == "class" and n not in after}
        for name, signature in before.items():
            now = after.get(name)
            if now is None:
                owner = name.partition(".")[0]
                if name in kept or (owner != name and owner in gone_classes):
                    continue
                findings.append(_removed(version, signature))
            elif now.shape != signature.shape:
                findings.append(_changed(version.changed.path, signature, now))
    return findings


def is_private(path: str) -> bool:
    """True for a module whose path has a part starting with `_` (dunder names excepted)."""
    for part in path.split("/"):
        stem = part.removesuffix(".py")
        if stem.startswith("_") and not (stem.startswith("__") and stem.endswith("__")):
            return True
    return False


def _changed(path: str, before: Signature, after: Signature) -> Finding:
    return Finding(
        RULE,
        "error",
        path,
        after.line,
        f"the public signature of `{after.name}` changed from `{before.shown()}` to "
        f"`{after.shown()}`: a refactoring keeps the public interface, so callers keep working",
        "restore the signature (keep a compatible wrapper), or make this a feature change",
        f"at base line {before.line}: {before.shown()}",
    )


def _removed(version: Versions, before: Signature) -> Finding:
    path = version.base_path or version.changed.path
    where = "its module is deleted" if version.head is None else "it is gone at head"
    what = "class" if before.kind == "class" else "function" if "." not in before.name else "method"
    return Finding(
        RULE,
        "error",
        path,
        before.line,
        f"public {what} `{before.name}` (line {before.line} at base) is removed or renamed "
        f"({where}): a refactoring keeps the public interface, so callers keep working",
        "restore it, or keep the old name as an alias or re-export of the new one",
        before.shown(),
    )
