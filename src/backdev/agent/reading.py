"""The reading tools' answers: a file, a listing, search hits, each capped for the context.

The caller has already applied the path rules (resolved, not ignored); these
functions only shape what the model reads, and say how to see more when an
answer is cut.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from backdev.application.agent_ports import PathRefused, Workspace

MAX_READ_LINES = 2000
MAX_READ_CHARS = 100_000
MAX_LISTED = 500
MAX_HITS = 100
MAX_HIT_CHARS = 200


def shown_file(path: str, text: str, note: str = "") -> str:
    """The file's text under a header line, cut after MAX_READ_LINES lines or MAX_READ_CHARS."""
    lines = text.splitlines(keepends=True)
    header = f"{path} ({_count(len(lines), 'line')}{note})"
    shown = "".join(lines[:MAX_READ_LINES])[:MAX_READ_CHARS]
    if len(shown) < len(text):
        rest = len(lines) - shown.count("\n")
        shown += (
            f"\n… {rest} more lines not shown: use search{{pattern, path}} "
            "to find the part you need"
        )
    return f"{header}\n{shown}"


def file_listing(files: Sequence[str], where: str) -> str:
    """At most MAX_LISTED paths under a header that counts them all."""
    if not files:
        return f"no files under {where} (files git ignores are not listed)"
    lines = [f"{_count(len(files), 'file')} under {where}:", *files[:MAX_LISTED]]
    if len(files) > MAX_LISTED:
        lines.append(f"… and {len(files) - MAX_LISTED} more: list a subdirectory")
    return "\n".join(lines)


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The compiled search pattern; ValueError (for the model) when it is empty or invalid."""
    if not pattern:
        raise ValueError("`pattern` is empty: give a Python regular expression")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(
            f"`pattern` is not a valid Python regular expression: {exc}. Escape "
            "special characters such as ( [ . * + ? with a backslash."
        ) from None


def search_files(
    workspace: Workspace, regex: re.Pattern[str], files: Sequence[str], where: str
) -> str:
    """Every line of `files` the regex matches, as `path:line: text`, at most MAX_HITS.

    `where` names the searched directory or file in the answer.

    Files the workspace refuses to read (binary, undecodable) are skipped and counted.
    """
    hits: list[str] = []
    count = skipped = 0
    for path in files:
        try:
            text = workspace.read(path)
        except PathRefused:
            skipped += 1
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if regex.search(line):
                count += 1
                if len(hits) < MAX_HITS:
                    hits.append(f"{path}:{number}: {line.strip()[:MAX_HIT_CHARS]}")
    skipped_note = f" ({_count(skipped, 'binary or unreadable file')} skipped)" if skipped else ""
    if not count:
        return f"no line under {where} matches `{regex.pattern}`{skipped_note}"
    lines = [f"{_count(count, 'matching line')} under {where}{skipped_note}:", *hits]
    if count > len(hits):
        lines.append(f"… and {count - len(hits)} more: narrow the pattern or the path")
    return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
