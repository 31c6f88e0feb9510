"""The Architecture Principles parser: YAML front matter or a fenced yaml block."""

from __future__ import annotations

from pathlib import Path

from backdev.adapters.principles_file import MarkdownPrinciplesParser
from backdev.domain.principles import (
    ForbiddenContract,
    IndependenceContract,
    LayersContract,
    Principles,
    ProtectedContract,
)
from backdev.domain.problems import Parsed, Problem, SourceRef

SHOWN = "docs/engineering/architecture-principles.md"

DESIGN_EXAMPLE = """\
---
layers:                     # highest first
  - shop.api
  - shop.services
  - shop.domain
forbidden:
  - from: shop.domain
    to: [shop.adapters, sqlite3, sqlalchemy, requests]   # project, stdlib or third-party
independent:
  - [shop.billing, shop.catalog]
protected:
  - module: shop.adapters
    allowed_importers: [shop.bootstrap]
---
# Architecture Principles
1. The domain is pure: no I/O, no frameworks, no adapters.
"""


def _parse(tmp_path: Path, text: str) -> Parsed[Principles]:
    path = tmp_path / "architecture-principles.md"
    path.write_text(text, encoding="utf-8", newline="")
    return MarkdownPrinciplesParser().parse(path, SHOWN)


def _at(line: int) -> SourceRef:
    return SourceRef(SHOWN, line)


def _lines(parsed: Parsed[Principles]) -> list[tuple[int, str]]:
    return [(problem.line, problem.message) for problem in parsed.problems]


def test_design_example_becomes_contracts_when_front_matter_is_valid(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, DESIGN_EXAMPLE)

    assert parsed.ok
    assert parsed.value is not None
    assert parsed.value.path == SHOWN
    assert parsed.value.prose.startswith("# Architecture Principles\n1. The domain is pure")
    assert parsed.value.contracts == (
        LayersContract(
            (("shop.api",), ("shop.services",), ("shop.domain",)), (), _at(2), "principles"
        ),
        ForbiddenContract(
            ("shop.domain",),
            ("shop.adapters", "sqlite3", "sqlalchemy", "requests"),
            _at(7),
            "principles",
        ),
        IndependenceContract(("shop.billing", "shop.catalog"), _at(10), "principles"),
        ProtectedContract("shop.adapters", ("shop.bootstrap",), _at(12), "principles"),
    )


def test_fenced_yaml_block_is_read_when_there_is_no_front_matter(tmp_path: Path) -> None:
    text = (
        "# Architecture Principles\n"
        "\n"
        "Prose first.\n"
        "\n"
        "```yaml\n"
        "layers:\n"
        "  - shop.api | shop.cli\n"
        "  - shop.domain\n"
        "forbidden:\n"
        "  - from: [shop.domain, shop.services]\n"
        "    to: requests\n"
        "```\n"
        "\n"
        "```yaml\n"
        "ignored: second block\n"
        "```\n"
    )
    parsed = _parse(tmp_path, text)

    assert parsed.value is not None, parsed.problems
    assert parsed.value.prose == text
    assert parsed.value.contracts == (
        LayersContract((("shop.api", "shop.cli"), ("shop.domain",)), (), _at(6), "principles"),
        ForbiddenContract(("shop.domain", "shop.services"), ("requests",), _at(10), "principles"),
    )


def test_yml_fence_errors_point_at_file_lines_when_the_block_is_further_down(
    tmp_path: Path,
) -> None:
    text = "# P\n\n- a list\n\n```yml\nlayers:\n  - shop.api\n  - not-a-module\n```\n"

    parsed = _parse(tmp_path, text)

    assert parsed.value is None
    assert _lines(parsed) == [(8, "`not-a-module` is not a module name")]


def test_prose_only_file_is_valid_with_no_contracts_when_there_is_no_machine_part(
    tmp_path: Path,
) -> None:
    text = "# Principles\n\n```python\nimport os\n```\n"

    parsed = _parse(tmp_path, text)

    assert parsed.ok
    assert parsed.value == Principles(SHOWN, text, ())


def test_second_mention_is_an_error_naming_the_first_when_a_layer_is_named_twice(
    tmp_path: Path,
) -> None:
    text = "---\nlayers:\n  - shop.api\n  - shop.domain | shop.api\n---\n"

    parsed = _parse(tmp_path, text)

    assert parsed.value is None
    assert parsed.problems == (
        Problem(
            SHOWN,
            4,
            "`shop.api` is named twice in `layers` (first at line 3)",
            "keep each module in one layer only",
        ),
    )


def test_forbidden_rule_without_targets_is_an_error_when_to_is_missing_or_empty(
    tmp_path: Path,
) -> None:
    text = (
        "---\n"
        "forbidden:\n"
        "  - from: shop.domain\n"
        "  - from: shop.api\n"
        "    to: []\n"
        "  - to: [requests]\n"
        "---\n"
    )

    parsed = _parse(tmp_path, text)

    assert parsed.value is None
    assert _lines(parsed) == [
        (3, "forbidden rule without targets"),
        (5, "forbidden rule without targets"),
        (6, "forbidden rule without sources"),
    ]
    assert parsed.problems[0].fix == "add `to: [<module>, ...]`"


def test_bad_module_names_are_errors_at_their_lines_when_names_are_not_dotted_identifiers(
    tmp_path: Path,
) -> None:
    text = (
        "---\n"
        "layers:\n"
        "  - shop..api\n"
        "  - 42\n"
        "forbidden:\n"
        "  - from: shop.domain\n"
        "    to:\n"
        "      - sqlite3\n"
        "      - 'my-lib'\n"
        "independent:\n"
        "  - [shop.billing, shop.class]\n"
        "protected:\n"
        "  - module: ' shop.x'\n"
        "    allowed_importers: []\n"
        "---\n"
    )

    parsed = _parse(tmp_path, text)

    assert _lines(parsed) == [
        (3, "`shop..api` is not a module name"),
        (4, "a layer must be a module name (or `a | b`)"),
        (9, "`my-lib` is not a module name"),
        (11, "`shop.class` is not a module name"),
        (13, "` shop.x` is not a module name"),
    ]
    assert parsed.problems[0].fix.startswith("use a dotted Python module name")


def test_unknown_key_is_an_error_naming_the_known_ones_when_a_top_level_key_is_misspelt(
    tmp_path: Path,
) -> None:
    text = "---\nlayer:\n  - shop.api\nforbidden: []\n---\n"

    parsed = _parse(tmp_path, text)

    assert parsed.problems == (
        Problem(
            SHOWN,
            2,
            "unknown key `layer` in the principles",
            "remove it or use one of: layers, containers, forbidden, independent, protected",
        ),
    )


def test_layers_expand_per_container_when_containers_are_given(tmp_path: Path) -> None:
    text = "---\ncontainers: [shop, billing]\nlayers:\n  - api\n  - domain\n---\n"

    parsed = _parse(tmp_path, text)

    assert parsed.value is not None, parsed.problems
    assert parsed.value.contracts == (
        LayersContract((("shop.api",), ("shop.domain",)), ("shop",), _at(3), "principles"),
        LayersContract((("billing.api",), ("billing.domain",)), ("billing",), _at(3), "principles"),
    )


def test_rule_shape_errors_are_reported_when_entries_are_malformed(tmp_path: Path) -> None:
    text = (
        "---\n"
        "containers: [shop]\n"
        "independent:\n"
        "  - [shop.a]\n"
        "  - shop.b\n"
        "protected:\n"
        "  - module: shop.adapters\n"
        "  - just-text\n"
        "forbidden: {from: a}\n"
        "---\n"
    )

    parsed = _parse(tmp_path, text)

    assert _lines(parsed) == [
        (2, "`containers` given without `layers`"),
        (9, "`forbidden` must be a list"),
        (4, "an `independent` group needs at least two different modules"),
        (5, "`independent` must be a non-empty list of module names"),
        (7, "protected rule without `allowed_importers`"),
        (8, "a protected rule must be a mapping"),
    ]


def test_problem_is_at_the_yaml_error_line_when_yaml_is_invalid(tmp_path: Path) -> None:
    text = "---\nlayers:\n  - shop.api\n  bad: [\n---\n# body\n"

    parsed = _parse(tmp_path, text)

    assert parsed.value is None
    assert len(parsed.problems) == 1
    assert parsed.problems[0].line == 4
    assert parsed.problems[0].message.startswith("invalid YAML: ")


def test_problem_says_a_mapping_is_needed_when_yaml_is_a_list(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, "# P\n\n```yaml\n- shop.api\n```\n")

    assert _lines(parsed) == [(4, "the principles' YAML must be a mapping of rules")]


def test_problem_at_line_one_when_front_matter_is_never_closed(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, "---\nlayers: [a]\n# no end\n")

    assert _lines(parsed) == [(1, "front matter opened with `---` on line 1 is never closed")]


def test_lines_are_unchanged_when_the_file_uses_crlf_or_cr_line_endings(tmp_path: Path) -> None:
    for newline in ("\r\n", "\r"):
        text = "# P\n\n```yaml\nlayers:\n  - shop.api\n  - 1bad\n```\n".replace("\n", newline)

        parsed = _parse(tmp_path, text)

        assert _lines(parsed) == [(6, "`1bad` is not a module name")]


def test_problem_at_line_one_when_the_file_is_missing(tmp_path: Path) -> None:
    parsed = MarkdownPrinciplesParser().parse(tmp_path / "nope.md", SHOWN)

    assert parsed.problems == (
        Problem(SHOWN, 1, "file not found", "check the path, or run `backdev init`"),
    )


def test_no_contracts_when_rule_lists_are_empty_or_null(tmp_path: Path) -> None:
    text = "---\n# only comments so far\nlayers: []\nforbidden:\nindependent: []\nprotected:\n---\n"

    parsed = _parse(tmp_path, text)

    assert parsed.ok, parsed.problems
    assert parsed.value is not None
    assert parsed.value.contracts == ()


def test_contract_yaml_outside_front_matter_is_a_problem_when_fences_are_missing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "architecture-principles.md"
    path.write_text("# Principles\n\nlayers:\n  - shop.api\n  - shop.domain\n")

    parsed = MarkdownPrinciplesParser().parse(path, "principles.md")

    assert parsed.value is None
    assert [(p.line, p.message.split(":")[0]) for p in parsed.problems] == [(3, "`layers")]
    assert "`---`" in parsed.problems[0].fix


def test_prose_that_mentions_layers_is_fine_when_not_a_yaml_key(tmp_path: Path) -> None:
    path = tmp_path / "architecture-principles.md"
    path.write_text("# Principles\n\nlayers: see the front matter of the next revision.\n")

    assert MarkdownPrinciplesParser().parse(path, "principles.md").ok
