"""The Architecture Principles file: Markdown prose plus YAML import contracts.

The machine-readable part is the front matter, or else the first fenced code
block whose info string is `yaml` (or `yml`). A file with prose only is valid
and has no contracts.
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt

from backdev.adapters.front_matter import UnterminatedFrontMatterError, split_front_matter
from backdev.adapters.principles_yaml import contracts_from_yaml
from backdev.adapters.text_files import read_text
from backdev.adapters.yaml_nodes import YamlSyntaxError, YNode, load_yaml
from backdev.domain.principles import Principles
from backdev.domain.problems import Parsed, Problem

_NEWLINES = re.compile(r"\r\n?")

_YAML_INFO = ("yaml", "yml")
_CONTRACT_KEY = re.compile(r"^(layers|forbidden|independent|protected|containers):\s*(#.*)?$")


class MarkdownPrinciplesParser:
    """Parses `architecture-principles.md` into prose and import contracts."""

    def parse(self, path: Path, shown_as: str) -> Parsed[Principles]:
        """Read and validate the principles file; every problem carries its line."""
        text, problems = read_text(path, shown_as)
        if text is None:
            return Parsed(None, tuple(problems))
        return parse_principles_text(text, shown_as)


def parse_principles_text(text: str, shown_as: str) -> Parsed[Principles]:
    """Parse the text of a principles file (see `MarkdownPrinciplesParser`)."""
    # markdown-it folds \r\n and \r into \n; doing it first keeps our line counts equal.
    text = _NEWLINES.sub("\n", text)
    try:
        front = split_front_matter(text)
    except UnterminatedFrontMatterError:
        return _fail(
            shown_as,
            1,
            "front matter opened with `---` on line 1 is never closed",
            "end the front matter with a `---` line",
        )
    if front.yaml_text is not None:
        machine: tuple[str, int] | None = (front.yaml_text, front.yaml_first_line)
        prose = front.body
    else:
        try:
            machine = _first_yaml_fence(text)
        except RecursionError:
            return _fail(shown_as, 1, "Markdown nested too deeply", "flatten the nesting")
        prose = text
    if machine is None:
        stray = _stray_contract_key(text)
        if stray is not None:
            return _fail(
                shown_as,
                stray[1],
                f"`{stray[0]}:` looks like an import contract, but it is outside front matter "
                "and outside a ```yaml block, so it would be ignored",
                "put the contracts between `---` lines at the top of the file",
            )
    root: YNode | None = None
    if machine is not None:
        try:
            root = load_yaml(machine[0], machine[1])
        except YamlSyntaxError as exc:
            return _fail(shown_as, exc.line, f"invalid YAML: {exc.message}", "fix the YAML syntax")
    contracts, problems = contracts_from_yaml(root, shown_as)
    if problems:
        return Parsed(None, tuple(problems))
    return Parsed(Principles(shown_as, prose, contracts))


def _first_yaml_fence(text: str) -> tuple[str, int] | None:
    """The content and first line of the first ```yaml fence, if any."""
    for token in MarkdownIt("commonmark").disable("inline").parse(text):
        if token.type != "fence" or token.map is None:
            continue
        words = token.info.split()
        if words and words[0].lower() in _YAML_INFO:
            # map[0] is the 0-based line of the opening fence; content starts a line later.
            return token.content, token.map[0] + 2
    return None


def _stray_contract_key(text: str) -> tuple[str, int] | None:
    """A contract key written at the start of a prose line, e.g. YAML pasted without `---`."""
    for number, line in enumerate(text.split("\n"), start=1):
        match = _CONTRACT_KEY.match(line)
        if match is not None:
            return match.group(1), number
    return None


def _fail(shown_as: str, line: int, message: str, fix: str) -> Parsed[Principles]:
    return Parsed(None, (Problem(shown_as, max(line, 1), message, fix),))
