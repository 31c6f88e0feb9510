"""The `run_tests` tool's command line and its answer to the model.

The model picks which tests run, never how pytest runs: options such as
`-p PLUGIN`, `-c FILE`, `--rootdir` or `--basetemp` (which pytest empties)
would let it load code or touch directories outside the repository. So a
selection holds test paths, node ids, and `-k`/`-m` expressions only.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable

from backdev.application.ports import CommandOutcome, ProjectCommand

PYTEST_ARGV: tuple[str, ...] = ("python", "-m", "pytest", "-q", "-p", "no:cacheprovider")
"""A leading `python` means the project's interpreter (see ProjectCommands.run)."""
EXPRESSION_OPTIONS = ("-k", "-m")
OUTPUT_TAIL = 6000
"""Characters of pytest's output the model sees: the summary is at the end."""
CANNOT_START = 127

_MEANINGS = {
    0: "all selected tests passed",
    1: "some tests failed",
    2: "the run was interrupted, often by an error while collecting tests "
    "(an import or syntax error in a test module)",
    3: "pytest failed internally",
    4: "pytest refused the command line: check the selection's paths and expressions",
    5: "no tests were collected: check the selection",
    CANNOT_START: "the test command could not start",
}
_TOOL_FAILURES = frozenset({3, 4, CANNOT_START})
"""Exit codes where the tool did not run the tests, as opposed to tests that failed."""


def selection_words(selection: str, resolve: Callable[[str], str]) -> list[str]:
    """The pytest arguments a selection stands for, each path normalised by `resolve`.

    Raises ValueError (its message is for the model) for unbalanced quotes, an
    option other than `-k`/`-m`, or an option without its expression;
    `resolve` raises PathRefused for a path outside the repository.
    """
    try:
        words = shlex.split(selection)
    except ValueError as exc:
        raise ValueError(
            f"`selection` cannot be split into words ({exc}): quote an expression "
            'with spaces as one word, e.g. -k "login and not slow"'
        ) from None
    arguments: list[str] = []
    pending: str | None = None
    for word in words:
        if pending is not None:
            arguments += [pending, word]
            pending = None
        elif word in EXPRESSION_OPTIONS:
            pending = word
        elif word.startswith("-"):
            raise ValueError(
                f"`selection` may hold test paths, node ids and -k/-m expressions only; "
                f"`{word}` is not allowed. Example: tests/test_orders.py::test_total -k refund"
            )
        else:
            path, separator, rest = word.partition("::")
            arguments.append(resolve(path) + separator + rest)
    if pending is not None:
        raise ValueError(f"`{pending}` needs an expression after it, e.g. {pending} login")
    return arguments


def tests_command(arguments: list[str]) -> ProjectCommand:
    """The project command that runs pytest on the selection."""
    return ProjectCommand("run_tests", (*PYTEST_ARGV, *arguments), "the run_tests tool")


def describe_run(outcome: CommandOutcome, timeout: float) -> tuple[str, bool]:
    """The answer to the model, and whether it is a tool error (no test verdict)."""
    shown = shlex.join(outcome.command.argv[2:])
    if outcome.timed_out:
        text = (
            f"`{shown}` did not finish within {timeout:g} s and was stopped. Run a smaller "
            "selection, or look for a test that hangs (a network call, a lock, input())."
        )
        return _with_output(text, outcome.output), True
    meaning = _MEANINGS.get(outcome.exit_code, "pytest ended with an unexpected status")
    text = f"`{shown}` exited with status {outcome.exit_code}: {meaning}."
    return _with_output(text, outcome.output), outcome.exit_code in _TOOL_FAILURES


def _with_output(text: str, output: str) -> str:
    tail = output.strip()
    if not tail:
        return f"{text}\n(no output)"
    if len(tail) > OUTPUT_TAIL:
        cut = tail[-OUTPUT_TAIL:]
        tail = "… (earlier output cut)\n" + cut[cut.find("\n") + 1 :]
    return f"{text}\nEnd of the output:\n{tail}"
