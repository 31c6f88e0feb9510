"""The Definition of Done: a checklist whose items name the gate that proves them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

OptionValue = str | int | float | bool


def _empty_options() -> Mapping[str, OptionValue]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class DodItem:
    """One checklist item; without a gate it is manual and needs an attestation."""

    text: str
    line: int
    gate: str | None = None
    options: Mapping[str, OptionValue] = field(default_factory=_empty_options)

    @property
    def is_manual(self) -> bool:
        """True when no gate proves this item."""
        return self.gate is None


@dataclass(frozen=True, slots=True)
class DefinitionOfDone:
    """The parsed Definition of Done."""

    path: str
    items: tuple[DodItem, ...]
