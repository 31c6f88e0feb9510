"""The `regression-proof` gate: a defect fix's new tests fail on the base and pass on the fix.

`added` finds the test functions the change adds (and the test files to carry over to
the base), `outcomes` reads what each of them did in a run, `gate` judges.
"""

from __future__ import annotations

from backdev.gates.regression_proof.gate import GATE_ID, RegressionProofGate

__all__ = ["GATE_ID", "RegressionProofGate"]
