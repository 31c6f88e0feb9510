"""Values from the repository's dotenv files, so redaction can mask them wherever they appear.

Detectors miss plain values (`SHOP_API_KEY=letters-and-dashes`), yet a value from `.env`
may surface through code the model wrote (a test printing settings). Knowing the values
lets every tool result and transcript line be masked by exact match.
"""

from __future__ import annotations

from pathlib import Path

MIN_LENGTH = 8
"""Shorter values (ports, flags, `true`) are too common to mask anywhere they appear."""


def dotenv_values(root: Path) -> tuple[str, ...]:
    """The values of `KEY=VALUE` lines in `.env` and `.env.*` files at `root`."""
    values: set[str] = set()
    for path in sorted(root.glob(".env*")):
        if not path.is_file() or path.name.endswith((".example", ".sample", ".template")):
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # unreadable to us means unreadable to the tools too: nothing to mask
        for line in text.splitlines():
            value = _value(line)
            if value is not None and len(value) >= MIN_LENGTH and not value.isdigit():
                values.add(value)
    return tuple(sorted(values, key=len, reverse=True))


def _value(line: str) -> str | None:
    stripped = line.strip()
    if not stripped or stripped.startswith("#") or "=" not in stripped:
        return None
    value = stripped.partition("=")[2].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value or None
