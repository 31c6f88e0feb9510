"""Feature files of either format, told apart by their suffix."""

from __future__ import annotations

from pathlib import Path

from backdev.adapters.feature_gherkin import GherkinFeatureParser
from backdev.adapters.feature_markdown import MarkdownFeatureParser
from backdev.domain.features import Feature
from backdev.domain.problems import Parsed

GHERKIN_SUFFIX = ".feature"


class FeatureFileParser:
    """Parses `.feature` files as Gherkin and every other feature file as Markdown."""

    def __init__(
        self,
        markdown: MarkdownFeatureParser | None = None,
        gherkin: GherkinFeatureParser | None = None,
    ) -> None:
        self._markdown = markdown or MarkdownFeatureParser()
        self._gherkin = gherkin or GherkinFeatureParser()

    def parse(self, path: Path, shown_as: str) -> Parsed[Feature]:
        """Read and validate the feature file at `path`; `shown_as` names it in problems."""
        if path.suffix.lower() == GHERKIN_SUFFIX:
            return self._gherkin.parse(path, shown_as)
        return self._markdown.parse(path, shown_as)
