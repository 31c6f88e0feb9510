"""The JSONL transcript: one whole JSON object per line, per run, as written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backdev.adapters.transcript_file import JsonlTranscript
from backdev.domain.conversation import JsonValue
from backdev.domain.errors import ConfigError


def _lines(path: Path) -> list[dict[str, JsonValue]]:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_creates_nothing_when_the_transcript_is_only_built(tmp_path: Path) -> None:
    transcript = JsonlTranscript(tmp_path / ".backdev" / "runs")

    assert transcript.path(3) == tmp_path / ".backdev" / "runs" / "3" / "transcript.jsonl"
    assert not (tmp_path / ".backdev").exists()


def test_appends_one_json_line_per_entry_when_entries_are_written(tmp_path: Path) -> None:
    transcript = JsonlTranscript(tmp_path / ".backdev" / "runs")
    turn: dict[str, JsonValue] = {
        "type": "model-turn",
        "content": "line one\nline two",
        "tool_calls": [{"id": "c1", "name": "read_file", "arguments": {"path": "src/a.py"}}],
        "usage": [10, 2],
    }
    result: dict[str, JsonValue] = {"type": "tool-result", "id": "c1", "content": "x = 1 — ü"}

    transcript.write(1, turn)
    transcript.write(1, result)

    path = transcript.path(1)
    assert _lines(path) == [turn, result]
    assert "x = 1 — ü" in path.read_text(encoding="utf-8")  # kept readable, not \\u-escaped
    assert (tmp_path / ".backdev" / ".gitignore").read_text(encoding="utf-8") == "*\n"


def test_keeps_runs_apart_when_two_runs_write(tmp_path: Path) -> None:
    transcript = JsonlTranscript(tmp_path / "runs")

    transcript.write(1, {"n": 1})
    transcript.write(2, {"n": 2})
    transcript.write(1, {"n": 3})

    assert _lines(transcript.path(1)) == [{"n": 1}, {"n": 3}]
    assert _lines(transcript.path(2)) == [{"n": 2}]


def test_writes_entries_unchanged_when_they_hold_a_secret(tmp_path: Path) -> None:
    # Redaction is the agent's job, before the transcript sees an entry.
    key = "AKIA" + "Q" * 16
    transcript = JsonlTranscript(tmp_path / "runs")

    transcript.write(1, {"content": f"aws_key = {key}"})

    assert _lines(transcript.path(1)) == [{"content": f"aws_key = {key}"}]


def test_drops_a_torn_last_line_when_a_killed_writer_left_one(tmp_path: Path) -> None:
    earlier = JsonlTranscript(tmp_path / "runs")
    earlier.write(4, {"n": 1})
    with earlier.path(4).open("ab") as stream:
        stream.write(b'{"n": 2, "content": "cut sho')

    JsonlTranscript(tmp_path / "runs").write(4, {"n": 3})

    assert _lines(earlier.path(4)) == [{"n": 1}, {"n": 3}]


def test_drops_the_whole_file_content_when_its_only_line_is_torn(tmp_path: Path) -> None:
    path = JsonlTranscript(tmp_path / "runs").path(5)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"x" * 70_000)  # longer than one backwards read

    JsonlTranscript(tmp_path / "runs").write(5, {"n": 1})

    assert _lines(path) == [{"n": 1}]


def test_finds_the_last_newline_when_the_torn_tail_is_longer_than_one_read(
    tmp_path: Path,
) -> None:
    path = JsonlTranscript(tmp_path / "runs").path(6)
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"n": 1}\n' + b"y" * 200_000)

    JsonlTranscript(tmp_path / "runs").write(6, {"n": 2})

    assert _lines(path) == [{"n": 1}, {"n": 2}]


def test_reports_the_file_when_it_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "runs"
    blocker.write_text("a file where the directory should be\n", encoding="utf-8")
    transcript = JsonlTranscript(blocker)

    with pytest.raises(ConfigError, match=r"cannot write the transcript .*transcript\.jsonl"):
        transcript.write(1, {"n": 1})
