"""The package layout probe, the layer proposal, and the git work-tree locator."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from backdev.adapters.project_layout import (
    GitRepositoryLocator,
    PackageLayoutProbe,
    propose_contracts,
)
from backdev.application.init_ports import ForbiddenImport


def make(root: Path, *relative: str) -> Path:
    """Create empty files (and their folders) below `root`."""
    for name in relative:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")
    return root


def test_detects_src_layout_when_the_package_is_under_src(tmp_path: Path) -> None:
    make(tmp_path, "src/shop/__init__.py", "src/shop/api.py", "src/shop/domain.py")

    layout = PackageLayoutProbe().detect(tmp_path)

    assert (layout.kind, layout.packages, layout.package) == ("src", ("shop",), "shop")
    assert layout.package_dir == "src/shop"
    assert layout.layers == (("shop.api",), ("shop.domain",))


def test_detects_flat_layout_when_the_package_is_at_the_root(tmp_path: Path) -> None:
    make(tmp_path, "shop/__init__.py", "shop/cli.py", "shop/services/__init__.py", "setup.py")

    layout = PackageLayoutProbe().detect(tmp_path)

    assert (layout.kind, layout.package_dir) == ("flat", "shop")
    assert layout.layers == (("shop.cli",), ("shop.services",))


def test_prefers_src_layout_when_both_src_and_root_hold_packages(tmp_path: Path) -> None:
    make(tmp_path, "src/shop/__init__.py", "tools/__init__.py")

    layout = PackageLayoutProbe().detect(tmp_path)

    assert (layout.kind, layout.packages) == ("src", ("shop",))


def test_ignores_tests_docs_venvs_and_non_packages_when_looking_for_packages(
    tmp_path: Path,
) -> None:
    make(
        tmp_path,
        "tests/__init__.py",
        "docs/__init__.py",
        "venv/__init__.py",
        ".hidden/__init__.py",
        "__pycache__/__init__.py",
        "not-an-identifier/__init__.py",
        "scripts_without_init/run.py",
        "module.py",
    )

    layout = PackageLayoutProbe().detect(tmp_path)

    assert layout.kind == "none"
    assert (layout.packages, layout.package, layout.layers, layout.forbidden) == ((), None, (), ())


def test_reports_no_layout_when_the_root_is_empty(tmp_path: Path) -> None:
    assert PackageLayoutProbe().detect(tmp_path).kind == "none"


def test_chooses_the_package_with_most_recognised_names_when_there_are_several(
    tmp_path: Path,
) -> None:
    make(
        tmp_path,
        "src/alpha/__init__.py",
        "src/alpha/helpers.py",
        "src/shop/__init__.py",
        "src/shop/api.py",
        "src/shop/domain.py",
    )

    layout = PackageLayoutProbe().detect(tmp_path)

    assert layout.packages == ("alpha", "shop")
    assert layout.package == "shop"


def test_chooses_the_first_package_by_name_when_none_has_recognised_names(
    tmp_path: Path,
) -> None:
    make(tmp_path, "src/beta/__init__.py", "src/alpha/__init__.py")

    layout = PackageLayoutProbe().detect(tmp_path)

    assert (layout.package, layout.layers, layout.forbidden) == ("alpha", (), ())


def test_counts_subpackages_and_modules_but_not_dunder_files_when_reading_children(
    tmp_path: Path,
) -> None:
    make(
        tmp_path,
        "src/shop/__init__.py",
        "src/shop/__main__.py",
        "src/shop/api/__init__.py",
        "src/shop/domain/model.py",
        "src/shop/data/readme.txt",
    )

    layout = PackageLayoutProbe().detect(tmp_path)

    assert layout.layers == (("shop.api",), ("shop.domain",))


def test_orders_layers_highest_first_when_names_are_recognised() -> None:
    layers, _ = propose_contracts("app", ["domain", "use_cases", "entrypoints", "utils"])

    assert layers == (("app.entrypoints",), ("app.use_cases",), ("app.domain",))


def test_puts_siblings_in_one_layer_when_a_tier_has_several_modules() -> None:
    layers, _ = propose_contracts("app", ["web", "cli", "services", "domain"])

    assert layers == (("app.cli", "app.web"), ("app.services",), ("app.domain",))


def test_forbids_the_domain_importing_infrastructure_when_both_exist() -> None:
    _, forbidden = propose_contracts("app", ["domain", "core", "adapters", "db", "api"])

    assert forbidden == (
        ForbiddenImport("app.core", ("app.adapters", "app.db")),
        ForbiddenImport("app.domain", ("app.adapters", "app.db")),
    )


def test_proposes_no_layers_when_only_one_tier_is_present() -> None:
    layers, forbidden = propose_contracts("app", ["domain", "repositories"])

    assert layers == ()
    assert forbidden == (ForbiddenImport("app.domain", ("app.repositories",)),)


def test_proposes_nothing_when_no_name_is_recognised() -> None:
    assert propose_contracts("app", ["helpers", "things", "adapters"]) == ((), ())


def test_finds_the_top_level_when_the_path_is_a_subdirectory(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, capture_output=True)
    deep = make(tmp_path, "a/b/file.txt") / "a" / "b"

    assert GitRepositoryLocator().top_level(deep) == tmp_path.resolve()


def test_returns_none_when_the_path_is_outside_any_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stops git from finding a repository that happens to enclose the temporary folder.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    plain = tmp_path / "plain"
    plain.mkdir()

    assert GitRepositoryLocator().top_level(plain) is None


def test_returns_none_when_the_path_does_not_exist(tmp_path: Path) -> None:
    assert GitRepositoryLocator().top_level(tmp_path / "missing") is None
