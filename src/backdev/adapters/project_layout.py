"""Where the project is and how its Python code is laid out, for `backdev init`.

The layer proposal reads conventional names only (`api`, `services`, `domain`,
`adapters`, ...); it is a starting point that a person reviews, never a verdict.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

from backdev.application.init_ports import ForbiddenImport, LayoutKind, ProjectLayout
from backdev.domain.errors import BackdevError

# Highest tier first: entrypoints may import services, services the domain.
_TIERS: tuple[frozenset[str], ...] = (
    frozenset(
        {
            "entrypoints",
            "api",
            "apis",
            "cli",
            "web",
            "views",
            "http",
            "rest",
            "routes",
            "routers",
            "endpoints",
            "handlers",
            "controllers",
        }
    ),
    frozenset(
        {
            "services",
            "service",
            "service_layer",
            "application",
            "use_cases",
            "usecases",
            "interactors",
        }
    ),
    frozenset({"domain", "model", "models", "core", "entities"}),
)
_INFRASTRUCTURE = frozenset(
    {
        "adapters",
        "infrastructure",
        "infra",
        "db",
        "database",
        "repositories",
        "repository",
        "persistence",
        "storage",
        "orm",
        "gateways",
        "integrations",
    }
)
_NOT_PACKAGES = frozenset(
    {
        "tests",
        "test",
        "testing",
        "docs",
        "doc",
        "examples",
        "example",
        "scripts",
        "benchmarks",
        "build",
        "dist",
        "venv",
        "env",
        "node_modules",
        "site-packages",
    }
)


class GitRepositoryLocator:
    """Asks git for the top of the work tree."""

    def top_level(self, path: Path) -> Path | None:
        """The work tree's top directory, or None when `path` is not inside one."""
        try:
            done = subprocess.run(
                ["git", "-C", str(path), "rev-parse", "--show-toplevel"],
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="surrogateescape",
                check=False,
            )
        except FileNotFoundError as exc:
            raise BackdevError(
                "git is not installed or not on PATH — install git, then run the command again"
            ) from exc
        top = done.stdout.strip()
        if done.returncode != 0 or not top:
            return None
        return Path(top).resolve()


class PackageLayoutProbe:
    """Finds the top-level import packages (src or flat layout) and proposes layers."""

    def detect(self, root: Path) -> ProjectLayout:
        """The layout under `root`; `kind` is "none" when no package was found."""
        kind: LayoutKind = "src"
        packages = _packages_in(root / "src")
        if not packages:
            kind = "flat"
            packages = _packages_in(root)
        if not packages:
            return ProjectLayout("none")
        base = "src/" if kind == "src" else ""
        children = {name: _children(root / base / name) for name in packages}
        # `max` keeps the first of equals, so ties go to the alphabetically first package.
        package = max(packages, key=lambda name: _recognised(children[name]))
        layers, forbidden = propose_contracts(package, children[package])
        return ProjectLayout(
            kind=kind,
            packages=tuple(packages),
            package=package,
            package_dir=f"{base}{package}",
            layers=layers,
            forbidden=forbidden,
        )


def propose_contracts(
    package: str, children: Iterable[str]
) -> tuple[tuple[tuple[str, ...], ...], tuple[ForbiddenImport, ...]]:
    """Layers (highest first) and forbidden imports suggested by the children's names.

    Layers are proposed only when at least two tiers are present, since a single
    layer constrains nothing. Infrastructure modules become forbidden targets of
    each domain-tier module. Both are empty when no name is recognised.
    """
    names = set(children)
    tiers = [sorted(names & tier) for tier in _TIERS]
    present = [tuple(f"{package}.{name}" for name in tier) for tier in tiers if tier]
    layers = tuple(present) if len(present) >= 2 else ()
    infrastructure = tuple(f"{package}.{name}" for name in sorted(names & _INFRASTRUCTURE))
    forbidden = (
        tuple(ForbiddenImport(f"{package}.{name}", infrastructure) for name in tiers[-1])
        if infrastructure
        else ()
    )
    return layers, forbidden


def _packages_in(directory: Path) -> list[str]:
    if not directory.is_dir():
        return []
    return sorted(
        entry.name
        for entry in directory.iterdir()
        if _is_candidate(entry.name) and (entry / "__init__.py").is_file()
    )


def _children(package_dir: Path) -> list[str]:
    """Names of the subpackages and modules directly inside a package."""
    names: list[str] = []
    for entry in package_dir.iterdir():
        name = entry.name if entry.is_dir() else entry.stem
        if not name.isidentifier() or name.startswith("__"):
            continue
        is_package = entry.is_dir() and any(entry.glob("*.py"))
        if is_package or (entry.suffix == ".py" and entry.is_file()):
            names.append(name)
    return sorted(names)


def _is_candidate(name: str) -> bool:
    return name.isidentifier() and not name.startswith(("_", ".")) and name not in _NOT_PACKAGES


def _recognised(children: Iterable[str]) -> int:
    names = set(children)
    return sum(len(names & tier) for tier in _TIERS) + len(names & _INFRASTRUCTURE)
