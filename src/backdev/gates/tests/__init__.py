"""The `tests` gate: changed logic comes with tests; no test deleted, skipped or weakened.

Rules, one module each: `removed` (tests/test-removed), `markers` (tests/test-skipped,
tests/xfail-added), `weakened` (tests/test-weakened), `missing` (tests/missing-tests).
A feature allows deliberate test changes by listing them under `## Test Changes`
(see `allowance`).
"""

from __future__ import annotations

from backdev.gates.tests import allowance, markers, missing, removed, weakened
from backdev.gates.tests.gate import GATE_ID, TestsGate

__all__ = ["GATE_ID", "TestsGate", "allowance", "markers", "missing", "removed", "weakened"]
