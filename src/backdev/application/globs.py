"""Gitignore-style path patterns (`src/shop/**` matches everything below `src/shop/`)."""

from __future__ import annotations

from collections.abc import Iterable

import pathspec


class PathPatterns:
    """A compiled set of gitignore-style patterns; matching is by repository-relative path."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns: tuple[str, ...] = tuple(patterns)
        self._spec = pathspec.GitIgnoreSpec.from_lines(self.patterns)

    def matches(self, path: str) -> bool:
        """True when `path` (POSIX, relative to the repository root) matches."""
        return bool(self.patterns) and self._spec.match_file(path)
