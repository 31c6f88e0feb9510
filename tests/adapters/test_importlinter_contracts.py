"""Import-linter contracts read from `.importlinter`, `setup.cfg` and `pyproject.toml`."""

from __future__ import annotations

from pathlib import Path

from backdev.adapters.importlinter_contracts import ImportLinterContractSource
from backdev.domain.principles import (
    ForbiddenContract,
    ImportContract,
    IndependenceContract,
    LayersContract,
    ProtectedContract,
)
from backdev.domain.problems import Parsed, SourceRef


def _load(tmp_path: Path, **files: str) -> Parsed[tuple[ImportContract, ...]]:
    for name, text in files.items():
        (tmp_path / name.replace("_dot_", ".")).write_text(text, encoding="utf-8")
    return ImportLinterContractSource().load(tmp_path)


def _lines(parsed: Parsed[tuple[ImportContract, ...]]) -> list[tuple[str, int, str]]:
    return [(p.path, p.line, p.message) for p in parsed.problems]


IMPORTLINTER = """\
[importlinter]
root_package = shop

[importlinter:contract:layers]
name = Shop layers
type = layers
containers =
    shop
    admin
layers =
    api
    (cli) | web
    services : helpers
    domain

[importlinter:contract:no-db]
name = Domain is pure
type = forbidden
source_modules =
    shop.domain
forbidden_modules =
    sqlite3
    shop.adapters.*

[importlinter:contract:cycles]
type = acyclic_siblings
ancestors = shop
"""


def test_contracts_are_empty_when_no_file_configures_import_linter(tmp_path: Path) -> None:
    parsed = _load(tmp_path, pyproject_dot_toml='[project]\nname = "x"\n')

    assert parsed.ok
    assert parsed.value == ()


def test_ini_contracts_expand_containers_and_optional_layers_when_read_from_importlinter(
    tmp_path: Path,
) -> None:
    parsed = _load(tmp_path, _dot_importlinter=IMPORTLINTER)

    assert parsed.value is not None, parsed.problems
    at4 = SourceRef(".importlinter", 4)
    layers = (("api",), ("cli", "web"), ("services", "helpers"), ("domain",))
    assert parsed.value == (
        LayersContract(
            tuple(tuple(f"shop.{name}" for name in layer) for layer in layers),
            ("shop",),
            at4,
            "importlinter",
            "Shop layers",
        ),
        LayersContract(
            tuple(tuple(f"admin.{name}" for name in layer) for layer in layers),
            ("admin",),
            at4,
            "importlinter",
            "Shop layers",
        ),
        ForbiddenContract(
            ("shop.domain",),
            ("sqlite3", "shop.adapters.*"),
            SourceRef(".importlinter", 16),
            "importlinter",
            "Domain is pure",
        ),
    )


def test_setup_cfg_contracts_are_read_when_it_has_importlinter_sections(tmp_path: Path) -> None:
    text = (
        "[metadata]\n"
        "name = shop\n"
        "\n"
        "[importlinter]\n"
        "root_packages =\n"
        "    shop\n"
        "    admin\n"
        "\n"
        "[importlinter:contract:protect]\n"
        "name = Only bootstrap imports adapters\n"
        "type = protected\n"
        "protected_modules =\n"
        "    shop.adapters\n"
        "    admin.adapters\n"
        "allowed_importers = shop.bootstrap\n"
    )

    parsed = _load(tmp_path, setup_dot_cfg=text)

    at9 = SourceRef("setup.cfg", 9)
    name = "Only bootstrap imports adapters"
    assert parsed.value == (
        ProtectedContract("shop.adapters", ("shop.bootstrap",), at9, "importlinter", name),
        ProtectedContract("admin.adapters", ("shop.bootstrap",), at9, "importlinter", name),
    )


def test_setup_cfg_is_ignored_when_it_does_not_mention_import_linter(tmp_path: Path) -> None:
    parsed = _load(tmp_path, setup_dot_cfg="this is [not valid INI\n")

    assert parsed.ok
    assert parsed.value == ()


def test_pyproject_contracts_are_read_with_header_lines_when_tool_importlinter_exists(
    tmp_path: Path,
) -> None:
    text = (
        '[project]\nname = "shop"\n'  # lines 1-2
        "\n"
        "[tool.importlinter]\n"  # 4
        'root_package = "backdev"\n'
        "\n"
        "[[tool.importlinter.contracts]]\n"  # 7
        'name = "Dependencies point inwards"\n'
        'type = "layers"\n'
        'containers = ["backdev"]\n'
        'layers = ["__main__", "entrypoints | (api)", "domain"]\n'
        "\n"
        "[[tool.importlinter.contracts]]\n"  # 13
        'name = "Gates are independent plugins"\n'
        'type = "independence"\n'
        'modules = ["backdev.gates.*"]\n'
        "\n"
        "[[tool.importlinter.contracts]]\n"  # 18
        'type = "custom_contracts.MyContract"\n'
    )

    parsed = _load(tmp_path, pyproject_dot_toml=text)

    assert parsed.value == (
        LayersContract(
            (("backdev.__main__",), ("backdev.entrypoints", "backdev.api"), ("backdev.domain",)),
            ("backdev",),
            SourceRef("pyproject.toml", 7),
            "importlinter",
            "Dependencies point inwards",
        ),
        IndependenceContract(
            ("backdev.gates.*",),
            SourceRef("pyproject.toml", 13),
            "importlinter",
            "Gates are independent plugins",
        ),
    )


def test_contracts_from_all_three_files_are_combined_when_each_has_some(tmp_path: Path) -> None:
    parsed = _load(
        tmp_path,
        _dot_importlinter="[importlinter:contract:a]\ntype = independence\nmodules = a\n    b\n",
        setup_dot_cfg="[importlinter:contract:b]\ntype = independence\nmodules = c\n    d\n",
        pyproject_dot_toml=(
            '[[tool.importlinter.contracts]]\ntype = "independence"\nmodules = ["e", "f"]\n'
        ),
    )

    assert parsed.value is not None
    assert [c.origin for c in parsed.value] == [
        SourceRef(".importlinter", 1),
        SourceRef("setup.cfg", 1),
        SourceRef("pyproject.toml", 1),
    ]


def test_missing_fields_are_problems_at_the_contract_header_when_required_options_are_absent(
    tmp_path: Path,
) -> None:
    ini = (
        "[importlinter]\n"
        "root_package = shop\n"
        "\n"
        "[importlinter:contract:one]\n"
        "name = Needs targets\n"
        "type = forbidden\n"
        "source_modules = shop.domain\n"
        "\n"
        "[importlinter:contract:two]\n"
        "name = No type\n"
        "modules = shop.a\n"
    )
    toml = (
        "[tool.importlinter]\n"
        'root_package = "shop"\n'
        "\n"
        "[[tool.importlinter.contracts]]\n"
        'name = "Layers"\n'
        'type = "layers"\n'
        'layers = ["shop.api", "shop-web", "shop.x | shop.y : shop.z"]\n'
        "\n"
        "[[tool.importlinter.contracts]]\n"
        'name = "Bad type of value"\n'
        'type = "independence"\n'
        "modules = 3\n"
    )

    parsed = _load(tmp_path, _dot_importlinter=ini, pyproject_dot_toml=toml)

    assert parsed.value is None
    assert _lines(parsed) == [
        (".importlinter", 4, "contract `Needs targets` has no `forbidden_modules`"),
        (".importlinter", 9, "contract `No type` has no `type`"),
        ("pyproject.toml", 7, "`shop-web` in `layers` is not a module name"),
        ("pyproject.toml", 7, "layer `shop.x | shop.y : shop.z` mixes `|` and `:`"),
        ("pyproject.toml", 12, "`modules` must list module names"),
    ]


def test_problem_has_the_ini_line_when_importlinter_file_is_invalid(tmp_path: Path) -> None:
    ini = "[importlinter]\nroot_package = shop\nthis line has no separator\n"

    parsed = _load(tmp_path, _dot_importlinter=ini)

    assert parsed.value is None
    assert [(p.line, p.message) for p in parsed.problems] == [
        (3, "not a `key = value` line: 'this line has no separator'"),
    ]


def test_problem_has_the_toml_line_when_pyproject_is_invalid(tmp_path: Path) -> None:
    toml = '[tool.importlinter]\nroot_package = "shop"\nbroken = [\n'

    parsed = _load(tmp_path, pyproject_dot_toml=toml)

    assert parsed.value is None
    assert len(parsed.problems) == 1
    assert parsed.problems[0].line == 3
    assert parsed.problems[0].message.startswith("invalid TOML: ")


def test_duplicate_section_is_a_problem_at_its_second_line_when_ini_repeats_a_contract(
    tmp_path: Path,
) -> None:
    ini = "[importlinter:contract:a]\ntype = layers\n[importlinter:contract:a]\n"

    parsed = _load(tmp_path, _dot_importlinter=ini)

    assert [(p.line, p.fix) for p in parsed.problems] == [(3, "remove the duplicate")]


def test_bad_root_package_is_a_problem_at_its_line_when_it_is_not_a_module_name(
    tmp_path: Path,
) -> None:
    toml = '[tool.importlinter]\n\nroot_package = "my-shop"\n'

    parsed = _load(tmp_path, pyproject_dot_toml=toml)

    assert _lines(parsed) == [
        ("pyproject.toml", 3, "`my-shop` in `root_package` is not a module name"),
    ]


def test_inline_contracts_point_at_the_contracts_key_when_they_have_no_header(
    tmp_path: Path,
) -> None:
    toml = (
        "[tool.importlinter]\n"
        'root_packages = ["shop"]\n'
        "contracts = [\n"
        '  {name = "Pure", type = "forbidden", source_modules = ["shop.domain"]},\n'
        "]\n"
    )

    parsed = _load(tmp_path, pyproject_dot_toml=toml)

    assert _lines(parsed) == [("pyproject.toml", 3, "contract `Pure` has no `forbidden_modules`")]


def test_contracts_are_empty_when_importlinter_file_is_blank(tmp_path: Path) -> None:
    parsed = _load(tmp_path, _dot_importlinter="\n  \n")

    assert parsed.ok
    assert parsed.value == ()


def test_problem_when_a_toml_contract_is_not_a_table(tmp_path: Path) -> None:
    toml = "[tool.importlinter]\ncontracts = [1]\n"

    parsed = _load(tmp_path, pyproject_dot_toml=toml)

    assert _lines(parsed) == [
        ("pyproject.toml", 2, "contract 1 in `tool.importlinter.contracts` is not a table"),
    ]
