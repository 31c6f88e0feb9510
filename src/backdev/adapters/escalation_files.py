"""Escalation dossiers as Markdown files under `.backdev/escalations/`."""

from __future__ import annotations

import re
import time
from pathlib import Path

from backdev.adapters.import_graph.files import make_cache_dir

DIRECTORY = ".backdev/escalations"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class MarkdownDossierStore:
    """Writes each dossier once; `.backdev/` ignores itself, so nothing shows in git."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def write(self, feature: str, number: int, text: str) -> str:
        """Write `<feature>-<number>.md` (the feature id made safe for a file name)."""
        name = f"{_UNSAFE.sub('-', feature).strip('-') or 'feature'}-{number}.md"
        relative = f"{DIRECTORY}/{name}"
        path = self._root / relative
        make_cache_dir(path.parent)
        path.write_text(text, encoding="utf-8")
        return relative


class SystemClock:
    """The wall clock."""

    def now(self) -> float:
        return time.time()
