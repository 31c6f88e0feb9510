"""Reading a user's text file safely: empty, binary and non-UTF-8 files are problems."""

from __future__ import annotations

from pathlib import Path

from backdev.domain.problems import Problem


def read_text(path: Path, shown_as: str) -> tuple[str | None, list[Problem]]:
    """The file's text, or None with the problem that stopped reading it.

    `shown_as` is the path as the user should see it in messages (usually
    relative to the repository root). A leading UTF-8 byte-order mark is dropped.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, [
            Problem(shown_as, 1, "file not found", "check the path, or run `backdev init`")
        ]
    except IsADirectoryError:
        return None, [Problem(shown_as, 1, "is a directory, not a file", "name a file")]
    except OSError as exc:
        return None, [
            Problem(shown_as, 1, f"cannot be read ({exc.strerror})", "check its permissions")
        ]
    return decode_text(data, shown_as)


def decode_text(data: bytes, shown_as: str) -> tuple[str | None, list[Problem]]:
    """Decode bytes as UTF-8 text; see `read_text`."""
    if b"\x00" in data:
        return None, [Problem(shown_as, 1, "is a binary file", "name a UTF-8 text file")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                shown_as,
                line,
                f"is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                "save the file as UTF-8",
            )
        ]
    if not text.strip():
        return None, [
            Problem(shown_as, 1, "is empty", "fill it in (`backdev init` writes a template)")
        ]
    return text, []
