"""An agent wired for integration tests: real git, workspace and specs; scripted model,
canned gate reports and in-memory record, so the loop's rules can be tested fast."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from backdev import bootstrap
from backdev.adapters.escalation_files import MarkdownDossierStore
from backdev.adapters.llm.scripted import ScriptedModel
from backdev.adapters.run_git import GitRunRepository
from backdev.adapters.workspace import LocalWorkspace
from backdev.agent.run import RunRequest, start_run
from backdev.agent.services import AgentServices, RunProgress, RunResult
from backdev.application.check import CheckRequest
from backdev.domain.changes import WORKTREE
from backdev.domain.conversation import AssistantTurn, JsonValue, ToolCall, Usage
from backdev.domain.evidence import TestEvidence, TestLink, TestResult
from backdev.domain.findings import CheckReport, Finding, GateResult
from backdev.domain.limits import Limits
from tests.e2e.sample_service import build_sample_service, canary
from tests.fakes.agent import FakeClock, FakeRunStore, FakeTranscript
from tests.fakes.check import FakeProjectCommands, FakeTestRunner
from tests.gitrepo import GitRepo, make_repo

AC_1_PROVEN = TestEvidence(
    WORKTREE,
    ("pytest",),
    0,
    (
        TestResult(
            "tests/test_signup.py::test_registering_stores_the_normalised_email",
            "passed",
            "tests/test_signup.py",
            10,
            (TestLink("AC-1", "marker"),),
        ),
    ),
)
"""What the sample service's own test run shows: AC-1 is proven, AC-2 is not."""

PASS = CheckReport("b", "h", (GateResult("tests", "pass", "no findings"),))


def failing(
    rule: str = "architecture/forbidden-import", path: str = "src/shop/domain/x.py"
) -> CheckReport:
    """A report whose one gate fails with one error finding."""
    gate = rule.partition("/")[0]
    finding = Finding(rule, "error", path, 3, f"{rule} broken on line 3", "do the right thing")
    return CheckReport("b", "h", (GateResult(gate, "fail", "1 error", (finding,)),))


def turn(*calls: tuple[str, Mapping[str, JsonValue]]) -> AssistantTurn:
    """One model turn calling the given tools."""
    made = tuple(ToolCall(f"c{i}", name, dict(args)) for i, (name, args) in enumerate(calls, 1))
    return AssistantTurn("", made, Usage(100, 10))


def plan(*criteria: str) -> AssistantTurn:
    steps: list[JsonValue] = [{"criterion": c, "intent": f"make {c} true"} for c in criteria]
    return turn(("submit_plan", {"edge_cases": ["case differs"], "steps": steps}))


def write_test(name: str = "tests/test_dup.py") -> AssistantTurn:
    return turn(("create_file", {"path": name, "content": "def test_x() -> None:\n    pass\n"}))


FINISH = turn(("finish_step", {"summary": "done"}))


@dataclass
class CannedCheck:
    """The `check` use case as a queue of reports (the last one repeats)."""

    reports: list[CheckReport]
    requests: list[CheckRequest] = field(default_factory=list)

    def __call__(self, request: CheckRequest) -> CheckReport:
        self.requests.append(request)
        return self.reports.pop(0) if len(self.reports) > 1 else self.reports[0]


@dataclass
class Harness:
    repo: GitRepo
    base: str
    store: FakeRunStore
    transcript: FakeTranscript
    check: CannedCheck
    progress: list[RunProgress]
    model: ScriptedModel | None = None

    def services(self, turns: Sequence[AssistantTurn]) -> AgentServices:
        self.model = ScriptedModel(turns)
        model = self.model
        root = self.repo.root
        return AgentServices(
            specs=bootstrap.spec_parsers(root),
            check=self.check,
            tests=FakeTestRunner({WORKTREE: AC_1_PROVEN}),
            models=lambda _id: model,
            store=self.store,
            transcript=self.transcript,
            workspace=LocalWorkspace(root),
            git=GitRunRepository(root),
            commands=FakeProjectCommands(),
            dossiers=MarkdownDossierStore(root),
            redact=lambda text: text.replace(canary(), "***"),
            clock=FakeClock(tick=1.0),
        )

    def run(self, turns: Sequence[AssistantTurn], **request: object) -> RunResult:
        fields: dict[str, object] = {
            "feature": "FEAT-001",
            "model": "scripted:x.json",
            "limits": Limits(max_steps=30),
        }
        fields.update(request)
        return start_run(self.services(turns), RunRequest(**fields), self.progress.append)  # type: ignore[arg-type]

    def conversation_text(self) -> str:
        assert self.model is not None
        return "\n".join(m.content for request in self.model.requests for m in request)


def make_harness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reports: list[CheckReport]
) -> Harness:
    repo = make_repo(tmp_path, monkeypatch)
    base = build_sample_service(repo)
    monkeypatch.chdir(repo.root)
    return Harness(repo, base, FakeRunStore(), FakeTranscript(), CannedCheck(reports), [])
