"""The docs gate with fakes: structural changes need an ADR or docs change in the same change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from backdev.application.gates import GateContext
from backdev.domain.changes import WORKTREE, ChangedFile
from backdev.domain.config import BackdevConfig
from backdev.domain.findings import Finding, GateResult
from backdev.domain.imports import ImportGraph, ImportSite
from backdev.gates.docs import DocsGate
from tests.fakes.check import BASE, FakeImportGraphSource, changed_file, make_context

ADR = "docs/adr/0003-decision.md"
PYPROJECT = '[project]\nname = "shop"\ndependencies = [\n    "attrs>=23",\n]\n'
INIT = 'from shop.core import place_order\n\n__all__ = ["place_order"]\n'
CORE = "def place_order(cart, customer):\n    return cart\n"


def run(ctx: GateContext) -> GateResult:
    return DocsGate().run(ctx)


def context(
    files: Mapping[str, str],
    base_files: Mapping[str, str] | None = None,
    *,
    changed: Sequence[ChangedFile] | None = None,
    graphs: dict[str, ImportGraph] | None = None,
    config: BackdevConfig | None = None,
) -> GateContext:
    return make_context(
        files,
        base_files=base_files,
        changed=changed,
        config=config,
        imports=FakeImportGraphSource(graphs or {}, ("shop",)),
    )


def only(result: GateResult) -> Finding:
    [finding] = result.findings
    assert finding.rule == "docs/adr-missing"
    assert finding.severity == "error"
    return finding


# --- nothing structural ---------------------------------------------------------------


def test_passes_with_no_structural_change_when_only_code_inside_a_module_changes() -> None:
    ctx = context({"src/shop/core.py": CORE + "\nX = 1\n"}, {"src/shop/core.py": CORE})

    result = run(ctx)

    assert (result.status, result.summary) == ("pass", "no structural change")


# --- new subpackage ---------------------------------------------------------------------


def test_fails_when_a_new_subpackage_comes_without_docs() -> None:
    result = run(context({"src/shop/billing/__init__.py": '"""Billing."""\n'}))

    finding = only(result)
    assert (finding.path, finding.line) == ("src/shop/billing/__init__.py", 0)
    assert "new subpackage `shop.billing`" in finding.message
    assert "docs/adr/" in finding.fix


def test_passes_when_a_new_subpackage_comes_with_an_adr() -> None:
    ctx = context({"src/shop/billing/__init__.py": "", ADR: "# Billing\n"})

    result = run(ctx)

    assert result.status == "pass"
    assert "1 structural change, documented by docs/adr/0003-decision.md" in result.summary


def test_passes_when_the_new_module_or_subpackage_is_private_or_holds_tests() -> None:
    ctx = context(
        {
            "src/shop/_helpers.py": "def helper():\n    return 1\n",
            "src/shop/_internal/__init__.py": "",
            "src/shop/tests/__init__.py": "",
        }
    )

    assert run(ctx).summary == "no structural change"


# --- new runtime dependency --------------------------------------------------------------


def test_fails_at_the_dependency_line_when_pyproject_adds_a_runtime_dependency() -> None:
    head = PYPROJECT.replace('"attrs>=23",', '"attrs>=23",\n    "Requests[socks]>=2.31",')
    changed = [changed_file("pyproject.toml", added=[5])]

    finding = only(
        run(context({"pyproject.toml": head}, {"pyproject.toml": PYPROJECT}, changed=changed))
    )

    assert (finding.path, finding.line) == ("pyproject.toml", 5)
    assert "new runtime dependency `requests`" in finding.message
    assert finding.evidence == '"Requests[socks]>=2.31",'


def test_passes_when_an_adr_backs_the_new_dependency() -> None:
    head = PYPROJECT.replace('"attrs>=23",', '"attrs>=23",\n    "requests>=2.31",')
    changed = [
        changed_file("pyproject.toml", added=[5]),
        changed_file(ADR, "# Use requests\n", status="added"),
    ]

    result = run(
        context(
            {"pyproject.toml": head, ADR: "# Use requests\n"},
            {"pyproject.toml": PYPROJECT},
            changed=changed,
        )
    )

    assert result.status == "pass"


def test_passes_when_only_optional_dependencies_or_versions_change() -> None:
    head = (
        PYPROJECT.replace("attrs>=23", "attrs>=24")
        + '\n[project.optional-dependencies]\ndev = ["pytest"]\n'
    )

    result = run(context({"pyproject.toml": head}, {"pyproject.toml": PYPROJECT}))

    assert result.summary == "no structural change"


def test_passes_when_a_dependency_moves_from_requirements_to_pyproject() -> None:
    base = {"pyproject.toml": PYPROJECT, "requirements.txt": "# pinned\nrequests==2.31.0\n"}
    head = {
        "pyproject.toml": PYPROJECT.replace('"attrs>=23",', '"attrs>=23", "requests",'),
        "requirements.txt": "",
    }

    assert run(context(head, base)).summary == "no structural change"


def test_fails_when_requirements_or_setup_cfg_add_a_distribution() -> None:
    base = {
        "requirements.txt": "-r base.txt\nattrs\n",
        "setup.cfg": "[options]\ninstall_requires =\n    attrs\n",
    }
    head = {
        "requirements.txt": "-r base.txt\nattrs\nhttpx[http2] ; python_version >= '3.8'\n",
        "setup.cfg": "[options]\ninstall_requires =\n    attrs\n    Flask_Login\n",
    }

    result = run(context(head, base))

    assert {(f.path, f.line) for f in result.findings} == {
        ("requirements.txt", 3),
        ("setup.cfg", 4),
    }
    assert "`flask-login`" in " ".join(f.message for f in result.findings)


# --- new coupling -----------------------------------------------------------------------------


def _coupled() -> dict[str, ImportGraph]:
    modules = frozenset(
        {
            "shop",
            "shop.services",
            "shop.services.orders",
            "shop.notifications",
            "shop.notifications.email",
        }
    )
    site = ImportSite("src/shop/services/orders.py", 2, "from shop.notifications import email")
    edge = ("shop.services.orders", "shop.notifications.email")
    head = ImportGraph(modules, {edge[0]: frozenset({edge[1]})}, {edge: (site,)})
    return {WORKTREE: head, BASE: ImportGraph(modules, {}, {})}


def test_fails_at_the_import_when_new_coupling_comes_without_docs() -> None:
    changed = [changed_file("src/shop/services/orders.py", added=[2])]

    finding = only(
        run(context({"src/shop/services/orders.py": "x\n"}, changed=changed, graphs=_coupled()))
    )

    assert (finding.path, finding.line) == ("src/shop/services/orders.py", 2)
    assert "new coupling `shop.services` -> `shop.notifications`" in finding.message


def test_passes_when_new_coupling_comes_with_a_docs_change() -> None:
    changed = [
        changed_file("src/shop/services/orders.py", added=[2]),
        changed_file("README.md", added=[1]),
    ]

    result = run(
        context(
            {"src/shop/services/orders.py": "x\n", "README.md": "x\n"},
            changed=changed,
            graphs=_coupled(),
        )
    )

    assert result.status == "pass"
    assert "documented by README.md" in result.summary


# --- public API -------------------------------------------------------------------------


def _api(core_head: str, init_head: str = INIT, config: BackdevConfig | None = None) -> GateContext:
    base = {"src/shop/__init__.py": INIT, "src/shop/core.py": CORE}
    head = {"src/shop/__init__.py": init_head, "src/shop/core.py": core_head}
    changed = [changed_file(path, added=[1]) for path in head if head[path] != base[path]]
    return context(head, base, changed=changed, config=config)


def test_fails_at_the_definition_when_an_exported_function_gains_a_required_parameter() -> None:
    finding = only(run(_api("def place_order(cart, customer, channel):\n    return cart\n")))

    assert (finding.path, finding.line) == ("src/shop/core.py", 1)
    assert (
        "signature of public `shop.place_order` changed (new required parameter channel)"
        in finding.message
    )
    assert finding.evidence == "def place_order(cart, customer, channel):"


def test_passes_when_an_exported_function_gains_an_optional_parameter() -> None:
    result = run(_api("def place_order(cart, customer, *, note=None):\n    return cart\n"))

    assert result.summary == "no structural change"


def test_fails_when_a_parameter_of_an_exported_function_is_renamed() -> None:
    finding = only(run(_api("def place_order(cart, client):\n    return cart\n")))

    assert "parameter customer removed or renamed" in finding.message


def test_fails_at_all_when_an_exported_name_is_removed_or_renamed() -> None:
    init = 'from shop.core import submit_order\n\n__all__ = ["submit_order"]\n'

    finding = only(run(_api("def submit_order(cart, customer):\n    return cart\n", init)))

    assert (finding.path, finding.line) == ("src/shop/__init__.py", 3)
    assert "public name `shop.place_order` was removed or renamed" in finding.message


def test_passes_when_an_exported_name_is_added() -> None:
    init = 'from shop.core import place_order, cancel\n\n__all__ = ["place_order", "cancel"]\n'

    result = run(_api(CORE + "\n\ndef cancel(order):\n    return order\n", init))

    assert result.summary == "no structural change"


def test_fails_when_a_configured_public_name_changes_its_required_parameters() -> None:
    config = BackdevConfig(public_api=("shop.core.place_order",))
    init = "from shop.core import place_order\n"
    base = {"src/shop/__init__.py": init, "src/shop/core.py": CORE}
    head = {
        "src/shop/__init__.py": init,
        "src/shop/core.py": "def place_order(cart):\n    return cart\n",
    }

    finding = only(
        run(
            context(
                head, base, changed=[changed_file("src/shop/core.py", added=[1])], config=config
            )
        )
    )

    assert "parameter customer removed or renamed" in finding.message


def test_fails_when_a_dataclass_exported_by_the_root_gains_a_required_field() -> None:
    base_core = "@dataclass(frozen=True)\nclass Order:\n    id: int\n    note: str = ''\n"
    head_core = (
        "@dataclass(frozen=True)\nclass Order:\n    id: int\n    total: int\n    note: str = ''\n"
    )
    init = 'from .core import Order\n__all__ = ["Order"]\n'
    base = {"src/shop/__init__.py": init, "src/shop/core.py": base_core}
    head = {"src/shop/__init__.py": init, "src/shop/core.py": head_core}

    finding = only(run(context(head, base, changed=[changed_file("src/shop/core.py", added=[4])])))

    assert "new required parameter total" in finding.message


def test_passes_when_the_root_drops_all_but_still_binds_every_exported_name() -> None:
    result = run(_api(CORE, "from shop.core import place_order\n"))

    assert result.summary == "no structural change"
