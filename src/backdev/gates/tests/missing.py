"""Rule `tests/missing-tests`: source logic changes, yet no test file is added or changed.

Only logic counts (see `logic`): docstring, comment, formatting, annotation and import
changes need no test. Any test file the change adds or edits satisfies the rule for the
whole change; under a `refactor` feature the rule does not apply, because a refactoring
must keep the existing tests as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

from backdev.application.gates import GateContext
from backdev.application.globs import PathPatterns
from backdev.domain.changes import ChangedFile
from backdev.domain.findings import Finding
from backdev.gates.tests.logic import MODULE, MovedUnits, changed_units

RULE = "tests/missing-tests"
UNPARSABLE = "tests/unparsable-file"
NOT_PRODUCT_CODE: tuple[str, ...] = ("setup.py", "noxfile.py", "docs/**")
"""Build and documentation scripts: their changes need no unit test."""
_SHOWN = 5


def missing_tests(context: GateContext, sources: Sequence[ChangedFile]) -> list[Finding]:
    """A finding per source file whose logic changed when no test file changed."""
    if _tests_touched(context) or (
        context.feature is not None and context.feature.workflow == "refactor"
    ):
        return []
    skipped = PathPatterns(NOT_PRODUCT_CODE)
    moved_from = MovedUnits(
        (
            text
            for f in context.change.files
            if f.old_path and f.old_path.endswith(".py") and not context.is_test(f.old_path)
            if (text := context.read_base(f.old_path)) is not None
        ),
        context.parse,
    )
    findings: list[Finding] = []
    for changed in sources:
        if skipped.matches(changed.path) or not changed.added_lines:
            continue
        head = context.read_head(changed.path)
        if head is None:
            continue
        base = context.read_base(changed.old_path) if changed.old_path else None
        units = changed_units(base, head, moved_from, context.parse)
        if isinstance(units, str):
            findings.append(unparsable(changed.path, units, "whether its logic changed"))
        elif units:
            findings.append(_finding(changed.path, units))
    return findings


def unparsable(path: str, reason: str, unknown: str) -> Finding:
    """A warning that `path` could not be parsed, so `unknown` could not be judged."""
    return Finding(
        UNPARSABLE,
        "warning",
        path,
        0,
        f"cannot be parsed ({reason}), so {unknown} was not checked",
        "fix the syntax error, or run backdev with a Python that knows this syntax",
    )


def _tests_touched(context: GateContext) -> bool:
    return any(
        f.status != "deleted" and f.added_lines and context.is_test(f.path)
        for f in context.change.files
    )


def _finding(path: str, units: Sequence[str]) -> Finding:
    names = [("module-level code" if u == MODULE else f"`{u}`") for u in units]
    shown = ", ".join(names[:_SHOWN]) + (
        f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
    )
    return Finding(
        RULE,
        "error",
        path,
        0,
        f"the change alters logic in {shown} but adds or updates no test; "
        "untested changes are unproven",
        f"add or update a test that exercises {names[0]}",
    )
