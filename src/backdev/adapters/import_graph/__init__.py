"""The grimp-based import graph adapter (`ImportGraphSource`)."""

from __future__ import annotations

from backdev.adapters.import_graph.child import ImportGraphError
from backdev.adapters.import_graph.source import GrimpImportGraphSource

__all__ = ["GrimpImportGraphSource", "ImportGraphError"]
