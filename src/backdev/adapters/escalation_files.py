"""Escalation dossiers and lessons-learned proposals as Markdown files under `.backdev/`."""

from __future__ import annotations

import re
from pathlib import Path

from backdev.adapters.import_graph.files import make_cache_dir

DIRECTORY = ".backdev/escalations"
LESSONS = ".backdev/lessons"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class MarkdownDossierStore:
    """Writes each dossier once; `.backdev/` ignores itself, so nothing shows in git."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def write(self, feature: str, number: int, text: str) -> str:
        """Write `<feature>-<number>.md` (the feature id made safe for a file name)."""
        return self._write(f"{DIRECTORY}/{_safe(feature)}-{number}.md", text)

    def names(self) -> list[str]:
        """The dossiers' file names, sorted (none before the first escalation)."""
        folder = self._root / DIRECTORY
        return sorted(p.name for p in folder.glob("*.md")) if folder.is_dir() else []

    def write_lessons(self, feature: str, text: str) -> str:
        """Write `.backdev/lessons/<feature>.md`, replacing an earlier proposal."""
        return self._write(f"{LESSONS}/{_safe(feature)}.md", text)

    def _write(self, relative: str, text: str) -> str:
        path = self._root / relative
        make_cache_dir(path.parent)
        path.write_text(text, encoding="utf-8")
        return relative


def _safe(feature: str) -> str:
    return _UNSAFE.sub("-", feature).strip("-") or "feature"
