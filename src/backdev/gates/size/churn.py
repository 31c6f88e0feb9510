"""Formatting-only churn: changed lines whose code is the same as before, only laid out anew.

Lines are aligned first (difflib); within each changed block the tokens are aligned. A
changed line is churn when none of its statement's tokens changed. For Python, quotes,
trailing commas, line breaks inside brackets and spacing are layout; the indentation
of a statement (or comment line) is not, since it moves code into or out of a block. Other
text is compared word by word.
"""

from __future__ import annotations

import ast
import difflib
import io
import tokenize
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_MIN_EQUAL_RUN = 8
"""Equal tokens needed to call a run untouched: a lone `)` or `else:` lining up by
chance in a rewritten block is no evidence of reformatting."""
_EXACT_TOKENS = 4000  # above this, align tokens with difflib's faster heuristic
_LAYOUT = frozenset(
    {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
)

_BLANKS = " \t\f"  # indentation, not line ends: a blank line must stay a line

Token = tuple[int, int, str]
"""(line offset in its block, statement number, normalised text)."""


@dataclass(frozen=True, slots=True)
class Churn:
    """How many changed lines (added plus removed) only reformat, and where the first is."""

    lines: int
    first_line: int
    """The first reformatted line at head (1-based), or 0 when only removed lines are."""
    whole_file: bool
    """True when the file's change is nothing but reformatting."""


def formatting_churn(
    base: str, head: str, *, python: bool, parse: Callable[[str], ast.Module] = ast.parse
) -> Churn | None:
    """The reformatted lines between `base` and `head`, or None when there are none.

    `parse` turns Python text into a tree that is read, never changed (a shared cache).
    """
    old, new = base.splitlines(keepends=True), head.splitlines(keepends=True)
    opcodes = [
        op for op in difflib.SequenceMatcher(None, old, new).get_opcodes() if op[0] != "equal"
    ]
    if python and opcodes and _same_program(base, head, parse):
        lines = sum((i2 - i1) + (j2 - j1) for _, i1, i2, j1, j2 in opcodes)
        return Churn(lines, opcodes[0][3] + 1, whole_file=True)
    lines, first, real = 0, 0, False
    for _, i1, i2, j1, j2 in opcodes:
        before, after = _tokens(old[i1:i2], python), _tokens(new[j1:j2], python)
        if [t for *_, t in before] == [t for *_, t in after]:
            old_fmt, new_fmt = set(range(i2 - i1)), set(range(j2 - j1))
        else:
            real = True
            old_fmt, new_fmt = _untouched_lines(before, after)
        # A line found verbatim on the other side was aligned, not reformatted.
        old_fmt = {k for k in old_fmt if old[i1 + k] not in new[j1:j2]}
        new_fmt = {k for k in new_fmt if new[j1 + k] not in old[i1:i2]}
        lines += len(old_fmt) + len(new_fmt)
        first = first or (j1 + min(new_fmt) + 1 if new_fmt else 0)
    return Churn(lines, first, whole_file=not real) if lines else None


def _same_program(base: str, head: str, parse: Callable[[str], ast.Module]) -> bool:
    """True when the two texts parse to the same program with the same comments."""
    try:
        same = _same_tree(parse(base), parse(head))
        return same and _comments(base) == _comments(head)
    except (SyntaxError, ValueError, RecursionError, tokenize.TokenError):
        return False


def _same_tree(first: ast.AST, second: ast.AST) -> bool:
    """`ast.dump(first) == ast.dump(second)`, without writing either dump: node types and
    fields are compared pairwise (positions are not fields), stopping at the first
    difference, which a real change usually shows near the top of the module."""
    pending: list[tuple[object, object]] = [(first, second)]
    while pending:
        left, right = pending.pop()
        if type(left) is not type(right):
            return False
        if isinstance(left, ast.AST):
            pending.extend((getattr(left, f, None), getattr(right, f, None)) for f in left._fields)
        elif isinstance(left, list):
            if len(left) != len(right):  # type: ignore[arg-type]
                return False
            pending.extend(zip(left, right, strict=True))  # type: ignore[call-overload]
        elif left != right and repr(left) != repr(right):  # NaN equals itself in a dump
            return False
    return True


def _comments(text: str) -> list[str]:
    return [
        "".join(token.string.split())
        for token in tokenize.generate_tokens(io.StringIO(text).readline)
        if token.type == tokenize.COMMENT
    ]


def _untouched_lines(before: Sequence[Token], after: Sequence[Token]) -> tuple[set[int], set[int]]:
    """Lines (block offsets) of statements none of whose tokens the change altered."""
    big = max(len(before), len(after)) > _EXACT_TOKENS
    matcher = difflib.SequenceMatcher(
        None, [t for *_, t in before], [t for *_, t in after], autojunk=big
    )
    touched_old: set[int] = set()
    touched_new: set[int] = set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal" or i2 - i1 < _MIN_EQUAL_RUN:
            touched_old.update(stmt for _, stmt, _ in before[i1:i2])
            touched_new.update(stmt for _, stmt, _ in after[j1:j2])
    return (
        {line for line, stmt, _ in before if stmt not in touched_old},
        {line for line, stmt, _ in after if stmt not in touched_new},
    )


def _tokens(lines: Sequence[str], python: bool) -> list[Token]:
    """Significant tokens of a block, layout normalised away."""
    if python:
        tokens = _python_tokens(lines)
        if tokens is not None:
            return tokens
    # Untokenizable Python (a block cut inside a docstring): indentation still counts.
    words: list[Token] = []
    for n, line in enumerate(lines):
        if python and line.strip():
            words.append((n, n, f"<indent {_indent(line)}>"))
        words += [(n, n, word) for word in line.split()]
    return words


def _python_tokens(lines: Sequence[str]) -> list[Token] | None:
    """Python tokens with quotes and trailing commas normalised, or None if untokenizable.

    Lines are tokenized without their indentation, so a block cut from inside a suite
    still tokenizes; each statement's indentation becomes a token of its own.
    """
    text = "".join(line.lstrip(_BLANKS) for line in lines)
    raw: list[tuple[int, int, int, str]] = []
    depth, last_line, stmt = 0, -1, -1
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in _LAYOUT:
                continue
            line = token.start[0] - 1
            if line != last_line and depth == 0:
                # Comments move with the code around them, so their indentation counts too.
                stmt += 1
                width = _indent(lines[line]) if line < len(lines) else 0
                raw.append((line, stmt, tokenize.INDENT, f"<indent {width}>"))
            last_line = line
            if token.type == tokenize.OP and token.string in ("(", "[", "{"):
                depth += 1
            elif token.type == tokenize.OP and token.string in (")", "]", "}"):
                depth = max(depth - 1, 0)
            raw.append((line, stmt, token.type, token.string))
    except tokenize.TokenError as exc:
        # A block may stop inside brackets: what was read is still comparable. One that
        # starts or stops inside a triple-quoted string cannot be tokenized at all.
        if "string" in str(exc):
            return None
    except (SyntaxError, ValueError):
        return None
    return [
        (line, number, _normalised(kind, string))
        for index, (line, number, kind, string) in enumerate(raw)
        if not _trailing_comma(raw, index)
    ]


def _trailing_comma(raw: Sequence[tuple[int, int, int, str]], index: int) -> bool:
    _, _, kind, string = raw[index]
    following = raw[index + 1][3] if index + 1 < len(raw) else ""
    return kind == tokenize.OP and string == "," and following in (")", "]", "}")


def _normalised(kind: int, string: str) -> str:
    if kind == tokenize.STRING:
        return _string_value(string)
    if kind == tokenize.COMMENT:
        return "".join(string.split())
    return string


def _string_value(literal: str) -> str:
    """A plain string literal's value, so `'a'` equals `"a"`; f-strings as written."""
    prefix = literal[: len(literal) - len(literal.lstrip("rRbBuUfF"))].lower()
    if "f" in prefix:
        return literal
    body = literal[len(prefix) :]
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    return f"{prefix}:{body[len(quote) : len(body) - len(quote)]}"


def _indent(line: str) -> int:
    expanded = line.expandtabs()
    return len(expanded) - len(expanded.lstrip(_BLANKS))
