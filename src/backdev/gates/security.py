"""The `security` gate: insecure patterns (ruff's bandit rules) on the lines a change adds.

Hits come from the PatternScanner port with bandit's severity and CWE. The gate keeps
those on added lines of non-test Python files, at or above the `severity` option
(default medium). Asserts (S101) are never reported, and hard-coded passwords
(S105-S107) are left to the `secrets` gate. Test files are not scanned: their
patterns (pickle fixtures, shell calls, temp paths) are the test's business.
"""

from __future__ import annotations

from collections.abc import Mapping

from backdev.application.gates import GateContext
from backdev.application.ports import PatternHit
from backdev.domain.changes import ChangedFile
from backdev.domain.findings import Finding, GateResult

GATE_ID = "security"
SYNTAX_ERROR = "syntax-error"
SCANNER_UNAVAILABLE = "scanner-unavailable"
"""Codes a PatternScanner uses for an unparsable file and for a scan that could not run."""

IGNORED_CODES = frozenset({"S101", "S105", "S106", "S107"})
"""Asserts are no security issue for us; hard-coded passwords belong to `secrets`."""

SEVERITY_RANK: Mapping[str, int] = {"low": 1, "medium": 2, "high": 3}

RULES: Mapping[str, tuple[str, str]] = {
    # ruff code: (rule name, one-line fix)
    "S102": ("exec", "do not exec code built at run time; call the code directly"),
    "S103": ("permissive-chmod", "grant only the permissions needed (e.g. 0o600 or 0o750)"),
    "S104": ("bind-all-interfaces", "bind to a configured address, not 0.0.0.0"),
    "S108": ("temp-path", "create temporary files with the tempfile module"),
    "S110": ("except-pass", "handle or log the exception instead of passing"),
    "S112": ("except-continue", "handle or log the exception instead of continuing"),
    "S113": ("no-timeout", "pass a timeout, e.g. requests.get(url, timeout=10)"),
    "S201": ("flask-debug", "never run with debug=True; read it from configuration"),
    "S202": ("tar-extract", "extract with filter='data' or a vetted list of members"),
    "S301": ("pickle", "deserialise untrusted data with json or a schema, not pickle"),
    "S302": ("marshal", "deserialise untrusted data with json or a schema, not marshal"),
    "S303": ("weak-hash", "use SHA-256 or stronger (or a password hash for passwords)"),
    "S304": ("weak-cipher", "use an authenticated cipher such as AES-GCM"),
    "S305": ("ecb-mode", "use an authenticated mode such as GCM instead of ECB"),
    "S306": ("mktemp", "use tempfile.mkstemp or NamedTemporaryFile"),
    "S307": ("eval", "parse literals with ast.literal_eval; never eval input"),
    "S308": ("mark-safe", "escape the value instead of marking it safe"),
    "S310": ("url-open", "allow only http(s) URLs you validated before opening them"),
    "S311": ("weak-random", "use the secrets module for security-sensitive values"),
    "S312": ("telnet", "use SSH instead of telnet"),
    "S321": ("ftp", "use SFTP or FTPS instead of plain FTP"),
    "S323": ("unverified-ssl", "use ssl.create_default_context(), which verifies"),
    "S324": ("weak-hash", "use SHA-256 or stronger, or pass usedforsecurity=False"),
    "S501": ("verify-false", "keep certificate verification on (remove verify=False)"),
    "S502": ("ssl-old-version", "use TLS 1.2 or newer"),
    "S503": ("ssl-bad-default", "use TLS 1.2 or newer as the default protocol"),
    "S504": ("ssl-no-version", "pass an explicit TLS 1.2+ version"),
    "S505": ("weak-key", "use at least 2048-bit RSA/DSA or 224-bit EC keys"),
    "S506": ("yaml-load", "use yaml.safe_load"),
    "S507": ("ssh-auto-add", "verify host keys (RejectPolicy and known_hosts)"),
    "S508": ("snmp-v1", "use SNMPv3"),
    "S509": ("snmp-no-crypto", "use SNMPv3 with authPriv"),
    "S601": ("paramiko-exec", "do not pass untrusted input to a remote shell"),
    "S602": ("shell-true", "pass an argument list and drop shell=True"),
    "S603": ("subprocess-input", "validate every argument taken from input"),
    "S604": ("shell-true", "pass an argument list and drop shell=True"),
    "S605": ("shell-process", "use subprocess.run with an argument list, not a shell"),
    "S606": ("process-no-shell", "validate the program and arguments taken from input"),
    "S607": ("partial-path", "call the program by its absolute path"),
    "S608": ("sql-string", "pass values as query parameters, never format them into SQL"),
    "S609": ("wildcard-injection", "list the files explicitly instead of a shell wildcard"),
    "S610": ("django-extra", "use the ORM's query expressions instead of extra()"),
    "S611": ("django-raw-sql", "pass values as params to RawSQL, never format them in"),
    "S612": ("logging-listen", "do not accept logging configuration over the network"),
    "S701": ("jinja-autoescape-off", "create the Environment with autoescape=True"),
    "S702": ("mako", "escape output explicitly (Mako does not autoescape)"),
    "S704": ("markup-xss", "escape the value before wrapping it in Markup"),
}
"""Stable rule names and fixes; XML rules (S313-S320, S405-S410) share one name and fix."""

_XML = ("xml-parse", "parse untrusted XML with defusedxml")
_IMPORT_FIX = "use a safer module (or the defusedxml equivalent)"


class SecurityGate:
    """Insecure patterns on changed lines (SQL by formatting, verify=False, pickle, shells)."""

    @property
    def id(self) -> str:
        """The gate id, `security`."""
        return GATE_ID

    def run(self, context: GateContext) -> GateResult:
        """Scan the changed non-test Python files and keep hits on added lines."""
        changed = {f.path: f for f in context.python_files(include_tests=False) if f.added_lines}
        texts: dict[str, str] = {}
        for path in changed:
            text = context.read_head(path)
            if text is not None:
                texts[path] = text
        if not texts:
            return GateResult.skipped(
                GATE_ID, "no added lines in non-test Python files (test files are not scanned)"
            )
        threshold = SEVERITY_RANK.get(str(context.options.get("severity", "medium")), 2)
        findings = [
            finding
            for hit in context.ports.patterns.scan(texts)
            if (finding := _finding(hit, changed, texts, threshold)) is not None
        ]
        files = len(texts)
        return GateResult.judged(
            GATE_ID, findings, f"{files} Python file{'' if files == 1 else 's'}"
        )


def rule_name(code: str) -> str:
    """The rule id for a scanner code, e.g. `security/s608-sql-string`."""
    name, _ = _rule(code)
    return f"{GATE_ID}/{code.lower()}-{name}" if name else f"{GATE_ID}/{code.lower()}"


def _finding(
    hit: PatternHit, changed: Mapping[str, ChangedFile], texts: Mapping[str, str], threshold: int
) -> Finding | None:
    if hit.code == SCANNER_UNAVAILABLE:
        return Finding(
            f"{GATE_ID}/{SCANNER_UNAVAILABLE}",
            "error",
            "",
            0,
            f"the insecure-pattern scanner could not run, so nothing was checked: {hit.message}",
            "make ruff importable by the Python running backdev (pip install ruff)",
        )
    file = changed.get(hit.path)
    if file is None:
        return None
    if hit.code == SYNTAX_ERROR:
        line = hit.line if hit.line in file.added_lines else 0
        return Finding(
            f"{GATE_ID}/unparsable-file",
            "warning",
            hit.path,
            line,
            f"cannot be parsed (line {hit.line}: {hit.message}), so it was not checked "
            "for insecure patterns",
            "fix the syntax error",
            _evidence(texts[hit.path], line),
        )
    if hit.code in IGNORED_CODES or hit.line not in file.added_lines:
        return None
    if SEVERITY_RANK.get(hit.severity, 2) < threshold:
        return None
    _, fix = _rule(hit.code)
    return Finding(
        rule_name(hit.code),
        "error",
        hit.path,
        hit.line,
        f"{hit.message} ({hit.code}, bandit severity {hit.severity}): the change adds a "
        "pattern attackers can abuse",
        fix or f"remove the pattern, or add `# noqa: {hit.code}` with the reason it is safe",
        _evidence(texts[hit.path], hit.line),
        hit.cwe,
    )


def _rule(code: str) -> tuple[str, str]:
    if code in RULES:
        return RULES[code]
    number = int(code[1:]) if code[1:].isdigit() else 0
    if 313 <= number <= 320:  # bandit's XML calls
        return _XML
    if 405 <= number <= 410:  # bandit's XML imports
        return ("xml-import", _XML[1])
    if 400 <= number < 500:  # bandit's import blacklist
        return ("insecure-import", _IMPORT_FIX)
    return ("", "")


def _evidence(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1].strip()[:200] if 0 < line <= len(lines) else ""
