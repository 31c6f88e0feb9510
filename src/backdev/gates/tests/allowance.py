"""Which test changes the feature allows: the names listed in its `## Test Changes` section.

Convention: a feature that deliberately removes, skips, xfails or weakens tests lists
them in a section titled "Test Changes", by function name (`test_login`), class name,
`Class::test` id, file path, or `path::test` id. Anything named there is allowed;
nothing else is. The section belongs to the feature's owner, like the criteria.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backdev.domain.features import Feature

SECTION_TITLE = "test changes"
_WORD = re.compile(r"[\w./:\[\]-]+")


@dataclass(frozen=True, slots=True)
class Allowance:
    """The names a feature's Test Changes section mentions."""

    names: frozenset[str] = frozenset()

    @classmethod
    def of(cls, feature: Feature | None) -> Allowance:
        """The allowance of `feature` (nothing allowed without a feature or section)."""
        if feature is None:
            return cls()
        names: set[str] = set()
        for section in feature.sections:
            if " ".join(section.title.lower().split()) == SECTION_TITLE:
                for raw in _WORD.findall(section.text):
                    word = raw.strip(".:")
                    names.add(word)
                    names.update(part for part in word.split("::") if part)
        return cls(frozenset(names))

    def allows(self, path: str, qualname: str = "") -> bool:
        """True when the file, the test (by name or id) or its class is listed."""
        if not self.names:
            return False
        if path in self.names:
            return True
        if not qualname:
            return False
        parts = qualname.split("::")
        return (
            qualname in self.names
            or f"{path}::{qualname}" in self.names
            or parts[-1] in self.names
            or any(part in self.names for part in parts[:-1])
        )
