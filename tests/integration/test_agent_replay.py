"""A run's transcript replays as a model: what the demo and users' regression tests rely on."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from backdev.adapters.llm.replay import ReplayModel
from backdev.adapters.transcript_file import JsonlTranscript
from backdev.agent.run import RunRequest, start_run
from backdev.domain.limits import Limits
from tests.integration.agent_harness import FINISH, PASS, failing, make_harness, plan, write_test


def test_replaying_a_transcript_repeats_the_run_when_the_repository_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    recorded = make_harness(tmp_path / "first", monkeypatch, [failing(), PASS])
    transcripts = tmp_path / "transcripts"
    services = replace(
        recorded.services([plan("AC-2"), write_test(), FINISH, FINISH]),
        transcript=JsonlTranscript(transcripts),
    )
    request = RunRequest("FEAT-001", "scripted:x.json", Limits(max_steps=20))
    first = start_run(services, request, lambda _update: None)
    replayed = make_harness(tmp_path / "second", monkeypatch, [failing(), PASS])
    replay = ReplayModel(transcripts / "1" / "transcript.jsonl")
    services = replace(replayed.services([]), models=lambda _model: replay)

    second = start_run(services, replace(request, model="replay:t.jsonl"), lambda _u: None)

    assert first.outcome == second.outcome == "done"
    assert recorded.repo.git("diff", f"{recorded.base}..HEAD") == replayed.repo.git(
        "diff", f"{replayed.base}..HEAD"
    )
    assert len(replay.requests) == 4
