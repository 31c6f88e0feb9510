"""The `coverage` gate: the lines, branch arms and failure paths a change adds are tested.

`measured` pairs each changed file with its coverage, `statements` maps every line to
the statement it belongs to, `lines` judges the changed executable lines against the
threshold, `syntax` finds the raise statements, except blocks and branching statements
by AST, and `failure` and `branches` judge those.
"""

from __future__ import annotations

from backdev.gates.coverage.gate import GATE_ID, CoverageGate

__all__ = ["GATE_ID", "CoverageGate"]
