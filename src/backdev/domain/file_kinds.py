"""Kinds of files that gates and the agent treat alike: docs and dependency manifests."""

from __future__ import annotations

DOCS_PATTERNS: tuple[str, ...] = ("*.md", "*.rst", "docs/**")
"""Documentation: judged by the `docs` gate, outside any feature's code scope."""

MANIFEST_PATTERNS: tuple[str, ...] = (
    "pyproject.toml",
    "setup.cfg",
    "setup.py",
    "requirements*.txt",
    "requirements/*.txt",
    "Pipfile",
    "*.lock",
    "package-lock.json",
    "pnpm-lock.yaml",
)
"""Dependency manifests: a new runtime dependency is judged by `docs`, not by `scope`."""
