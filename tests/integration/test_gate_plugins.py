"""Third-party gates arrive through the `backdev.gates` entry-point group."""

from __future__ import annotations

from pathlib import Path

import pytest

from backdev.bootstrap import builtin_gates, plugin_gates
from backdev.domain.gate_catalog import BUILTIN_GATES

PLUGIN = '''
from backdev.domain.findings import GateResult


class TodoGate:
    """A team's own gate: nothing here but proof that it was loaded and run."""

    @property
    def id(self):
        return "todo"

    def run(self, context):
        return GateResult.judged("todo", [], "plugin ran")
'''


def _install(site: Path, name: str, entry: str, module: str | None) -> None:
    """A minimal installed distribution: a dist-info folder with its entry points."""
    info = site / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[backdev.gates]\n{entry}\n")
    if module is not None:
        (site / f"{name.replace('-', '_')}.py").write_text(module)


def test_a_plugin_gate_is_loaded_when_a_distribution_registers_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(tmp_path, "backdev-todo", "todo = backdev_todo:TodoGate", PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))

    gates = {gate.id: gate for gate in plugin_gates()}

    assert "todo" in gates
    assert type(gates["todo"]).__name__ == "TodoGate"


def test_a_broken_plugin_becomes_a_failing_gate_when_its_module_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(tmp_path, "backdev-gone", "gone = backdev_missing_module:Gate", None)
    monkeypatch.syspath_prepend(str(tmp_path))

    gates = {gate.id: gate for gate in plugin_gates()}

    assert type(gates["gone"]).__name__ == "BrokenPluginGate"


def test_every_catalogued_gate_is_built_in_with_the_static_ones_first() -> None:
    ids = [gate.id for gate in builtin_gates()]

    assert ids[:8] == [
        "scope",
        "size",
        "architecture",
        "secrets",
        "privacy",
        "security",
        "tests",
        "docs",
    ]
    assert sorted(ids) == sorted(BUILTIN_GATES)
