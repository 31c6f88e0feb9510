"""Secret scanning: detect-secrets' plugins plus private-key blocks, token formats and assignments.

Hit kinds are kebab-case rule names (`aws-access-key`, `password-assignment`,
`high-entropy-string`, ...); fingerprints are detect-secrets' `hashed_secret` (the SHA-1
of the value), so a reviewed `.secrets.baseline` written by detect-secrets itself applies.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from functools import cached_property
from itertools import pairwise
from pathlib import Path

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.filters import heuristic
from detect_secrets.filters.allowlist import is_line_allowlisted
from detect_secrets.plugins.base import BasePlugin
from detect_secrets.util.code_snippet import get_code_snippet

from backdev.application.ports import SecretHit

BASELINE = ".secrets.baseline"
_ENTROPY = "high-entropy-string"
_KEYWORD = "password-assignment"
_PLUGIN_KINDS = {
    "AWS Access Key": "aws-access-key",
    "GitHub Token": "github-token",
    "Slack Token": "slack-token",
    "Stripe Access Key": "stripe-key",
    "JSON Web Token": "jwt",
    "OpenAI Token": "openai-key",
    "Secret Keyword": _KEYWORD,
    "Base64 High Entropy String": _ENTROPY,
    "Hex High Entropy String": _ENTROPY,
}
# IP addresses are not secrets; private keys get the stricter block check below.
_SKIPPED_PLUGINS = frozenset({"Public IP (ipv4)", "Private Key"})
_TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (
            "aws-access-key",
            r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])",
        ),
        ("github-token", r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_\w{60,})"),
        ("slack-token", r"(?<![A-Za-z0-9])xox[abposr]-(?=[A-Za-z-]*\d)[A-Za-z0-9-]{10,}"),
        ("slack-webhook", r"https://hooks\.slack\.com/services/T\w+/B\w+/\w+"),
        ("stripe-key", r"(?<![A-Za-z0-9])[rs]k_live_[A-Za-z0-9]{20,}"),
        ("google-api-key", r"(?<![\w-])AIza[\w-]{35}(?![\w-])"),
        ("openai-key", r"(?<![\w-])sk-(?:proj-|svcacct-|admin-|ant-[a-z0-9]+-)?[\w-]{32,}"),
        ("jwt", r"(?<![\w-])eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}"),
    )
)
_KEY_HEADER = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----")
_KEY_BODY = re.compile(r"(?:^|\\n|[\s\"'])([A-Za-z0-9+/=]{40,})")
_SECRETISH = re.compile(r"(?i)pass(?:word|wd|phrase)|pwd|secret|token|api_?key|private_?key")
_SECRET_WORDS = frozenset({"password", "passwd", "passphrase", "pwd", "secret", "token", "apikey"})
# Only as the last word: `DB_PASS`, `AWS_CREDENTIALS`, but not `PASS_THROUGH`, `SECRETS_TEAM`.
_SECRET_LAST_WORDS = frozenset({"pass", "secrets", "credential", "credentials", "creds"})
_SECRET_PAIRS = frozenset(
    {("api", "key"), ("private", "key"), ("access", "key"), ("auth", "key"), ("signing", "key")}
)
_META_WORDS = frozenset(
    {"name", "names", "url", "uri", "path", "file", "filename", "dir", "type", "kind", "length"}
    | {"len", "count", "id", "ids", "field", "label", "hint", "help", "env", "var", "prefix"}
    | {"policy", "hasher", "hashers", "validators", "reset", "format", "pattern", "header"}
    | {"template", "version", "algorithm", "expiry", "expires", "ttl", "timeout", "min", "max"}
)
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
_HASHISH = re.compile(r"(?i)hash|digest|checksum|sha\d|md5|etag|fingerprint|integrity|revision")
# Every detector needs a long token, a secret-ish word or a URL with credentials.
_CANDIDATE = re.compile(r"[\w+/=.-]{16}|://|(?i:pass|pwd|secret|token|key|auth|cred)")
_PLACEHOLDER = re.compile(r"(?i)xxxx|\*\*\*\*|^<.*>$")
_KEYWORD_HINT = re.compile(r"(?i)key|pass|pwd|secret|contrase")
_ENV_REFERENCE = re.compile(r"os\.environ|getenv\(|environ\.get\(|process\.env|ENV\[|\$\{")
_ENV_FILE_ASSIGNMENT = re.compile(
    r"^\s*(?:export\s+)?([A-Za-z_][\w.]*)\s*=\s*([\"']?)([^\s\"'#]+)\2"
)
_ANNOTATED_ASSIGNMENT = re.compile(r"([A-Za-z_]\w*)\s*:\s*[\w\[\], .|]+?=\s*([\"'])([^\"'\s]+)\2")
_NAME_BEFORE = re.compile(r"([A-Za-z_][\w.-]*)[\"'\]]*\s*(?::[^=:]*)?(?:=|:=|:|=>)\s*[@\"'`]?$")


class DetectSecretsScanner:
    """Finds likely secrets on given lines; hits the reviewed baseline lists are `accepted`."""

    def __init__(self, root: Path, baseline: str = BASELINE) -> None:
        self._root = root
        self._baseline = baseline

    def scan(self, path: str, text: str, lines: frozenset[int]) -> list[SecretHit]:
        """Secrets on the given lines of `text` (file `path` at head), once per line and value."""
        if path == self._baseline:
            return []  # its hashed secrets would all look like secrets
        all_lines = text.splitlines()
        found: dict[tuple[int, str], set[str]] = {}
        covered: set[int] = set()
        for number, value in _private_keys(all_lines, lines, covered):
            found.setdefault((number, "private-key"), set()).add(value)
        for number in sorted(lines):
            if number in covered or not 0 < number <= len(all_lines):
                continue
            line = all_lines[number - 1]
            if not _CANDIDATE.search(line):
                continue
            line_hits = list(self._line_hits(path, line))
            if line_hits and not is_line_allowlisted(
                path, line, get_code_snippet(all_lines, number)
            ):
                for kind, value in line_hits:
                    found.setdefault((number, kind), set()).add(value)
        accepted = self._accepted.get(path, frozenset())
        return [
            SecretHit(kind, number, _fingerprint(value), bool(aliases & accepted))
            for (number, kind), values in found.items()
            for value, aliases in _merge(values)
        ]

    @cached_property
    def _plugins(self) -> tuple[tuple[str, BasePlugin], ...]:
        plugins = []
        classes: Mapping[str, type[BasePlugin]] = get_mapping_from_secret_type_to_class()
        for secret_type, plugin_class in classes.items():
            if secret_type not in _SKIPPED_PLUGINS:
                kind = _PLUGIN_KINDS.get(secret_type) or _slug(secret_type)
                plugins.append((kind, plugin_class()))
        return tuple(plugins)

    @cached_property
    def _accepted(self) -> dict[str, frozenset[str]]:
        """Hashed secrets per file from the baseline; a missing or unreadable one accepts none."""
        try:
            data = json.loads((self._root / self._baseline).read_text(encoding="utf-8"))
            results = data["results"]
            return {
                str(path): frozenset(str(entry["hashed_secret"]) for entry in entries)
                for path, entries in results.items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def _line_hits(self, path: str, line: str) -> Iterator[tuple[str, str]]:
        for kind, pattern in _TOKENS:
            for match in pattern.finditer(line):
                value = match.group()
                if not _PLACEHOLDER.search(value) and (kind != "openai-key" or _mixed(value)):
                    yield kind, value
        for kind, plugin in self._plugins:
            if kind == _KEYWORD and not _KEYWORD_HINT.search(line):
                continue  # its patterns backtrack a lot; most lines have none of its words
            for secret in plugin.analyze_line(filename=path, line=line, line_number=0):
                found = secret.secret_value
                if found and _is_credible(kind, found, line, plugin):
                    yield kind, found
        for value in _assigned_values(path, line):
            if _is_credible(_KEYWORD, value, line, None):
                yield _KEYWORD, value


def _merge(values: set[str]) -> Iterator[tuple[str, set[str]]]:
    """Each distinct value with the fingerprints it is known by: detect-secrets' plugins may
    report a part of a value our own pattern reports whole (its baseline lists the part)."""
    remaining = sorted(values, key=len, reverse=True)
    while remaining:
        whole, *rest = remaining
        parts = [v for v in rest if v in whole]
        remaining = [v for v in rest if v not in whole]
        yield whole, {_fingerprint(v) for v in (whole, *parts)}


def _private_keys(
    all_lines: list[str], added: frozenset[int], covered: set[int]
) -> Iterator[tuple[int, str]]:
    """Key blocks with key material that touch an added line; marks the block's lines covered."""
    for index, line in enumerate(all_lines):
        header = _KEY_HEADER.search(line)
        if header is None:
            continue
        following = "\n".join([line[header.end() :], *all_lines[index + 1 : index + 3]])
        if not _KEY_BODY.search(following):
            continue  # a parser or docs naming the header, not a key
        end = next((i for i in range(index, len(all_lines)) if "-----END" in all_lines[i]), index)
        block = range(index + 1, end + 2)
        covered.update(block)
        touched = [number for number in block if number in added]
        if touched:
            yield touched[0], f"BEGIN {header.group(1)}"


def _assigned_values(path: str, line: str) -> Iterator[str]:
    """Literal values assigned to secret-ish names where detect-secrets' keywords do not look:
    unquoted `.env` assignments and annotated Python fields (`password: str = "..."`)."""
    name = path.rpartition("/")[2]
    if name.startswith(".env") or name.endswith(".env"):
        match = _ENV_FILE_ASSIGNMENT.match(line)
        if match and _is_secret_name(match.group(1)):
            yield match.group(3)
    elif path.endswith((".py", ".pyi")):
        for match in _ANNOTATED_ASSIGNMENT.finditer(line):
            if _is_secret_name(match.group(1)):
                yield match.group(3)


def _is_credible(kind: str, value: str, line: str, plugin: BasePlugin | None) -> bool:
    """Precision filters for the value-guessing kinds; provider formats pass unchanged."""
    if _PLACEHOLDER.search(value):
        return False
    if kind == "basic-auth-credentials":
        # `user:pass@host` in docs and `postgres:postgres@localhost` in dev settings are not secrets
        local = re.search(r"@(localhost|127\.0\.0\.1)\b", line)
        return not local and not value.isalpha()
    if kind not in (_KEYWORD, _ENTROPY):
        return True
    if (
        heuristic.is_templated_secret(value)
        or heuristic.is_prefixed_with_dollar_sign(value)
        or heuristic.is_potential_uuid(value)
        or heuristic.is_sequential_string(value)
        or heuristic.is_not_alphanumeric_string(value)
        or heuristic.is_likely_id_string(value, line, plugin)
        or heuristic.is_indirect_reference(line)
        or _ENV_REFERENCE.search(line)
    ):
        return False
    name = _name_before(line, value)
    if kind == _KEYWORD:
        return _is_keyword_value(value) and (name is None or _is_secret_name(name))
    named = name is not None and _is_secret_name(name) and not _HASHISH.search(name)
    if all(c in "0123456789abcdefABCDEF" for c in value):
        return named  # hex strings are hashes (git shas, digests) unless named like a secret
    return named or (_mixed(value) and not _HASHISH.search(line))


def _is_keyword_value(value: str) -> bool:
    if len(value) < 4 or any(c.isspace() for c in value):
        return False
    if re.match(r"^(?:[a-z]+://|/|\./)", value) and "@" not in value:
        return False  # a URL or path, not a credential
    # Labels and setting names (`"new_password"`, `"X-Api-Key"`) rather than values.
    return not (re.fullmatch(r"[A-Za-z_.\-/]+", value) and _SECRETISH.search(value))


def _is_secret_name(name: str) -> bool:
    """`DB_PASSWORD`, `apiKey`, `client_secret`; not `author`, `token_type` or `PASSWORD_FIELD`."""
    words = [w.lower() for w in _WORD_SPLIT.split(name) if w]
    if not words or words[-1] in _META_WORDS:
        return False
    return (
        words[-1] in _SECRET_LAST_WORDS
        or any(w in _SECRET_WORDS for w in words)
        or any(pair in _SECRET_PAIRS for pair in pairwise(words))
    )


def _name_before(line: str, value: str) -> str | None:
    """The name a value is assigned to on `line` (`name = "value"`, `"name": "value"`), if any."""
    index = line.find(value)
    match = _NAME_BEFORE.search(line[:index]) if index > 0 else None
    return match.group(1) if match else None


def _mixed(value: str) -> bool:
    """Upper and lower case letters and digits: random, not a word or an identifier."""
    return (
        any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
    )


def _fingerprint(value: str) -> str:
    return hashlib.sha1(value.encode("utf-8"), usedforsecurity=False).hexdigest()


def _slug(secret_type: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", secret_type.lower()).strip("-")
