"""Stop and raise the issue: revert to the last green commit, write the dossier."""

from __future__ import annotations

from backdev.agent.outside_escalation import next_escalation_number, recorded_numbers
from backdev.agent.services import RunResult
from backdev.agent.session import Session
from backdev.agent.signals import Escalate
from backdev.domain.escalation import Escalation, render_dossier
from backdev.domain.run_events import AttemptJudged, Escalated, Outcome, Reverted, SessionEnded


def escalate(session: Session, signal: Escalate, outcome: Outcome) -> RunResult:
    """Record the escalation, keep the abandoned attempt in a stash, return the result.

    The revert touches only what the run changed: the tree was clean when the run
    started, so everything not committed is the model's attempt; it goes to a named
    stash (never deleted), and ignored files are never touched.
    """
    services, state = session.services, session.state
    git = services.git
    tried = [f"attempt {n}: {event}" for n, event in _attempts(session)]
    number = next_escalation_number(recorded_numbers(services.store), services.dossiers.names())
    stash = ""
    if signal.revert and git.dirty():
        stat = git.diff_stat(state.last_green)
        if stat.strip():
            tried.append(f"the abandoned attempt's diff:\n{stat}")
        stash = git.stash(f"backdev run {state.run_id}: abandoned attempt ({signal.rule})")
    if signal.revert:
        git.reset_hard(state.last_green)
        session.record(Reverted(state.last_green, stash, signal.rule, session.now()))
    step = _step_line(session)
    resume = (
        "backdev resume --max-steps 200 (or --max-cost 5, --max-minutes 60): raise the limit"
        if signal.rule == "limits"
        else f'backdev answer {number} "your answer"   then   backdev resume'
    )
    if stash:
        resume += f"\nThe abandoned attempt is kept in the stash {stash[:12]} (git stash list)."
    dossier = Escalation(
        number=number,
        feature=session.feature.id,
        rule=signal.rule,
        title=signal.title,
        question=signal.question,
        evidence=tuple(services.redact(e) for e in signal.evidence),
        tried=tuple(services.redact(t) for t in tried),
        step=step,
        violated=signal.violated,
        resume=resume,
    )
    path = services.dossiers.write(session.feature.id, number, render_dossier(dossier))
    session.record(Escalated(number, signal.rule, path, signal.question, session.now()))
    session.record(SessionEnded(outcome, signal.title, session.now()))
    session.phase = "escalated" if outcome == "escalated" else "limits"
    session.tell(f"escalation {number}: {signal.title} ({path})")
    commits = tuple(state.commits[n] for n in sorted(state.commits))
    return RunResult(state.run_id, outcome, signal.title, commits, path)


def _attempts(session: Session) -> list[tuple[int, str]]:
    number = session.state.next_step
    return [
        (e.attempt, e.summary)
        for e in session.services.store.events(session.run_id)
        if isinstance(e, AttemptJudged) and e.step == number
    ]


def _step_line(session: Session) -> str:
    state = session.state
    number = state.next_step
    if state.plan is None or number is None:
        return ""
    step = state.step(number)
    return f"{number}/{len(state.plan.steps)}: {step.criterion} — {step.intent}"
