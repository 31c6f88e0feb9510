"""Model turns for the agent's end-to-end runs on the sample `shop` service.

A `Script` is what a model will say, turn by turn. The same script can be saved for
`--model scripted:FILE` or served over HTTP by the fake model server; the
`Blocker` holds one HTTP request open so a test can kill the run at that moment.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from backdev import bootstrap
from backdev.domain.conversation import AssistantTurn, JsonValue, ToolCall, Usage, turn_to_record
from backdev.domain.run_events import RunEvent
from backdev.entrypoints.cli import main
from tests.e2e.sample_service import build_sample_service
from tests.fakes.model_server import RecordedRequest, Reply, openai_completion
from tests.gitrepo import GitRepo, isolate_git, make_repo

Call = tuple[str, Mapping[str, JsonValue]]
"""A tool call before it gets its id: the tool's name and its arguments."""

DUPLICATE_INTENT = "refuse a second sign-up with the same address"

_SIGNUP_BODY = "    account = Account(normalise_email(email))\n    accounts.add(account)\n"
_SIGNUP_CHECKED = (
    "    account = Account(normalise_email(email))\n"
    "    if accounts.find(account.email) is not None:\n"
    "        raise DuplicateAccount(account.email)\n"
    "    accounts.add(account)\n"
)
_PORT = "class Accounts(Protocol):"
_ERROR_AND_PORT = (
    "class DuplicateAccount(Exception):\n"
    '    """The address already has an account."""\n\n\n' + _PORT
)
DUPLICATE_TEST = "tests/test_duplicates.py"
_DUPLICATE_TEST_TEXT = """from __future__ import annotations

import pytest

from shop.adapters.memory import MemoryAccounts
from shop.services.signup import DuplicateAccount, register


@pytest.mark.ac("AC-2")
def test_a_second_signup_with_the_same_address_is_refused() -> None:
    accounts = MemoryAccounts()
    register("ada@example.com", accounts)
    with pytest.raises(DuplicateAccount):
        register("ADA@example.com", accounts)
"""

_HANDLER_BODY = (
    '    account = register(body["email"], accounts)\n    return 201, {"email": account.email}\n'
)
_HANDLER_MAPPED = (
    "    try:\n"
    '        account = register(body["email"], accounts)\n'
    "    except DuplicateAccount:\n"
    '        return 409, {"error": "the address already has an account"}\n'
    '    return 201, {"email": account.email}\n'
)
_API_TEST_TEXT = """from __future__ import annotations

import pytest

from shop.adapters.memory import MemoryAccounts
from shop.api.handlers import post_signup


@pytest.mark.ac("AC-2")
def test_a_second_signup_is_answered_with_409() -> None:
    accounts = MemoryAccounts()
    assert post_signup({"email": "ada@example.com"}, accounts)[0] == 201
    assert post_signup({"email": "ADA@example.com"}, accounts)[0] == 409
"""

FORBIDDEN_IMPORT = "from shop.adapters.memory import MemoryAccounts"
_DOMAIN_SHORTCUT = f'''

def is_registered(email: str) -> bool:
    """True when a fresh in-memory registry already holds the address."""
    {FORBIDDEN_IMPORT}

    return MemoryAccounts().find(normalise_email(email)) is not None
'''
_DOMAIN_TEST_TEXT = """from __future__ import annotations

import pytest

from shop.domain.accounts import is_registered


@pytest.mark.ac("AC-2")
def test_an_unknown_address_is_not_registered() -> None:
    assert not is_registered("ada@example.com")
"""


@dataclass(slots=True)
class Script:
    """A model's turns, in order; each tool call gets an id unique in the script."""

    turns: list[AssistantTurn] = field(default_factory=list)

    def then(self, *calls: Call, usage: tuple[int, int] = (1000, 100)) -> Script:
        """Add one turn making `calls` and return the script."""
        made = sum(len(turn.tool_calls) for turn in self.turns)
        tool_calls = tuple(
            ToolCall(f"call-{made + index}", name, dict(arguments))
            for index, (name, arguments) in enumerate(calls, 1)
        )
        self.turns.append(AssistantTurn("", tool_calls, Usage(*usage)))
        return self

    def save(self, path: Path) -> str:
        """Write the script for `--model scripted:PATH`; returns that model id."""
        records = [turn_to_record(turn) for turn in self.turns]
        path.write_text(json.dumps(records, indent=1), encoding="utf-8")
        return f"scripted:{path}"

    def replies(self) -> list[Reply]:
        """The turns as Chat Completions answers, for the fake model server."""
        return [openai_completion(turn) for turn in self.turns]

    @property
    def tokens(self) -> tuple[int, int]:
        """The input and output tokens of every turn, summed."""
        return (
            sum(turn.usage.input_tokens for turn in self.turns),
            sum(turn.usage.output_tokens for turn in self.turns),
        )


class Blocker:
    """A responder that holds its request until `released` is set, so a test can act meanwhile.

    `arrived` is set when the request comes in; `request` is that request.
    """

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.released = threading.Event()
        self.request: RecordedRequest | None = None

    def __call__(self, request: RecordedRequest) -> Reply:
        self.request = request
        self.arrived.set()
        self.released.wait(120)
        # Whoever sent the request is gone by now; any answer will do.
        return openai_completion(AssistantTurn("too late", (), Usage()))


def tool(name: str, **arguments: JsonValue) -> Call:
    """One tool call with keyword arguments."""
    return name, arguments


def plan(*steps: tuple[str, str], edge_cases: tuple[str, ...] = ("case-only differences",)) -> Call:
    """`submit_plan` with (criterion, intent) steps."""
    return tool(
        "submit_plan",
        edge_cases=list(edge_cases),
        steps=[{"criterion": criterion, "intent": intent} for criterion, intent in steps],
    )


def duplicate_plan() -> Call:
    """The one-step plan for AC-2."""
    return plan(("AC-2", DUPLICATE_INTENT))


def refuse_duplicates() -> list[Call]:
    """The service change of AC-2: the check and its domain error, without a test."""
    return [
        tool("replace", path="src/shop/services/signup.py", old=_SIGNUP_BODY, new=_SIGNUP_CHECKED),
        tool("replace", path="src/shop/services/signup.py", old=_PORT, new=_ERROR_AND_PORT),
    ]


def duplicate_test() -> Call:
    """The test that proves AC-2 at the service."""
    return tool("create_file", path=DUPLICATE_TEST, content=_DUPLICATE_TEST_TEXT)


def map_duplicates_to_409() -> list[Call]:
    """A second step for AC-2: the API answers a duplicate with 409, with its test."""
    return [
        tool(
            "replace",
            path="src/shop/api/handlers.py",
            old="from shop.services.signup import Accounts, register",
            new="from shop.services.signup import Accounts, DuplicateAccount, register",
        ),
        tool("replace", path="src/shop/api/handlers.py", old=_HANDLER_BODY, new=_HANDLER_MAPPED),
        tool("create_file", path="tests/test_api.py", content=_API_TEST_TEXT),
    ]


def domain_shortcut() -> list[Call]:
    """A domain helper that imports the adapter (a principle violation), with a test."""
    return [
        tool(
            "replace",
            path="src/shop/domain/accounts.py",
            old="    return email.strip().lower()\n",
            new="    return email.strip().lower()\n" + _DOMAIN_SHORTCUT,
        ),
        tool("create_file", path="tests/test_registered.py", content=_DOMAIN_TEST_TEXT),
    ]


def finish(summary: str = "Refuse a second sign-up with the same address.") -> Call:
    """`finish_step` with a summary."""
    return tool("finish_step", summary=summary)


def ask(question: str) -> Call:
    """`ask`: the model escalates with a question."""
    return tool("ask", question=question)


# --- the sample repository ----------------------------------------------------------


def build_template(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample service, committed once under `root`; tests copy it (see `copy_sample`)."""
    repo = make_repo(root, monkeypatch, name="template")
    build_sample_service(repo)
    return repo.root


def copy_sample(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """A private copy of the template (its ignored `.env` included), git isolated, cwd set."""
    isolate_git(tmp_path, monkeypatch)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    # Wide enough that rich never wraps a status line the tests read.
    monkeypatch.setenv("COLUMNS", "240")
    root = tmp_path / "shop"
    shutil.copytree(template, root, symlinks=True)
    monkeypatch.chdir(root)
    return GitRepo(root)


# --- what a run left behind, and what the model was sent ----------------------------


def transcript_text(root: Path, run: int = 1) -> str:
    """The run's transcript file as it is on disk."""
    return (root / ".backdev" / "runs" / str(run) / "transcript.jsonl").read_text(encoding="utf-8")


def said(root: Path, role: str, run: int = 1) -> list[str]:
    """The contents of the run's `role` messages (system, user) in the transcript, in order."""
    entries = [json.loads(line) for line in transcript_text(root, run).splitlines()]
    return [
        str(entry["content"])
        for entry in entries
        if entry.get("type") == "message" and entry.get("role") == role
    ]


def run_events(root: Path, run: int = 1) -> list[RunEvent]:
    """The run's record, as `backdev status` reads it."""
    store, _clock = bootstrap.run_records(root)
    return store.events(run)


def trailers(repo: GitRepo, revision: str) -> str:
    """The commit's trailers, one `Key: value` a line."""
    return repo.git("log", "-1", "--format=%(trailers:only,unfold)", revision).strip()


def step_commits(repo: GitRepo, base: str, branch: str) -> list[str]:
    """The commits on `branch` since `base`, oldest first."""
    return repo.git("rev-list", "--reverse", f"{base}..{branch}").split()


def tool_answers(request: RecordedRequest) -> dict[str, str]:
    """What a request told the model about each earlier tool call, by call id."""
    messages = request.json()["messages"]
    return {str(m["tool_call_id"]): str(m["content"]) for m in messages if m["role"] == "tool"}


def prompt(request: RecordedRequest) -> str:
    """The system and user messages of a request, joined: what the harness said."""
    messages = request.json()["messages"]
    return "\n".join(str(m["content"]) for m in messages if m["role"] in ("system", "user"))


# --- the CLI, in this process ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shown:
    """What one in-process `backdev` command returned and printed."""

    code: int
    out: str
    err: str


def backdev(capsys: pytest.CaptureFixture[str], *args: str) -> Shown:
    """Run `backdev ARGS` in this process (cwd and environment as the test set them)."""
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return Shown(code, out, err)
