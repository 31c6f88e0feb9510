"""The `docs` gate: structural and long-term changes come with an ADR or docs change."""

from __future__ import annotations

from backdev.gates.docs.gate import DocsGate

__all__ = ["DocsGate"]
