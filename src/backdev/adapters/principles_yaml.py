"""The machine-readable part of the Architecture Principles, as import contracts.

The YAML has already been loaded with line numbers (`YNode`); this module checks
its shape and turns it into the domain's contract values, reporting every problem
at the line of the offending key or entry.
"""

from __future__ import annotations

import keyword

from backdev.adapters.yaml_nodes import YNode
from backdev.domain.principles import (
    ForbiddenContract,
    ImportContract,
    IndependenceContract,
    LayersContract,
    ProtectedContract,
)
from backdev.domain.problems import Problem, SourceRef

KNOWN_KEYS: tuple[str, ...] = ("layers", "containers", "forbidden", "independent", "protected")
MODULE_FIX = "use a dotted Python module name such as `shop.domain` or `sqlite3`"


def is_module_name(name: str, *, wildcards: bool = False) -> bool:
    """True for a dotted Python module name such as `shop.domain`.

    With `wildcards`, a segment may also be `*` or `**` (import-linter's module
    expressions, e.g. `shop.plugins.*`).
    """
    if not name or name != name.strip():
        return False
    for part in name.split("."):
        if wildcards and part in ("*", "**"):
            continue
        if not part.isidentifier() or keyword.iskeyword(part):
            return False
    return True


def contracts_from_yaml(
    root: YNode | None, shown_as: str
) -> tuple[tuple[ImportContract, ...], list[Problem]]:
    """Translate the principles' YAML mapping into contracts, with every problem found."""
    return _Translator(shown_as).run(root)


class _Translator:
    """Collects contracts and problems for one principles file."""

    def __init__(self, shown_as: str) -> None:
        self._path = shown_as
        self.problems: list[Problem] = []
        self.contracts: list[ImportContract] = []

    def report(self, line: int, message: str, fix: str) -> None:
        self.problems.append(Problem(self._path, max(line, 1), message, fix))

    def origin(self, line: int) -> SourceRef:
        return SourceRef(self._path, max(line, 1))

    def run(self, root: YNode | None) -> tuple[tuple[ImportContract, ...], list[Problem]]:
        if root is None:
            return (), []
        if not isinstance(root.value, dict):
            self.report(
                root.line,
                "the principles' YAML must be a mapping of rules",
                f"write top-level keys such as `layers:` (known: {', '.join(KNOWN_KEYS)})",
            )
            return (), self.problems
        keys = root.value
        for key, node in keys.items():
            if key not in KNOWN_KEYS:
                self.report(
                    node.key_line or node.line,
                    f"unknown key `{key}` in the principles",
                    f"remove it or use one of: {', '.join(KNOWN_KEYS)}",
                )
        layers = keys.get("layers")
        # An empty or null list is "no rules yet", as a freshly scaffolded file has.
        if layers is not None and layers.value not in (None, []):
            self._layers(layers, keys.get("containers"))
        elif "containers" in keys:
            node = keys["containers"]
            self.report(
                node.key_line or node.line,
                "`containers` given without `layers`",
                "add `layers:` (relative to each container) or remove `containers`",
            )
        for rule in self._entries(keys.get("forbidden"), "forbidden"):
            self._forbidden(rule)
        for group in self._entries(keys.get("independent"), "independent"):
            self._independent(group)
        for rule in self._entries(keys.get("protected"), "protected"):
            self._protected(rule)
        return tuple(self.contracts), self.problems

    def _entries(self, node: YNode | None, key: str) -> list[YNode]:
        if node is None or node.value is None:
            return []
        if isinstance(node.value, list):
            return node.value
        self.report(
            node.key_line or node.line, f"`{key}` must be a list", f"write `{key}:` as a list"
        )
        return []

    def _layers(self, node: YNode, containers_node: YNode | None) -> None:
        fix = "list module names highest first, e.g. `layers: [shop.api, shop.domain]`"
        if not isinstance(node.value, list):
            self.report(node.key_line or node.line, "`layers` must be a list", fix)
            return
        seen: dict[str, int] = {}
        layers: list[tuple[str, ...]] = []
        for entry in node.value:
            if not isinstance(entry.value, str):
                self.report(entry.line, "a layer must be a module name (or `a | b`)", fix)
                continue
            layer: list[str] = []
            for name in (part.strip() for part in entry.value.split("|")):
                if not self._module_ok(name, entry.line):
                    continue
                if name in seen:
                    self.report(
                        entry.line,
                        f"`{name}` is named twice in `layers` (first at line {seen[name]})",
                        "keep each module in one layer only",
                    )
                    continue
                seen[name] = entry.line
                layer.append(name)
            if layer:
                layers.append(tuple(layer))
        containers = self._containers(containers_node)
        line = node.key_line or node.line
        if not containers:
            self.contracts.append(
                LayersContract(tuple(layers), (), self.origin(line), "principles")
            )
        for container in containers:
            expanded = tuple(tuple(f"{container}.{name}" for name in layer) for layer in layers)
            self.contracts.append(
                LayersContract(expanded, (container,), self.origin(line), "principles")
            )

    def _containers(self, node: YNode | None) -> list[str]:
        if node is None:
            return []
        names = self._module_list(node, "containers", allow_single=False)
        return [] if names is None else list(names)

    def _forbidden(self, rule: YNode) -> None:
        if not isinstance(rule.value, dict):
            self.report(
                rule.line, "a forbidden rule must be a mapping", "write `- {from: a, to: [b]}`"
            )
            return
        self._unknown_keys(rule.value, ("from", "to"), "a forbidden rule")
        sources_node = rule.value.get("from")
        targets_node = rule.value.get("to")
        sources = targets = None
        if sources_node is None or sources_node.value is None:
            self.report(rule.line, "forbidden rule without sources", "add `from: <module>`")
        else:
            sources = self._module_list(sources_node, "from", allow_single=True)
        if targets_node is None or targets_node.value in (None, []):
            line = rule.line if targets_node is None else targets_node.key_line or rule.line
            self.report(line, "forbidden rule without targets", "add `to: [<module>, ...]`")
        else:
            targets = self._module_list(targets_node, "to", allow_single=True)
        if sources and targets:
            self.contracts.append(
                ForbiddenContract(sources, targets, self.origin(rule.line), "principles")
            )

    def _independent(self, group: YNode) -> None:
        modules = self._module_list(group, "independent", allow_single=False)
        if modules is None:
            return
        if len(set(modules)) < 2:
            self.report(
                group.line,
                "an `independent` group needs at least two different modules",
                "list two or more modules, e.g. `- [shop.billing, shop.catalog]`",
            )
            return
        self.contracts.append(IndependenceContract(modules, self.origin(group.line), "principles"))

    def _protected(self, rule: YNode) -> None:
        fix = "write `- {module: shop.adapters, allowed_importers: [shop.bootstrap]}`"
        if not isinstance(rule.value, dict):
            self.report(rule.line, "a protected rule must be a mapping", fix)
            return
        self._unknown_keys(rule.value, ("module", "allowed_importers"), "a protected rule")
        module_node = rule.value.get("module")
        importers_node = rule.value.get("allowed_importers")
        module: str | None = None
        if module_node is None or not isinstance(module_node.value, str):
            self.report(rule.line, "protected rule without a `module` name", fix)
        elif self._module_ok(module_node.value, module_node.line):
            module = module_node.value
        importers: tuple[str, ...] | None = None
        if importers_node is None:
            self.report(
                rule.line,
                "protected rule without `allowed_importers`",
                "add `allowed_importers: [...]` (`[]` when nothing may import it)",
            )
        elif importers_node.value == []:
            importers = ()
        else:
            importers = self._module_list(importers_node, "allowed_importers", allow_single=False)
        if module is not None and importers is not None:
            self.contracts.append(
                ProtectedContract(module, importers, self.origin(rule.line), "principles")
            )

    def _unknown_keys(self, rule: dict[str, YNode], known: tuple[str, ...], what: str) -> None:
        for key, node in rule.items():
            if key not in known:
                self.report(
                    node.key_line or node.line,
                    f"unknown key `{key}` in {what}",
                    f"use only: {', '.join(known)}",
                )

    def _module_list(self, node: YNode, key: str, *, allow_single: bool) -> tuple[str, ...] | None:
        """The module names of a list (or, when allowed, a single name); None on any problem."""
        items = [node] if allow_single and isinstance(node.value, str) else node.value
        if not isinstance(items, list) or not items:
            self.report(
                node.key_line or node.line,
                f"`{key}` must be a non-empty list of module names",
                f"write `{key}: [<module>, ...]`",
            )
            return None
        names: list[str] = []
        ok = True
        for item in items:
            if not isinstance(item.value, str):
                self.report(item.line, f"`{key}` entries must be module names", MODULE_FIX)
                ok = False
            elif self._module_ok(item.value, item.line):
                names.append(item.value)
            else:
                ok = False
        return tuple(names) if ok else None

    def _module_ok(self, name: str, line: int) -> bool:
        if is_module_name(name):
            return True
        self.report(line, f"`{name}` is not a module name", MODULE_FIX)
        return False
