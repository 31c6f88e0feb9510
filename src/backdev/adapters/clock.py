"""The wall clock, for stamping run events."""

from __future__ import annotations

import time


class SystemClock:
    """Seconds since the epoch, as the system tells them."""

    def now(self) -> float:
        """The current time."""
        return time.time()
