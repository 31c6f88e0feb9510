"""The run's phases in order: plan, each step, then the Definition of Done."""

from __future__ import annotations

from backdev.agent.brief import compose_brief
from backdev.agent.feedback import finding_line, lessons_proposal
from backdev.agent.planning import make_plan
from backdev.agent.services import RunResult
from backdev.agent.session import Session
from backdev.agent.signals import Escalate
from backdev.agent.step import run_step
from backdev.agent.tools import Toolbox
from backdev.application.check import CheckRequest
from backdev.application.globs import PathPatterns
from backdev.application.specs import LoadedSpecs, load_specs
from backdev.application.trace import build_trace
from backdev.domain.changes import WORKTREE
from backdev.domain.features import Feature
from backdev.domain.file_kinds import DOCS_PATTERNS, MANIFEST_PATTERNS
from backdev.domain.gate_catalog import BUILTIN_GATES
from backdev.domain.run_events import SessionEnded

STEP_GATES = tuple(gate for gate in BUILTIN_GATES if gate != "dod")
"""Every step's diff is judged by these; the DoD is judged once, on the whole run."""


def drive(session: Session) -> RunResult:
    """Plan if there is no plan yet, run the remaining steps, then judge the whole run."""
    services, state = session.services, session.state
    specs = load_specs(services.specs, services.specs.files.root(), session.feature.path)
    toolbox = Toolbox(
        services.workspace,
        services.commands,
        _writable(session.feature, specs),
        services.redact,
        protected=_spec_paths(session.feature, specs),
    )
    workflow = session.feature.workflow
    answer = _last_answer(session)
    if state.plan is None:
        session.tell("reading the feature and running its tests to see what is proven")
        trace = build_trace(session.feature, services.tests.run(WORKTREE))
        proven = [c.id for c in trace.criteria if c.status == "proven"]
        brief = compose_brief(
            specs,
            workflow=workflow,
            gates=STEP_GATES,
            step=None,
            step_number=None,
            step_count=None,
            plan=None,
            answer=answer,
        )
        make_plan(session, brief, toolbox, proven)
    plan = state.plan
    assert plan is not None
    while (number := state.next_step) is not None:
        brief = compose_brief(
            specs,
            workflow=workflow,
            gates=STEP_GATES,
            step=state.step(number),
            step_number=number,
            step_count=len(plan.steps),
            plan=plan,
            answer=answer,
        )
        run_step(session, number, brief, toolbox)
        answer = None
    _definition_of_done(session, specs)
    commits = tuple(state.commits[n] for n in sorted(state.commits))
    notices: tuple[str, ...] = ()
    if workflow == "defect":
        text = lessons_proposal(
            session.feature.id,
            session.feature.title,
            [services.git.commit_message(sha) for sha in commits],
        )
        path = services.dossiers.write_lessons(session.feature.id, text)
        notices = (f"a lessons-learned entry is proposed in {path}",)
    detail = f"{len(state.commits)} step(s) committed on {state.started.branch}"
    session.record(SessionEnded("done", detail, session.now()))
    session.phase = "done"
    session.tell(detail)
    return RunResult(state.run_id, "done", detail, commits, notices=notices)


def _definition_of_done(session: Session, specs: LoadedSpecs) -> None:
    """The whole run against the DoD and every criterion; failure escalates (no revert)."""
    services, state = session.services, session.state
    session.phase, session.step = "definition of done", None
    session.tell("judging the whole run against the Definition of Done")
    gates = {"acceptance", "dod"}
    if specs.dod is not None:
        gates |= {item.gate for item in specs.dod.items if item.gate}
    report = services.check(
        CheckRequest(
            base=state.started.base,
            head=services.git.head(),
            feature=session.feature.path,
            gates=tuple(sorted(gates & set(BUILTIN_GATES))),
        )
    )
    if report.verdict == "pass":
        return
    failing = [r for r in report.gates if r.status == "fail"]
    evidence = [finding_line(f) for r in failing for f in r.findings]
    raise Escalate(
        "dod",
        "the Definition of Done is not met by the whole run",
        "Every step passed its gates, but the run as a whole does not meet the Definition "
        "of Done (see the evidence). Attest manual items with `backdev attest`, or say "
        "what should change, then answer and resume.",
        evidence=evidence[:30],
        violated=", ".join(f"{r.gate}" for r in failing),
        revert=False,
    )


def _writable(feature: Feature, specs: LoadedSpecs) -> PathPatterns | None:
    """Where the model may write: the feature's scope, plus docs, ADRs and manifests
    (judged by the docs gate, as the scope gate does); None: no scope, anywhere."""
    if not feature.scope:
        return None
    adr = f"{specs.config.adr.strip('/')}/**"
    return PathPatterns((*feature.scope, *DOCS_PATTERNS, adr, *MANIFEST_PATTERNS))


def _spec_paths(feature: Feature, specs: LoadedSpecs) -> tuple[str, ...]:
    """The documents other roles own: the model reads them, never edits them."""
    paths = [feature.path]
    if specs.principles is not None:
        paths.append(specs.principles.path)
    if specs.dod is not None:
        paths.append(specs.dod.path)
    return tuple(paths)


def _last_answer(session: Session) -> str | None:
    answers = session.state.answers
    return answers[max(answers)] if answers else None
