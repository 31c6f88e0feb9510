"""Splitting YAML front matter (`---` ... `---` at the top) from a Markdown body."""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = "---"
# Only these end a line, as in editors and markdown-it; `str.splitlines` also splits
# on form feeds and U+2028, which would shift every line number after them.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The raw parts of a file with front matter.

    `yaml_text` starts on line `yaml_first_line`; `body` starts on `body_first_line`.
    When the file has no front matter, `yaml_text` is None and the body is the whole text.
    """

    yaml_text: str | None
    yaml_first_line: int
    body: str
    body_first_line: int


class UnterminatedFrontMatterError(Exception):
    """The file opens front matter with `---` on line 1 but never closes it."""


def split_front_matter(text: str) -> FrontMatter:
    """Split `text` into front matter and body.

    Front matter exists only when the first line is exactly `---`; it ends at the
    next line that is `---` (or `...`). Raises UnterminatedFrontMatterError when it
    is opened but not closed.
    """
    lines = _LINE.findall(text)
    if not lines or lines[0].rstrip() != _FENCE:
        return FrontMatter(None, 1, text, 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (_FENCE, "..."):
            return FrontMatter(
                yaml_text="".join(lines[1:index]),
                yaml_first_line=2,
                body="".join(lines[index + 1 :]),
                body_first_line=index + 2,
            )
    raise UnterminatedFrontMatterError
