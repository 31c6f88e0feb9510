"""The run transcript: one JSON line per model turn or tool call, synced as it is written."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from backdev.adapters.import_graph.files import make_cache_dir
from backdev.domain.conversation import JsonValue
from backdev.domain.errors import ConfigError

FILE_NAME = "transcript.jsonl"
_TAIL_CHUNK = 1 << 16


class JsonlTranscript:
    """The `Transcript` as `<directory>/<run_id>/transcript.jsonl`, normally in `.backdev/runs`.

    This adapter writes what it is given: redacting secrets is the caller's job (the
    agent redacts every entry before it gets here), so the file holds exactly what
    the model saw and said. Each entry is flushed and fsynced before `write` returns;
    entries come once per model turn or tool call, so the sync is cheap next to the
    call itself, and a crash loses at most the entry being written.
    """

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._checked: set[int] = set()

    def path(self, run_id: int) -> Path:
        """Where the run's transcript lives (it may not exist yet)."""
        return self._directory / str(run_id) / FILE_NAME

    def write(self, run_id: int, entry: Mapping[str, JsonValue]) -> None:
        """Append `entry` as one JSON line, then flush and fsync it."""
        line = json.dumps(dict(entry), ensure_ascii=False, allow_nan=False) + "\n"
        path = self.path(run_id)
        try:
            make_cache_dir(path.parent)
            with path.open("a+b") as stream:
                if run_id not in self._checked:
                    _drop_torn_tail(stream.fileno())
                    self._checked.add(run_id)
                stream.write(line.encode("utf-8"))
                stream.flush()
                os.fsync(stream.fileno())
        except OSError as exc:
            raise ConfigError(
                f"cannot write the transcript {path}: {exc.strerror} — check that the disk "
                "has space and the directory is writable"
            ) from exc


def _drop_torn_tail(fd: int) -> None:
    """Cut a last line left without its newline by a writer that was killed mid-entry.

    Appending after such a fragment would glue the next entry onto it and make both
    unreadable; the fragment itself was never a whole entry, so nothing is lost.
    """
    end = os.lseek(fd, 0, os.SEEK_END)
    position = end
    while position > 0:
        start = max(0, position - _TAIL_CHUNK)
        chunk = os.pread(fd, position - start, start)
        if position == end and chunk.endswith(b"\n"):
            return
        newline = chunk.rfind(b"\n")
        if newline >= 0:
            os.ftruncate(fd, start + newline + 1)
            return
        position = start
    if end:
        os.ftruncate(fd, 0)
