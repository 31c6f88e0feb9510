"""The `init` use case: scaffold the specs and `[tool.backdev]` in a git repository.

Never replaces a file that exists and never changes a value the user wrote, so
running it twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from backdev.application.init_ports import (
    FileAction,
    FileWriter,
    LayoutProbe,
    ProjectLayout,
    PyprojectEditor,
    RepositoryLocator,
    TemplateSource,
    TomlValue,
)
from backdev.domain.config import DEFAULT_ADR, DEFAULT_DOD, DEFAULT_FEATURES, DEFAULT_PRINCIPLES
from backdev.domain.errors import ConfigError, NotAGitRepositoryError

PYPROJECT = "pyproject.toml"
FEATURE_EXAMPLE = "docs/features/FEAT-000-example.md"
# Not `feature-development.md`: `backdev lint` takes any name starting with `feature`
# for a feature file (DESIGN.md §2), and lint must accept everything init writes.
PLAYBOOKS: tuple[str, ...] = (
    "docs/engineering/playbooks/developing-features.md",
    "docs/engineering/playbooks/refactoring.md",
    "docs/engineering/playbooks/defect-handling.md",
)
PROPOSAL_MARK = "# PROPOSAL — review before relying on it"

TABLE_DEFAULTS: Mapping[str, TomlValue] = {
    "features": list(DEFAULT_FEATURES),
    "principles": DEFAULT_PRINCIPLES,
    "dod": DEFAULT_DOD,
    "adr": DEFAULT_ADR,
}
"""The keys `init` puts in `[tool.backdev]`: where the files it writes live."""


@dataclass(frozen=True, slots=True)
class InitEntry:
    """One file `init` is responsible for and what happened to it."""

    path: str
    """Relative to the repository's top, with `/` separators."""
    action: FileAction


@dataclass(frozen=True, slots=True)
class InitReport:
    """Where `init` ran, what it found, and what it did to each file."""

    root: Path
    layout: ProjectLayout
    entries: tuple[InitEntry, ...]

    @property
    def changed(self) -> bool:
        """True when at least one file was created or updated."""
        return any(entry.action != "unchanged" for entry in self.entries)


def init_project(
    root: Path,
    *,
    repository: RepositoryLocator,
    layout: LayoutProbe,
    templates: TemplateSource,
    files: FileWriter,
    pyproject: PyprojectEditor,
) -> InitReport:
    """Write the principles, DoD, feature example, playbooks and `[tool.backdev]`.

    Files go to the top of the git work tree containing `root`, where every other
    command looks for them. The pyproject table is merged first: when the file is
    invalid nothing at all is written. The principles and DoD go where the table
    says, so a user's own `principles = "..."` is honoured rather than shadowed.

    Raises NotAGitRepositoryError outside a git repository and ConfigError for a
    pyproject.toml that cannot be merged or a table path outside the repository.
    """
    top = repository.top_level(root)
    if top is None:
        raise NotAGitRepositoryError(
            f"{root} is not inside a git repository — run `git init` there first, "
            "then `backdev init` again"
        )
    merge = pyproject.merge_table(top / PYPROJECT, PYPROJECT, TABLE_DEFAULTS)
    principles = _table_path(merge.table, "principles", DEFAULT_PRINCIPLES)
    dod = _table_path(merge.table, "dod", DEFAULT_DOD)
    found = layout.detect(top)
    values = {
        "contracts": contracts_yaml(found),
        "scope": _example_scope(found),
        "principles": principles,
        "dod": dod,
    }
    documents = (
        (principles, "architecture-principles.md"),
        (dod, "definition-of-done.md"),
        (FEATURE_EXAMPLE, "feature-example.md"),
        *((path, f"playbooks/{PurePosixPath(path).name}") for path in PLAYBOOKS),
    )
    entries = [InitEntry(PYPROJECT, merge.action)]
    for relative, template in documents:
        created = files.create(top / relative, templates.render(template, values))
        entries.append(InitEntry(relative, "created" if created else "unchanged"))
    return InitReport(top, found, tuple(entries))


def contracts_yaml(layout: ProjectLayout) -> str:
    """The principles' front matter (without `---` fences) proposing import contracts.

    Always opens with the proposal mark. When nothing was recognised it is only
    comments, an example to adapt, so that no contract names a module that may
    not exist.
    """
    lines = [PROPOSAL_MARK, *_detected(layout)]
    if layout.layers:
        lines.append("layers:                  # highest first; a layer imports only those below")
        lines.extend(f"  - {' | '.join(layer)}" for layer in layout.layers)
    if layout.forbidden:
        lines.append("forbidden:")
        for rule in layout.forbidden:
            lines.append(f"  - from: {rule.source}")
            lines.append(f"    to: [{', '.join(rule.targets)}]")
    if not layout.layers:
        lines.extend(_example(layout.package or "shop", with_forbidden=not layout.forbidden))
    return "\n".join(lines)


def _detected(layout: ProjectLayout) -> list[str]:
    if layout.package is None:
        return ["# No Python package found, so no contracts yet."]
    where = f"# Found the {layout.kind} layout, package `{layout.package}` ({layout.package_dir})."
    others = [name for name in layout.packages if name != layout.package]
    lines = [where]
    if others:
        lines.append(f"# Other packages, not covered here: {', '.join(others)}.")
    if not layout.layers and not layout.forbidden:
        lines.append(f"# No subpackage of `{layout.package}` has a name that tells its layer.")
    return lines


def _example(package: str, *, with_forbidden: bool) -> list[str]:
    lines = [
        "# Example to adapt (full dotted module names, highest layer first):",
        "# layers:",
        f"#   - {package}.api",
        f"#   - {package}.services",
        f"#   - {package}.domain",
    ]
    if with_forbidden:
        lines += [
            "# forbidden:",
            f"#   - from: {package}.domain",
            f"#     to: [{package}.adapters]",
        ]
    return lines


def _example_scope(layout: ProjectLayout) -> str:
    code = f"{layout.package_dir}/**" if layout.package_dir else "src/**"
    return f"{code}, tests/**"


def _table_path(table: Mapping[str, object], key: str, default: str) -> str:
    """The table's path for `key`, refusing one that would write outside the repository."""
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        # An ill-typed value is `backdev lint`'s to report; scaffold the default.
        return default
    normal = value.replace("\\", "/")
    path = PurePosixPath(normal)
    if path.is_absolute() or ".." in path.parts or normal[1:3] == ":/":
        raise ConfigError(
            f"{PYPROJECT}: [tool.backdev] {key} = {value!r} points outside the repository — "
            "use a path relative to the repository's top, e.g. "
            f"{key} = {default!r}"
        )
    return path.as_posix()
