"""The project's own commands (lint, type check, tests, build), found and run locally.

`detect` decides which commands a project has; `runner` runs one with the project's
interpreter, a timeout, and no files left behind in the user's tree.
"""

from __future__ import annotations

from backdev.adapters.project_commands.runner import LocalProjectCommands

__all__ = ["LocalProjectCommands"]
