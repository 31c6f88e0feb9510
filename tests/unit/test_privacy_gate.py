"""The `privacy` gate on Python sources: each rule, its negatives, and the change's lines."""

from __future__ import annotations

from textwrap import dedent

import pytest

from backdev.domain.findings import Finding, GateResult
from backdev.gates.privacy import PrivacyGate
from backdev.gates.privacy.names import is_sensitive
from tests.fakes.check import changed_file, make_context

PATH = "src/app/service.py"
PARAMETERS = "password, token, pw, key, creds, access_token, user, payload, request"
HANDLER = "def view():\n    try:\n        work()\n    except Exception as exc:\n        "
LOOP = "for item in items:\n    try:\n        work(item)\n"
CACHE = "try:\n    value = cache[key]\n"


def judge(source: str, path: str = PATH) -> GateResult:
    return PrivacyGate().run(make_context({path: dedent(source)}))


def findings(source: str, path: str = PATH) -> list[tuple[str, int]]:
    return [(f.rule, f.line) for f in judge(source, path).findings]


def only(source: str) -> Finding:
    [finding] = judge(source).findings
    return finding


# --- names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "owner"),
    [
        ("password", None),
        ("dbPassword", None),
        ("DB_PASSWORD", None),
        ("token", None),
        ("token", "user"),
        ("access_token", None),
        ("refresh_token_value", None),
        ("api_key", None),
        ("X-Api-Key", None),
        ("Authorization", None),
        ("card_number", None),
        ("cvv", None),
        ("session_id", None),
        ("SECRET_KEY", None),
        ("credentials", None),
    ],
)
def test_names_are_sensitive_when_they_denote_a_secret(name: str, owner: str | None) -> None:
    assert is_sensitive(name, owner)


@pytest.mark.parametrize(
    ("name", "owner"),
    [
        ("token_count", None),
        ("n_tokens", None),
        ("max_tokens", None),
        ("token_type", None),
        ("csrf_token_name", None),
        ("csrf_token", None),
        ("checkout_token", None),
        ("next_page_token", None),
        ("token", "checkout"),
        ("tokens", None),
        ("password_field", None),
        ("PASSWORD_RESET_TIMEOUT", None),
        ("is_secret", None),
        ("api_key_id", None),
        ("user_id", None),
        ("DETECT_SECRETS_TEAM", None),
        ("pan_x", None),
        ("email", None),
        ("secret_arn", None),
        ("password", "errors"),
    ],
)
def test_names_are_not_sensitive_when_they_describe_or_identify(
    name: str, owner: str | None
) -> None:
    assert not is_sensitive(name, owner)


# --- (1) sensitive values in logs, prints and exception messages ---------------------


@pytest.mark.parametrize(
    "call",
    [
        'logger.info("login %s", password)',
        'logger.debug(f"token={token}")',
        'logging.warning("auth: %s" % request.headers["Authorization"])',
        'log.error("bad card {}".format(payload.get("card_number")))',
        'self.logger.exception("user %s", user.password)',
        'log.info("login", password=pw)',
        'logger.info("payload", extra={"api_key": key})',
        'logger.log(logging.INFO, "secret %s", str(settings.SECRET_KEY))',
        'print("token:", access_token)',
        'structlog.get_logger().info("x", credentials=creds)',
    ],
)
def test_reports_a_log_leak_when_a_sensitive_value_reaches_a_log_call(call: str) -> None:
    finding = only(f"def f({PARAMETERS}):\n    {call}\n")

    assert (finding.rule, finding.line, finding.severity, finding.cwe) == (
        "privacy/sensitive-data-in-log",
        2,
        "error",
        532,
    )
    assert finding.evidence == call


def test_names_the_sensitive_value_and_the_sink_when_reporting_a_log_leak() -> None:
    finding = only('logger.info("login %s", user.password)\n')

    assert "`user.password`" in finding.message
    assert "logger.info" in finding.message
    assert finding.fix


@pytest.mark.parametrize(
    "call",
    [
        'logger.info("tokens used: %d", token_count)',
        'logger.info("user %s logged in", user.id)',
        'logger.info("checkout %s paid", checkout.token)',
        'logger.info("password reset requested for %s", user.email)',
        'logger.info("has token: %s", token is not None)',
        'logger.info("token length %d", len(token))',
        'logger.info("masked %s", mask(password))',
        'logger.info("payload", extra={"password": "***"})',
        'logger.info("n=%d max=%d", n_tokens, max_tokens)',
        'print("Enter your password:")',
        "math.log(token)",
        'logger.info("using key ending %s", api_key[-4:])',
        'log.info("auth checked", authorization=bool(header))',
        'logger.warning("invalid: %s", form.errors["password"])',
    ],
)
def test_reports_nothing_when_a_log_call_carries_no_sensitive_value(call: str) -> None:
    assert findings(f"def f(token, password, user, checkout):\n    {call}\n") == []


def test_reports_an_exception_leak_when_a_raise_message_holds_a_sensitive_value() -> None:
    finding = only('def f(password):\n    raise ValueError(f"wrong password {password}")\n')

    assert (finding.rule, finding.line, finding.cwe) == (
        "privacy/sensitive-data-in-exception",
        2,
        209,
    )


@pytest.mark.parametrize(
    "statement",
    [
        'raise ValueError(f"wrong password for {user.id}")',
        'raise ValidationError({"password": ["too short"]})',
        'raise AuthenticationFailed("Invalid token")',
    ],
)
def test_reports_nothing_when_a_raise_names_a_sensitive_field_without_its_value(
    statement: str,
) -> None:
    assert findings(f"def f(user):\n    {statement}\n") == []


def test_reports_the_argument_line_when_a_multiline_log_call_adds_a_sensitive_argument() -> None:
    source = 'logger.info(\n    "login %s %s",\n    user.id,\n    user.password,\n)\n'
    context = make_context({PATH: source}, changed=[changed_file(PATH, source, added=[4])])

    result = PrivacyGate().run(context)

    assert [(f.rule, f.line) for f in result.findings] == [("privacy/sensitive-data-in-log", 4)]


# --- (2) exception details in responses ----------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        'return {"error": str(exc)}',
        'return 500, {"error": str(exc)}',
        'return {"error": {"detail": repr(exc)}}',
        "return str(exc), 500",
        'return JSONResponse({"detail": f"failed: {exc}"}, status_code=500)',
        "return jsonify(error=str(exc)), 500",
        "raise HTTPException(status_code=500, detail=str(exc))",
        "return Response(traceback.format_exc(), status=500)",
        'return [{"message": "%s" % exc}]',
        'return {"args": exc.args}',
        'return Response({"detail": "failed: " + str(exc)}, status=500)',
        'return {"trace": "".join(traceback.format_exception(exc))}',
    ],
)
def test_reports_exception_details_when_a_handler_sends_them_in_a_response(statement: str) -> None:
    source = f"{HANDLER}{statement}\n"

    finding = only(source)

    assert (finding.rule, finding.line, finding.cwe) == ("privacy/exception-in-response", 5, 209)


@pytest.mark.parametrize(
    "body",
    [
        'logger.exception("work failed")\n        raise',
        'logger.error("failed: %s", exc)\n        return {"error": "internal error"}',
        "return str(exc)",
        "return False, str(exc)",
        "raise ValueError(str(exc)) from exc",
        "raise HTTPException(str(exc))",
        'return JSONResponse({"errors": exc.errors()}, status_code=422)',
        'return None, [Problem(path, 1, f"cannot be read ({exc.strerror})")]',
        'return [Problem(path, 1, f"invalid: {exc}")]',
    ],
)
def test_reports_nothing_when_a_handler_keeps_exception_details_internal(body: str) -> None:
    source = (
        f"def view():\n    try:\n        work()\n    except Exception as exc:\n        {body}\n"
    )

    assert findings(source) == []


def test_reports_nothing_when_exception_text_is_returned_outside_a_handler() -> None:
    assert findings('def describe(exc):\n    return {"error": str(exc)}\n') == []


# --- (3) credentials as configuration defaults ---------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        'DB_PASSWORD = os.getenv("DB_PASSWORD", "hunter2xyz")',
        'API_KEY = os.environ.get("API_KEY", "abc123")',
        'os.environ.setdefault("SECRET_KEY", "dev-secret")',
        'SECRET_KEY = config("SECRET_KEY", default="dev-secret")',
    ],
)
def test_reports_a_credential_default_when_an_env_lookup_falls_back_to_a_literal(line: str) -> None:
    finding = only(f"import os\n{line}\n")

    assert (finding.rule, finding.line, finding.cwe) == ("privacy/credential-default", 2, 798)


def test_masks_the_literal_default_when_reporting_a_credential_default() -> None:
    finding = only('import os\nDB_PASSWORD = os.getenv("DB_PASSWORD", "hunter2xyz")\n')

    assert "hunter2xyz" not in finding.evidence
    assert finding.evidence == 'DB_PASSWORD = os.getenv("DB_PASSWORD", "…")'


@pytest.mark.parametrize(
    "line",
    [
        'DB_PASSWORD = os.getenv("DB_PASSWORD")',
        'DB_PASSWORD = os.getenv("DB_PASSWORD", "")',
        'DB_PASSWORD = os.environ["DB_PASSWORD"]',
        'TOKEN_URL = os.getenv("TOKEN_URL", "https://auth.example.com/token")',
        'DB_HOST = os.getenv("DB_HOST", "localhost")',
        'value = data.get("password", "fallback")',
        'HEADER = os.getenv("API_KEY_HEADER", "X-Api-Key")',
    ],
)
def test_reports_nothing_when_an_env_lookup_has_no_literal_credential_default(line: str) -> None:
    assert findings(f"import os\n{line}\n") == []


@pytest.mark.parametrize(
    "source",
    [
        'class Settings(BaseSettings):\n    db_password: str = "hunter2xyz"\n',
        '@dataclass\nclass Config:\n    api_key: str = field(default="abc123")\n',
        'class AppConfig(BaseModel):\n    secret_key: SecretStr = SecretStr("s3cr3t-value")\n',
        'class Settings(BaseSettings):\n    token = Field("abc123")\n',
    ],
)
def test_reports_a_credential_default_when_a_settings_field_has_a_literal(source: str) -> None:
    assert [rule for rule, _ in findings(source)] == ["privacy/credential-default"]


@pytest.mark.parametrize(
    "source",
    [
        "class Settings(BaseSettings):\n    db_password: str\n",
        'class Settings(BaseSettings):\n    db_password: str = ""\n',
        "class Settings(BaseSettings):\n    password_min_length: int = 8\n",
        'class Form:\n    password = "password"\n',
    ],
)
def test_reports_nothing_when_a_settings_field_has_no_literal_credential(source: str) -> None:
    assert findings(source) == []


# --- (4) swallowed exceptions ---------------------------------------------------------


@pytest.mark.parametrize(
    ("handler", "body"),
    [
        ("except:", "pass"),
        ("except Exception:", "pass"),
        ("except BaseException:", "..."),
        ("except (ValueError, Exception):", "pass"),
        ("except Exception:  # best effort", "pass"),
    ],
)
def test_reports_an_error_when_a_broad_handler_swallows_everything(handler: str, body: str) -> None:
    source = f"{LOOP}    {handler}\n        {body}\n"

    finding = only(source)

    assert (finding.rule, finding.severity, finding.line, finding.cwe) == (
        "privacy/swallowed-exception",
        "error",
        4,
        390,
    )


def test_reports_an_error_when_a_broad_handler_only_continues() -> None:
    source = f"{LOOP}    except Exception:\n        continue\n"

    assert findings(source) == [("privacy/swallowed-exception", 4)]


def test_reports_a_warning_when_a_narrow_handler_silently_passes() -> None:
    source = f"{CACHE}except KeyError:\n    pass\n"

    finding = only(source)

    assert (finding.rule, finding.severity, finding.line) == (
        "privacy/swallowed-narrow-exception",
        "warning",
        3,
    )
    assert judge(source).status == "warn"


@pytest.mark.parametrize(
    "source",
    [
        f"{CACHE}except KeyError:  # absent keys are computed below\n    pass\n",
        f"{CACHE}except KeyError:\n    # absent keys are computed below\n    pass\n",
        "try:\n    value = int(text)\nexcept ValueError:\n    return None\n",
        'try:\n    work()\nexcept Exception:\n    logger.exception("work failed")\n    raise\n',
        'try:\n    work()\nexcept Exception:\n    logger.warning("work failed, retrying")\n',
        "with contextlib.suppress(FileNotFoundError):\n    os.remove(path)\n",
    ],
)
def test_reports_nothing_when_an_exception_is_handled_deliberately(source: str) -> None:
    assert findings(source) == []


def test_reports_a_narrow_handler_when_its_only_comment_is_a_tool_pragma() -> None:
    source = "try:\n    work()\nexcept OSError:  # pragma: no cover\n    pass\n"

    assert findings(source) == [("privacy/swallowed-narrow-exception", 3)]


# --- the change, test files, unparsable files ----------------------------------------


def test_reports_nothing_when_the_offending_line_was_not_added() -> None:
    source = 'def f(password):\n    logger.info("x %s", password)\n    return 1\n'
    context = make_context(
        {PATH: source},
        base_files={PATH: source},
        changed=[changed_file(PATH, source, added=[3])],
    )

    result = PrivacyGate().run(context)

    assert result.status == "pass"
    assert result.summary.endswith("(1 Python file)")


def test_reports_the_added_body_line_when_only_the_pass_was_added() -> None:
    source = "try:\n    work()\nexcept Exception:\n    pass\n"
    context = make_context({PATH: source}, changed=[changed_file(PATH, source, added=[4])])

    result = PrivacyGate().run(context)

    assert [(f.rule, f.line) for f in result.findings] == [("privacy/swallowed-exception", 4)]


def test_skips_test_files_when_they_log_swallow_and_hold_dummies() -> None:
    source = (
        'logger.info("pw %s", password)\n'
        'KEY = os.getenv("API_KEY", "dummy")\n'
        "try:\n    work()\nexcept Exception:\n    pass\n"
    )

    result = judge(source, path="tests/test_login.py")

    assert result.status == "skip"
    assert "non-test Python" in result.summary


def test_skips_when_no_python_file_was_changed() -> None:
    result = PrivacyGate().run(make_context({"README.md": "password: x\n"}))

    assert result.status == "skip"


def test_reports_an_unparsable_warning_at_the_error_line_when_syntax_is_invalid() -> None:
    finding = only("def f():\n    return (\n\nx = = 1\n")

    assert finding.rule == "privacy/unparsable"
    assert finding.severity == "warning"
    assert finding.line > 0
    assert "cannot parse" in finding.message


def test_reports_an_unparsable_warning_when_the_file_is_not_text() -> None:
    context = make_context({}, changed=[changed_file(PATH, "x\n", status="added")])

    [finding] = PrivacyGate().run(context).findings

    assert (finding.rule, finding.line) == ("privacy/unparsable", 0)


def test_gate_id_is_privacy_when_asked() -> None:
    assert PrivacyGate().id == "privacy"
