"""Which names denote sensitive values: a small, documented heuristic.

A name is split into lower-case words (`dbPassword`, `DB_PASSWORD`, `X-Api-Key` all work).
It is sensitive when a word is a secret or personal-data word (`password`, `secret`,
`ssn`, `cvv`, ...; a plural such as `secrets` only as the last word) or two adjacent
words form one (`api key`, `private key`, `card number`, `session id`), unless the name
is about the value rather than the value itself: a count, length, type, name, id, url,
expiry, ... (`token_count`, `max_tokens`, `password_field`, `csrf_token_name`, `is_secret`).

`token` is the hard case, because many tokens are public identifiers (saleor's
`checkout.token`, pagination cursors). A `token` is sensitive when it is the whole
name or the name ends in `_token`, unless a word before it says it is public:
`csrf_token`, `checkout_token`, `next_page_token`. For an attribute the owner counts as
a word before it: `checkout.token` is public, `self.token` and `user.token` are not.
"""

from __future__ import annotations

import re
from itertools import pairwise

SENSITIVE_WORDS = frozenset(
    {"password", "passwd", "pwd", "passphrase", "passcode", "secret", "apikey", "authorization"}
    | {"cookie", "credential", "ssn", "iban", "cvv", "cvc", "cvv2", "bearer", "jwt", "sessionid"}
    | {"cardnumber"}
)
SENSITIVE_LAST_WORDS = frozenset({"passwords", "secrets", "cookies", "credentials", "creds"})
"""Plurals inside a longer name name a subsystem (`DETECT_SECRETS_TEAM`), not a value."""
SENSITIVE_PAIRS = frozenset(
    {("api", "key"), ("private", "key"), ("access", "key"), ("signing", "key")}
    | {("encryption", "key"), ("auth", "header"), ("session", "id"), ("session", "key")}
    | {("card", "number"), ("card", "no"), ("card", "num"), ("credit", "card")}
    | {("card", "pan"), ("social", "security")}
)
SENSITIVE_WHOLE = frozenset({("card",), ("pan",)})
"""Words too ambiguous alone inside longer names (`pan_x`, `card_title`)."""
PUBLIC_TOKEN_OWNERS = frozenset(
    {"csrf", "xsrf", "checkout", "order", "cart", "basket", "page", "pagination", "paging"}
    | {"continuation", "cursor", "next", "prev", "previous", "sync", "idempotency", "upload"}
)
NOT_THE_VALUE_FIRST = frozenset(
    {"n", "num", "max", "min", "total", "count", "is", "has", "use", "should", "allow"}
    | {"enable", "enabled", "require", "requires", "masked", "redacted", "hashed", "encrypted"}
)
NOT_THE_VALUE_LAST = frozenset(
    {"count", "counts", "len", "length", "size", "type", "types", "kind", "name", "names"}
    | {"id", "ids", "field", "fields", "label", "hint", "help", "prompt", "placeholder"}
    | {"policy", "validator", "validators", "pattern", "regex", "format", "template", "url"}
    | {"uri", "path", "file", "filename", "dir", "env", "var", "prefix", "suffix", "column"}
    | {"attr", "attribute", "expiry", "expires", "expiration", "exp", "ttl", "age", "at"}
    | {"timeout", "lifetime", "version", "algorithm", "alg", "scheme", "strength", "required"}
    | {"enabled", "changed", "reset", "hasher", "hashers", "index", "idx", "limit", "usage"}
    | {"error", "errors", "message", "domain", "secure", "httponly", "samesite", "last4"}
    | {"brand", "month", "year", "country", "fingerprint", "manager", "client", "service"}
    | {"backend", "provider", "store", "storage", "handler", "class", "module", "settings"}
    | {"arn", "ref", "reference", "location", "description", "title", "metadata"}
)
NOT_THE_VALUE_OWNERS = frozenset(
    {"errors", "error", "fields", "field", "labels", "help", "messages", "widgets", "schema"}
    | {"validators", "rules", "columns", "meta"}
)
"""`form.errors["password"]` is about the password, not the password."""
_VALUE_WORDS = frozenset({"value", "str", "string", "raw", "plain", "plaintext", "b64"})
_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def words(name: str) -> tuple[str, ...]:
    """`dbPassword` -> ("db", "password"); `X-API-Key` -> ("x", "api", "key")."""
    return tuple(part.lower() for part in _SPLIT.split(name) if part)


def is_sensitive(name: str, owner: str | None = None) -> bool:
    """True when `name` (of an attribute of `owner`, if given) denotes a sensitive value."""
    parts = words(name)
    owner_words = words(owner) if owner else ()
    if not parts or (owner_words and owner_words[-1] in NOT_THE_VALUE_OWNERS):
        return False
    if parts[0] in NOT_THE_VALUE_FIRST:
        return False
    if parts[-1] in NOT_THE_VALUE_LAST and parts[-2:] != ("session", "id"):
        return False
    if parts in SENSITIVE_WHOLE or any(word in SENSITIVE_WORDS for word in parts):
        return True
    if parts[-1] in SENSITIVE_LAST_WORDS:
        return True
    if any(pair in SENSITIVE_PAIRS for pair in pairwise(parts)):
        return True
    return _is_secret_token(parts, owner_words)


def _is_secret_token(parts: tuple[str, ...], owner: tuple[str, ...]) -> bool:
    core = parts
    while len(core) > 1 and core[-1] in _VALUE_WORDS:
        core = core[:-1]  # `access_token_value` is still the token
    if core[-1] != "token":
        return False
    before = core[:-1] if len(core) > 1 else owner
    return not any(word in PUBLIC_TOKEN_OWNERS for word in before)
