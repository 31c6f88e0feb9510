"""The agent's tools with a fake workspace and fake project commands.

The tool names and arguments are a public protocol; every refusal is a tool
error that tells the model what to send instead, and nothing a tool answers
escapes redaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backdev.agent.matching import nearest_lines, occurrences
from backdev.agent.tool_specs import PLAN_TOOLS, STEP_TOOLS, usage
from backdev.agent.tools import Toolbox, ToolOutcome
from backdev.application.globs import PathPatterns
from backdev.application.ports import CommandOutcome, ProjectCommand
from backdev.domain.conversation import JsonValue, ToolCall, ToolSpec
from tests.fakes.workspace import FakeWorkspace

SECRET = "tok" + "en-" + "Z" * 24
SCOPE = ("src/shop/**", "tests/**")
ORDERS = (
    "def total(items):\n"
    "    return sum(item.price for item in items)\n"
    "\n"
    "\n"
    "def count(items):\n"
    "    return len(items)\n"
)


def _redact(text: str) -> str:
    return text.replace(SECRET, "[redacted]")


@dataclass
class RecordingCommands:
    """Project commands that record what they were asked to run and answer a canned outcome."""

    exit_code: int = 0
    output: str = "1 passed in 0.01s"
    timed_out: bool = False
    ran: list[tuple[tuple[str, ...], float]] = field(default_factory=list)

    def detect(self) -> tuple[ProjectCommand, ...]:
        return ()

    def run(self, command: ProjectCommand, timeout: float) -> CommandOutcome:
        self.ran.append((command.argv, timeout))
        return CommandOutcome(command, self.exit_code, self.output, 0.2, self.timed_out)


def _workspace(extra: Mapping[str, str] | None = None) -> FakeWorkspace:
    files = {
        "src/shop/orders.py": ORDERS,
        "src/shop/__init__.py": "",
        "src/billing/pay.py": "def pay():\n    return 1\n",
        "tests/test_orders.py": "from shop.orders import total\n",
        "docs/features/FEAT-1.md": "# Feature\n",
        ".env": f"API_TOKEN={SECRET}\n",
    }
    files.update(extra or {})
    return FakeWorkspace(files, ignored={".env", "build"})


def _toolbox(
    workspace: FakeWorkspace | None = None,
    commands: RecordingCommands | None = None,
    scope: tuple[str, ...] | None = SCOPE,
) -> Toolbox:
    return Toolbox(
        workspace if workspace is not None else _workspace(),
        commands if commands is not None else RecordingCommands(),
        scope=PathPatterns(scope) if scope is not None else None,
        redact=_redact,
        protected=("docs/features/FEAT-1.md",),
        test_timeout=30.0,
    )


def _call(toolbox: Toolbox, name: str, **arguments: JsonValue) -> ToolOutcome:
    return toolbox.call(ToolCall("call_1", name, arguments))


# --- the protocol ----------------------------------------------------------------------


def test_tool_names_and_arguments_are_the_public_protocol_when_listed() -> None:
    assert [usage(spec) for spec in STEP_TOOLS] == [
        "read_file{path}",
        "list_files{path?}",
        "search{pattern, path?}",
        "replace{path, old, new}",
        "create_file{path, content}",
        "run_tests{selection?}",
        "ask{question}",
        "finish_step{summary, trade_offs?}",
    ]
    assert [usage(spec) for spec in PLAN_TOOLS] == [
        "read_file{path}",
        "list_files{path?}",
        "search{pattern, path?}",
        "ask{question}",
        "submit_plan{edge_cases, steps}",
    ]


@pytest.mark.parametrize("spec", [*STEP_TOOLS, PLAN_TOOLS[-1]], ids=lambda spec: spec.name)
def test_every_schema_is_valid_and_closed_when_checked_against_the_metaschema(
    spec: ToolSpec,
) -> None:
    jsonschema.Draft202012Validator.check_schema(dict(spec.parameters))
    assert spec.parameters["additionalProperties"] is False
    assert spec.description.strip()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"unexpected": "x"}, dict(spec.parameters))


def test_submit_plan_schema_accepts_a_plan_and_rejects_a_step_without_intent_when_validated() -> (
    None
):
    schema = dict(PLAN_TOOLS[-1].parameters)
    plan = {"edge_cases": ["empty cart"], "steps": [{"criterion": "AC-1", "intent": "Add total"}]}

    jsonschema.validate(plan, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"edge_cases": [], "steps": [{"criterion": "AC-1"}]}, schema)


# --- mistakes the model makes ----------------------------------------------------------


def test_answers_an_error_naming_the_tools_when_the_tool_is_unknown() -> None:
    outcome = _call(_toolbox(), "write_file", path="src/shop/x.py")

    assert outcome.is_error
    assert "there is no tool named 'write_file'" in outcome.content
    assert "read_file, list_files, search, replace" in outcome.content


def test_says_submit_plan_belongs_to_planning_when_called_in_a_step() -> None:
    outcome = _call(_toolbox(), "submit_plan", edge_cases=[], steps=[])

    assert outcome.is_error
    assert outcome.content.startswith("submit_plan is only used while planning")


def test_answers_the_expected_shape_when_the_arguments_were_not_json() -> None:
    call = ToolCall("call_1", "replace", {}, problem="Expecting ',' delimiter: line 1 column 9")

    outcome = _toolbox().call(call)

    assert outcome.is_error
    assert "were not a JSON object (Expecting ',' delimiter" in outcome.content
    assert "Send one JSON object: replace{path, old, new}." in outcome.content


def test_lists_missing_unknown_and_mistyped_arguments_when_the_call_is_malformed() -> None:
    outcome = _call(_toolbox(), "replace", path=3, old="a", extra=True)

    assert outcome.is_error
    assert outcome.content == (
        "replace was called with wrong arguments (missing `new`; unknown `extra`; "
        "`path` must be a JSON string). Call it as replace{path, old, new}, every argument "
        "a JSON string; `?` marks an optional argument."
    )


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from([spec.name for spec in (*STEP_TOOLS, *PLAN_TOOLS)] + ["nope"]),
    arguments=st.dictionaries(
        st.sampled_from(["path", "old", "new", "content", "pattern", "selection", "summary", "x"]),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=30),
            lambda inner: st.lists(inner, max_size=3),
            max_leaves=5,
        ),
        max_size=4,
    ),
)
def test_never_raises_when_the_model_sends_arbitrary_arguments(
    name: str, arguments: dict[str, JsonValue]
) -> None:
    outcome = _toolbox().call(ToolCall("call_1", name, arguments))

    assert isinstance(outcome.content, str)
    assert outcome.content


# --- reading ---------------------------------------------------------------------------


def test_returns_the_text_under_a_header_when_a_file_is_read() -> None:
    outcome = _call(_toolbox(), "read_file", path="src/shop/orders.py")

    assert not outcome.is_error
    assert outcome.content == f"src/shop/orders.py (6 lines)\n{ORDERS}"
    assert not outcome.changed


def test_reads_a_file_outside_the_scope_and_says_it_is_read_only_when_asked() -> None:
    outcome = _call(_toolbox(), "read_file", path="./src/billing/../billing/pay.py")

    assert not outcome.is_error
    assert outcome.content.startswith(
        "src/billing/pay.py (2 lines, outside the feature's scope: read only)\n"
    )


def test_says_a_specification_document_is_read_only_when_it_is_read() -> None:
    outcome = _call(_toolbox(scope=None), "read_file", path="docs/features/FEAT-1.md")

    assert outcome.content == (
        "docs/features/FEAT-1.md (1 line, a specification document: read only)\n# Feature\n"
    )


def test_refuses_to_read_a_file_git_ignores_when_asked_for_dot_env() -> None:
    outcome = _call(_toolbox(), "read_file", path=".env")

    assert outcome.is_error
    assert outcome.content == ".env is ignored by git (e.g. .env); backdev never reads such files"


def test_refuses_a_file_inside_an_ignored_directory_when_read() -> None:
    workspace = _workspace({"build/out/app.py": "print(1)\n"})

    outcome = _call(_toolbox(workspace), "read_file", path="build/out/app.py")

    assert outcome.is_error
    assert "ignored by git" in outcome.content


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("../outside.py", "../outside.py leaves the repository"),
        ("/etc/passwd", "/etc/passwd is absolute"),
        (".git/config", "inside .git/"),
        ("linked/secret.txt", "symlink that leads outside the repository"),
        ("", "`path` is empty"),
    ],
)
def test_passes_the_workspace_refusal_to_the_model_when_a_path_escapes(
    path: str, message: str
) -> None:
    workspace = _workspace()
    workspace.refused.add("linked")

    outcome = _call(_toolbox(workspace), "read_file", path=path)

    assert outcome.is_error
    assert message in outcome.content


def test_says_how_to_find_files_when_the_file_does_not_exist_or_is_a_directory() -> None:
    missing = _call(_toolbox(), "read_file", path="src/shop/nope.py")
    directory = _call(_toolbox(), "read_file", path="src/shop")

    assert missing.content == (
        "src/shop/nope.py does not exist: use list_files to see which files there are"
    )
    assert directory.content == "src/shop is a directory: use list_files{path} to see its files"


def test_refuses_a_binary_file_when_read() -> None:
    workspace = _workspace({"src/shop/logo.png": "\x89PNG\x00\x00"})

    outcome = _call(_toolbox(workspace), "read_file", path="src/shop/logo.png")

    assert outcome.is_error
    assert "binary" in outcome.content


def test_cuts_a_long_file_and_says_how_to_see_more_when_it_has_many_lines() -> None:
    text = "".join(f"line {n}\n" for n in range(1, 2501))
    workspace = _workspace({"src/shop/big.py": text})

    outcome = _call(_toolbox(workspace), "read_file", path="src/shop/big.py")

    lines = outcome.content.splitlines()
    assert lines[0] == "src/shop/big.py (2500 lines)"
    assert lines[2000] == "line 2000"
    assert lines[-1] == (
        "… 500 more lines not shown: use search{pattern, path} to find the part you need"
    )


def test_redacts_a_secret_when_a_read_file_holds_one() -> None:
    workspace = _workspace({"src/shop/settings.py": f'KEY = "{SECRET}"\n'})

    outcome = _call(_toolbox(workspace), "read_file", path="src/shop/settings.py")

    assert SECRET not in outcome.content
    assert 'KEY = "[redacted]"' in outcome.content


def test_redacts_the_nearest_lines_when_a_missed_replace_shows_a_secret() -> None:
    workspace = _workspace({"src/shop/settings.py": f'KEY = "{SECRET}"\n'})

    outcome = _call(
        _toolbox(workspace),
        "replace",
        path="src/shop/settings.py",
        old=f'KEY  = "{SECRET}"',
        new="y",
    )

    assert outcome.is_error
    assert '1| KEY = "[redacted]"' in outcome.content
    assert SECRET not in outcome.content


@pytest.mark.parametrize("tool", ["list_files", "search"])
def test_refuses_to_look_inside_an_ignored_directory_when_it_is_named(tool: str) -> None:
    workspace = _workspace({"build/gen.py": f"KEY = '{SECRET}'\n"})

    outcome = _toolbox(workspace).call(
        ToolCall(
            "call_1",
            tool,
            {"path": "build", "pattern": "KEY"} if tool == "search" else {"path": "build"},
        )
    )

    assert outcome.is_error
    assert outcome.content.startswith("build is ignored by git")


def test_lists_files_git_does_not_ignore_when_no_path_is_given() -> None:
    outcome = _call(_toolbox(), "list_files")

    assert outcome.content == "\n".join(
        [
            "5 files under the repository:",
            "docs/features/FEAT-1.md",
            "src/billing/pay.py",
            "src/shop/__init__.py",
            "src/shop/orders.py",
            "tests/test_orders.py",
        ]
    )


def test_lists_the_whole_repository_when_the_path_resolves_to_its_top() -> None:
    outcome = _call(_toolbox(), "list_files", path="src/..")

    assert outcome.content.startswith("5 files under the repository:\n")


def test_lists_only_the_directory_when_a_path_is_given() -> None:
    outcome = _call(_toolbox(), "list_files", path="src/shop/")

    assert outcome.content.splitlines() == [
        "2 files under src/shop:",
        "src/shop/__init__.py",
        "src/shop/orders.py",
    ]


def test_caps_the_listing_and_counts_the_rest_when_a_directory_is_large() -> None:
    workspace = FakeWorkspace({f"data/f{n:04}.txt": "" for n in range(620)})

    outcome = _call(_toolbox(workspace), "list_files", path=".")

    lines = outcome.content.splitlines()
    assert lines[0] == "620 files under the repository:"
    assert len(lines) == 502
    assert lines[-1] == "… and 120 more: list a subdirectory"


def test_refuses_to_list_a_file_or_a_missing_directory_when_asked() -> None:
    file = _call(_toolbox(), "list_files", path="src/shop/orders.py")
    missing = _call(_toolbox(), "list_files", path="src/nowhere")

    assert file.content == "src/shop/orders.py is a file, not a directory: use read_file{path}"
    assert missing.is_error
    assert "src/nowhere does not exist" in missing.content


def test_answers_path_line_text_when_a_search_matches() -> None:
    outcome = _call(_toolbox(), "search", pattern=r"def \w+\(items\)")

    assert outcome.content.splitlines() == [
        "2 matching lines under the repository:",
        "src/shop/orders.py:1: def total(items):",
        "src/shop/orders.py:5: def count(items):",
    ]


def test_searches_only_the_given_directory_or_file_when_a_path_is_given() -> None:
    in_tests = _call(_toolbox(), "search", pattern="total", path="tests")
    in_file = _call(_toolbox(), "search", pattern="return", path="src/billing/pay.py")

    assert in_tests.content.splitlines()[1:] == [
        "tests/test_orders.py:1: from shop.orders import total"
    ]
    assert in_file.content.splitlines() == [
        "1 matching line under src/billing/pay.py:",
        "src/billing/pay.py:2: return 1",
    ]


def test_never_searches_ignored_files_and_skips_binary_ones_when_searching_everything() -> None:
    workspace = _workspace({"src/shop/logo.png": "API_TOKEN\x00"})

    outcome = _call(_toolbox(workspace), "search", pattern="API_TOKEN")

    assert outcome.content == (
        "no line under the repository matches `API_TOKEN` (1 binary or unreadable file skipped)"
    )


def test_answers_the_regex_error_when_the_pattern_is_invalid() -> None:
    outcome = _call(_toolbox(), "search", pattern="total(")

    assert outcome.is_error
    assert outcome.content.startswith(
        "`pattern` is not a valid Python regular expression: missing ), unterminated subpattern"
    )


def test_caps_hits_and_counts_the_rest_when_a_search_matches_often() -> None:
    workspace = FakeWorkspace({"src/shop/many.py": "x = 1\n" * 130})

    outcome = _call(_toolbox(workspace), "search", pattern="x")

    lines = outcome.content.splitlines()
    assert lines[0] == "130 matching lines under the repository:"
    assert lines[100] == "src/shop/many.py:100: x = 1"
    assert lines[-1] == "… and 30 more: narrow the pattern or the path"


# --- writing ---------------------------------------------------------------------------


def test_replaces_the_one_occurrence_and_reports_its_lines_when_old_matches_once() -> None:
    workspace = _workspace()
    old = "    return len(items)\n"
    new = "    if not items:\n        return 0\n    return len(items)\n"

    outcome = _call(_toolbox(workspace), "replace", path="src/shop/orders.py", old=old, new=new)

    assert (outcome.is_error, outcome.changed) == (False, True)
    assert outcome.content == "replaced lines 6-6 of src/shop/orders.py (now lines 6-8)"
    assert workspace.texts["src/shop/orders.py"] == ORDERS.replace(old, new)


def test_says_deleted_when_new_is_empty() -> None:
    workspace = _workspace()

    outcome = _call(
        _toolbox(workspace),
        "replace",
        path="src/shop/orders.py",
        old="\n\ndef count(items):\n    return len(items)\n",
        new="",
    )

    assert outcome.content == "replaced lines 3-6 of src/shop/orders.py (deleted)"
    assert workspace.texts["src/shop/orders.py"] == (
        "def total(items):\n    return sum(item.price for item in items)\n"
    )


def test_shows_the_nearest_lines_and_changes_nothing_when_old_does_not_match() -> None:
    workspace = _workspace()

    outcome = _call(
        _toolbox(workspace),
        "replace",
        path="src/shop/orders.py",
        old="def count(item):\n    return len(item)\n",
        new="pass\n",
    )

    assert outcome.is_error
    assert not outcome.changed
    assert outcome.content.splitlines() == [
        "`old` does not occur in src/shop/orders.py, so nothing was replaced.",
        "The nearest text in the file (the `N|` line numbers are not part of the file):",
        "lines 5-6 (97% similar):",
        "5| def count(items):",
        "6|     return len(items)",
        "Send `old` again, copied exactly from the file.",
    ]
    assert workspace.written == []


def test_says_the_whitespace_differs_when_old_matches_only_without_indentation() -> None:
    outcome = _call(
        _toolbox(),
        "replace",
        path="src/shop/orders.py",
        old="def count(items):\n  return len(items)",
        new="def count(items):\n  return 0",
    )

    assert outcome.is_error
    assert "It does occur when the whitespace at the start and end of each line is ignored" in (
        outcome.content
    )


def test_says_nothing_is_similar_when_old_is_unrelated_to_the_file() -> None:
    outcome = _call(_toolbox(), "replace", path="src/shop/orders.py", old="zzzzzzzzqqqq", new="y")

    assert outcome.content.splitlines()[-1] == (
        "Nothing in the file is similar: read_file src/shop/orders.py and copy the text."
    )


def test_counts_the_matches_and_their_lines_when_old_occurs_more_than_once() -> None:
    workspace = _workspace()

    outcome = _call(
        _toolbox(workspace), "replace", path="src/shop/orders.py", old="(items)", new="(xs)"
    )

    assert outcome.is_error
    assert outcome.content == (
        "`old` occurs 3 times in src/shop/orders.py (starting on lines 1, 5, 6); it must occur "
        "exactly once, so nothing was replaced. Add neighbouring lines to `old` until it is "
        "unique."
    )
    assert workspace.written == []


def test_counts_overlapping_occurrences_when_old_overlaps_itself() -> None:
    assert occurrences("aaa", "aa") == [0, 1]
    assert occurrences("abc", "") == []

    outcome = _call(
        _toolbox(_workspace({"src/shop/a.txt": "aaa\n"})),
        "replace",
        path="src/shop/a.txt",
        old="aa",
        new="b",
    )

    assert "occurs 2 times" in outcome.content


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("", "x", "`old` is empty: replace changes text that exists; to make a new file use"),
        ("count", "count", "`old` and `new` are the same: the call would change nothing"),
    ],
)
def test_refuses_a_replace_that_cannot_mean_an_edit_when_old_is_empty_or_unchanged(
    old: str, new: str, message: str
) -> None:
    outcome = _call(_toolbox(), "replace", path="src/shop/orders.py", old=old, new=new)

    assert outcome.is_error
    assert outcome.content.startswith(message)


def test_refuses_a_write_outside_the_scope_and_names_the_globs_when_replacing() -> None:
    workspace = _workspace()

    outcome = _call(_toolbox(workspace), "replace", path="src/billing/pay.py", old="1", new="2")

    assert outcome.is_error
    assert outcome.content.startswith(
        "src/billing/pay.py is outside the feature's scope (src/shop/**, tests/**); "
        "backdev writes only inside it."
    )
    assert workspace.written == []


def test_writes_anywhere_in_the_repository_when_there_is_no_scope() -> None:
    workspace = _workspace()

    outcome = _call(
        _toolbox(workspace, scope=None), "replace", path="src/billing/pay.py", old="1", new="2"
    )

    assert outcome.changed
    assert workspace.texts["src/billing/pay.py"] == "def pay():\n    return 2\n"


def test_refuses_to_edit_a_specification_document_when_it_is_protected() -> None:
    outcome = _call(
        _toolbox(scope=None), "replace", path="docs/features/FEAT-1.md", old="Feature", new="X"
    )

    assert outcome.is_error
    assert outcome.content.startswith(
        "docs/features/FEAT-1.md is a specification document other roles own"
    )


def test_refuses_to_write_an_ignored_file_when_it_is_in_scope() -> None:
    outcome = _call(_toolbox(scope=None), "create_file", path="build/gen.py", content="x = 1\n")

    assert outcome.is_error
    assert outcome.content.startswith("build/gen.py is ignored by git")


def test_creates_a_new_file_when_the_path_is_free_and_in_scope() -> None:
    workspace = _workspace()

    outcome = _call(
        _toolbox(workspace), "create_file", path="tests/test_count.py", content="a\nb\n"
    )

    assert (outcome.content, outcome.changed) == ("created tests/test_count.py (2 lines)", True)
    assert workspace.texts["tests/test_count.py"] == "a\nb\n"


def test_refuses_to_overwrite_when_create_file_names_an_existing_file() -> None:
    workspace = _workspace()

    outcome = _call(_toolbox(workspace), "create_file", path="src/shop/orders.py", content="oops\n")

    assert outcome.is_error
    assert outcome.content == (
        "src/shop/orders.py already exists and create_file never overwrites: "
        "change it with replace{path, old, new}"
    )
    assert workspace.texts["src/shop/orders.py"] == ORDERS


def test_answers_a_tool_error_when_the_workspace_cannot_write_the_path() -> None:
    outcome = _call(
        _toolbox(), "create_file", path="src/shop/orders.py/extra.py", content="x = 1\n"
    )

    assert outcome.is_error
    assert outcome.content == (
        "create_file could not complete: src/shop/orders.py is a file, "
        "so src/shop/orders.py/extra.py cannot be created"
    )


# --- running tests ---------------------------------------------------------------------


def test_runs_pytest_with_the_project_interpreter_when_no_selection_is_given() -> None:
    commands = RecordingCommands()

    outcome = _call(_toolbox(commands=commands), "run_tests")

    assert commands.ran == [(("python", "-m", "pytest", "-q", "-p", "no:cacheprovider"), 30.0)]
    assert outcome.content == (
        "`pytest -q -p no:cacheprovider` exited with status 0: all selected tests passed.\n"
        "End of the output:\n1 passed in 0.01s"
    )
    assert not outcome.is_error


def test_passes_node_ids_and_expressions_when_a_selection_is_given() -> None:
    commands = RecordingCommands(exit_code=1, output="1 failed")

    outcome = _call(
        _toolbox(commands=commands),
        "run_tests",
        selection='./tests/test_orders.py::test_total[a b] -k "total and not slow" -m fast',
    )

    (argv, _), *_ = commands.ran
    assert argv[6:] == (
        "tests/test_orders.py::test_total[a",
        "b]",
        "-k",
        "total and not slow",
        "-m",
        "fast",
    )
    assert "exited with status 1: some tests failed." in outcome.content
    assert not outcome.is_error


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        ("tests -p evil", "`-p` is not allowed"),
        ("--basetemp=/", "`--basetemp=/` is not allowed"),
        ("tests -k", "`-k` needs an expression after it"),
        ('-k "unbalanced', "`selection` cannot be split into words (No closing quotation)"),
        ("../other/tests", "../other/tests leaves the repository"),
    ],
)
def test_refuses_without_running_when_the_selection_is_not_allowed(
    selection: str, message: str
) -> None:
    commands = RecordingCommands()

    outcome = _call(_toolbox(commands=commands), "run_tests", selection=selection)

    assert outcome.is_error
    assert message in outcome.content
    assert commands.ran == []


def test_says_the_run_was_stopped_when_the_tests_time_out() -> None:
    commands = RecordingCommands(exit_code=-9, output="", timed_out=True)

    outcome = _call(_toolbox(commands=commands), "run_tests", selection="tests")

    assert outcome.is_error
    assert outcome.content.startswith(
        "`pytest -q -p no:cacheprovider tests` did not finish within 30 s and was stopped."
    )
    assert outcome.content.endswith("(no output)")


@pytest.mark.parametrize(
    ("code", "meaning", "is_error"),
    [
        (2, "the run was interrupted, often by an error while collecting tests", False),
        (4, "pytest refused the command line", True),
        (5, "no tests were collected: check the selection", False),
        (127, "the test command could not start", True),
        (99, "pytest ended with an unexpected status", False),
    ],
)
def test_explains_pytest_exit_status_when_the_run_ends(
    code: int, meaning: str, is_error: bool
) -> None:
    commands = RecordingCommands(exit_code=code, output="x")

    outcome = _call(_toolbox(commands=commands), "run_tests")

    assert f"exited with status {code}: {meaning}" in outcome.content
    assert outcome.is_error is is_error


def test_keeps_the_end_of_long_output_and_redacts_it_when_tests_print_a_secret() -> None:
    output = "".join(f"noise line {n}\n" for n in range(2000)) + f"E  token={SECRET}\n1 failed"
    commands = RecordingCommands(exit_code=1, output=output)

    outcome = _call(_toolbox(commands=commands), "run_tests")

    assert "… (earlier output cut)\nnoise line" in outcome.content
    assert "noise line 0\n" not in outcome.content
    assert outcome.content.endswith("E  token=[redacted]\n1 failed")


# --- ending the step -------------------------------------------------------------------


def test_ends_the_step_with_the_question_when_the_model_asks() -> None:
    outcome = _call(_toolbox(), "ask", question=f"  Is {SECRET} the right key?  ")

    assert (outcome.ends, outcome.is_error) == ("ask", False)
    assert outcome.question == "Is [redacted] the right key?"


def test_ends_the_step_with_summary_and_trade_offs_when_the_model_finishes() -> None:
    outcome = _call(
        _toolbox(),
        "finish_step",
        summary="Added count() guard.",
        trade_offs=f"Kept O(n); the fixture key {SECRET} is fake.",
    )

    assert (outcome.ends, outcome.summary, outcome.trade_offs) == (
        "finish",
        "Added count() guard.",
        "Kept O(n); the fixture key [redacted] is fake.",
    )
    assert not outcome.changed


def test_finishes_with_empty_trade_offs_when_none_are_given() -> None:
    outcome = _call(_toolbox(), "finish_step", summary="Done.")

    assert (outcome.ends, outcome.trade_offs) == ("finish", "")


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("ask", {"question": "  "}, "`question` is empty"),
        ("finish_step", {"summary": ""}, "`summary` is empty"),
    ],
)
def test_does_not_end_the_step_when_the_text_is_empty(
    name: str, arguments: Mapping[str, JsonValue], message: str
) -> None:
    outcome = _toolbox().call(ToolCall("call_1", name, arguments))

    assert (outcome.is_error, outcome.ends) == (True, None)
    assert outcome.content.startswith(message)


# --- nearest lines ---------------------------------------------------------------------


def test_finds_the_near_miss_in_a_large_file_when_old_shares_a_line_with_it() -> None:
    filler = [f"value_{n} = compute({n}, factor={n % 7})" for n in range(30_000)]
    lines = [
        *filler[:20_000],
        "def refund(order):",
        "    return order.total * -1",
        *filler[20_000:],
    ]
    old = "def refund(order):\n    return order.total * (-1)\n"

    (match,) = nearest_lines("\n".join(lines), old, limit=1)

    assert match.first == 20_001
    assert match.lines == ("def refund(order):", "    return order.total * -1")


def test_shows_separate_candidates_when_several_places_are_similar() -> None:
    text = "a = 1\nb = 2\nc = 3\n\na = 1\nb = 2\nc = 4\n"

    matches = nearest_lines(text, "a = 1\nb = 2\nc = 5\n")

    assert [m.first for m in matches] == [1, 5]
