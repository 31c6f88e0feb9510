"""The scripted and replay models, and the factory that builds every model from its id."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from backdev.adapters.llm.anthropic_messages import AnthropicMessagesModel
from backdev.adapters.llm.factory import PROVIDERS, build_chat_model
from backdev.adapters.llm.openai_chat import OpenAIChatModel
from backdev.adapters.llm.replay import ReplayModel
from backdev.adapters.llm.scripted import ScriptedModel
from backdev.application.agent_ports import ModelError
from backdev.domain.conversation import (
    AssistantTurn,
    JsonValue,
    Message,
    ToolCall,
    Usage,
    turn_to_record,
)
from backdev.domain.errors import ConfigError
from backdev.domain.pricing import ModelId

READ = AssistantTurn("Reading.", (ToolCall("c1", "read_file", {"path": "a.py"}),), Usage(50, 7))
DONE = AssistantTurn("Done.", (ToolCall("c2", "finish_step", {"summary": "ok"}),), Usage(80, 9))
ASK = [Message("system", "Rules."), Message("user", "Do step 1.")]


def write_json(path: Path, data: JsonValue) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def write_transcript(path: Path, records: Sequence[JsonValue | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_scripted_plays_turns_in_order_and_records_each_conversation_when_called() -> None:
    model = ScriptedModel([READ, DONE])
    followed = [*ASK, READ.as_message(), Message("tool", "x = 1", tool_call_id="c1")]

    assert model.complete(ASK, []) == READ
    assert model.complete(followed, []) == DONE
    assert model.requests == [tuple(ASK), tuple(followed)]
    assert model.played == 2


def test_scripted_callable_turn_sees_the_conversation_when_it_decides() -> None:
    def echo(messages: Sequence[Message]) -> AssistantTurn:
        return AssistantTurn(f"{len(messages)} messages, last: {messages[-1].content}", (), Usage())

    model = ScriptedModel([echo])

    assert model.complete(ASK, []).content == "2 messages, last: Do step 1."


def test_scripted_raises_model_error_when_every_turn_was_played() -> None:
    model = ScriptedModel([READ, DONE])
    model.complete(ASK, [])
    model.complete(ASK, [])

    with pytest.raises(ModelError, match="The script has 2 turns and all were played"):
        model.complete(ASK, [])
    assert model.played == 2


def test_scripted_loads_turns_from_a_json_file_when_type_is_left_out(tmp_path: Path) -> None:
    first = turn_to_record(READ)
    del first["type"]
    path = write_json(tmp_path / "script.json", [first, turn_to_record(DONE), {"content": "Hi"}])

    model = ScriptedModel.from_file(path)

    assert [model.complete(ASK, []) for _ in range(3)] == [
        READ,
        DONE,
        AssistantTurn("Hi", (), Usage(0, 0)),
    ]
    assert model.describe() == f"scripted model: 3 turns from the script {path}"
    with pytest.raises(ModelError, match=f"The script {path} has 3 turns"):
        model.complete(ASK, [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[{]", r"script\.json:1: the script is not valid JSON"),
        ('{"content": "hi"}', "must be a JSON list of model turns, not dict"),
        ('[{"content": "a"}, "b"]', r"entry 1 \(counting from 0\) is str, not an object"),
        ('[{"tool_calls": [{"arguments": {}}]}]', "entry 0 .*: each tool call needs a `name`"),
        ('[{"tool_calls": [{"name": "x", "arguments": [1]}]}]', "`arguments` must be an object"),
        ('[{"usage": [1]}]', "entry 0 .*`usage` pair"),
        ('[{"usage": ["many", 1]}]', "entry 0 .*invalid literal"),
        ('[{"type": "tool-call"}]', "entry 0 .*not a model-turn record"),
    ],
)
def test_scripted_file_is_refused_naming_file_and_entry_when_malformed(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "script.json"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ConfigError, match=expected) as raised:
        ScriptedModel.from_file(path)
    assert str(path) in str(raised.value)


def test_scripted_file_is_refused_when_it_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "script.json"
    path.write_bytes(b"[\xff]")

    with pytest.raises(ConfigError, match="cannot read the script"):
        ScriptedModel.from_file(path)


def test_scripted_file_is_refused_with_an_example_when_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no such script file.*e\.g\. \[\{"):
        ScriptedModel.from_file(tmp_path / "absent.json")


def test_replay_plays_back_model_turns_and_skips_other_records_when_reading_a_transcript(
    tmp_path: Path,
) -> None:
    path = write_transcript(
        tmp_path / "transcript.jsonl",
        [
            {"type": "model-request", "messages": 2},
            turn_to_record(READ),
            {"type": "tool-call", "name": "read_file", "result": "x = 1"},
            "",
            turn_to_record(DONE),
        ],
    )

    model = ReplayModel(path)

    assert model.describe() == f"replay of {path} (2 model turns)"
    assert model.complete(ASK, []) == READ
    assert model.complete(ASK, []) == DONE
    assert model.requests == [tuple(ASK), tuple(ASK)]


def test_replay_raises_model_error_when_the_run_asks_for_more_than_was_recorded(
    tmp_path: Path,
) -> None:
    model = ReplayModel(write_transcript(tmp_path / "t.jsonl", [turn_to_record(READ)]))
    model.complete(ASK, [])

    with pytest.raises(ModelError, match="has 1 model turns and all were replayed"):
        model.complete(ASK, [])


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        ([turn_to_record(READ), "{oops"], r"t\.jsonl:2: not a JSON record"),
        (
            [{"type": "tool-call"}, {"type": "model-turn", "usage": "lots"}],
            r"t\.jsonl:2: malformed model-turn record",
        ),
        ([{"type": "tool-call"}], "has no model-turn records"),
    ],
)
def test_replay_is_refused_naming_file_and_line_when_the_transcript_is_malformed(
    tmp_path: Path, records: list[JsonValue | str], expected: str
) -> None:
    path = write_transcript(tmp_path / "t.jsonl", records)

    with pytest.raises(ConfigError, match=expected):
        ReplayModel(path)


def test_replay_is_refused_when_the_transcript_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the transcript"):
        ReplayModel(tmp_path)


def test_replay_is_refused_when_the_transcript_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such transcript"):
        ReplayModel(tmp_path / "absent.jsonl")


def test_factory_resolves_a_scripted_path_against_cwd_when_it_is_relative(
    tmp_path: Path,
) -> None:
    (tmp_path / "tests").mkdir()
    write_json(tmp_path / "tests" / "script.json", [turn_to_record(DONE)])

    model = build_chat_model(ModelId("scripted", "tests/script.json"), {}, tmp_path)

    assert model.complete(ASK, []) == DONE


def test_factory_builds_a_replay_when_given_an_absolute_path(tmp_path: Path) -> None:
    path = write_transcript(tmp_path / "t.jsonl", [turn_to_record(READ)])

    model = build_chat_model(ModelId("replay", str(path)), {}, Path("/nonexistent"))

    assert model.complete(ASK, []) == READ


def test_factory_builds_sdk_models_from_env_when_the_provider_is_known() -> None:
    openai = build_chat_model(
        ModelId("openai", "llama3"), {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}, Path()
    )
    claude = build_chat_model(
        ModelId("anthropic", "claude-x"), {"ANTHROPIC_BASE_URL": "http://127.0.0.1:9"}, Path()
    )

    assert isinstance(openai, OpenAIChatModel)
    assert isinstance(claude, AnthropicMessagesModel)
    assert openai.describe() == "openai:llama3 at http://127.0.0.1:9/v1"
    assert claude.describe() == "anthropic:claude-x at http://127.0.0.1:9"


def test_factory_is_refused_with_the_key_hint_when_the_env_has_no_credentials() -> None:
    with pytest.raises(ConfigError, match="set OPENAI_API_KEY"):
        build_chat_model(ModelId("openai", "gpt-4.1"), {}, Path())


def test_factory_lists_the_known_providers_when_the_provider_is_unknown() -> None:
    with pytest.raises(ConfigError) as raised:
        build_chat_model(ModelId("gemini", "pro"), {}, Path())

    message = str(raised.value)
    assert "unknown provider 'gemini'" in message
    assert all(provider in message for provider in PROVIDERS)


@pytest.mark.parametrize(
    ("sdk", "adapter"),
    [("openai", "openai_chat"), ("anthropic", "anthropic_messages")],
)
def test_factory_gives_the_install_hint_when_the_sdk_is_not_installed(
    monkeypatch: pytest.MonkeyPatch, sdk: str, adapter: str
) -> None:
    # None in sys.modules makes `import <sdk>` fail exactly as if it were not installed.
    monkeypatch.setitem(sys.modules, sdk, None)
    monkeypatch.delitem(sys.modules, f"backdev.adapters.llm.{adapter}", raising=False)

    with pytest.raises(ConfigError, match=rf"pip install 'backdev\[{sdk}\]'"):
        build_chat_model(ModelId(sdk, "any"), {}, Path())


@pytest.mark.parametrize(
    ("provider", "adapter"),
    [("openai", "openai_chat"), ("anthropic", "anthropic_messages")],
)
def test_factory_lets_other_import_errors_through_when_the_sdk_is_not_the_cause(
    monkeypatch: pytest.MonkeyPatch, provider: str, adapter: str
) -> None:
    monkeypatch.setitem(sys.modules, f"backdev.adapters.llm.{adapter}", None)

    with pytest.raises(ImportError) as raised:
        build_chat_model(ModelId(provider, "any"), {}, Path())
    assert raised.value.name == f"backdev.adapters.llm.{adapter}"


def test_factory_does_not_import_any_sdk_when_it_is_imported() -> None:
    code = (
        "import sys, backdev.adapters.llm.factory\n"
        "print(sorted(m for m in ('openai', 'anthropic') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"
