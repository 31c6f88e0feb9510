"""The Markdown attestations file: readable rows, read back exactly, append-only."""

from __future__ import annotations

from pathlib import Path

from backdev.adapters.attestations_file import HEADER, MarkdownAttestationStore
from backdev.application.ports import Attestation

PATH = "docs/engineering/attestations.md"
SHA = "0123456789abcdef0123456789abcdef01234567"


def _attestation(item: str = "Trade-offs are written down", note: str = "in ADR 7") -> Attestation:
    return Attestation(item, "Ada", note, SHA, "2026-11-27")


def test_loads_nothing_when_the_file_does_not_exist(tmp_path: Path) -> None:
    assert MarkdownAttestationStore(tmp_path).load() == ()


def test_creates_the_file_with_a_heading_and_a_table_when_it_is_missing(tmp_path: Path) -> None:
    store = MarkdownAttestationStore(tmp_path)

    shown = store.append(_attestation())

    text = (tmp_path / PATH).read_text(encoding="utf-8")
    assert shown == PATH
    assert text.startswith("# Definition of Done attestations\n")
    assert text.endswith(
        f"{HEADER}\n|---|---|---|---|---|\n"
        f"| 2026-11-27 | `{SHA}` | Trade-offs are written down | Ada | in ADR 7 |\n"
    )


def test_reads_back_each_row_with_its_line_when_rows_were_appended(tmp_path: Path) -> None:
    store = MarkdownAttestationStore(tmp_path)
    store.append(_attestation())
    store.append(_attestation("Logs are useful", "checked"))

    first, second = store.load()

    lines = (tmp_path / PATH).read_text(encoding="utf-8").splitlines()
    assert first == Attestation(
        "Trade-offs are written down", "Ada", "in ADR 7", SHA, "2026-11-27", first.line
    )
    assert lines[first.line - 1].startswith("| 2026-11-27 |")
    assert (second.item, second.line) == ("Logs are useful", first.line + 1)


def test_round_trips_pipes_backslashes_and_backticks_when_the_text_has_them(
    tmp_path: Path,
) -> None:
    store = MarkdownAttestationStore(tmp_path)
    item = "Use `a | b` and C:\\path\\ \\| done\\"

    store.append(_attestation(item, note="ends with a pipe |"))

    (loaded,) = store.load()
    assert (loaded.item, loaded.note) == (item, "ends with a pipe |")
    assert "a \\| b" in (tmp_path / PATH).read_text(encoding="utf-8")


def test_never_rewrites_existing_text_when_appending(tmp_path: Path) -> None:
    target = tmp_path / PATH
    target.parent.mkdir(parents=True)
    original = "# Ours\n\nSome prose a person wrote.\n"
    target.write_text(original, encoding="utf-8")

    MarkdownAttestationStore(tmp_path).append(_attestation())

    text = target.read_text(encoding="utf-8")
    assert text.startswith(original)
    assert text[len(original) :] == (
        f"\n{HEADER}\n|---|---|---|---|---|\n"
        f"| 2026-11-27 | `{SHA}` | Trade-offs are written down | Ada | in ADR 7 |\n"
    )


def test_continues_the_table_when_the_file_ends_with_a_row_without_a_newline(
    tmp_path: Path,
) -> None:
    store = MarkdownAttestationStore(tmp_path)
    store.append(_attestation())
    target = tmp_path / PATH
    target.write_text(target.read_text(encoding="utf-8").rstrip("\n"), encoding="utf-8")

    store.append(_attestation("Second"))

    assert target.read_text(encoding="utf-8").count(HEADER) == 1
    assert [a.item for a in store.load()] == ["Trade-offs are written down", "Second"]


def test_ignores_lines_that_are_not_attestation_rows_when_loading(tmp_path: Path) -> None:
    target = tmp_path / PATH
    target.parent.mkdir(parents=True)
    target.write_text(
        "# Attestations\n"
        "| Date | Commit | Item | By | Note |\n"
        "|---|---|---|---|---|\n"
        "| yesterday | `abc1234` | Item | Ada | no date |\n"
        "| 2026-11-27 | not-a-sha | Item | Ada | bad sha |\n"
        "| 2026-11-27 | `abc1234` | Item | Ada |\n"
        "| 2026-11-27 | `ABC1234` | Item | Ada | short sha, upper case |\n",
        encoding="utf-8",
    )

    (loaded,) = MarkdownAttestationStore(tmp_path).load()

    assert (loaded.commit, loaded.note, loaded.line) == ("abc1234", "short sha, upper case", 7)


def test_keeps_reading_other_rows_when_the_file_has_an_invalid_byte(tmp_path: Path) -> None:
    target = tmp_path / PATH
    target.parent.mkdir(parents=True)
    target.write_bytes(
        b"| 2026-11-27 | `abc1234` | Item | Ada | caf\xe9 |\n"
        b"| 2026-11-28 | `abc1234` | Other | Bo | fine |\n"
    )

    loaded = MarkdownAttestationStore(tmp_path).load()

    assert [a.item for a in loaded] == ["Item", "Other"]
