"""The `check` use case: judge a change with the selected quality gates."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from backdev.application.evidence import SharedEvidence
from backdev.application.gates import RUNS_LAST, Gate, GateContext, GateOptions, GatePorts
from backdev.application.lint import SpecParsers
from backdev.application.ports import (
    AttestationStore,
    DiffSource,
    ImportGraphSource,
    PatternScanner,
    ProjectCommands,
    SecretScanner,
    TestRunner,
)
from backdev.application.redaction import mask_evidence
from backdev.application.specs import LoadedSpecs, load_specs
from backdev.domain.dod import OptionValue
from backdev.domain.errors import ConfigError
from backdev.domain.findings import CheckReport, Finding, GateResult

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class CheckRequest:
    """What the user asked `backdev check` for."""

    base: str | None = None
    head: str | None = None
    feature: str | None = None
    """A feature file's path or its id; None: the `Feature:` trailer of the commits, if any."""
    gates: tuple[str, ...] = ()
    """Only these gates (empty: all available)."""
    skip: tuple[str, ...] = ()
    show_all: bool = False
    """Also list findings that predate the change (e.g. legacy contract violations)."""
    options: Mapping[str, Mapping[str, OptionValue | list[str]]] = field(default_factory=dict)
    """Gate options that win over the DoD and `[tool.backdev.gates]` (the agent narrows
    `acceptance` to the criteria of the steps done so far)."""


@dataclass(frozen=True, slots=True)
class CheckServices:
    """Everything `check` needs, wired in the composition root."""

    specs: SpecParsers
    diff: DiffSource
    imports: ImportGraphSource
    secrets: SecretScanner
    patterns: PatternScanner
    gates: Sequence[Gate]
    tests: TestRunner | None = None
    commands: ProjectCommands | None = None
    attestations: AttestationStore | None = None
    workers: int = 4


@dataclass(frozen=True, slots=True)
class _Plan:
    gates: tuple[Gate, ...]
    options: Mapping[str, GateOptions] = field(default_factory=dict)


def run_check(
    services: CheckServices, request: CheckRequest, progress: Progress | None = None
) -> CheckReport:
    """Run the selected gates on the change and collect their results.

    Bad input (unknown gate, invalid spec, unknown revision) raises a BackdevError
    before any gate runs; a gate that crashes becomes a `fail` with the error as
    evidence while the others still run.
    """
    say = progress or (lambda _message: None)
    plan_gates = select_gates(services.gates, request.gates, request.skip)
    say("reading the change")
    change = services.diff.change(request.base, request.head)
    root = services.specs.files.root()
    specs = load_specs(services.specs, root, request.feature, change.trailers("Feature"))
    plan = _Plan(plan_gates, _options(plan_gates, specs, request))
    if change.is_empty:
        reason = "the change is empty: nothing to check"
        return CheckReport(
            change.base, change.head, tuple(GateResult.skipped(g.id, reason) for g in plan.gates)
        )
    ports = GatePorts(
        services.diff,
        services.imports,
        services.secrets,
        services.patterns,
        services.commands,
        services.attestations,
    )
    evidence = SharedEvidence(services.tests, change) if services.tests is not None else None
    base_context = GateContext(
        change=change,
        config=specs.config,
        ports=ports,
        feature=specs.feature,
        principles=specs.principles,
        dod=specs.dod,
        evidence=evidence,
    )
    first = [g for g in plan.gates if g.id not in RUNS_LAST]
    last = [g for g in plan.gates if g.id in RUNS_LAST]
    say(f"running {len(plan.gates)} gates: {', '.join(g.id for g in plan.gates)}")
    done = _run_all(first, base_context, plan, services)
    done += _run_all(last, replace(base_context, prior=done), plan, services)
    by_id = {result.gate: result for result in done}
    results = tuple(by_id[gate.id] for gate in plan.gates)
    return CheckReport(change.base, change.head, results)


def _run_all(
    gates: Sequence[Gate], context: GateContext, plan: _Plan, services: CheckServices
) -> tuple[GateResult, ...]:
    """Run independent gates concurrently; each sees the shared context with its options."""
    if not gates:
        return ()
    workers = max(1, min(services.workers, len(gates)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="backdev-gate") as pool:
        futures = [
            pool.submit(_run_one, gate, replace(context, options=plan.options.get(gate.id, {})))
            for gate in gates
        ]
        return tuple(mask_evidence(f.result(), services.secrets) for f in futures)


def select_gates(
    available: Sequence[Gate], only: Sequence[str], skip: Sequence[str]
) -> tuple[Gate, ...]:
    """The gates to run, in registry order; unknown ids are the user's mistake."""
    known = [gate.id for gate in available]
    for gate_id in (*only, *skip):
        if gate_id not in known:
            raise ConfigError(
                f"unknown gate {gate_id!r} in --gates/--skip. Available gates: {', '.join(known)}"
            )
    chosen = [g for g in available if (not only or g.id in only) and g.id not in skip]
    if not chosen:
        raise ConfigError("no gate left to run: --gates and --skip exclude every gate")
    return tuple(chosen)


def _options(
    gates: Sequence[Gate], specs: LoadedSpecs, request: CheckRequest
) -> dict[str, GateOptions]:
    """Options per gate: DoD annotations, then `[tool.backdev.gates.<id>]`, then the request."""
    options: dict[str, dict[str, OptionValue | list[str]]] = {gate.id: {} for gate in gates}
    if specs.dod is not None:
        for item in specs.dod.items:
            if item.gate is not None and item.gate in options:
                options[item.gate].update(item.options)
    for gate_id, table in specs.config.gates.items():
        if gate_id in options:
            options[gate_id].update(table)
    for gate_id, table in request.options.items():
        if gate_id in options:
            options[gate_id].update(table)
    if request.show_all:
        for table in options.values():
            table["all"] = True
    return dict(options)


def _run_one(gate: Gate, context: GateContext) -> GateResult:
    try:
        return gate.run(context)
    except Exception as exc:  # a crashing gate must not stop the others
        tail = "".join(traceback.format_exception(exc)[-3:]).strip()
        finding = Finding(
            rule=f"{gate.id}/gate-crashed",
            severity="error",
            path="",
            line=0,
            message=f"the {gate.id} gate crashed: {type(exc).__name__}: {exc}",
            fix="report this as a bug in the gate; rerun with --skip "
            f"{gate.id} to judge the change without it",
            evidence=tail[-500:],
        )
        return GateResult(gate.id, "fail", f"crashed ({type(exc).__name__})", (finding,))
