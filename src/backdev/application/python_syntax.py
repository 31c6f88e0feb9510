"""Python syntax trees parsed once per check and shared by the gates that read them.

Several gates read the same changed modules (size, privacy, the architecture gate's
import comparison, docs): on a small change, parsing them again in each gate is a
large part of the check's time. The trees are shared between gates running at the
same time, so a reader must never change one.
"""

from __future__ import annotations

import ast
import threading


class SyntaxTrees:
    """`ast.parse` with a memory: one parse per distinct text, also when asked concurrently."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._slots: dict[str, _Slot] = {}

    def parse(self, text: str) -> ast.Module:
        """The module tree of `text`; raises what `ast.parse` raises (SyntaxError, ...)."""
        with self._guard:
            slot = self._slots.setdefault(text, _Slot())
        with slot.lock:  # a second gate asking for the same text waits for the first parse
            if slot.tree is None and slot.error is None:
                try:
                    slot.tree = ast.parse(text)
                except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
                    slot.error = error
        if slot.error is not None:
            raise slot.error
        assert slot.tree is not None
        return slot.tree


class _Slot:
    __slots__ = ("error", "lock", "tree")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tree: ast.Module | None = None
        self.error: Exception | None = None
