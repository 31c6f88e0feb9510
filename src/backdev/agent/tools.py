"""The agent's tools: what each call does to the repository, and what the model hears back.

Every path goes through the workspace's `resolve`, files git ignores are never
read, writes stay inside the feature's scope, and every answer passes through
`redact` before it leaves the toolbox. A model's mistake is never an
exception: it is a tool error that says exactly what to send instead.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from backdev.agent.matching import describe_miss, describe_repeats, line_at, occurrences
from backdev.agent.reading import compile_pattern, file_listing, search_files, shown_file
from backdev.agent.running_tests import describe_run, selection_words, tests_command
from backdev.agent.tool_specs import PLAN_TOOLS, STEP_TOOLS, argument_problem, usage
from backdev.application.agent_ports import PathRefused, Workspace
from backdev.application.globs import PathPatterns
from backdev.application.ports import ProjectCommands
from backdev.domain.conversation import ToolCall

__all__ = ["PLAN_TOOLS", "STEP_TOOLS", "ToolOutcome", "Toolbox"]

DEFAULT_TEST_TIMEOUT = 600.0
_ROOT_NAMES = frozenset({"", ".", "./"})


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    """What one tool call produced; `content` is what the model sees (already redacted).

    `ends` is set by `ask` (with `question`) and `finish_step` (with `summary`
    and `trade_offs`); `changed` is True when the call wrote a file.
    """

    content: str
    is_error: bool = False
    ends: Literal["finish", "ask"] | None = None
    changed: bool = False
    summary: str = ""
    trade_offs: str = ""
    question: str = ""


class _Refusal(Exception):
    """A call the toolbox refuses; the message goes to the model as a tool error."""


class Toolbox:
    """Runs the step tools on a workspace, within a scope, redacting every answer.

    `scope` holds the globs writes must match (None: anywhere in the
    repository); `protected` lists paths never written whatever the scope,
    such as the feature, principles and Definition of Done files, which
    other roles own. `test_timeout` bounds one `run_tests` call, in seconds.
    """

    def __init__(
        self,
        workspace: Workspace,
        commands: ProjectCommands,
        scope: PathPatterns | None,
        redact: Callable[[str], str],
        *,
        protected: Collection[str] = (),
        test_timeout: float = DEFAULT_TEST_TIMEOUT,
    ) -> None:
        self._workspace = workspace
        self._commands = commands
        self._scope = scope
        self._redact = redact
        self._protected = frozenset(protected)
        self._test_timeout = test_timeout
        self._tools: dict[str, Callable[[Mapping[str, str]], ToolOutcome]] = {
            "read_file": self._read_file,
            "list_files": self._list_files,
            "search": self._search,
            "replace": self._replace,
            "create_file": self._create_file,
            "run_tests": self._run_tests,
            "ask": self._ask,
            "finish_step": self._finish_step,
        }

    def call(self, call: ToolCall) -> ToolOutcome:
        """Run one tool call; refusals and mistakes come back as error outcomes."""
        outcome = self._outcome(call)
        return replace(
            outcome,
            content=self._redact(outcome.content),
            summary=self._redact(outcome.summary),
            trade_offs=self._redact(outcome.trade_offs),
            question=self._redact(outcome.question),
        )

    def _outcome(self, call: ToolCall) -> ToolOutcome:
        spec = next((s for s in STEP_TOOLS if s.name == call.name), None)
        if spec is None:
            return _error(_unknown_tool(call.name))
        if call.problem is not None:
            return _error(
                f"the arguments of {call.name} were not a JSON object ({call.problem}). "
                f"Send one JSON object: {usage(spec)}."
            )
        problem = argument_problem(spec, call.arguments)
        if problem is not None:
            return _error(problem)
        arguments = {k: v for k, v in call.arguments.items() if isinstance(v, str)}
        try:
            return self._tools[call.name](arguments)
        except (_Refusal, PathRefused) as exc:
            return _error(str(exc))
        except OSError as exc:
            # e.g. create_file under a path whose parent is a file: the model's mistake.
            return _error(f"{call.name} could not complete: {exc}")

    # --- reading -----------------------------------------------------------------

    def _read_file(self, arguments: Mapping[str, str]) -> ToolOutcome:
        path = self._existing_file(arguments["path"])
        text = self._workspace.read(path)
        return ToolOutcome(shown_file(path, text, self._read_only_note(path)))

    def _list_files(self, arguments: Mapping[str, str]) -> ToolOutcome:
        under = self._directory(arguments.get("path"))
        if under and self._workspace.is_file(under):
            raise _Refusal(f"{under} is a file, not a directory: use read_file{{path}}")
        return ToolOutcome(file_listing(self._workspace.files(under), under or "the repository"))

    def _search(self, arguments: Mapping[str, str]) -> ToolOutcome:
        try:
            regex = compile_pattern(arguments["pattern"])
        except ValueError as exc:
            raise _Refusal(str(exc)) from None
        target = self._directory(arguments.get("path"))
        single = bool(target) and self._workspace.is_file(target)
        files = [target] if single else self._workspace.files(target)
        return ToolOutcome(search_files(self._workspace, regex, files, target or "the repository"))

    # --- writing -----------------------------------------------------------------

    def _replace(self, arguments: Mapping[str, str]) -> ToolOutcome:
        path = self._writable(arguments["path"])
        old, new = arguments["old"], arguments["new"]
        if not old:
            raise _Refusal(
                "`old` is empty: replace changes text that exists; "
                "to make a new file use create_file{path, content}"
            )
        if old == new:
            raise _Refusal("`old` and `new` are the same: the call would change nothing")
        if self._workspace.is_dir(path) or not self._workspace.is_file(path):
            raise _Refusal(f"{path} is not an existing file: create it with create_file")
        text = self._workspace.read(path)
        starts = occurrences(text, old)
        if not starts:
            raise _Refusal(describe_miss(path, text, old))
        if len(starts) > 1:
            raise _Refusal(describe_repeats(path, text, starts))
        start = starts[0]
        self._workspace.write(path, text[:start] + new + text[start + len(old) :])
        first = line_at(text, start)
        old_last, new_last = _last_line(first, old), _last_line(first, new)
        now = f"now lines {first}-{new_last}" if new else "deleted"
        return ToolOutcome(f"replaced lines {first}-{old_last} of {path} ({now})", changed=True)

    def _create_file(self, arguments: Mapping[str, str]) -> ToolOutcome:
        path = self._writable(arguments["path"])
        if self._workspace.is_dir(path):
            raise _Refusal(f"{path} is a directory: choose a file name inside it")
        if self._workspace.is_file(path):
            raise _Refusal(
                f"{path} already exists and create_file never overwrites: "
                "change it with replace{path, old, new}"
            )
        content = arguments["content"]
        self._workspace.write(path, content)
        lines = len(content.splitlines())
        return ToolOutcome(
            f"created {path} ({lines} line{'' if lines == 1 else 's'})", changed=True
        )

    # --- running and ending ----------------------------------------------------

    def _run_tests(self, arguments: Mapping[str, str]) -> ToolOutcome:
        try:
            words = selection_words(arguments.get("selection", ""), self._workspace.resolve)
        except ValueError as exc:
            raise _Refusal(str(exc)) from None
        outcome = self._commands.run(tests_command(words), self._test_timeout)
        text, failed = describe_run(outcome, self._test_timeout)
        return ToolOutcome(text, is_error=failed)

    def _ask(self, arguments: Mapping[str, str]) -> ToolOutcome:
        question = arguments["question"].strip()
        if not question:
            raise _Refusal("`question` is empty: say what is unclear and the options you see")
        return ToolOutcome(
            "your question goes to a person; the run pauses until they answer",
            ends="ask",
            question=question,
        )

    def _finish_step(self, arguments: Mapping[str, str]) -> ToolOutcome:
        summary = arguments["summary"].strip()
        if not summary:
            raise _Refusal("`summary` is empty: say what the step changed and how it was tested")
        return ToolOutcome(
            "step submitted: the harness now runs the quality gates on its change",
            ends="finish",
            summary=summary,
            trade_offs=arguments.get("trade_offs", "").strip(),
        )

    # --- path rules --------------------------------------------------------------

    def _resolve(self, raw: str) -> str:
        if not raw.strip():
            raise _Refusal("`path` is empty: give a repository-relative path, e.g. src/app.py")
        return self._workspace.resolve(raw)

    def _readable(self, raw: str) -> str:
        path = self._resolve(raw)
        if self._workspace.is_ignored(path):
            raise _Refusal(f"{path} is ignored by git (e.g. .env); backdev never reads such files")
        return path

    def _existing_file(self, raw: str) -> str:
        path = self._readable(raw)
        if self._workspace.is_dir(path):
            raise _Refusal(f"{path} is a directory: use list_files{{path}} to see its files")
        if not self._workspace.is_file(path):
            raise _Refusal(f"{path} does not exist: use list_files to see which files there are")
        return path

    def _directory(self, raw: str | None) -> str:
        """The directory (or file) a listing or search covers; "" is the whole repository."""
        if raw is None or raw.strip() in _ROOT_NAMES:
            return ""
        path = self._readable(raw)
        if path == ".":
            return ""
        if not (self._workspace.is_dir(path) or self._workspace.is_file(path)):
            raise _Refusal(f"{path} does not exist: use list_files to see which files there are")
        return path

    def _read_only_note(self, path: str) -> str:
        """Why the model may read but not write this file, for the read_file header."""
        if path in self._protected:
            return ", a specification document: read only"
        if self._scope is not None and not self._scope.matches(path):
            return ", outside the feature's scope: read only"
        return ""

    def _writable(self, raw: str) -> str:
        path = self._resolve(raw)
        if path in self._protected:
            raise _Refusal(
                f"{path} is a specification document other roles own (the feature, the "
                "architecture principles or the Definition of Done); backdev never edits "
                "it. If it is wrong or blocks the step, use ask."
            )
        if self._scope is not None and not self._scope.matches(path):
            raise _Refusal(
                f"{path} is outside the feature's scope ({', '.join(self._scope.patterns)}); "
                "backdev writes only inside it. Put the change in a file the scope covers, "
                "or use ask if the step cannot be done without this file."
            )
        if self._workspace.is_ignored(path):
            raise _Refusal(
                f"{path} is ignored by git, so a change there would never be committed; "
                "write to a file git tracks"
            )
        return path


def _error(message: str) -> ToolOutcome:
    return ToolOutcome(message, is_error=True)


def _last_line(first: int, piece: str) -> int:
    """The line a piece of text starting on line `first` ends on (a final newline ends it)."""
    return first + piece.count("\n", 0, max(len(piece) - 1, 0))


def _unknown_tool(name: str) -> str:
    names = ", ".join(spec.name for spec in STEP_TOOLS)
    if any(spec.name == name for spec in PLAN_TOOLS):
        return f"{name} is only used while planning; the tools of a step are: {names}"
    return f"there is no tool named {name!r}; the tools of a step are: {names}"
