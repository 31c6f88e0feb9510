"""The Definition of Done: a Markdown checklist whose items may name their gate.

Items are `- [ ] text` or `- [x] text` bullets (`*` and `+` too), found with
markdown-it so that checklist-looking lines in code blocks are not items.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from backdev.adapters.dod_annotations import ANNOTATION_EXAMPLE, parse_item
from backdev.adapters.text_files import read_text
from backdev.domain.dod import DefinitionOfDone, DodItem
from backdev.domain.problems import Parsed, Problem

_NEWLINES = re.compile(r"\r\n?")
_CHECKBOX = re.compile(r"\[[ xX]\](?=\s|$)")


class MarkdownDodParser:
    """Parses `definition-of-done.md` into checklist items."""

    def parse(self, path: Path, shown_as: str) -> Parsed[DefinitionOfDone]:
        """Read and validate the DoD; every problem carries its line."""
        text, problems = read_text(path, shown_as)
        if text is None:
            return Parsed(None, tuple(problems))
        return parse_dod_text(text, shown_as)


def parse_dod_text(text: str, shown_as: str) -> Parsed[DefinitionOfDone]:
    """Parse the text of a DoD file (see `MarkdownDodParser`)."""
    # markdown-it folds \r\n and \r into \n; doing it first keeps our line counts equal.
    text = _NEWLINES.sub("\n", text)
    try:
        # Only the block structure matters; skipping inline parsing halves the work.
        tokens = MarkdownIt("commonmark").disable("inline").parse(text)
    except RecursionError:
        return Parsed(None, (Problem(shown_as, 1, "Markdown nested too deeply", "flatten it"),))
    items: list[DodItem] = []
    problems: list[Problem] = []
    found = False
    for content, line in _checklist_entries(tokens):
        found = True
        item, item_problems = parse_item(content, line, shown_as)
        problems.extend(item_problems)
        if item is not None:
            items.append(item)
    if not found:
        fix = f"add items such as `- [ ] Changed lines are covered by tests {ANNOTATION_EXAMPLE}`"
        problems.append(Problem(shown_as, 1, "no checklist items", fix))
    if problems:
        return Parsed(None, tuple(problems))
    return Parsed(DefinitionOfDone(shown_as, tuple(items)))


def _checklist_entries(tokens: Sequence[Token]) -> Iterator[tuple[str, int]]:
    """Each checklist item's text after its box, with its 1-based line."""
    lists: list[str] = []
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append(token.type)
        elif token.type in ("bullet_list_close", "ordered_list_close") and lists:
            lists.pop()
        elif token.type == "list_item_open" and lists and lists[-1] == "bullet_list_open":
            following = tokens[index + 1 : index + 3]
            if [t.type for t in following] != ["paragraph_open", "inline"]:
                continue
            inline = following[1]
            match = _CHECKBOX.match(inline.content)
            if match is not None and inline.map is not None:
                yield inline.content[match.end() :], inline.map[0] + 1
