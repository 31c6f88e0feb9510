"""The dod gate with fakes: items proven by the other gates' results, or attested."""

from __future__ import annotations

from types import MappingProxyType

from backdev.application.ports import Attestation
from backdev.domain.changes import Commit
from backdev.domain.dod import DefinitionOfDone, DodItem
from backdev.domain.findings import Finding, GateResult
from backdev.gates.dod import DodGate
from tests.fakes.check import BASE, FakeAttestationStore, make_context

DOD_PATH = "docs/engineering/definition-of-done.md"
FILES = {"src/app.py": "x = 1\n"}
HEAD = "1" * 40
EARLIER = "2" * 40
REVIEW = "Security review done by a second person"
COVERED = DodItem("Changed lines are covered", 7, "coverage", MappingProxyType({"min": 90}))
SECURE = DodItem("No secret is added", 9, "secrets")
MANUAL = DodItem(REVIEW, 12)
FINDING = Finding("coverage/uncovered-line", "error", "src/app.py", 3, "not run", "add a test")


def _dod(*items: DodItem) -> DefinitionOfDone:
    return DefinitionOfDone(DOD_PATH, items)


def _attest(commit: str, item: str = REVIEW, line: int = 9) -> Attestation:
    return Attestation(item, "Ada", "read the diff", commit, "2026-11-27", line)


def _run(
    *items: DodItem,
    prior: tuple[GateResult, ...] = (),
    commits: tuple[Commit, ...] = (),
    attestations: FakeAttestationStore | None = None,
) -> GateResult:
    context = make_context(
        FILES, dod=_dod(*items), prior=prior, commits=commits, attestations=attestations
    )
    return DodGate().run(context)


def test_skips_naming_the_expected_file_when_there_is_no_definition_of_done() -> None:
    result = DodGate().run(make_context(FILES))

    assert result.status == "skip"
    assert result.summary == (f"no Definition of Done at {DOD_PATH}: `backdev init` writes one")


def test_passes_when_every_item_s_gate_passed_or_warned() -> None:
    prior = (
        GateResult("coverage", "pass", "no findings"),
        GateResult("secrets", "warn", "1 warning"),
    )

    result = _run(COVERED, SECURE, prior=prior)

    assert (result.status, result.findings) == ("pass", ())
    assert "2 items: 2 proven by gates, 0 attested, 0 open" in result.summary


def test_fails_at_the_item_s_line_naming_the_gate_when_its_gate_failed() -> None:
    prior = (
        GateResult("coverage", "fail", "1 error (1 line)", (FINDING,)),
        GateResult("secrets", "pass", "ok"),
    )

    result = _run(COVERED, SECURE, prior=prior)

    (finding,) = result.findings
    assert result.status == "fail"
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "dod/item-not-met",
        "error",
        DOD_PATH,
        7,
    )
    assert "gate coverage failed (1 error (1 line))" in finding.message
    assert finding.evidence == "coverage/uncovered-line at src/app.py:3"


def test_warns_with_the_skip_reason_when_the_item_s_gate_skipped() -> None:
    prior = (GateResult.skipped("coverage", "no source line changed"),)

    result = _run(COVERED, prior=prior)

    (finding,) = result.findings
    assert result.status == "warn"
    assert (finding.rule, finding.severity, finding.line) == ("dod/item-not-proven", "warning", 7)
    assert "gate coverage skipped (no source line changed)" in finding.message


def test_warns_that_the_item_is_not_checked_when_its_gate_did_not_run() -> None:
    result = _run(COVERED, SECURE, prior=(GateResult("secrets", "pass", "ok"),))

    (finding,) = result.findings
    assert result.status == "warn"
    assert (finding.rule, finding.severity, finding.line) == ("dod/item-not-checked", "warning", 7)
    assert finding.fix == "run `backdev check` with the coverage gate"


def test_warns_that_the_dod_gate_cannot_prove_itself_when_an_item_names_it() -> None:
    (finding,) = _run(DodItem("Everything is done", 3, "dod")).findings

    assert finding.rule == "dod/item-not-checked"
    assert "cannot prove its own item" in finding.message


def test_fails_with_the_attest_command_when_a_manual_item_has_no_attestation() -> None:
    result = _run(MANUAL, commits=(Commit(HEAD, "feat"),))

    (finding,) = result.findings
    assert result.status == "fail"
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "dod/item-not-attested",
        "error",
        DOD_PATH,
        12,
    )
    assert finding.fix == (f'check it, then run `backdev attest "{REVIEW}" --by NAME --note TEXT`')


def test_passes_a_manual_item_when_it_is_attested_for_a_commit_of_the_change() -> None:
    store = FakeAttestationStore([_attest(HEAD)])

    result = _run(MANUAL, commits=(Commit(EARLIER, "a"), Commit(HEAD, "b")), attestations=store)

    assert (result.status, result.findings) == ("pass", ())
    assert "1 items: 0 proven by gates, 1 attested, 0 open" in result.summary


def test_accepts_an_abbreviated_sha_and_other_spacing_when_the_item_is_attested() -> None:
    attestation = _attest(HEAD[:7].upper(), item="security  REVIEW done by a second person")
    store = FakeAttestationStore([attestation])

    result = _run(MANUAL, commits=(Commit(HEAD, "b"),), attestations=store)

    assert result.status == "pass"


def test_fails_naming_the_other_commit_when_the_attestation_is_for_an_unrelated_commit() -> None:
    store = FakeAttestationStore([_attest("9" * 40, line=14)])

    result = _run(MANUAL, commits=(Commit(HEAD, "b"),), attestations=store)

    (finding,) = result.findings
    assert finding.rule == "dod/item-not-attested"
    assert finding.evidence == (
        "attested for 999999999999 by Ada on 2026-11-27 (attestations line 14), "
        "which is not a commit of this change"
    )


def test_rejects_an_attestation_for_a_too_short_sha_prefix() -> None:
    store = FakeAttestationStore([_attest(HEAD[:4])])

    result = _run(MANUAL, commits=(Commit(HEAD, "b"),), attestations=store)

    assert result.status == "fail"


def test_accepts_the_base_when_uncommitted_work_has_no_commit_of_its_own() -> None:
    store = FakeAttestationStore([_attest(BASE)])

    result = _run(MANUAL, attestations=store)

    assert result.status == "pass"


def test_rejects_the_base_when_the_change_has_commits_of_its_own() -> None:
    store = FakeAttestationStore([_attest(BASE)])

    result = _run(MANUAL, commits=(Commit(HEAD, "b"),), attestations=store)

    assert result.status == "fail"


def test_ignores_an_attestation_of_another_item_when_judging_a_manual_item() -> None:
    store = FakeAttestationStore([_attest(HEAD, item="Something else")])

    result = _run(MANUAL, commits=(Commit(HEAD, "b"),), attestations=store)

    (finding,) = result.findings
    assert (finding.rule, finding.evidence) == ("dod/item-not-attested", "")


def test_escapes_quotes_in_the_fix_when_the_item_text_has_quotes() -> None:
    (finding,) = _run(DodItem('The "why" is written down', 4)).findings

    assert finding.fix == (
        'check it, then run `backdev attest "The \\"why\\" is written down" --by NAME --note TEXT`'
    )
