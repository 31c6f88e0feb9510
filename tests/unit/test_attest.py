"""The attest use case: find the manual DoD item a reference names, and record it."""

from __future__ import annotations

from datetime import date

import pytest

from backdev.application.attest import attest
from backdev.application.ports import Attestation
from backdev.domain.dod import DefinitionOfDone, DodItem
from backdev.domain.errors import ConfigError
from tests.fakes.check import FakeAttestationStore

DOD = DefinitionOfDone(
    "docs/engineering/definition-of-done.md",
    (
        DodItem("The project's own checks pass", 5, "checks"),
        DodItem("Trade-offs are written down in the commit or an ADR", 7),
        DodItem("Failures can be diagnosed from the logs", 8),
        DodItem("Logs carry no sensitive data", 9),
    ),
)
SHA = "a" * 40
TODAY = date(2026, 11, 27)


def _attest(item_ref: str, store: FakeAttestationStore | None = None) -> Attestation:
    return attest(
        DOD,
        item_ref,
        by="Ada",
        note="checked the diff",
        commit=SHA,
        store=store or FakeAttestationStore(),
        today=TODAY,
    )


def test_records_the_item_s_full_text_with_who_what_and_when_when_the_text_matches() -> None:
    store = FakeAttestationStore()

    recorded = _attest("Trade-offs are written down in the commit or an ADR", store)

    assert recorded == Attestation(
        item="Trade-offs are written down in the commit or an ADR",
        by="Ada",
        note="checked the diff",
        commit=SHA,
        date="2026-11-27",
    )
    assert store.attestations == [recorded]


def test_matches_a_unique_case_insensitive_prefix_when_the_text_is_not_exact() -> None:
    assert _attest("trade-OFFS").item.startswith("Trade-offs")


def test_matches_a_unique_substring_when_no_prefix_matches() -> None:
    assert _attest("diagnosed").item == "Failures can be diagnosed from the logs"


def test_prefers_the_exact_text_when_it_is_also_a_prefix_of_another_item() -> None:
    dod = DefinitionOfDone("dod.md", (DodItem("Docs", 1), DodItem("Docs are updated", 2)))

    recorded = attest(
        dod,
        "docs",
        by="Ada",
        note="n",
        commit=SHA,
        store=FakeAttestationStore(),
        today=TODAY,
    )

    assert recorded.item == "Docs"


def test_prefers_a_unique_prefix_when_other_items_contain_the_reference() -> None:
    assert _attest("logs").item == "Logs carry no sensitive data"


def test_refuses_listing_the_candidates_when_the_reference_is_ambiguous() -> None:
    with pytest.raises(ConfigError) as error:
        _attest("AN")

    message = str(error.value)
    assert "'AN' matches 2 items" in message
    assert "definition-of-done.md:7: Trade-offs are written down" in message
    assert "definition-of-done.md:8: Failures can be diagnosed from the logs" in message


def test_refuses_listing_the_manual_items_when_no_item_matches() -> None:
    store = FakeAttestationStore()

    with pytest.raises(ConfigError) as error:
        _attest("performance budget", store)

    message = str(error.value)
    assert "no item of docs/engineering/definition-of-done.md matches 'performance budget'" in (
        message
    )
    assert ":7: Trade-offs" in message
    assert "checks pass" not in message
    assert store.attestations == []


def test_refuses_naming_the_gate_when_the_item_is_proven_by_a_gate() -> None:
    with pytest.raises(ConfigError, match="proven by gate checks, not by attestation"):
        _attest("the project's own checks")


def test_refuses_when_there_is_no_definition_of_done() -> None:
    with pytest.raises(ConfigError, match="no Definition of Done"):
        attest(
            None,
            "x",
            by="Ada",
            note="n",
            commit=SHA,
            store=FakeAttestationStore(),
            today=TODAY,
        )


@pytest.mark.parametrize(("by", "note"), [("  ", "note"), ("Ada", "")])
def test_refuses_when_who_or_how_is_blank(by: str, note: str) -> None:
    with pytest.raises(ConfigError, match="must not be empty"):
        attest(
            DOD,
            "diagnosed",
            by=by,
            note=note,
            commit=SHA,
            store=FakeAttestationStore(),
            today=TODAY,
        )


def test_flattens_line_breaks_when_the_note_spans_lines() -> None:
    recorded = attest(
        DOD,
        "diagnosed",
        by="Ada\nLovelace",
        note="first\n  second",
        commit=SHA,
        store=FakeAttestationStore(),
        today=TODAY,
    )

    assert (recorded.by, recorded.note) == ("Ada Lovelace", "first second")
