"""The agent's function tools as the model sees them: names, JSON Schemas, rules.

The names and argument names are a public protocol (DESIGN.md §4): transcripts,
scripted models and users' own tests depend on them, so they never change
silently. Each description states the rule the harness enforces, so the model
learns it before its first refusal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from backdev.domain.conversation import JsonValue, ToolSpec


def _string(description: str) -> dict[str, JsonValue]:
    return {"type": "string", "description": description}


def _object(
    properties: dict[str, JsonValue], required: Sequence[str], description: str = ""
) -> dict[str, JsonValue]:
    schema: dict[str, JsonValue] = {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


_PATH = "Repository-relative POSIX path, e.g. `src/shop/orders.py`."
_DIRECTORY = "Repository-relative directory; omit it for the whole repository."

READ_FILE = ToolSpec(
    "read_file",
    "Return the text of one file. Any file of the repository may be read, inside the "
    "feature's scope or not; files git ignores (such as `.env`) are never read. Very long "
    "files are cut after 2,000 lines: use `search` to find the part you need.",
    _object({"path": _string(_PATH)}, ["path"]),
)
LIST_FILES = ToolSpec(
    "list_files",
    "List the files under a directory that git tracks or would track (ignored files are "
    "left out), at most 500 of them.",
    _object({"path": _string(_DIRECTORY)}, []),
)
SEARCH = ToolSpec(
    "search",
    "Search the text files under a directory (or one file) for a Python regular "
    "expression, line by line. Answers `path:line: text`, at most 100 hits.",
    _object(
        {
            "pattern": _string("Python `re` pattern matched against each line."),
            "path": _string(_DIRECTORY + " A file path searches that file only."),
        },
        ["pattern"],
    ),
)
REPLACE = ToolSpec(
    "replace",
    "Replace one exact piece of an existing file. `old` must be copied from the file "
    "character for character (indentation and blank lines included) and must occur "
    "exactly once: add surrounding lines until it is unique. There is no fuzzy matching; "
    "a miss answers with the nearest lines. Writes are allowed only inside the feature's "
    "scope.",
    _object(
        {
            "path": _string(_PATH),
            "old": _string("The exact text to replace; it must occur once in the file."),
            "new": _string("The text that takes its place (may be empty to delete it)."),
        },
        ["path", "old", "new"],
    ),
)
CREATE_FILE = ToolSpec(
    "create_file",
    "Create a new file with the given content (parent directories are created). An "
    "existing file is never overwritten: change it with `replace`. Only inside the "
    "feature's scope.",
    _object(
        {"path": _string(_PATH), "content": _string("The whole text of the new file.")},
        ["path", "content"],
    ),
)
RUN_TESTS = ToolSpec(
    "run_tests",
    "Run the project's tests with pytest and answer the exit status and the end of the "
    "output. Without a selection the whole suite runs.",
    _object(
        {
            "selection": _string(
                "Test paths and node ids (`tests/test_orders.py::test_total`), and "
                '`-k EXPR` / `-m EXPR`; no other options. Quote spaces: `-k "a and b"`.'
            )
        },
        [],
    ),
)
ASK = ToolSpec(
    "ask",
    "Stop and ask a person. Use it when a requirement is ambiguous, or when the only "
    "way forward would break a requirement, an architecture principle, a security or "
    "privacy rule, or the Definition of Done. The run pauses until someone answers.",
    _object(
        {"question": _string("The problem, the evidence, and the options you see.")},
        ["question"],
    ),
)
FINISH_STEP = ToolSpec(
    "finish_step",
    "Declare the current step done once its tests pass. The harness then runs the "
    "quality gates on the step's change; a failing gate comes back as the next message.",
    _object(
        {
            "summary": _string("What the step changed and how it meets its criterion."),
            "trade_offs": _string("Choices a reviewer should know about, and their cost."),
        },
        ["summary"],
    ),
)
SUBMIT_PLAN = ToolSpec(
    "submit_plan",
    "Submit the plan before any code is written: the edge cases and failure modes you "
    "identified, and small steps, each aimed at one acceptance criterion. Every "
    "criterion not yet proven by passing tests needs at least one step.",
    _object(
        {
            "edge_cases": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Edge cases, failure modes and non-functional constraints.",
            },
            "steps": {
                "type": "array",
                "minItems": 1,
                "items": _object(
                    {
                        "criterion": _string("The criterion id, e.g. `AC-1`."),
                        "intent": _string("One sentence: what this step changes and tests."),
                    },
                    ["criterion", "intent"],
                ),
            },
        },
        ["edge_cases", "steps"],
    ),
)

STEP_TOOLS: tuple[ToolSpec, ...] = (
    READ_FILE,
    LIST_FILES,
    SEARCH,
    REPLACE,
    CREATE_FILE,
    RUN_TESTS,
    ASK,
    FINISH_STEP,
)
"""The tools of a step's conversation."""

PLAN_TOOLS: tuple[ToolSpec, ...] = (READ_FILE, LIST_FILES, SEARCH, ASK, SUBMIT_PLAN)
"""The tools of the planning conversation: read the code, ask, submit the plan."""


def usage(spec: ToolSpec) -> str:
    """The call's shape as the protocol writes it, e.g. `replace{path, old, new}`."""
    required = _required(spec)
    names = [name if name in required else f"{name}?" for name in _properties(spec)]
    return f"{spec.name}{{{', '.join(names)}}}"


def argument_problem(spec: ToolSpec, arguments: Mapping[str, JsonValue]) -> str | None:
    """What is wrong with a call's arguments against the spec's schema, or None.

    Checks unknown and missing arguments and string types; the answer tells
    the model exactly what to send instead.
    """
    properties = _properties(spec)
    unknown = sorted(name for name in arguments if name not in properties)
    missing = [name for name in _required(spec) if name not in arguments]
    mistyped = [
        name
        for name, value in arguments.items()
        if _type_of(properties.get(name)) == "string" and not isinstance(value, str)
    ]
    parts = []
    if missing:
        parts.append(f"missing {_names(missing)}")
    if unknown:
        parts.append(f"unknown {_names(unknown)}")
    if mistyped:
        parts.append(f"{_names(mistyped)} must be a JSON string")
    if not parts:
        return None
    strings = all(_type_of(schema) == "string" for schema in properties.values())
    kinds = ", every argument a JSON string" if strings else ""
    return (
        f"{spec.name} was called with wrong arguments ({'; '.join(parts)}). "
        f"Call it as {usage(spec)}{kinds}; `?` marks an optional argument."
    )


def _properties(spec: ToolSpec) -> Mapping[str, JsonValue]:
    properties = spec.parameters.get("properties")
    return properties if isinstance(properties, dict) else {}


def _required(spec: ToolSpec) -> list[str]:
    required = spec.parameters.get("required")
    return (
        [name for name in required if isinstance(name, str)] if isinstance(required, list) else []
    )


def _type_of(schema: JsonValue | None) -> str | None:
    if isinstance(schema, dict) and isinstance(schema.get("type"), str):
        return str(schema["type"])
    return None


def _names(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)
