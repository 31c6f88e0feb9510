"""A deterministic chat model that plays a script: for tests, demos, and users' own tests.

`--model scripted:path/to/script.json` loads the script from a JSON list of model-turn
records (the transcript's `model-turn` format; `"type"` may be left out), e.g.
`[{"content": "", "tool_calls": [{"id": "c1", "name": "read_file",
"arguments": {"path": "README.md"}}], "usage": [120, 30]}]`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from backdev.application.agent_ports import ModelError
from backdev.domain.conversation import (
    AssistantTurn,
    JsonValue,
    Message,
    ToolSpec,
    turn_from_record,
)
from backdev.domain.errors import ConfigError

ScriptedTurn = AssistantTurn | Callable[[Sequence[Message]], AssistantTurn]
"""A fixed turn, or a function that sees the conversation so far and decides the turn."""

_EXAMPLE = '{"content": "Done.", "tool_calls": [], "usage": [10, 2]}'


class ScriptedModel:
    """Plays its turns in order and records every conversation it was sent.

    `requests[i]` holds the messages of the i-th call, so a test can assert on what
    the harness told the model.
    """

    def __init__(self, turns: Sequence[ScriptedTurn], *, label: str = "the script") -> None:
        self._turns = tuple(turns)
        self._label = label
        self.requests: list[tuple[Message, ...]] = []

    @classmethod
    def from_file(cls, path: Path) -> ScriptedModel:
        """The script in a JSON file; ConfigError naming the file and entry when malformed."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(
                f"{path}: no such script file. Give --model scripted:PATH a JSON file "
                f"holding a list of model turns, e.g. [{_EXAMPLE}]"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the script ({exc})") from exc
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{path}:{exc.lineno}: the script is not valid JSON ({exc.msg}, column "
                f"{exc.colno}). It must be a list of model turns, e.g. [{_EXAMPLE}]"
            ) from exc
        if not isinstance(data, list):
            raise ConfigError(
                f"{path}: the script must be a JSON list of model turns, not "
                f"{type(data).__name__}, e.g. [{_EXAMPLE}]"
            )
        turns = [_turn(path, index, entry) for index, entry in enumerate(data)]
        return cls(turns, label=f"the script {path}")

    @property
    def played(self) -> int:
        """How many turns have been played so far."""
        return len(self.requests)

    def describe(self) -> str:
        """What the model is, for the run's header."""
        return f"scripted model: {len(self._turns)} turns from {self._label}"

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> AssistantTurn:
        """The next turn of the script; ModelError once every turn was played."""
        index = len(self.requests)
        if index >= len(self._turns):
            raise ModelError(
                f"{_capitalised(self._label)} has {len(self._turns)} turns and all were "
                f"played, but the model was asked for turn {index + 1}. Add turns to it."
            )
        self.requests.append(tuple(messages))
        turn = self._turns[index]
        return turn if isinstance(turn, AssistantTurn) else turn(tuple(messages))


def _turn(path: Path, index: int, entry: JsonValue) -> AssistantTurn:
    where = f"{path}: entry {index} (counting from 0)"
    if not isinstance(entry, dict):
        raise ConfigError(
            f"{where} is {type(entry).__name__}, not an object. Each entry is a model "
            f"turn, e.g. {_EXAMPLE}"
        )
    record = {"type": "model-turn", **entry}
    try:
        return turn_from_record(record)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{where}: {exc}. Each entry is a model turn, e.g. {_EXAMPLE}") from exc


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
