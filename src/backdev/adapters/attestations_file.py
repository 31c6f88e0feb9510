"""DoD attestations as a committed Markdown table, so that a clean clone in CI sees them.

One table row per attestation::

    | Date | Commit | Item | By | Note |
    |---|---|---|---|---|
    | 2026-11-27 | `3f2a…` | Trade-offs are written down | Ada | in the ADR |

Cells escape `\\` and `|` with a backslash (GitHub-flavoured Markdown renders `\\|`
as `|`), and line breaks become spaces, so every row reads back exactly. The file is
append-only: existing text is never rewritten; rows that do not parse (prose, a
person's own table) are ignored.
"""

from __future__ import annotations

import re
from pathlib import Path

from backdev.application.ports import Attestation

DEFAULT_PATH = "docs/engineering/attestations.md"
HEADER = "| Date | Commit | Item | By | Note |"
SEPARATOR = "|---|---|---|---|---|"
PREAMBLE = """# Definition of Done attestations

Each row records that a person checked a manual item of the Definition of Done for a
commit. `backdev attest ITEM --by NAME --note TEXT` appends rows and `backdev check`
reads them; commit this file with the change. Append new rows, never edit old ones.

"""
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHA = re.compile(r"[0-9a-f]{7,64}")
_CELLS = 5


class MarkdownAttestationStore:
    """The attestations file at `root / path`."""

    def __init__(self, root: Path, path: str = DEFAULT_PATH) -> None:
        self._root = root
        self._path = path

    def load(self) -> tuple[Attestation, ...]:
        """Every row that parses, with its 1-based line; empty when the file is absent."""
        try:
            data = (self._root / self._path).read_bytes()
        except FileNotFoundError:
            return ()
        # A stray byte in someone's note must not hide every other attestation.
        text = data.decode("utf-8-sig", errors="replace")
        found: list[Attestation] = []
        for number, line in enumerate(text.splitlines(), start=1):
            attestation = parse_row(line, number)
            if attestation is not None:
                found.append(attestation)
        return tuple(found)

    def append(self, attestation: Attestation) -> str:
        """Add one row (creating the file with its heading when missing); returns the path."""
        target = self._root / self._path
        row = format_row(attestation)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"{PREAMBLE}{HEADER}\n{SEPARATOR}\n{row}\n", encoding="utf-8")
            return self._path
        existing = target.read_bytes().decode("utf-8-sig", errors="replace")
        with target.open("a", encoding="utf-8", newline="") as file:
            file.write(_addition(existing, row))
        return self._path


def format_row(attestation: Attestation) -> str:
    """The table row for `attestation` (one line)."""
    cells = (
        attestation.date,
        f"`{attestation.commit}`",
        _escape(attestation.item),
        _escape(attestation.by),
        _escape(attestation.note),
    )
    return "| " + " | ".join(cells) + " |"


def parse_row(line: str, number: int) -> Attestation | None:
    """The attestation a table row records, or None when the line is not such a row."""
    cells = _cells(line)
    if cells is None or len(cells) != _CELLS:
        return None
    date, commit, item, by, note = cells
    commit = commit.strip("`").strip().lower()
    if not _DATE.fullmatch(date) or not _SHA.fullmatch(commit) or not item:
        return None
    return Attestation(item=item, by=by, note=note, commit=commit, date=date, line=number)


def _addition(existing: str, row: str) -> str:
    """What to append so that `row` lands in a table: the open one at the end of the
    file, or a new table when anything else (prose, a blank line) ends the file."""
    lines = existing.split("\n") if existing else [""]
    ends_with_newline = existing.endswith("\n")
    last = lines[-2] if ends_with_newline and len(lines) > 1 else lines[-1]
    prefix = "" if ends_with_newline or not existing else "\n"
    cells = _cells(last)
    if cells is not None and len(cells) == _CELLS:
        return f"{prefix}{row}\n"
    return f"{prefix}\n{HEADER}\n{SEPARATOR}\n{row}\n"


def _cells(line: str) -> list[str] | None:
    """The unescaped cells of a `| a | b |` row, or None when the line is not a row."""
    stripped = line.strip()
    if not stripped.startswith("|"):
        return None
    cells: list[str] = []
    current: list[str] = []
    index = 1
    while index < len(stripped):
        char = stripped[index]
        if char == "\\" and index + 1 < len(stripped) and stripped[index + 1] in "\\|":
            current.append(stripped[index + 1])
            index += 2
            continue
        if char == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    if "".join(current).strip():
        cells.append("".join(current).strip())  # a row without its closing pipe
    return cells


def _escape(value: str) -> str:
    flat = " ".join(value.split())
    return flat.replace("\\", "\\\\").replace("|", "\\|")
