"""Whatever bytes or text they are given, the spec parsers return problems, never raise."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TypeVar

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from backdev.adapters.dod_file import MarkdownDodParser
from backdev.adapters.importlinter_contracts import ImportLinterContractSource
from backdev.adapters.principles_file import MarkdownPrinciplesParser
from backdev.adapters.principles_yaml import KNOWN_KEYS
from backdev.adapters.pyproject_config import PyprojectConfigSource
from backdev.domain.config import KNOWN_KEYS as CONFIG_KEYS
from backdev.domain.problems import Parsed

T = TypeVar("T")

FUZZ = settings(max_examples=200, deadline=None, database=None)
STRUCTURED = settings(FUZZ, max_examples=100)
"""Structured values cost more to generate; fewer examples keep the suite fast."""

SPACING = ["\n", "\r\n", "\r", "\t", " ", "    ", "\u2028", "\x85", "\ufeff", "\x0c", "\x00"]
MARKDOWN_WORDS = """--- ... ```yaml ```yml ``` ~~~ - * + 1. > [ ] [x] { } {gate: coverage size
    nope , min: 90 150 abc max_lines: exclude: [a] layers: forbidden: independent: protected:
    containers: from: to: module: allowed_importers: shop.api shop..x | : &a *a !!int !!binary
    ? # ' " \\ é 🙂"""
TOML_WORDS = r"""[tool.backdev] [tool.backdev.gates.size] [tool.backdev.checks] [tool.importlinter]
    [[tool.importlinter.contracts]] [importlinter] [importlinter:contract:x] type "layers"
    "forbidden" "protected" "independence" layers containers modules source_modules
    forbidden_modules protected_modules allowed_importers root_package gates size.max_lines
    coverage.min principles features "a.b" "a|(b)" "a:b" [ ] { } , 0 -1 1e999 nan inf true
    " ' ''' # ; %(x)s shop.x : = é"""
MARKDOWN_BITS = [*SPACING, *MARKDOWN_WORDS.split()]
TOML_BITS = [*SPACING, *TOML_WORDS.split(), '"""']
spec_texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(MARKDOWN_BITS) | st.text(max_size=5), max_size=60).map("".join),
    st.lists(st.sampled_from(TOML_BITS) | st.text(max_size=5), max_size=60).map("".join),
)
# Small fixed pools keep generation cheap; the parsers see every kind of value anyway.
ODD_NUMBERS = [0.5, 99.9, 150.0, -0.0, math.nan, math.inf, -math.inf, 10**30, -(2**70)]
toml_scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-5, max_value=200),
    st.sampled_from(ODD_NUMBERS),
    st.text(max_size=8),
    st.sampled_from(["shop.api", "shop.domain | shop.x", "sqlite3", "bad-name", "coverage"]),
)
scalars = st.none() | toml_scalars
keys = st.sampled_from([*KNOWN_KEYS, *CONFIG_KEYS, "from", "to", "module", "type", "min", "x"])
yaml_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=8,
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=8,
)
backdev_tables = st.dictionaries(keys, toml_values, max_size=5)


def _toml(value: object) -> str:
    """A TOML inline value (strings as JSON, which TOML basic strings mostly accept)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(value) if isinstance(value, str) else repr(value)


def _assert_well_formed(parsed: Parsed[T]) -> None:
    if parsed.value is None:
        assert parsed.problems
    for problem in parsed.problems:
        assert problem.line >= 1
        assert problem.message
        assert problem.fix


def _check_everything(root: Path, data: bytes) -> None:
    """Feed `data` to every parser and source as each kind of file they read."""
    spec = root / "spec.md"
    spec.write_bytes(data)
    _assert_well_formed(MarkdownPrinciplesParser().parse(spec, "spec.md"))
    _assert_well_formed(MarkdownDodParser().parse(spec, "spec.md"))
    for name in ("pyproject.toml", ".importlinter", "setup.cfg"):
        (root / name).write_bytes(data)
    _assert_well_formed(PyprojectConfigSource().load(root))
    _assert_well_formed(ImportLinterContractSource().load(root))


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(data=st.binary(max_size=300))
def test_no_exception_when_files_hold_random_bytes(fuzz_root: Path, data: bytes) -> None:
    _check_everything(fuzz_root, data)


@FUZZ
@given(text=spec_texts)
def test_no_exception_when_files_hold_markdown_yaml_toml_or_ini_like_text(
    fuzz_root: Path, text: str
) -> None:
    _check_everything(fuzz_root, text.encode("utf-8"))


@STRUCTURED
@given(value=yaml_values, gate=st.sampled_from(["coverage", "size", "security"]) | scalars)
def test_no_exception_when_principles_and_dod_hold_structured_yaml(
    fuzz_root: Path, value: object, gate: object
) -> None:
    dumped = yaml.safe_dump(value, allow_unicode=True)
    principles = fuzz_root / "principles.md"
    for text in (f"---\n{dumped}---\n# P\n", f"# P\n\n```yaml\n{dumped}```\n"):
        principles.write_text(text, encoding="utf-8")
        _assert_well_formed(MarkdownPrinciplesParser().parse(principles, "principles.md"))
    options = value if isinstance(value, dict) else {"min": value}
    flow = yaml.safe_dump({"gate": gate, **options}, default_flow_style=True, width=10_000)
    dod = fuzz_root / "dod.md"
    dod.write_text(f"# DoD\n\n- [ ] Item {flow.strip()}\n", encoding="utf-8")
    _assert_well_formed(MarkdownDodParser().parse(dod, "dod.md"))


@STRUCTURED
@given(table=backdev_tables, contracts=st.lists(toml_values, max_size=3))
def test_no_exception_when_pyproject_holds_structured_tables(
    fuzz_root: Path, table: dict[str, object], contracts: list[object]
) -> None:
    lines = ["[tool.backdev]", *(f"{key} = {_toml(value)}" for key, value in table.items())]
    for contract in contracts:
        lines.append("[[tool.importlinter.contracts]]")
        items = contract.items() if isinstance(contract, dict) else [("type", contract)]
        lines.extend(f"{json.dumps(key)} = {_toml(value)}" for key, value in items)
    for name in (".importlinter", "setup.cfg"):
        (fuzz_root / name).unlink(missing_ok=True)
    (fuzz_root / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    _assert_well_formed(PyprojectConfigSource().load(fuzz_root))
    _assert_well_formed(ImportLinterContractSource().load(fuzz_root))


DEEP = 400


@pytest.mark.parametrize(
    "text",
    [
        "---\nlayers: " + "[" * DEEP + "]" * DEEP + "\n---\n",
        "# P\n\n```yaml\nlayers: " + "{a: " * DEEP + "\n```\n",
        "> " * DEEP + "- [ ] item {gate: coverage}\n",
        "- " * DEEP + "[ ] item\n",
        "[tool.backdev]\ngates = " + "[" * DEEP + "]" * DEEP + "\n",
        "[tool.importlinter]\ncontracts = " + "{a = " * DEEP + "\n",
    ],
    ids=["yaml-lists", "yaml-open-maps", "blockquotes", "bullets", "toml-arrays", "toml-tables"],
)
def test_no_exception_when_input_is_nested_very_deeply(fuzz_root: Path, text: str) -> None:
    _check_everything(fuzz_root, text.encode("utf-8"))
