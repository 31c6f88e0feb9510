"""Pairing the tests of a change's base with its head: kept, moved, renamed, or removed.

A base test is still there when the head of its own file has a test of the same name,
when another changed test file now holds a test of that name (moved), or when a new
test anywhere in the changed test files has the same body (renamed or moved).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from backdev.gates.tests.facts import FileFacts, FoundTest


@dataclass(frozen=True, slots=True)
class ChangedTestFile:
    """One changed test file: its facts at base (None: new) and at head (None: deleted)."""

    path: str
    base: FileFacts | None
    head: FileFacts | None
    added_lines: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Located:
    """A test and the file it is in."""

    path: str
    test: FoundTest


@dataclass(slots=True)
class Matches:
    """Base tests paired with their head counterparts, and those that are gone."""

    kept: list[tuple[Located, Located]] = field(default_factory=list)
    removed: list[tuple[ChangedTestFile, FoundTest]] = field(default_factory=list)

    def base_of(self, path: str, qualname: str) -> Located | None:
        """The base counterpart of the head test `qualname` in `path`, if it had one."""
        for base, head in self.kept:
            if head.path == path and head.test.qualname == qualname:
                return base
        return None


def match_tests(pairs: Sequence[ChangedTestFile]) -> Matches:
    """Pair every base test of the changed test files with its head counterpart."""
    head_tests = [
        Located(pair.path, test)
        for pair in pairs
        if pair.head is not None
        for test in pair.head.tests.values()
    ]
    taken: set[tuple[str, str]] = set()
    matches = Matches()
    unmatched: list[tuple[ChangedTestFile, FoundTest]] = []
    for pair in pairs:
        for test in pair.base.tests.values() if pair.base is not None else ():
            if pair.head is not None and test.qualname in pair.head.tests:
                head = Located(pair.path, pair.head.tests[test.qualname])
                matches.kept.append((Located(pair.path, test), head))
                taken.add((head.path, head.test.qualname))
            else:
                unmatched.append((pair, test))
    # Same file first (a rename), then another file by name (a move), then by body.
    for rule in (_renamed_here, _moved_by_name, _moved_by_body):
        still: list[tuple[ChangedTestFile, FoundTest]] = []
        for pair, test in unmatched:
            free = (h for h in head_tests if (h.path, h.test.qualname) not in taken)
            found = next((h for h in free if rule(pair, test, h, pairs)), None)
            if found is None:
                still.append((pair, test))
            else:
                taken.add((found.path, found.test.qualname))
                matches.kept.append((Located(pair.path, test), found))
        unmatched = still
    matches.removed.extend(unmatched)
    return matches


def _renamed_here(
    pair: ChangedTestFile, test: FoundTest, head: Located, pairs: Sequence[ChangedTestFile]
) -> bool:
    return head.path == pair.path and head.test.fingerprint == test.fingerprint


def _moved_by_name(
    pair: ChangedTestFile, test: FoundTest, head: Located, pairs: Sequence[ChangedTestFile]
) -> bool:
    return (
        head.path != pair.path
        and head.test.qualname == test.qualname
        and not _existed_at_base(head, pairs)
    )


def _moved_by_body(
    pair: ChangedTestFile, test: FoundTest, head: Located, pairs: Sequence[ChangedTestFile]
) -> bool:
    return head.path != pair.path and head.test.fingerprint == test.fingerprint


def _existed_at_base(head: Located, pairs: Sequence[ChangedTestFile]) -> bool:
    for pair in pairs:
        if pair.path == head.path and pair.base is not None:
            return head.test.qualname in pair.base.tests
    return False
