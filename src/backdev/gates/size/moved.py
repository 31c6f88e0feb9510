"""Moved lines: code cut from one place and pasted unchanged in another.

A reviewer reads a move as one fact ("this block moved"), not as hundreds of new
lines, and `git diff --color-moved` shows it so. The heuristic follows git's: a line
counts as moved when its text, stripped of indentation, has at least 20 alphanumeric
characters and the change removes an identical line somewhere else. Short lines
(`return None`, `else:`) are too common to tell a move from a rewrite.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from backdev.application.gates import GateContext
from backdev.domain.changes import ChangedFile

MIN_ALNUM = 20


def moved_line_pairs(context: GateContext, files: Sequence[ChangedFile]) -> int:
    """How many added lines of `files` match a removed line of `files` (each used once)."""
    removed: Counter[str] = Counter()
    for changed in files:
        if changed.removed_lines and changed.old_path and not changed.binary:
            removed.update(_texts(context.read_base(changed.old_path), changed.removed_lines))
    if not removed:
        return 0
    pairs = 0
    for changed in files:
        if changed.added_lines and not changed.binary:
            for text in _texts(context.read_head(changed.path), changed.added_lines):
                if removed[text] > 0:
                    removed[text] -= 1
                    pairs += 1
    return pairs


def _texts(text: str | None, numbers: frozenset[int]) -> list[str]:
    if text is None:
        return []
    lines = text.splitlines()
    picked = (lines[n - 1].strip() for n in sorted(numbers) if 0 < n <= len(lines))
    return [line for line in picked if sum(c.isalnum() for c in line) >= MIN_ALNUM]
