"""The one composition root: wires real adapters into the use cases.

Nothing here runs at import time; entrypoints call these functions per command.
Every adapter and use case is imported inside the function that wires it, so that a
command loads only what it uses: `backdev check` starts without the agent, the model
SDKs or tomlkit, and `backdev --help` without any of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from backdev.domain.config import DEFAULT_TESTS
from backdev.domain.errors import ConfigError

if TYPE_CHECKING:
    from backdev.agent.briefing import Brief, NextStep
    from backdev.agent.services import AgentServices
    from backdev.application.agent_ports import ChatModel, Clock, RunStore
    from backdev.application.check import CheckServices
    from backdev.application.claude_stop import StopMemory
    from backdev.application.demo import DemoRepo
    from backdev.application.gates import Gate
    from backdev.application.hooks import HookFiles, IndexSnapshots
    from backdev.application.init_project import InitReport
    from backdev.application.lint import SpecParsers
    from backdev.application.ports import Attestation, SecretScanner
    from backdev.application.trace import TraceServices
    from backdev.domain.config import BackdevConfig
    from backdev.domain.findings import CheckReport
    from backdev.domain.pricing import ModelId

ATTESTATIONS = "docs/engineering/attestations.md"
"""Committed, so that a clean clone in CI sees every attestation (DESIGN.md §3)."""


def spec_parsers(cwd: Path) -> SpecParsers:
    """The parsers and file access `lint` and `check` use, for the project at `cwd`."""
    from backdev.adapters.dod_file import MarkdownDodParser
    from backdev.adapters.feature_files import FeatureFileParser
    from backdev.adapters.importlinter_contracts import ImportLinterContractSource
    from backdev.adapters.principles_file import MarkdownPrinciplesParser
    from backdev.adapters.project_files import LocalProjectFiles
    from backdev.adapters.pyproject_config import PyprojectConfigSource
    from backdev.application.lint import SpecParsers

    return SpecParsers(
        features=FeatureFileParser(),
        principles=MarkdownPrinciplesParser(),
        dod=MarkdownDodParser(),
        config=PyprojectConfigSource(),
        contracts=ImportLinterContractSource(),
        files=LocalProjectFiles(cwd),
    )


def run_init(cwd: Path) -> InitReport:
    """`backdev init` for the git repository containing `cwd`."""
    from backdev.adapters.init_files import (
        LocalFileWriter,
        PackagedTemplates,
        TomlkitPyprojectEditor,
    )
    from backdev.adapters.project_layout import GitRepositoryLocator, PackageLayoutProbe
    from backdev.application.init_project import init_project

    return init_project(
        cwd,
        repository=GitRepositoryLocator(),
        layout=PackageLayoutProbe(),
        templates=PackagedTemplates(),
        files=LocalFileWriter(),
        pyproject=TomlkitPyprojectEditor(),
    )


def builtin_gates() -> list[Gate]:
    """The built-in gates, in the order reports list them."""
    from backdev.gates.acceptance import AcceptanceGate
    from backdev.gates.architecture import ArchitectureGate
    from backdev.gates.behaviour_preserved import BehaviourPreservedGate
    from backdev.gates.checks import ChecksGate
    from backdev.gates.coverage import CoverageGate
    from backdev.gates.docs import DocsGate
    from backdev.gates.dod import DodGate
    from backdev.gates.privacy import PrivacyGate
    from backdev.gates.regression_proof import RegressionProofGate
    from backdev.gates.scope import ScopeGate
    from backdev.gates.secrets import SecretsGate
    from backdev.gates.security import SecurityGate
    from backdev.gates.size import SizeGate
    from backdev.gates.tests import TestsGate

    return [
        ScopeGate(),
        SizeGate(),
        ArchitectureGate(),
        SecretsGate(),
        PrivacyGate(),
        SecurityGate(),
        TestsGate(),
        DocsGate(),
        CoverageGate(),
        AcceptanceGate(),
        ChecksGate(),
        RegressionProofGate(),
        BehaviourPreservedGate(),
        DodGate(),
    ]


def check_services(cwd: Path) -> CheckServices:
    """Everything `backdev check` needs for the repository at `cwd`."""
    from backdev.adapters.attestations_file import MarkdownAttestationStore
    from backdev.adapters.git_diff import GitDiffSource
    from backdev.adapters.import_graph import GrimpImportGraphSource
    from backdev.adapters.project_commands import LocalProjectCommands
    from backdev.adapters.pytest_runner import PytestRunner
    from backdev.adapters.ruff_patterns import RuffPatternScanner
    from backdev.application.check import CheckServices

    specs = spec_parsers(cwd)
    diff = GitDiffSource(cwd)
    root = specs.files.root()
    # An invalid config is reported by the use case; here the defaults serve.
    config = specs.config.load(root).value
    python = config.python if config else None
    return CheckServices(
        specs=specs,
        diff=diff,
        imports=GrimpImportGraphSource(root, diff, root / ".backdev" / "cache"),
        secrets=_secret_scanner(root, config),
        patterns=RuffPatternScanner(),
        gates=[*builtin_gates(), *plugin_gates()],
        tests=PytestRunner(root, python, tests=config.tests if config else DEFAULT_TESTS),
        commands=LocalProjectCommands(root, python, config.checks if config else {}),
        attestations=MarkdownAttestationStore(root),
    )


def _secret_scanner(root: Path, config: BackdevConfig | None) -> SecretScanner:
    """detect-secrets with the project's reviewed baseline (`.secrets.baseline` by default)."""
    from backdev.adapters.secret_scanner import DetectSecretsScanner

    baseline = config.gates.get("secrets", {}).get("baseline") if config else None
    return DetectSecretsScanner(root, str(baseline or ".secrets.baseline"))


def _redactor(root: Path, scanner: SecretScanner) -> Callable[[str], str]:
    """Masks every secret the scanner finds, and the values of the repository's `.env`
    files wherever they appear, in anything sent to a model or written for people."""
    from backdev.adapters.env_files import dotenv_values
    from backdev.application.redaction import redact_text

    known = dotenv_values(root)

    def redact(text: str) -> str:
        return redact_text(text, scanner, known=known)

    return redact


def plugin_gates() -> list[Gate]:
    """Third-party gates registered in the `backdev.gates` entry-point group.

    Each entry point names a class (or factory) that builds a gate with no
    arguments. One that cannot be loaded becomes a gate that fails with the reason,
    so a broken plugin is visible instead of silently missing.
    """
    from importlib.metadata import entry_points

    from backdev.application.gates import BrokenPluginGate

    gates: list[Gate] = []
    for entry in entry_points(group="backdev.gates"):
        try:
            gates.append(entry.load()())
        except Exception as exc:  # a plugin's bug must not stop the built-in gates
            gates.append(BrokenPluginGate(entry.name, f"{type(exc).__name__}: {exc}"))
    return gates


def trace_services(cwd: Path) -> TraceServices:
    """What `backdev trace` needs: the spec parsers and the project's test runner."""
    from backdev.adapters.pytest_runner import PytestRunner
    from backdev.application.trace import TraceServices

    specs = spec_parsers(cwd)
    root = specs.files.root()
    config = specs.config.load(root).value
    python = config.python if config else None
    return TraceServices(
        specs=specs,
        tests=PytestRunner(root, python, tests=config.tests if config else DEFAULT_TESTS),
    )


def run_attest(cwd: Path, item: str, by: str, note: str, revision: str) -> tuple[Attestation, str]:
    """`backdev attest`: record that a manual DoD item holds for `revision` (a commit).

    Returns the attestation and the attestations file it was appended to.
    """
    from backdev.adapters.attestations_file import MarkdownAttestationStore
    from backdev.adapters.git_command import GitCommand
    from backdev.adapters.git_revisions import resolve_commit
    from backdev.application.attest import attest
    from backdev.application.specs import load_specs

    specs = spec_parsers(cwd)
    root = specs.files.root()
    loaded = load_specs(specs, root, None)
    commit = resolve_commit(GitCommand(root), revision, "--commit")
    store = MarkdownAttestationStore(root, ATTESTATIONS)
    attestation = attest(
        loaded.dod, item, by=by, note=note, commit=commit, store=store, today=date.today()
    )
    return attestation, ATTESTATIONS


def agent_services(cwd: Path) -> AgentServices:
    """Everything `backdev run` and `resume` need for the repository at `cwd`."""
    import os

    from backdev.adapters.escalation_files import MarkdownDossierStore
    from backdev.adapters.llm.factory import build_chat_model
    from backdev.adapters.run_git import GitRunRepository
    from backdev.adapters.transcript_file import JsonlTranscript
    from backdev.adapters.workspace import LocalWorkspace
    from backdev.agent.services import AgentServices
    from backdev.application.check import CheckRequest, run_check

    checking = check_services(cwd)
    root = checking.specs.files.root()
    store, clock = run_records(cwd)
    assert checking.tests is not None
    assert checking.commands is not None
    environment = dict(os.environ)

    def check(request: CheckRequest) -> CheckReport:
        return run_check(checking, request)

    def model(model_id: ModelId) -> ChatModel:
        return build_chat_model(model_id, environment, cwd)

    return AgentServices(
        specs=checking.specs,
        check=check,
        tests=checking.tests,
        models=model,
        store=store,
        transcript=JsonlTranscript(root / ".backdev" / "runs"),
        workspace=LocalWorkspace(root),
        git=GitRunRepository(root),
        commands=checking.commands,
        dossiers=MarkdownDossierStore(root),
        redact=_redactor(root, checking.secrets),
        clock=clock,
    )


def run_records(cwd: Path) -> tuple[RunStore, Clock]:
    """The run record of the repository at `cwd`, and the clock to stamp events with."""
    from backdev.adapters.clock import SystemClock
    from backdev.adapters.project_files import LocalProjectFiles
    from backdev.adapters.run_store import SqliteRunStore

    root = LocalProjectFiles(cwd).root()
    return SqliteRunStore(root / ".backdev" / "runs.sqlite3"), SystemClock()


def brief_for(
    cwd: Path,
    feature: str,
    *,
    step: int | None = None,
    criterion: str | None = None,
    workflow: str | None = None,
    run_tests: bool = True,
) -> Brief:
    """`backdev brief`: the brief for an outside tool, for one step of `feature`.

    The latest saved run plan of the feature numbers the steps when there is one;
    with `run_tests` the project's tests run once to find what is proven.
    """
    from backdev.agent.briefing import check_selection, latest_plan, make_brief
    from backdev.application.specs import load_specs
    from backdev.application.trace import build_trace
    from backdev.domain.changes import WORKTREE

    services = trace_services(cwd)
    specs = load_specs(services.specs, services.specs.files.root(), feature)
    assert specs.feature is not None  # load_specs raises when the feature is not found
    store, _clock = run_records(cwd)
    plan = latest_plan(store, specs.feature.id)
    check_selection(specs.feature, plan, step=step, criterion=criterion, workflow=workflow)
    trace = build_trace(specs.feature, services.tests.run(WORKTREE)) if run_tests else None
    return make_brief(
        specs, trace=trace, plan=plan, step=step, criterion=criterion, workflow=workflow
    )


def next_step_for(cwd: Path, feature: str) -> NextStep | None:
    """The first criterion of `feature` its linked tests do not prove (runs the tests once)."""
    from backdev.agent.briefing import next_step
    from backdev.application.trace import run_trace

    return next_step(run_trace(trace_services(cwd), feature))


def escalate_for(
    cwd: Path, feature: str, *, rule: str, question: str, evidence: Sequence[str] = ()
) -> str:
    """`backdev escalate`: write a dossier for a person; returns its repository path."""
    from backdev.adapters.escalation_files import MarkdownDossierStore
    from backdev.agent.outside_escalation import EscalationServices, escalate_outside

    specs = spec_parsers(cwd)
    root = specs.files.root()
    store, _clock = run_records(cwd)
    scanner = _secret_scanner(root, specs.config.load(root).value)
    redact = _redactor(root, scanner)
    services = EscalationServices(specs, store, MarkdownDossierStore(root), redact)
    return escalate_outside(services, feature, rule=rule, question=question, evidence=evidence)


def git_hook_files(cwd: Path) -> HookFiles:
    """The git hook files of the repository containing `cwd` (for `install-hook`)."""
    from backdev.adapters.hook_files import GitHookFiles

    return GitHookFiles(cwd)


def index_snapshots(cwd: Path) -> IndexSnapshots:
    """Turns the staged content of the repository at `cwd` into a commit to judge."""
    from backdev.adapters.git_snapshot import GitIndexSnapshot

    return GitIndexSnapshot(cwd)


def stop_memory(cwd: Path) -> StopMemory:
    """What the Claude Code Stop hook blocked on before, kept under `.backdev/hooks/`."""
    from backdev.adapters.hook_state import JsonStopMemory
    from backdev.adapters.project_files import LocalProjectFiles

    return JsonStopMemory(LocalProjectFiles(cwd).root() / ".backdev" / "hooks")


@contextmanager
def demo_repository(keep: Path | None) -> Iterator[DemoRepo]:
    """The demo's repository: in `keep` (a new or empty folder, left in place) or in a
    temporary folder removed afterwards. Its tests run with this interpreter."""
    import sys
    import tempfile

    from backdev.adapters.demo.repository import DemoRepository

    if keep is None:
        with tempfile.TemporaryDirectory(prefix="backdev-demo-") as folder:
            yield DemoRepository(Path(folder) / "shop", sys.executable)
        return
    if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
        raise ConfigError(
            f"--keep {keep}: that is not an empty folder, and the demo never writes over "
            "files. Name a new or empty folder."
        )
    yield DemoRepository(keep.resolve(), sys.executable)


def demo_recording(name: str) -> Path:
    """A recorded model session shipped with the demo (for `--model replay:PATH`)."""
    from backdev.adapters.demo.repository import recording

    return recording(name)
