"""The `secrets` gate: no secret on a line the change adds."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator

from backdev.application.gates import GateContext
from backdev.application.ports import SecretHit
from backdev.domain.changes import ChangedFile
from backdev.domain.findings import Finding, GateResult

GATE_ID = "secrets"
CWE_HARD_CODED_CREDENTIALS = 798
DEFAULT_BASELINE = ".secrets.baseline"
_FIXTURE_KINDS = frozenset({"jwt"})
"""Kinds that test, example and docs files hold as fixtures: JWTs are minted for tests and
expire, so there they are not findings."""
_GUESSED = ("password-assignment", "high-entropy-string")
"""Kinds inferred from a name or randomness rather than a provider's format: least specific."""
_DESCRIPTIONS = {
    "aws-access-key": "an AWS access key",
    "github-token": "a GitHub token",
    "gitlab-token": "a GitLab token",
    "slack-token": "a Slack token",
    "slack-webhook": "a Slack webhook URL",
    "stripe-key": "a Stripe live key",
    "google-api-key": "a Google API key",
    "openai-key": "an OpenAI-style API key",
    "jwt": "a JSON Web Token",
    "private-key": "a private key",
    "password-assignment": "a literal password or key assigned to a secret-looking name",
    "high-entropy-string": "a random-looking string that is probably a key or token",
    "basic-auth-credentials": "a URL with a password in it",
}
_DUMMY = re.compile(
    r"(?i)fake|dummy|example|test|changeme|change[_-]me|placeholder|xxx|not[_-]?a[_-]?real"
    r"|sample|redacted|<[^>]*>|\$\{[^}]*\}|\{\{.*\}\}"
)
_DUMMY_VALUES = frozenset({"password", "secret", "pass", "passwd", "hunter2", "letmein", "qwerty"})
_SECRET_NAME = re.compile(r"(?i)(pass(word|wd|phrase)?|pwd|secret|token|api_?key|private_?key)")
_ASSIGNMENT = re.compile(r"(?:=|:|=>)\s*[\"'`]?")
_KEY_HEADER = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_QUOTED = re.compile(r"([\"'`])(.*?)\1")
_TOKEN = re.compile(r"[^\s\"'`,;()\[\]{}<>]+")
_DOC_SUFFIXES = (".md", ".rst", ".adoc", ".txt")
_EXAMPLE_MARKERS = (".example", ".sample", ".template", ".tmpl", ".dist", "example")


class SecretsGate:
    """Finds keys, tokens, private keys and passwords on the lines a change adds.

    A value a reviewed `.secrets.baseline` lists is accepted; obvious dummies in test,
    example and documentation files are not findings.
    """

    @property
    def id(self) -> str:
        """The stable gate id."""
        return GATE_ID

    def run(self, context: GateContext) -> GateResult:
        """Scan the added lines of every changed text file that exists at head."""
        candidates = [f for f in context.change.files if _scannable(f, context)]
        if not candidates:
            return GateResult.skipped(GATE_ID, "no added lines in text files to scan")
        findings: list[Finding] = []
        scanned = accepted = lines = 0
        for changed in candidates:
            text = context.read_head(changed.path)
            if text is None:
                continue  # binary or not UTF-8: nothing a person pasted a key into
            scanned += 1
            lines += len(changed.added_lines)
            hits = context.ports.secrets.scan(changed.path, text, changed.added_lines)
            accepted += sum(1 for hit in hits if hit.accepted and hit.line in changed.added_lines)
            relaxed = _is_relaxed(changed.path, context)
            findings.extend(_findings(changed, text.splitlines(), hits, relaxed))
        if not scanned:
            return GateResult.skipped(GATE_ID, "no added lines in text files to scan")
        checked = f"{_plural(lines, 'added line')} in {_plural(scanned, 'file')}"
        if accepted:
            baseline = context.options.get("baseline") or DEFAULT_BASELINE
            checked += f", {accepted} accepted by {baseline}"
        return GateResult.judged(GATE_ID, findings, checked=checked)


def _scannable(changed: ChangedFile, context: GateContext) -> bool:
    return (
        changed.status != "deleted"
        and not changed.binary
        and not changed.submodule
        and bool(changed.added_lines)
        and not context.is_excluded(changed.path)
    )


def _is_relaxed(path: str, context: GateContext) -> bool:
    """Test, example and documentation files, where dummy credentials are expected."""
    name = path.rpartition("/")[2].lower()
    return (
        context.is_test(path)
        or name.endswith(_DOC_SUFFIXES)
        or any(marker in name for marker in _EXAMPLE_MARKERS)
    )


def _findings(
    changed: ChangedFile, lines: list[str], hits: Iterable[SecretHit], relaxed: bool
) -> Iterator[Finding]:
    best = _most_specific(h for h in hits if h.line in changed.added_lines and not h.accepted)
    reported: set[tuple[int, str]] = set()
    for hit in best:
        kind = _slug(hit.kind)
        if (hit.line, kind) in reported or not 0 < hit.line <= len(lines):
            continue
        line = lines[hit.line - 1]
        value = _value(line, hit.fingerprint)
        if relaxed and _is_dummy(kind, line, value):
            continue
        reported.add((hit.line, kind))
        what = _DESCRIPTIONS.get(kind, f"a secret ({hit.kind})")
        yield Finding(
            rule=f"{GATE_ID}/{kind}",
            severity="error",
            path=changed.path,
            line=hit.line,
            message=(
                f"this line adds {what}; anyone who can read the repository or its history "
                "can use it, and removing it later does not remove it from git history."
            ),
            fix=(
                "revoke and rotate it, then read it from the environment or a secret store; "
                "if it is not a secret, list it in .secrets.baseline"
            ),
            evidence=_mask(line, [h.fingerprint for h in best if h.line == hit.line], kind),
            cwe=CWE_HARD_CODED_CREDENTIALS,
        )


def _most_specific(hits: Iterable[SecretHit]) -> list[SecretHit]:
    """One hit per value and line: a provider format wins over a guess by name or entropy."""
    chosen: dict[tuple[int, str], SecretHit] = {}
    for hit in hits:
        key = (hit.line, hit.fingerprint)
        if key not in chosen or _rank(hit) < _rank(chosen[key]):
            chosen[key] = hit
    return sorted(chosen.values(), key=lambda h: (h.line, _rank(h), _slug(h.kind)))


def _rank(hit: SecretHit) -> int:
    kind = _slug(hit.kind)
    return _GUESSED.index(kind) + 1 if kind in _GUESSED else 0


def _is_dummy(kind: str, line: str, value: str | None) -> bool:
    """An obvious stand-in: a fixture kind, a dummy word, a template, or a guessed kind
    that is not random."""
    if kind in _FIXTURE_KINDS:
        return True
    text = value if value is not None else _after_assignment(line)
    if _DUMMY.search(text) or text.strip().lower() in _DUMMY_VALUES:
        return True
    if kind not in _GUESSED:
        return False
    looks_random = len(text) >= 16 and _mixed(text)
    return not (looks_random and _SECRET_NAME.search(line))


def _value(line: str, fingerprint: str) -> str | None:
    """The secret's text on `line`, when the fingerprint is the SHA-1 of a token on it."""
    candidates = {m.group() for m in _TOKEN.finditer(line)}
    candidates |= {part for c in list(candidates) for part in re.split(r"[=:]", c) if part}
    candidates |= {m.group(2) for m in _QUOTED.finditer(line)}
    for candidate in candidates:
        digest = hashlib.sha1(candidate.encode("utf-8"), usedforsecurity=False).hexdigest()
        if digest == fingerprint:
            return candidate
    return None


def _mask(line: str, fingerprints: Iterable[str], kind: str) -> str:
    """The line with every secret on it cut to its first characters; never the whole value."""
    stripped = line.strip()
    if kind == "private-key":
        header = _KEY_HEADER.search(stripped)
        if header:
            return header.group()  # the header names the key type and holds no key material
    masked, unknown = stripped, False
    for fingerprint in fingerprints:
        value = _value(stripped, fingerprint)
        if value is None:
            unknown = True
        else:
            masked = masked.replace(value, _shorten(value))
    if unknown:
        match = _ASSIGNMENT.search(masked)
        cut = match.end() if match else 0
        masked = masked[:cut] + _shorten(masked[cut:])
    return masked[:200]


def _shorten(value: str) -> str:
    # Short values (passwords) would be half revealed by four characters.
    return (value[:4] if len(value) >= 12 else "") + "…"


def _after_assignment(line: str) -> str:
    match = _ASSIGNMENT.search(line)
    return line[match.end() :].strip() if match else line.strip()


def _mixed(text: str) -> bool:
    return (
        any(c.isupper() for c in text)
        and any(c.islower() for c in text)
        and any(c.isdigit() for c in text)
    )


def _slug(kind: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-") or "secret"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
