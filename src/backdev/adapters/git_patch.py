"""Parsing `git diff --raw -z -p -U0` output into changed files with exact line numbers.

The raw part (NUL-separated, so any path survives) names the files, statuses and modes;
the patch that follows lists one section per file, in the same order, except that a
type change (file to symlink, say) is split into a deletion and a creation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from backdev.domain.changes import ChangedFile, FileStatus, Hunk

DIFF_OPTIONS: tuple[str, ...] = (
    "--raw",
    "-z",
    "--patch",
    "-U0",
    "--inter-hunk-context=0",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "--find-renames",
    "--submodule=short",
    "--ignore-submodules=dirty",
)
"""The `git diff` options whose output `parse_diff` reads."""

GITLINK_MODE = "160000"

_STATUSES: dict[str, FileStatus] = {
    "A": "added",
    "M": "modified",
    "D": "deleted",
    "R": "renamed",
    "C": "copied",
    "T": "type-changed",
}
_HUNK = re.compile(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def parse_diff(output: bytes) -> list[ChangedFile]:
    """The changed files described by `git diff` run with DIFF_OPTIONS."""
    entries, patch_start = _raw_entries(output)
    sections = iter(_sections(output[patch_start:]))
    files: list[ChangedFile] = []
    for entry in entries:
        parts = [next(sections, _Section()) for _ in range(2 if entry.status == "T" else 1)]
        files.append(entry.to_changed_file(parts))
    return files


def decode_path(raw: bytes) -> str:
    """A path from git as text; bytes that are not UTF-8 survive as surrogate escapes."""
    return raw.decode("utf-8", errors="surrogateescape")


@dataclass(frozen=True, slots=True)
class _RawEntry:
    old_mode: str
    new_mode: str
    status: str
    path: str
    old_path: str | None

    def to_changed_file(self, sections: list[_Section]) -> ChangedFile:
        submodule = GITLINK_MODE in (self.old_mode, self.new_mode)
        status = _STATUSES.get(self.status, "modified")
        if submodule:
            return ChangedFile(self.path, status, self.old_path, submodule=True)
        return ChangedFile(
            path=self.path,
            status=status,
            old_path=self.old_path,
            added_lines=frozenset(n for s in sections for n in s.added),
            removed_lines=frozenset(n for s in sections for n in s.removed),
            hunks=tuple(h for s in sections for h in s.hunks),
            binary=any(s.binary for s in sections),
        )


@dataclass(slots=True)
class _Section:
    binary: bool = False
    hunks: list[Hunk] = field(default_factory=list)
    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)


def _raw_entries(output: bytes) -> tuple[list[_RawEntry], int]:
    """The raw records and the offset where the patch starts."""
    entries: list[_RawEntry] = []
    pos = 0
    while output.startswith(b":", pos):
        meta, pos = _token(output, pos)
        fields = meta[1:].split()
        old_mode, new_mode, letter = fields[0], fields[1], fields[4][:1]
        first, pos = _token(output, pos)
        old_path: str | None = None if letter == b"A" else decode_path(first)
        if letter in {b"R", b"C"}:
            second, pos = _token(output, pos)
            first = second
        path = decode_path(first)
        entries.append(
            _RawEntry(old_mode.decode(), new_mode.decode(), letter.decode(), path, old_path)
        )
    # An empty record separates the raw part from the patch.
    if output.startswith(b"\0", pos):
        pos += 1
    return entries, pos


def _token(output: bytes, pos: int) -> tuple[bytes, int]:
    end = output.find(b"\0", pos)
    if end < 0:
        end = len(output)
    return output[pos:end], end + 1


def _sections(patch: bytes) -> list[_Section]:
    """One section per `diff --git` header, with its hunks and line numbers."""
    sections: list[_Section] = []
    current = _Section()
    old_left = new_left = old_no = new_no = 0
    for line in patch.split(b"\n"):
        if old_left > 0 or new_left > 0:
            # Inside a hunk every line is prefixed, so a header cannot be mistaken for one.
            tag = line[:1]
            if tag == b"+":
                current.added.append(new_no)
                new_no, new_left = new_no + 1, new_left - 1
            elif tag == b"-":
                current.removed.append(old_no)
                old_no, old_left = old_no + 1, old_left - 1
            elif tag != b"\\":
                old_no, old_left = old_no + 1, old_left - 1
                new_no, new_left = new_no + 1, new_left - 1
            continue
        if line.startswith(b"diff --"):
            current = _Section()
            sections.append(current)
        elif line.startswith(b"@@ "):
            match = _HUNK.match(line)
            if match is None:
                continue
            hunk = Hunk(*(int(g) if g is not None else 1 for g in match.groups()))
            current.hunks.append(hunk)
            old_no, old_left = hunk.old_start, hunk.old_count
            new_no, new_left = hunk.new_start, hunk.new_count
        elif line.startswith((b"Binary files ", b"GIT binary patch")):
            current.binary = True
    return sections
