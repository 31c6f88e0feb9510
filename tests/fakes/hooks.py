"""Fakes for the hook ports: hook files, index snapshots, the Stop hook's memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from backdev.application.claude_stop import StopRecord
from backdev.application.hooks import HookKind


@dataclass
class FakeHookFiles:
    """Hook files in a dict, under a made-up hooks directory."""

    directory: Path = Path("/repo/.git/hooks")
    files: dict[Path, str] = field(default_factory=dict)
    writes: int = 0

    def path_of(self, kind: HookKind) -> Path:
        return self.directory / kind

    def read(self, path: Path) -> str | None:
        return self.files.get(path)

    def write(self, path: Path, text: str) -> None:
        self.files[path] = text
        self.writes += 1


@dataclass
class FakeIndexSnapshots:
    """Answers one fixed (base, head) pair and counts the calls."""

    base: str = "a" * 40
    head: str = "c" * 40
    calls: int = 0

    def commit_index(self) -> tuple[str, str]:
        self.calls += 1
        return self.base, self.head


@dataclass
class FakeStopMemory:
    """Stop records per session id, and the ids asked for."""

    records: dict[str, StopRecord] = field(default_factory=dict)
    recalled: list[str] = field(default_factory=list)

    def recall(self, session_id: str) -> StopRecord | None:
        self.recalled.append(session_id)
        return self.records.get(session_id)

    def remember(self, session_id: str, record: StopRecord | None) -> None:
        if record is None:
            self.records.pop(session_id, None)
        else:
            self.records[session_id] = record
