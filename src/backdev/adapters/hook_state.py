"""What the Claude Code Stop hook remembers between runs: one small JSON file per session."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from backdev.adapters.import_graph.files import make_cache_dir
from backdev.application.claude_stop import StopRecord


class JsonStopMemory:
    """Implements the StopMemory port with files under a folder such as `.backdev/hooks/`.

    The session id comes from the hook's input, so the file name is a digest of it,
    never the id itself. A file that cannot be read counts as no memory: the worst case
    is one more block, never a crash of the hook.
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def recall(self, session_id: str) -> StopRecord | None:
        """The session's last block, or None."""
        try:
            data = json.loads(self._file(session_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        fingerprint = data.get("fingerprint") if isinstance(data, dict) else None
        blocks = data.get("blocks") if isinstance(data, dict) else None
        if isinstance(fingerprint, str) and isinstance(blocks, int) and blocks > 0:
            return StopRecord(fingerprint, blocks)
        return None

    def remember(self, session_id: str, record: StopRecord | None) -> None:
        """Keep `record` for the session; None removes what was kept."""
        path = self._file(session_id)
        if record is None:
            path.unlink(missing_ok=True)
            return
        make_cache_dir(self._folder)
        text = json.dumps({"fingerprint": record.fingerprint, "blocks": record.blocks})
        fd, name = tempfile.mkstemp(prefix=".stop-", dir=self._folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(name, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                Path(name).unlink()

    def _file(self, session_id: str) -> Path:
        digest = hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()
        return self._folder / f"stop-{digest[:32]}.json"
