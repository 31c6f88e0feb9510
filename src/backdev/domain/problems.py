"""A problem found in a user's file: where, what is wrong, how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A place in a file of the user's repository (lines count from 1)."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, rendered as `FILE:LINE: what — fix`."""

    path: str
    line: int
    message: str
    fix: str

    def render(self) -> str:
        """The one-line form used by `backdev lint` and in error paragraphs."""
        return f"{self.path}:{self.line}: {self.message} — {self.fix}"


@dataclass(frozen=True, slots=True)
class Parsed(Generic[T]):
    """What a parser returns: the value when the input was valid, and every problem.

    `value` is None when the problems make the input unusable; a value may come
    with warnings-free problems only when the parser could still build it.
    """

    value: T | None
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when there is a value and no problem."""
        return self.value is not None and not self.problems
