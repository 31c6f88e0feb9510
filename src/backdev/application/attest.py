"""The `attest` use case: a person records that a manual DoD item holds for a commit.

Only manual items (no `{gate: ...}`) take attestations: an item a gate proves is
proven by running that gate, never by someone's word.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from backdev.application.ports import Attestation, AttestationStore
from backdev.domain.dod import DefinitionOfDone, DodItem
from backdev.domain.errors import ConfigError


def attest(
    dod: DefinitionOfDone | None,
    item_ref: str,
    *,
    by: str,
    note: str,
    commit: str,
    store: AttestationStore,
    today: date,
) -> Attestation:
    """Append an attestation of the item `item_ref` names, for `commit`, and return it.

    `item_ref` is the item's exact text or a unique case-insensitive prefix or
    substring of it. Raises ConfigError when there is no DoD, when the reference
    matches no item or several, when the item is proven by a gate, or when `by`,
    `note` or `commit` is blank.
    """
    if dod is None:
        raise ConfigError(
            "there is no Definition of Done to attest against: write one "
            "(`backdev init` scaffolds docs/engineering/definition-of-done.md)"
        )
    for name, value in (("--by", by), ("--note", note), ("commit", commit)):
        if not value.strip():
            raise ConfigError(f"{name} must not be empty: say who checked the item and how")
    item = find_item(dod, item_ref)
    if item.gate is not None:
        raise ConfigError(
            f"{dod.path}:{item.line}: {item.text!r} is proven by gate {item.gate}, not by "
            f"attestation; run `backdev check` (the {item.gate} gate proves it)"
        )
    attestation = Attestation(
        item=item.text,
        by=_one_line(by),
        note=_one_line(note),
        commit=commit.strip(),
        date=today.isoformat(),
    )
    store.append(attestation)
    return attestation


def find_item(dod: DefinitionOfDone, item_ref: str) -> DodItem:
    """The item `item_ref` names: exact text first, then a unique prefix, then a unique
    substring (both case-insensitive). Raises ConfigError listing the candidates."""
    wanted = _normal(item_ref)
    if not wanted:
        raise ConfigError("name the item to attest: its text, or a unique part of it")
    exact = [item for item in dod.items if _normal(item.text) == wanted]
    if exact:
        return exact[0]
    for matches in (
        [item for item in dod.items if _normal(item.text).startswith(wanted)],
        [item for item in dod.items if wanted in _normal(item.text)],
    ):
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ConfigError(
                f"{item_ref!r} matches {len(matches)} items of {dod.path}; "
                f"name one exactly:\n{_listing(dod.path, matches)}"
            )
    manual = [item for item in dod.items if item.is_manual]
    candidates = (
        f"its manual items are:\n{_listing(dod.path, manual)}"
        if manual
        else "it has no manual item: every item is proven by a gate"
    )
    raise ConfigError(f"no item of {dod.path} matches {item_ref!r}; {candidates}")


def _listing(path: str, items: Sequence[DodItem]) -> str:
    lines = []
    for item in items:
        proof = f" (proven by gate {item.gate})" if item.gate else ""
        lines.append(f"  {path}:{item.line}: {item.text}{proof}")
    return "\n".join(lines)


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _one_line(text: str) -> str:
    return " ".join(text.split())
