"""Exact matching for the `replace` tool, and the hints it gives when `old` misses.

`replace` never matches fuzzily: a near miss is refused. What the model gets
back is enough to correct itself in one turn: how many times `old` occurs and
where, or the nearest lines of the file with their numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

MIN_SIMILARITY = 0.5
"""Windows less similar than this to `old` are not worth showing."""
_BEHIND_BEST = 0.2
"""A candidate this far behind the best one would only distract."""
_SCORE_BUDGET = 1_000_000
"""Characters compared in the cheap first pass before it narrows to anchored windows."""
_FINALISTS = 10
_SHOWN_LINES = 30


@dataclass(frozen=True, slots=True)
class NearMatch:
    """Lines of the file close to what the model sent, from line `first` (1-based)."""

    first: int
    lines: tuple[str, ...]
    similarity: float


def occurrences(text: str, old: str) -> list[int]:
    """Start offsets of every occurrence of `old` in `text`, overlapping ones included.

    Overlaps count because `aa` in `aaa` is ambiguous: two different edits
    would follow from it.
    """
    found: list[int] = []
    start = text.find(old)
    while old and start != -1:
        found.append(start)
        start = text.find(old, start + 1)
    return found


def line_at(text: str, offset: int) -> int:
    """The 1-based line number of a character offset."""
    return text.count("\n", 0, offset) + 1


def describe_miss(path: str, text: str, old: str, limit: int = 3) -> str:
    """Why `old` was not found in the file `path`, with the nearest lines, numbered."""
    parts = [f"`old` does not occur in {path}, so nothing was replaced."]
    if _squeezed(old) and _squeezed(old) in _squeezed(text):
        parts.append(
            "It does occur when the whitespace at the start and end of each line is ignored: "
            "copy the indentation exactly (spaces or tabs, trailing spaces, line endings)."
        )
    near = nearest_lines(text, old, limit)
    if not near:
        parts.append(f"Nothing in the file is similar: read_file {path} and copy the text.")
        return "\n".join(parts)
    parts.append("The nearest text in the file (the `N|` line numbers are not part of the file):")
    for match in near:
        last = match.first + len(match.lines) - 1
        parts.append(f"lines {match.first}-{last} ({match.similarity:.0%} similar):")
        parts.extend(_numbered(match))
    parts.append("Send `old` again, copied exactly from the file.")
    return "\n".join(parts)


def describe_repeats(path: str, text: str, starts: Sequence[int]) -> str:
    """Why an `old` that occurs several times was refused, and where it occurs."""
    lines = ", ".join(str(line_at(text, start)) for start in starts[:20])
    more = f" and {len(starts) - 20} more" if len(starts) > 20 else ""
    return (
        f"`old` occurs {len(starts)} times in {path} (starting on lines {lines}{more}); "
        "it must occur exactly once, so nothing was replaced. Add neighbouring lines to "
        "`old` until it is unique."
    )


def nearest_lines(text: str, old: str, limit: int = 3) -> list[NearMatch]:
    """Up to `limit` non-overlapping windows of the file most similar to `old`.

    Each window has as many lines as `old`; windows far behind the best are
    dropped. A cheap bound ranks every window first (in a large file only
    those sharing a line with `old`), then the best few are scored line by line.
    """
    wanted = old.strip("\n").splitlines()
    lines = text.splitlines()
    if not lines or not any(line.strip() for line in wanted):
        return []
    size = min(len(wanted), len(lines))
    target = "\n".join(wanted)
    starts: Sequence[int] = range(len(lines) - size + 1)
    if len(starts) * len(target) > _SCORE_BUDGET:
        starts = _anchored(lines, wanted, size)
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(target)
    rough = []
    for start in starts:
        matcher.set_seq1("\n".join(lines[start : start + size]))
        rough.append((matcher.quick_ratio(), start))
    rough.sort(key=lambda pair: (-pair[0], pair[1]))
    exact = [
        (_similarity(lines[start : start + size], wanted), start) for _, start in rough[:_FINALISTS]
    ]
    exact.sort(key=lambda pair: (-pair[0], pair[1]))
    chosen: list[NearMatch] = []
    floor = max(MIN_SIMILARITY, exact[0][0] - _BEHIND_BEST) if exact else MIN_SIMILARITY
    for similarity, start in exact:
        if similarity < floor or len(chosen) == limit:
            break
        if all(abs(start + 1 - match.first) >= size for match in chosen):
            chosen.append(NearMatch(start + 1, tuple(lines[start : start + size]), similarity))
    return chosen


def _anchored(lines: Sequence[str], wanted: Sequence[str], size: int) -> list[int]:
    """Window starts that line up a line of the file with an identical line of `old`."""
    positions: dict[str, list[int]] = {}
    for index, line in enumerate(wanted):
        if line.strip():
            positions.setdefault(line.strip(), []).append(index)
    starts: set[int] = set()
    for number, line in enumerate(lines):
        for index in positions.get(line.strip(), ()):
            starts.add(min(max(number - index, 0), len(lines) - size))
    return sorted(starts)


def _similarity(window: Sequence[str], wanted: Sequence[str]) -> float:
    """Line-by-line similarity, weighted by line length.

    Comparing aligned lines keeps the cost linear in the window's size, where
    one character-level ratio over a long window is quadratic.
    """
    total = weight = 0.0
    for have, want in zip(window, wanted, strict=False):
        size = max(len(have), len(want), 1)
        total += SequenceMatcher(None, have, want, autojunk=False).ratio() * size
        weight += size
    return total / weight if weight else 0.0


def _numbered(match: NearMatch) -> list[str]:
    width = len(str(match.first + len(match.lines) - 1))
    shown = [
        f"{number:>{width}}| {line}"
        for number, line in enumerate(match.lines[:_SHOWN_LINES], start=match.first)
    ]
    if len(match.lines) > _SHOWN_LINES:
        shown.append(f"{'':>{width}}| … {len(match.lines) - _SHOWN_LINES} more lines")
    return shown


def _squeezed(text: str) -> str:
    return "\n".join(line.strip() for line in text.strip().splitlines())
