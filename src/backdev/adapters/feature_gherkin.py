"""Gherkin `.feature` files, read with the official Cucumber parser.

Each Scenario or Scenario Outline (also inside `Rule:` blocks) is one criterion;
the feature's own tags carry the fields Markdown keeps in front matter.
"""

from __future__ import annotations

import re
from pathlib import Path

from gherkin.errors import (
    CompositeParserException,
    NoSuchLanguageException,
    ParserException,
    UnexpectedEOFException,
)
from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

from backdev.adapters.feature_gherkin_tree import GherkinTree
from backdev.adapters.feature_rules import failed, normalized_text
from backdev.adapters.text_files import read_text
from backdev.domain.features import Feature
from backdev.domain.problems import Parsed, Problem


class GherkinFeatureParser:
    """Parses a Gherkin feature file, reporting every problem with its line."""

    def parse(self, path: Path, shown_as: str) -> Parsed[Feature]:
        """Read and validate the file at `path`; `shown_as` names it in problems."""
        text, problems = read_text(path, shown_as)
        if text is None:
            return failed(problems)
        return self.parse_text(text, shown_as)

    def parse_text(self, text: str, shown_as: str) -> Parsed[Feature]:
        """Validate `text` as the content of the feature file `shown_as`."""
        text = normalized_text(text)
        try:
            document = Parser().parse(TokenScanner(text))
        except CompositeParserException as exc:
            return failed(_syntax_problem(error, shown_as) for error in exc.errors)
        except ParserException as exc:
            return failed([_syntax_problem(exc, shown_as)])
        except RecursionError:
            return failed(
                [Problem(shown_as, 1, "the file is nested too deeply to read", "simplify it")]
            )
        feature = document.get("feature")
        if feature is None:
            return failed(
                [
                    Problem(
                        shown_as,
                        1,
                        "the file has no `Feature:` line",
                        "write `Feature: <title>` with tags such as `@id:FEAT-012` above it",
                    )
                ]
            )
        return GherkinTree(feature, text.split("\n"), shown_as).read()


_LOCATION = re.compile(r"\(\d+:\d+\): ")
_GENERIC_FIX = (
    "begin the line with a step keyword (Given/When/Then/And/But), a block keyword "
    "such as `Scenario:`, a `|` table row or `#` for a comment"
)


def _syntax_problem(error: ParserException, shown_as: str) -> Problem:
    """A Gherkin parse error as a problem at its line, with a fix for the usual causes."""
    text = str(error)
    location = _LOCATION.match(text)
    detail = text[location.end() :] if location else text
    line = max(1, error.location.get("line", 1))
    if isinstance(error, NoSuchLanguageException):
        fix = "name a language Gherkin knows, such as `# language: en`"
    elif isinstance(error, UnexpectedEOFException):
        fix = 'close the block still open at the end of the file (e.g. a `"""` doc string)'
    elif "whitespace" in detail:
        fix = "remove the spaces inside the tag, or split it into several tags"
    elif "cell count" in detail:
        fix = "give every row of the table the same number of `|` cells"
    elif "#FeatureLine" in detail and "#ScenarioLine" not in detail:
        fix = "start the file with `Feature: <title>`, tags such as `@id:FEAT-012` above it"
    else:
        fix = _GENERIC_FIX
    return Problem(shown_as, line, f"Gherkin syntax error: {detail}", fix)
