"""The check use case with fakes: gate selection, options, empty changes, crashing gates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from backdev.application.check import CheckRequest, CheckServices, run_check, select_gates
from backdev.application.gates import BrokenPluginGate, GateContext
from backdev.application.lint import SpecParsers
from backdev.domain.changes import WORKTREE, ChangeSet, Commit
from backdev.domain.config import BackdevConfig
from backdev.domain.dod import DefinitionOfDone, DodItem
from backdev.domain.errors import ConfigError, SpecError
from backdev.domain.findings import Finding, GateResult
from backdev.domain.problems import Parsed, Problem
from tests.fakes.check import (
    BASE,
    FakeImportGraphSource,
    FakePatternScanner,
    FakeSecretScanner,
    FakeSourceReader,
    changed_file,
)
from tests.fakes.specs import (
    FakeConfigSource,
    FakeContractSource,
    FakeDodParser,
    FakeFeatureParser,
    FakePrinciplesParser,
    FakeProjectFiles,
)


@dataclass
class FakeDiffSource(FakeSourceReader):
    """A change fixed in advance; records the revisions it was asked for."""

    changeset: ChangeSet = field(default_factory=lambda: ChangeSet(BASE, WORKTREE, ()))
    asked: list[tuple[str | None, str | None]] = field(default_factory=list)

    def change(self, base: str | None, head: str | None) -> ChangeSet:
        self.asked.append((base, head))
        return self.changeset


@dataclass
class RecordingGate:
    """A gate that passes (or fails with one finding) and remembers its context."""

    gate_id: str
    fail: bool = False
    seen: list[GateContext] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.gate_id

    def run(self, context: GateContext) -> GateResult:
        self.seen.append(context)
        findings = [Finding(f"{self.gate_id}/rule", "error", "a.py", 1, "bad", "fix")]
        return GateResult.judged(self.gate_id, findings if self.fail else [], "1 file")


class CrashingGate:
    @property
    def id(self) -> str:
        return "crashy"

    def run(self, context: GateContext) -> GateResult:
        raise RuntimeError("boom")


def _services(
    gates: Sequence[object],
    files: dict[str, str] | None = None,
    change: ChangeSet | None = None,
    config: BackdevConfig | None = None,
) -> tuple[CheckServices, FakeDiffSource]:
    project = FakeProjectFiles(files or {})
    diff = FakeDiffSource(
        changeset=change or ChangeSet(BASE, WORKTREE, (changed_file("a.py", "x = 1\n"),))
    )
    specs = SpecParsers(
        features=FakeFeatureParser(project),
        principles=FakePrinciplesParser(project),
        dod=FakeDodParser(project),
        config=FakeConfigSource(config or BackdevConfig()),
        contracts=FakeContractSource(),
        files=project,
    )
    services = CheckServices(
        specs=specs,
        diff=diff,
        imports=FakeImportGraphSource(),
        secrets=FakeSecretScanner(),
        patterns=FakePatternScanner(),
        gates=gates,  # type: ignore[arg-type]
    )
    return services, diff


def test_every_gate_runs_and_the_verdict_fails_when_one_gate_fails() -> None:
    services, diff = _services([RecordingGate("one"), RecordingGate("two", fail=True)])

    report = run_check(services, CheckRequest(base="main"))

    assert [(g.gate, g.status) for g in report.gates] == [("one", "pass"), ("two", "fail")]
    assert report.verdict == "fail"
    assert diff.asked == [("main", None)]


def test_only_the_named_gates_run_when_gates_and_skip_are_given() -> None:
    gates = [RecordingGate("one"), RecordingGate("two"), RecordingGate("three")]
    services, _ = _services(gates)

    report = run_check(services, CheckRequest(gates=("one", "three"), skip=("three",)))

    assert [g.gate for g in report.gates] == ["one"]


def test_an_unknown_gate_is_a_usage_error_when_named_in_gates() -> None:
    with pytest.raises(ConfigError, match=r"unknown gate 'nope'.*Available gates: one"):
        select_gates([RecordingGate("one")], ["nope"], [])


def test_every_gate_skips_with_the_reason_when_the_change_is_empty() -> None:
    services, _ = _services([RecordingGate("one")], change=ChangeSet(BASE, WORKTREE, ()))

    report = run_check(services, CheckRequest())

    assert [(g.gate, g.status) for g in report.gates] == [("one", "skip")]
    assert "empty" in report.gates[0].summary
    assert report.verdict == "pass"


def test_a_crashing_gate_fails_with_evidence_when_the_others_still_run() -> None:
    services, _ = _services([CrashingGate(), RecordingGate("after")])

    report = run_check(services, CheckRequest())

    crashed, after = report.gates
    assert crashed.status == "fail"
    assert crashed.findings[0].rule == "crashy/gate-crashed"
    assert "RuntimeError: boom" in crashed.findings[0].message
    assert after.status == "pass"


def test_a_broken_plugin_fails_with_its_loading_error() -> None:
    services, _ = _services([BrokenPluginGate("extra", "ImportError: no module x")])

    report = run_check(services, CheckRequest())

    assert report.gates[0].status == "fail"
    assert report.gates[0].findings[0].evidence == "ImportError: no module x"


def test_config_options_reach_the_gate_when_the_table_sets_them() -> None:
    gate = RecordingGate("size")
    config = BackdevConfig(gates={"size": {"max_lines": 50}})
    services, _ = _services([gate], config=config)

    run_check(services, CheckRequest(show_all=True))

    assert dict(gate.seen[0].options) == {"max_lines": 50, "all": True}


def test_the_feature_comes_from_the_commit_trailer_when_no_feature_is_given() -> None:
    gate = RecordingGate("one")
    change = ChangeSet(
        BASE,
        WORKTREE,
        (changed_file("a.py", "x = 1\n"),),
        (Commit("c" * 40, "Add x\n\nFeature: docs/features/FEAT-1.md\n"),),
    )
    services, _ = _services([gate], files={"docs/features/FEAT-1.md": "BAD"}, change=change)

    with pytest.raises(SpecError) as raised:
        run_check(services, CheckRequest())

    assert raised.value.problems == (Problem("docs/features/FEAT-1.md", 1, "bad", "fix it"),)
    assert gate.seen == []


def test_an_unknown_feature_is_a_usage_error_when_neither_path_nor_id_matches() -> None:
    services, _ = _services([RecordingGate("one")])

    with pytest.raises(ConfigError, match="feature 'FEAT-404' not found"):
        run_check(services, CheckRequest(feature="FEAT-404"))


def test_dod_annotations_reach_the_gate_and_the_config_table_wins_when_both_set_options() -> None:
    gate = RecordingGate("size")
    config = BackdevConfig(gates={"size": {"max_lines": 50}})
    dod = DefinitionOfDone(
        "docs/engineering/definition-of-done.md",
        (DodItem("Small", 3, "size", {"max_lines": 300, "max_files": 9}),),
    )
    services, _ = _services([gate], config=config)
    services = replace(services, specs=replace(services.specs, dod=FixedDodParser(dod)))
    services.specs.files.files["docs/engineering/definition-of-done.md"] = ""  # type: ignore[attr-defined]

    run_check(services, CheckRequest())

    assert dict(gate.seen[0].options) == {"max_lines": 50, "max_files": 9}


@dataclass
class FixedDodParser:
    dod: DefinitionOfDone

    def parse(self, path: Path, shown_as: str) -> Parsed[DefinitionOfDone]:
        return Parsed(self.dod)


@dataclass
class LastGate:
    """Stands for `dod`: it must see every other gate's result."""

    seen: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return "dod"

    def run(self, context: GateContext) -> GateResult:
        self.seen.append(tuple(r.gate for r in context.prior))
        return GateResult.judged("dod", [], "saw prior results")


def test_the_dod_gate_runs_last_and_sees_the_others_when_listed_first() -> None:
    last = LastGate()
    services, _ = _services([last, RecordingGate("one"), RecordingGate("two", fail=True)])

    report = run_check(services, CheckRequest())

    assert last.seen == [("one", "two")]
    assert [g.gate for g in report.gates] == ["dod", "one", "two"]


def test_request_options_win_over_the_config_when_the_caller_narrows_a_gate() -> None:
    gate = RecordingGate("acceptance")
    config = BackdevConfig(gates={"acceptance": {"criteria": ["AC-1", "AC-2"]}})
    services, _ = _services([gate], config=config)

    run_check(services, CheckRequest(options={"acceptance": {"criteria": ["AC-1"]}}))

    assert dict(gate.seen[0].options) == {"criteria": ["AC-1"]}
