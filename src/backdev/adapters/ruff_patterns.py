"""Insecure-pattern scanning with ruff's `S` rules (flake8-bandit), run as a subprocess.

Ruff's S codes correspond one-to-one to bandit's test ids (S608 is B608), so each hit
carries bandit's published severity and CWE id for that test (table below, taken from
bandit 1.9's plugins and blacklists). Two codes are not rules: SYNTAX_ERROR marks a
file ruff could not parse, SCANNER_UNAVAILABLE a scan that could not run at all.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

from backdev.application.ports import PatternHit

SYNTAX_ERROR = "syntax-error"
"""The code of a hit saying the file could not be parsed (line: where parsing failed)."""
SCANNER_UNAVAILABLE = "scanner-unavailable"
"""The code of a hit (path "", line 0) saying ruff could not run; the message says why."""

BANDIT_RULES: Mapping[str, tuple[str, str, int]] = {
    # ruff code: (bandit id, bandit severity, CWE id)
    "S101": ("B101", "low", 703),
    "S102": ("B102", "medium", 78),
    "S103": ("B103", "medium", 732),  # high when the mask is world-writable
    "S104": ("B104", "medium", 605),
    "S105": ("B105", "low", 259),
    "S106": ("B106", "low", 259),
    "S107": ("B107", "low", 259),
    "S108": ("B108", "medium", 377),
    "S110": ("B110", "low", 703),
    "S112": ("B112", "low", 703),
    "S113": ("B113", "medium", 400),
    "S201": ("B201", "high", 94),
    "S202": ("B202", "high", 22),
    "S301": ("B301", "medium", 502),
    "S302": ("B302", "medium", 502),
    "S303": ("B303", "medium", 327),
    "S304": ("B304", "high", 327),
    "S305": ("B305", "medium", 327),
    "S306": ("B306", "medium", 377),
    "S307": ("B307", "medium", 78),
    "S308": ("B308", "medium", 79),
    "S310": ("B310", "medium", 22),
    "S311": ("B311", "low", 330),
    "S312": ("B312", "high", 319),
    "S313": ("B313", "medium", 20),
    "S314": ("B314", "medium", 20),
    "S315": ("B315", "medium", 20),
    "S316": ("B316", "medium", 20),
    "S317": ("B317", "medium", 20),
    "S318": ("B318", "medium", 20),
    "S319": ("B319", "medium", 20),
    "S320": ("B320", "medium", 20),
    "S321": ("B321", "high", 319),
    "S323": ("B323", "medium", 295),
    "S324": ("B324", "high", 327),
    "S401": ("B401", "high", 319),
    "S402": ("B402", "high", 319),
    "S403": ("B403", "low", 502),
    "S404": ("B404", "low", 78),
    "S405": ("B405", "low", 20),
    "S406": ("B406", "low", 20),
    "S407": ("B407", "low", 20),
    "S408": ("B408", "low", 20),
    "S409": ("B409", "low", 20),
    "S410": ("B410", "low", 20),
    "S411": ("B411", "high", 20),
    "S412": ("B412", "high", 284),
    "S413": ("B413", "high", 327),
    "S415": ("B415", "high", 319),
    "S501": ("B501", "high", 295),
    "S502": ("B502", "high", 327),
    "S503": ("B503", "medium", 327),
    "S504": ("B504", "low", 327),
    "S505": ("B505", "medium", 326),  # high below 1024 bits; ruff reports below 2048
    "S506": ("B506", "medium", 20),
    "S507": ("B507", "high", 295),
    "S508": ("B508", "medium", 319),
    "S509": ("B509", "medium", 319),
    "S601": ("B601", "medium", 78),
    "S602": ("B602", "high", 78),  # low when the command is a literal ("seems safe")
    "S603": ("B603", "low", 78),
    "S604": ("B604", "medium", 78),
    "S605": ("B605", "high", 78),  # low when the command is a literal ("seems safe")
    "S606": ("B606", "low", 78),
    "S607": ("B607", "low", 78),
    "S608": ("B608", "medium", 89),
    "S609": ("B609", "high", 155),
    "S610": ("B610", "medium", 89),
    "S611": ("B611", "medium", 89),
    "S612": ("B612", "medium", 94),
    "S701": ("B701", "high", 94),
    "S702": ("B702", "medium", 80),
    "S704": ("B704", "medium", 79),
}
"""Bandit's severity and CWE for each ruff S code; unknown codes are reported as medium."""

_CHUNK = 500  # files per ruff run, to stay far below the OS limit on argument length
_MASK = re.compile(r"0o([0-7]+)")
_WORLD_WRITABLE = 0o002


class RuffPatternScanner:
    """Runs `python -m ruff check --select S` in isolation (the user's ruff config is ignored).

    Files are written to a temporary directory and scanned in one ruff run, which is
    about twenty times faster than one run per file through stdin.
    """

    def __init__(self, python: str | None = None, timeout: float = 120.0) -> None:
        self._python = python or sys.executable
        self._timeout = timeout

    def scan(self, files: Mapping[str, str]) -> list[PatternHit]:
        """Hits in `files` (repository path -> text), every line; see the module docstring."""
        safe = {path: text for path, text in files.items() if _is_safe(path)}
        if not safe:
            return []
        with tempfile.TemporaryDirectory(prefix="backdev-ruff-") as tmp:
            root = Path(tmp).resolve()
            for path, text in safe.items():
                target = root / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            hits: list[PatternHit] = []
            paths = sorted(safe)
            for start in range(0, len(paths), _CHUNK):
                found = self._run(root, paths[start : start + _CHUNK])
                if isinstance(found, str):
                    return [PatternHit(SCANNER_UNAVAILABLE, "", 0, found, "error")]
                hits += found
        return hits

    def _run(self, root: Path, paths: Sequence[str]) -> list[PatternHit] | str:
        """The hits of one ruff run, or the reason it failed."""
        command = [
            self._python,
            "-m",
            "ruff",
            "check",
            "--select",
            "S",
            "--output-format",
            "json",
            "--no-cache",
            "--isolated",
            "--exit-zero",
            "--",
            *paths,
        ]
        try:
            done = subprocess.run(
                command, cwd=root, capture_output=True, timeout=self._timeout, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"ruff could not run ({exc})"
        if done.returncode != 0:
            return f"ruff could not run: {_last_line(done.stderr, done.returncode)}"
        try:
            records = json.loads(done.stdout or b"[]")
        except ValueError:
            return "ruff's output was not the expected JSON"
        if not isinstance(records, list):
            return "ruff's output was not the expected JSON"
        return _hits(root, records)


def _hits(root: Path, records: list[object]) -> list[PatternHit]:
    hits: list[PatternHit] = []
    syntax_reported: set[str] = set()
    for record in records:
        if not isinstance(record, dict):
            continue
        path = Path(str(record.get("filename", ""))).resolve()
        try:
            relative = path.relative_to(root).as_posix()
        except ValueError:
            # ruff only reports on files we wrote below `root`; anything else is not ours.
            continue
        location = record.get("location") or {}
        line = int(location.get("row", 0)) if isinstance(location, dict) else 0
        message = str(record.get("message", ""))
        code = record.get("code")
        if not isinstance(code, str) or not code.startswith("S"):
            # ruff reports every parse error; one per file says enough.
            if relative not in syntax_reported:
                syntax_reported.add(relative)
                hits.append(PatternHit(SYNTAX_ERROR, relative, line, message, "error"))
            continue
        severity, cwe = _severity_and_cwe(code, message)
        hits.append(PatternHit(code, relative, line, message, severity, cwe))
    return hits


def _severity_and_cwe(code: str, message: str) -> tuple[str, int | None]:
    """Bandit's severity for the hit, refined where bandit grades by the call's arguments."""
    _, severity, cwe = BANDIT_RULES.get(code, ("", "medium", 0))
    if code in ("S602", "S605") and "seems safe" in message:
        severity = "low"
    elif code == "S103":
        mask = _MASK.search(message)
        if mask and int(mask.group(1), 8) & _WORLD_WRITABLE:
            severity = "high"
    return severity, cwe or None


def _is_safe(path: str) -> bool:
    """A relative path that stays inside the scan directory."""
    pure = PurePosixPath(path)
    return bool(path) and not pure.is_absolute() and ".." not in pure.parts


def _last_line(stderr: bytes, returncode: int) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    return lines[-1] if lines else f"exit status {returncode}"
