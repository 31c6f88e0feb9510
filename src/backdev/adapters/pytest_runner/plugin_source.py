"""The `ac` plugin as a file pytest can load with `-p`, even where backdev is not installed.

The plugin (`backdev/entrypoints/pytest_plugin.py`) uses only the standard library
and pytest, so its source text is copied into the run's `.backdev/plugin/` folder and
put on PYTHONPATH. The copy gets a module name of its own: named `backdev...` it would
shadow the backdev package in a project that has it installed.
"""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from pathlib import Path

PLUGIN_MODULE = "_backdev_ac_plugin"


def plugin_text() -> str:
    """The source of the `ac` plugin as shipped in the package (read, not imported)."""
    return (resources.files("backdev.entrypoints") / "pytest_plugin.py").read_text("utf-8")


def install_plugin(directory: Path) -> str:
    """Write the plugin into `directory`; returns its module name.

    The write is atomic: concurrent runs in one tree share the file.
    """
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{PLUGIN_MODULE}.py"
    text = plugin_text()
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return PLUGIN_MODULE
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, target)
    return PLUGIN_MODULE
