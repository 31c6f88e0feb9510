"""The `size` gate: a change stays within its line and file budget and does not churn code.

`gate` counts and judges; `churn` tells formatting-only edits from real ones.
"""

from __future__ import annotations

from backdev.gates.size.gate import GATE_ID, SizeGate

__all__ = ["GATE_ID", "SizeGate"]
