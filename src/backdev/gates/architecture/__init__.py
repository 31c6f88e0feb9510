"""The `architecture` gate: import contracts and new coupling, judged on the change."""

from __future__ import annotations

from backdev.gates.architecture.gate import ArchitectureGate

__all__ = ["ArchitectureGate"]
