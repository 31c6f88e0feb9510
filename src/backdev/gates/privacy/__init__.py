"""The `privacy` gate: sensitive values stay out of logs, errors and responses."""

from __future__ import annotations

from backdev.gates.privacy.gate import PrivacyGate

__all__ = ["PrivacyGate"]
