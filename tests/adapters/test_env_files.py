"""Dotenv values for redaction: what is read, what is left out."""

from __future__ import annotations

from pathlib import Path

from backdev.adapters.env_files import dotenv_values


def test_values_are_read_from_dotenv_files_when_long_enough(tmp_path: Path) -> None:
    secret = "abc" + "defgh-123"
    (tmp_path / ".env").write_text(
        f"# comment\nAPI_KEY={secret}\nPORT=8000\nDEBUG=true\nEMPTY=\nQUOTED='{secret}-q'\n"
    )
    (tmp_path / ".env.local").write_text('TOKEN="local-value-1"\n')
    (tmp_path / ".env.example").write_text("API_KEY=placeholder-value\n")

    values = dotenv_values(tmp_path)

    assert set(values) == {secret, f"{secret}-q", "local-value-1"}
    assert values[0] == f"{secret}-q"  # longest first, so no value masks part of another


def test_no_values_when_there_is_no_dotenv_file(tmp_path: Path) -> None:
    assert dotenv_values(tmp_path) == ()
