"""Import-linter contract options, as read from INI or TOML, turned into contracts.

Both file formats are first reduced to `RawOptions` (option values plus the lines
they were found on), so that the translation and its checks exist once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from backdev.adapters.principles_yaml import MODULE_FIX, is_module_name
from backdev.domain.principles import (
    ForbiddenContract,
    ImportContract,
    IndependenceContract,
    LayersContract,
    ProtectedContract,
)
from backdev.domain.problems import Problem, SourceRef

TRANSLATED_TYPES: tuple[str, ...] = ("layers", "forbidden", "independence", "protected")
"""Contract types backdev understands; others (acyclic_siblings, custom) are skipped."""


@dataclass(frozen=True, slots=True)
class RawOptions:
    """One `[importlinter]` table or contract: its options and where they are.

    INI values are strings (one module per line); TOML values are what tomllib gave.
    `lines` maps an option name to its line; missing ones fall back to `origin`.
    """

    name: str
    options: Mapping[str, object]
    origin: SourceRef
    lines: Mapping[str, int] = field(default_factory=dict)


def translate_contract(raw: RawOptions) -> tuple[list[ImportContract], list[Problem]]:
    """The backdev contracts for one import-linter contract, or the problems with it."""
    reader = _Reader(raw)
    kind = raw.options.get("type")
    if kind is None:
        reader.report(
            "", f"contract `{raw.name}` has no `type`", "add `type = layers` (or forbidden, ...)"
        )
        return [], reader.problems
    if not isinstance(kind, str) or kind.strip() not in TRANSLATED_TYPES:
        return [], []
    contracts = _BUILDERS[kind.strip()](reader)
    return ([] if reader.problems else contracts), reader.problems


def check_root_packages(raw: RawOptions) -> list[Problem]:
    """Problems with `root_package`/`root_packages` of the `[importlinter]` table."""
    reader = _Reader(raw)
    for key in ("root_package", "root_packages"):
        if key in raw.options:
            reader.names(key)
    return reader.problems


class _Reader:
    """Reads module-name options of one contract, collecting problems."""

    def __init__(self, raw: RawOptions) -> None:
        self.raw = raw
        self.problems: list[Problem] = []

    def report(self, key: str, message: str, fix: str) -> None:
        line = self.raw.lines.get(key, self.raw.origin.line)
        self.problems.append(Problem(self.raw.origin.path, max(line, 1), message, fix))

    def entries(self, key: str, *, empty_ok: bool = False) -> list[str]:
        """The option's entries (one per INI line, or a TOML list of strings)."""
        value = self.raw.options.get(key)
        where = f"contract `{self.raw.name}`"
        if value is None:
            self.report(key, f"{where} has no `{key}`", f"add `{key}` listing module names")
            return []
        entries = _entries(value)
        if entries is None:
            self.report(key, f"`{key}` must list module names", f"write `{key}` as a list")
            return []
        if not entries and not empty_ok:
            self.report(key, f"`{key}` of {where} is empty", f"list at least one module in `{key}`")
        return entries

    def names(self, key: str, *, wildcards: bool = False, empty_ok: bool = False) -> list[str]:
        """The option's entries that are module names; the others are reported."""
        valid: list[str] = []
        for name in self.entries(key, empty_ok=empty_ok):
            if is_module_name(name, wildcards=wildcards):
                valid.append(name)
            else:
                self.report(key, f"`{name}` in `{key}` is not a module name", MODULE_FIX)
        return valid

    def origin(self) -> SourceRef:
        return self.raw.origin


def _layers(reader: _Reader) -> list[ImportContract]:
    layers: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for entry in reader.entries("layers"):
        layer = _layer(reader, entry, seen)
        if layer:
            layers.append(layer)
    containers = reader.names("containers") if "containers" in reader.raw.options else []
    name, origin = reader.raw.name, reader.origin()
    if not containers:
        return [LayersContract(tuple(layers), (), origin, "importlinter", name)]
    return [
        LayersContract(
            tuple(tuple(f"{container}.{tail}" for tail in layer) for layer in layers),
            (container,),
            origin,
            "importlinter",
            name,
        )
        for container in containers
    ]


def _layer(reader: _Reader, entry: str, seen: set[str]) -> tuple[str, ...]:
    """One layer's modules: `a | b` (independent) and `a : b` are both siblings."""
    if "|" in entry and ":" in entry:
        reader.report("layers", f"layer `{entry}` mixes `|` and `:`", "use one separator per layer")
        return ()
    separator = "|" if "|" in entry else ":"
    modules: list[str] = []
    for part in entry.split(separator):
        tail = part.strip()
        if tail.startswith("(") and tail.endswith(")"):
            tail = tail[1:-1].strip()  # an optional layer: it need not exist yet
        if not is_module_name(tail):
            reader.report(
                "layers", f"`{part.strip()}` in `layers` is not a module name", MODULE_FIX
            )
        elif tail in seen:
            reader.report("layers", f"`{tail}` is named twice in `layers`", "name each module once")
        else:
            seen.add(tail)
            modules.append(tail)
    return tuple(modules)


def _forbidden(reader: _Reader) -> list[ImportContract]:
    sources = reader.names("source_modules", wildcards=True)
    targets = reader.names("forbidden_modules", wildcards=True)
    return [
        ForbiddenContract(
            tuple(sources), tuple(targets), reader.origin(), "importlinter", reader.raw.name
        )
    ]


def _independence(reader: _Reader) -> list[ImportContract]:
    modules = reader.names("modules", wildcards=True)
    return [IndependenceContract(tuple(modules), reader.origin(), "importlinter", reader.raw.name)]


def _protected(reader: _Reader) -> list[ImportContract]:
    protected = reader.names("protected_modules", wildcards=True)
    importers = tuple(reader.names("allowed_importers", wildcards=True, empty_ok=True))
    return [
        ProtectedContract(module, importers, reader.origin(), "importlinter", reader.raw.name)
        for module in protected
    ]


_BUILDERS = {
    "layers": _layers,
    "forbidden": _forbidden,
    "independence": _independence,
    "protected": _protected,
}


def _entries(value: object) -> list[str] | None:
    """Strings from an INI value (one per line) or a TOML string or list of strings."""
    if isinstance(value, str):
        return [line.strip() for line in value.split("\n") if line.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    return None
