"""`backdev run` and `backdev resume`: drive a feature to green commits, or stop and ask.

The harness, not the model, decides what is done and what is stuck: it refuses to
start where it could lose work, saves the plan before any edit, judges every step
with the gates, and escalates when the role says stop.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from backdev.agent.driver import drive
from backdev.agent.escalate import escalate
from backdev.agent.services import AgentServices, Progress, RunResult
from backdev.agent.session import Session
from backdev.agent.signals import Escalate
from backdev.application.agent_ports import ModelError
from backdev.application.specs import load_specs
from backdev.domain.errors import ConfigError
from backdev.domain.features import Feature
from backdev.domain.limits import LimitReached, Limits
from backdev.domain.pricing import Price, parse_model_id, price_for
from backdev.domain.run_events import Answered, Resumed, RunStarted, SessionEnded, StepCommitted
from backdev.domain.run_state import RunState, fold

_RAISE = "; raise the limit and resume (e.g. backdev resume --max-cost 5), or take over."


@dataclass(frozen=True, slots=True)
class RunRequest:
    """What the user asked `backdev run` for."""

    feature: str
    model: str
    limits: Limits
    price: Price | None = None
    branch: str | None = None
    stash: bool = False


def start_run(services: AgentServices, request: RunRequest, progress: Progress) -> RunResult:
    """Check every precondition, create the run's branch and record, then drive it."""
    feature = _feature(services, request.feature)
    if feature.status != "validated":
        raise ConfigError(
            f"{feature.path}: feature {feature.id} has status `{feature.status}`; only a "
            "`validated` feature may be built. Have its requirements validated first "
            "(the Requirements Engineer sets `status: validated`)."
        )
    model_id = parse_model_id(request.model)
    price = price_for(model_id, request.price)
    model = services.models(model_id)
    git = services.git
    branch = request.branch or f"backdev/{feature.id}"
    if git.branch_exists(branch):
        raise ConfigError(
            f"branch {branch} already exists. `backdev resume` continues its run; "
            "`--branch NAME` starts a new run on another branch."
        )
    notices = _clean_tree(services, request.stash, feature.id)  # last: nothing refused after it
    base = git.head()
    git.create_branch(branch, base)
    started = RunStarted(
        feature.id,
        feature.path,
        feature.workflow,
        str(model_id),
        branch,
        base,
        request.limits,
        price,
        services.clock.now(),
    )
    run_id = services.store.create(started)
    if not git.has_identity():
        notices.append(
            "git has no user.name/user.email: commits are by backdev <backdev@localhost>"
        )
    session = Session(services, fold(run_id, [started]), feature, model, price, progress=progress)
    result = _guarded(session)
    return replace(result, notices=(*notices, *result.notices))


def resume_run(
    services: AgentServices, run_id: int | None, limits: Limits | None, progress: Progress
) -> RunResult:
    """Continue a run after an answer, a limit, or a crash, from its last green commit."""
    state = _state(services, run_id)
    if state.done:
        return RunResult(state.run_id, "done", "the run is already done")
    waiting = state.open_escalation
    if waiting is not None and waiting.rule == "limits":
        if limits is None:
            raise ConfigError(
                f"run {state.run_id} stopped at a limit: {waiting.question.partition(_RAISE)[0]}. "
                "Resume with a higher one, e.g. backdev resume --max-cost 5 --max-steps 200"
            )
        answer = Answered(waiting.number, "resumed with new limits", services.clock.now())
        services.store.append(state.run_id, answer)
        state.apply(answer)
        waiting = None
    if waiting is not None:
        raise ConfigError(
            f"run {state.run_id} waits for an answer to escalation {waiting.number} "
            f'({waiting.path}). Answer it: backdev answer {waiting.number} "..."'
        )
    notices = _back_on_branch(services, state)
    _reconcile_commits(services, state)
    feature = _feature(services, state.started.feature_path)
    model_id = parse_model_id(state.started.model)
    model = services.models(model_id)
    event = Resumed(limits or state.limits, services.clock.now())
    services.store.append(state.run_id, event)
    state = fold(state.run_id, services.store.events(state.run_id))
    session = Session(services, state, feature, model, state.started.price, progress=progress)
    result = _guarded(session)
    return replace(result, notices=(*notices, *result.notices))


def _guarded(session: Session) -> RunResult:
    try:
        return drive(session)
    except KeyboardInterrupt:
        session.record(SessionEnded("interrupted", "stopped by the user", session.now()))
        raise
    except ModelError as error:
        session.record(SessionEnded("failed", str(error), session.now()))
        raise ModelError(f"{error}\nThe run is saved: `backdev resume` continues it.") from error
    except Escalate as signal:
        return escalate(session, signal, "escalated")
    except LimitReached as limit:
        stop = Escalate(
            "limits",
            f"the run reached its {limit.kind} limit",
            f"{limit}{_RAISE}",
            evidence=[str(limit)],
        )
        return escalate(session, stop, "limits")


def _feature(services: AgentServices, reference: str) -> Feature:
    root = services.specs.files.root()
    feature = load_specs(services.specs, root, reference).feature
    if feature is None:
        raise ConfigError(f"feature {reference!r} not found")
    return feature


def _clean_tree(services: AgentServices, stash: bool, feature: str) -> list[str]:
    dirty = services.git.dirty()
    if not dirty:
        return []
    if not stash:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise ConfigError(
            f"the working tree has uncommitted changes ({shown}). backdev never runs over "
            "your work: commit them, or pass --stash to stash them under a named stash."
        )
    name = f"backdev: your changes before running {feature}"
    services.git.stash(name)
    return [f"your uncommitted changes are in the stash {name!r} (git stash list)"]


def _state(services: AgentServices, run_id: int | None) -> RunState:
    runs = services.store.runs()
    if not runs:
        raise ConfigError(
            "there is no run to resume: start one with backdev run FEATURE --model ..."
        )
    chosen = runs[-1].run_id if run_id is None else run_id
    if chosen not in {r.run_id for r in runs}:
        raise ConfigError(f"there is no run {chosen}; `backdev status` lists the runs")
    return fold(chosen, services.store.events(chosen))


def _back_on_branch(services: AgentServices, state: RunState) -> list[str]:
    """Switch to the run's branch; leftovers of an interrupted step go to a named stash."""
    git, branch = services.git, state.started.branch
    notices: list[str] = []
    if git.branch() != branch:
        if git.dirty():
            raise ConfigError(
                f"the working tree has uncommitted changes and run {state.run_id} works on "
                f"{branch}: commit or stash them first."
            )
        git.switch(branch)
    if git.dirty():
        name = f"backdev: interrupted attempt of run {state.run_id}"
        git.stash(name)
        notices.append(f"the interrupted attempt's changes are in the stash {name!r}")
    return notices


def _reconcile_commits(services: AgentServices, state: RunState) -> None:
    """Record step commits made just before a crash, so no green commit is repeated."""
    git = services.git
    for sha in git.log(state.last_green, git.head()):
        trailers = _trailers(git.commit_message(sha))
        step = trailers.get("Step", "").partition("/")[0]
        if trailers.get("Feature") == state.started.feature and step.isdigit():
            number = int(step)
            if number not in state.commits:
                event = StepCommitted(number, sha, services.clock.now())
                services.store.append(state.run_id, event)
                state.apply(event)


def _trailers(message: str) -> dict[str, str]:
    last = message.strip().split("\n\n")[-1]
    pairs = (line.partition(": ") for line in last.splitlines())
    return {key: value.strip() for key, sep, value in pairs if sep}
