"""The `behaviour-preserved` gate: a refactoring keeps tests, public signatures and coverage.

`kept_tests` (existing tests unchanged), `signatures` and `api` (public signatures of
changed modules), `suite` (green on base and head) and `covered` (coverage not lower)
each hold one part of the proof; `gate` runs them.
"""

from __future__ import annotations

from backdev.gates.behaviour_preserved.gate import BehaviourPreservedGate
from backdev.gates.behaviour_preserved.source import GATE_ID

__all__ = ["GATE_ID", "BehaviourPreservedGate"]
