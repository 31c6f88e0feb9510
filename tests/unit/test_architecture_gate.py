"""The architecture gate with fake import graphs: new violations fail, old ones are counted."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from backdev.application.gates import GateContext
from backdev.domain.changes import WORKTREE, ChangedFile, Commit
from backdev.domain.findings import GateResult
from backdev.domain.imports import ImportGraph, ImportSite
from backdev.domain.principles import (
    ForbiddenContract,
    ImportContract,
    IndependenceContract,
    LayersContract,
    Principles,
    ProtectedContract,
)
from backdev.domain.problems import SourceRef
from backdev.gates.architecture import ArchitectureGate
from tests.fakes.check import BASE, FakeImportGraphSource, changed_file, make_context

PRINCIPLES = "docs/engineering/architecture-principles.md"
ORIGIN = SourceRef(PRINCIPLES, 2)
LAYERS = LayersContract(
    (("shop.api",), ("shop.services",), ("shop.domain",)), (), ORIGIN, "principles"
)

Edge = tuple[str, str, int]
"""(importer, imported, line); the importer's file is derived from its name."""


def graph(
    edges: Sequence[Edge], modules: Sequence[str] = (), unparsable: Sequence[ImportSite] = ()
) -> ImportGraph:
    """A graph whose project modules are the importers, `modules`, and imported `shop.*` names."""
    names = set(modules)
    imports: dict[str, set[str]] = {}
    sites: dict[tuple[str, str], tuple[ImportSite, ...]] = {}
    for importer, imported, line in edges:
        names.add(importer)
        if imported.startswith("shop"):
            names.add(imported)
        imports.setdefault(importer, set()).add(imported)
        sites[(importer, imported)] = (
            *sites.get((importer, imported), ()),
            ImportSite(path_of(importer), line, f"import {imported}"),
        )
    for name in list(names):
        parts = name.split(".")
        names.update(".".join(parts[:n]) for n in range(1, len(parts)))
    return ImportGraph(
        frozenset(names),
        {m: frozenset(imports.get(m, ())) for m in names},
        sites,
        tuple(unparsable),
    )


def path_of(module: str) -> str:
    return "src/" + module.replace(".", "/") + ".py"


def context(
    head: Sequence[Edge],
    base: Sequence[Edge] = (),
    *,
    changed: Sequence[ChangedFile] | None = None,
    contracts: Sequence[ImportContract] = (LAYERS,),
    modules: Sequence[str] = (),
    options: dict[str, bool] | None = None,
    commits: Sequence[Commit] = (),
    unparsable: Sequence[ImportSite] = (),
) -> GateContext:
    """A change whose added lines are the head edges missing at base (unless `changed` is given)."""
    if changed is None:
        added: dict[str, set[int]] = {}
        for importer, imported, line in head:
            if (importer, imported, line) not in base:
                added.setdefault(path_of(importer), set()).add(line)
        changed = [changed_file(path, added=sorted(lines)) for path, lines in added.items()]
        changed = changed or [changed_file("src/shop/domain/model.py", added=[1])]
    return make_context(
        changed=changed,
        commits=commits,
        principles=Principles(PRINCIPLES, "", tuple(contracts)),
        options=dict(options or {}),
        imports=FakeImportGraphSource(
            {WORKTREE: graph(head, modules, unparsable), BASE: graph(base, modules)}, ("shop",)
        ),
    )


def run(ctx: GateContext) -> GateResult:
    return ArchitectureGate().run(ctx)


# --- when there is nothing to check -------------------------------------------------


def test_skips_when_no_python_file_changed() -> None:
    ctx = make_context({"README.md": "hello\n"})

    result = run(ctx)

    assert result.status == "skip"
    assert "no Python file" in result.summary


def test_skips_when_the_project_has_no_package() -> None:
    ctx = make_context({"tool.py": "import os\n"}, imports=FakeImportGraphSource())

    result = run(ctx)

    assert result.status == "skip"
    assert "no Python package" in result.summary


def test_skips_when_changed_python_lies_outside_every_package() -> None:
    ctx = make_context(
        {"scripts/release.py": "import shop.api\n"},
        imports=FakeImportGraphSource(top_level=("shop",)),
    )

    result = run(ctx)

    assert result.status == "skip"
    assert "inside a package (shop)" in result.summary


# --- layers --------------------------------------------------------------------------


def test_fails_at_the_import_line_when_a_lower_layer_imports_a_higher_one() -> None:
    ctx = context([("shop.domain.model", "shop.api.views", 3)])

    result = run(ctx)

    assert result.status == "fail"
    [finding] = result.findings
    assert finding.rule == "architecture/layers-violation"
    assert (finding.path, finding.line) == ("src/shop/domain/model.py", 3)
    assert finding.evidence == "shop.domain.model -> shop.api.views"
    assert PRINCIPLES in finding.message
    assert finding.fix


def test_passes_when_a_higher_layer_imports_a_lower_one() -> None:
    ctx = context(
        [
            ("shop.api.views", "shop.services.orders", 1),
            ("shop.services.orders", "shop.domain.model", 1),
        ]
    )

    result = run(ctx)

    assert [f for f in result.findings if f.rule.endswith("-violation")] == []


def test_reports_the_new_import_when_it_reaches_a_higher_layer_through_a_chain() -> None:
    old = [("shop.utils.text", "shop.api.views", 4)]
    ctx = context([*old, ("shop.domain.model", "shop.utils.text", 2)], old, contracts=[LAYERS])

    [finding] = [f for f in run(ctx).findings if f.rule == "architecture/layers-violation"]

    assert (finding.path, finding.line) == ("src/shop/domain/model.py", 2)
    assert finding.evidence == "shop.domain.model -> shop.utils.text -> shop.api.views"


def test_reports_the_added_link_when_it_completes_an_old_route_to_a_higher_layer() -> None:
    old = [("shop.domain.model", "shop.utils.text", 2)]
    ctx = context([*old, ("shop.utils.text", "shop.api.views", 7)], old)

    [finding] = [f for f in run(ctx).findings if f.rule == "architecture/layers-violation"]

    assert (finding.path, finding.line) == ("src/shop/utils/text.py", 7)
    assert finding.evidence == "shop.domain.model -> shop.utils.text -> shop.api.views"


def test_counts_but_does_not_fail_a_violation_present_at_base() -> None:
    old = [("shop.domain.model", "shop.api.views", 3)]
    ctx = context([*old, ("shop.domain.model", "shop.domain.values", 4)], old)

    result = run(ctx)

    assert result.status == "pass"
    assert "1 pre-existing violation, see --all" in result.summary


def test_lists_pre_existing_violations_as_warnings_when_all_is_asked() -> None:
    old = [("shop.domain.model", "shop.api.views", 3)]
    ctx = context(
        [*old, ("shop.domain.model", "shop.domain.values", 4)], old, options={"all": True}
    )

    result = run(ctx)

    assert result.status == "warn"
    [finding] = result.findings
    assert finding.severity == "warning"
    assert (finding.path, finding.line) == ("src/shop/domain/model.py", 3)
    assert finding.message.startswith("pre-existing")


def test_fails_a_new_violation_even_when_the_same_layers_were_already_violated() -> None:
    old = [("shop.domain.model", "shop.api.views", 3)]
    ctx = context([*old, ("shop.domain.order", "shop.api.forms", 5)], old)

    result = run(ctx)

    assert result.status == "fail"
    assert [(f.path, f.line) for f in result.findings] == [("src/shop/domain/order.py", 5)]
    assert "1 pre-existing violation" in result.summary


def test_reports_a_route_through_a_lower_layer_only_at_that_layer_when_layers_chain() -> None:
    head = [("shop.domain.model", "shop.infra.db", 1), ("shop.infra.db", "shop.api.views", 2)]
    layers = LayersContract(
        (("shop.api",), ("shop.domain",), ("shop.infra",)), (), ORIGIN, "principles"
    )

    result = run(context(head, contracts=[layers]))

    assert [(f.path, f.line) for f in result.findings if f.rule.endswith("violation")] == [
        ("src/shop/infra/db.py", 2)
    ]


def test_reports_one_finding_when_one_line_starts_several_routes() -> None:
    head = [("shop.domain.model", "shop.api.views", 3), ("shop.domain.model", "shop.api.forms", 3)]

    result = run(context(head))

    assert len([f for f in result.findings if f.rule.endswith("violation")]) == 1


def test_names_the_file_without_a_line_when_the_import_predates_the_change() -> None:
    # The module moved into the domain: its old import line is not an added line.
    head = [("shop.domain.moved", "shop.api.views", 3)]
    changed = [
        changed_file(
            "src/shop/domain/moved.py", status="renamed", old_path="src/shop/moved.py", added=[]
        )
    ]

    [finding] = run(context(head, changed=changed)).findings

    assert (finding.path, finding.line) == ("src/shop/domain/moved.py", 0)
    assert "line 3 predates the change" in finding.message


# --- forbidden, independent, protected -------------------------------------------------


def test_fails_when_a_source_imports_a_forbidden_standard_library_module() -> None:
    forbidden = ForbiddenContract(("shop.domain",), ("sqlite3",), ORIGIN, "principles")
    head = [("shop.domain.model", "sqlite3", 1), ("shop.domain.model", "json", 2)]

    result = run(context(head, contracts=[forbidden]))

    [finding] = result.findings
    assert finding.rule == "architecture/forbidden-violation"
    assert (finding.line, finding.evidence) == (1, "shop.domain.model -> sqlite3")


def test_fails_when_a_forbidden_target_is_reached_through_a_project_module() -> None:
    forbidden = ForbiddenContract(("shop.domain",), ("sqlalchemy",), ORIGIN, "principles")
    old = [("shop.db.session", "sqlalchemy", 1)]
    head = [*old, ("shop.domain.model", "shop.db.session", 4)]

    [finding] = run(context(head, old, contracts=[forbidden])).findings

    assert finding.evidence == "shop.domain.model -> shop.db.session -> sqlalchemy"
    assert finding.line == 4


def test_fails_when_independent_modules_reach_each_other_indirectly() -> None:
    independent = IndependenceContract(("shop.billing", "shop.catalog"), ORIGIN, "principles")
    old = [("shop.shared.money", "shop.catalog.item", 1)]
    head = [*old, ("shop.billing.invoice", "shop.shared.money", 2)]

    [finding] = run(context(head, old, contracts=[independent])).findings

    assert finding.rule == "architecture/independent-violation"
    assert finding.evidence == "shop.billing.invoice -> shop.shared.money -> shop.catalog.item"


def test_passes_when_independent_modules_share_a_module_that_imports_neither() -> None:
    independent = IndependenceContract(("shop.billing", "shop.catalog"), ORIGIN, "principles")
    head = [
        ("shop.billing.invoice", "shop.shared.money", 2),
        ("shop.catalog.item", "shop.shared.money", 3),
    ]

    result = run(
        context(head, contracts=[independent], modules=["shop.billing.x", "shop.catalog.y"])
    )

    assert [f for f in result.findings if f.rule.endswith("violation")] == []


def test_expands_wildcards_when_a_contract_names_modules_with_a_star() -> None:
    independent = IndependenceContract(("shop.plugins.*",), ORIGIN, "principles")
    head = [("shop.plugins.mail.send", "shop.plugins.sms.send", 5)]

    [finding] = run(context(head, contracts=[independent])).findings

    assert finding.rule == "architecture/independent-violation"


def test_fails_when_a_module_outside_the_allowed_importers_imports_a_protected_one() -> None:
    protected = ProtectedContract("shop.adapters", ("shop.bootstrap",), ORIGIN, "principles")
    head = [
        ("shop.services.orders", "shop.adapters.db", 6),
        ("shop.bootstrap", "shop.adapters.db", 2),
        ("shop.adapters.db", "shop.adapters.sql", 3),
    ]

    [finding] = run(context(head, contracts=[protected])).findings

    assert finding.rule == "architecture/protected-violation"
    assert (finding.path, finding.line) == ("src/shop/services/orders.py", 6)
    assert "only shop.bootstrap may import shop.adapters" in finding.message


# --- new coupling -------------------------------------------------------------------


COUPLING = [("shop.services.orders", "shop.notifications.email", 2)]
PACKAGES = ["shop.services.x", "shop.notifications.y"]


def test_fails_at_the_import_when_two_subpackages_become_coupled() -> None:
    result = run(context(COUPLING, contracts=[], modules=PACKAGES))

    [finding] = result.findings
    assert finding.rule == "architecture/new-coupling"
    assert (finding.path, finding.line) == ("src/shop/services/orders.py", 2)
    assert finding.evidence == "import shop.notifications.email"
    assert "shop.services now imports shop.notifications" in finding.message


def test_passes_with_a_note_when_an_adr_in_the_change_justifies_new_coupling() -> None:
    changed = [
        changed_file("src/shop/services/orders.py", added=[2]),
        changed_file("docs/adr/0002-notify-on-order.md", status="added", added=[1]),
    ]

    result = run(context(COUPLING, contracts=[], modules=PACKAGES, changed=changed))

    assert result.status == "pass"
    assert "1 new coupling justified by ADR docs/adr/0002-notify-on-order.md" in result.summary


def test_passes_when_a_justification_trailer_explains_new_coupling() -> None:
    commits = [Commit("c" * 40, "Notify on order\n\nJustification: orders must send mail\n")]

    result = run(context(COUPLING, contracts=[], modules=PACKAGES, commits=commits))

    assert result.status == "pass"
    assert "Justification" in result.summary


def test_passes_when_the_coupling_existed_at_base_or_targets_a_third_party_module() -> None:
    old = [("shop.services.orders", "shop.notifications.sms", 1)]
    head = [
        *old,
        *COUPLING,
        ("shop.services.orders", "requests", 3),
        ("shop.services.orders", "shop.services.rules", 4),
    ]

    result = run(context(head, old, contracts=[], modules=PACKAGES))

    assert result.findings == ()


def test_passes_when_a_subpackage_imports_a_plain_module_of_the_root() -> None:
    result = run(
        context([("shop.services.orders", "shop.settings", 2)], contracts=[], modules=PACKAGES)
    )

    assert result.findings == ()


# --- unparsable files ---------------------------------------------------------------


def test_warns_when_a_changed_file_cannot_be_parsed() -> None:
    broken = ImportSite("src/shop/domain/model.py", 4, "def f(:")

    result = run(context([], unparsable=[broken], contracts=[]))

    assert result.status == "warn"
    [finding] = result.findings
    assert (finding.rule, finding.line, finding.evidence) == (
        "architecture/unparsable",
        4,
        "def f(:",
    )


def test_counts_unparsable_files_outside_the_change_in_the_summary() -> None:
    broken = ImportSite("src/shop/legacy.py", 1, "print 'x'")

    result = run(context([], unparsable=[broken], contracts=[]))

    assert result.status == "pass"
    assert "1 unparsable file outside the change" in result.summary


@dataclass
class _GraphsBuiltTogether(FakeImportGraphSource):
    """Answers only when two graphs are asked for at once (times out otherwise)."""

    meeting: threading.Barrier = field(default_factory=lambda: threading.Barrier(2, timeout=5))

    def graph(self, revision: str, packages: Sequence[str]) -> ImportGraph:
        self.meeting.wait()
        return super().graph(revision, packages)


def test_asks_for_the_base_and_head_graphs_at_once_when_imports_changed() -> None:
    # Each graph is built in a child process when cold: asked together, they build in parallel.
    ctx = context([("shop.domain.model", "shop.api.views", 3)])
    fake = ctx.ports.imports
    assert isinstance(fake, FakeImportGraphSource)
    together = _GraphsBuiltTogether(fake.graphs, fake.top_level)

    result = run(replace(ctx, ports=replace(ctx.ports, imports=together)))

    assert [f.rule for f in result.findings] == ["architecture/layers-violation"]


@dataclass
class _RecordingGraphs(FakeImportGraphSource):
    """Notes which revisions' graphs were asked for."""

    asked: list[str] = field(default_factory=list)

    def graph(self, revision: str, packages: Sequence[str]) -> ImportGraph:
        self.asked.append(revision)
        return super().graph(revision, packages)


def test_asks_only_for_the_head_graph_and_counts_old_violations_when_no_import_changed() -> None:
    path = "src/shop/domain/model.py"
    base_text = "from shop.api import views\n\n\ndef total():\n    return 1\n"
    head_text = base_text.replace("return 1", "return 2")
    edge = ("shop.domain.model", "shop.api.views", 1)
    graphs = _RecordingGraphs({WORKTREE: graph([edge]), BASE: graph([edge])}, ("shop",))
    ctx = make_context(
        {path: head_text},
        changed=[changed_file(path, added=[5])],
        base_files={path: base_text},
        principles=Principles(PRINCIPLES, "", (LAYERS,)),
        imports=graphs,
    )

    result = run(ctx)

    assert graphs.asked == [WORKTREE]
    assert (result.status, result.findings) == ("pass", ())
    assert "1 pre-existing violation, see --all" in result.summary
