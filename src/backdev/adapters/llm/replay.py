"""A chat model that replays the model turns of a recorded run's transcript.

`--model replay:.backdev/runs/1/transcript.jsonl` answers with the transcript's
`"type": "model-turn"` records in order, so a recorded run can be played again
without a model server (a demo, or a reproduction of a bug in the harness).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from backdev.adapters.llm.scripted import ScriptedModel
from backdev.application.agent_ports import ModelError
from backdev.domain.conversation import AssistantTurn, Message, ToolSpec, turn_from_record
from backdev.domain.errors import ConfigError


class ReplayModel:
    """Plays back the model turns of a transcript JSONL; other records are skipped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        turns = read_model_turns(path)
        self._count = len(turns)
        self._player = ScriptedModel(turns, label=f"the transcript {path}")

    @property
    def requests(self) -> list[tuple[Message, ...]]:
        """The messages of every call so far, in order."""
        return self._player.requests

    def describe(self) -> str:
        """Says that this is a replay, and of which file."""
        return f"replay of {self.path} ({self._count} model turns)"

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> AssistantTurn:
        """The next recorded turn; ModelError once the transcript has no more."""
        if self._player.played >= self._count:
            raise ModelError(
                f"The transcript {self.path} has {self._count} model turns and all were "
                "replayed, but this run asked for another: it went differently from the "
                "recorded run (changed code, specs or tools)."
            )
        return self._player.complete(messages, tools)


def read_model_turns(path: Path) -> list[AssistantTurn]:
    """Every model turn in a transcript, in order; ConfigError naming FILE:LINE when malformed."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such transcript. Give --model replay:PATH the transcript.jsonl "
            "of a recorded run."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the transcript ({exc})") from exc
    turns: list[AssistantTurn] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{path}:{number}: not a JSON record ({exc.msg}, column {exc.colno}). "
                "A transcript holds one JSON object per line."
            ) from exc
        if not isinstance(record, dict) or record.get("type") != "model-turn":
            continue
        try:
            turns.append(turn_from_record(record))
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"{path}:{number}: malformed model-turn record: {exc}") from exc
    if not turns:
        raise ConfigError(
            f"{path}: the transcript has no model-turn records, so there is nothing to "
            "replay. Check that it is the transcript.jsonl of a run that called the model."
        )
    return turns
