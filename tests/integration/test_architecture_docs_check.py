"""`backdev check --gates architecture,docs` on real git repositories and real grimp graphs.

Every rule has a case that must fire and a negative control in the same or a sibling
change that must not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from backdev.entrypoints.cli import main
from tests.gitrepo import GitRepo, make_repo

PRINCIPLES = """---
layers:
  - shop.api
  - shop.services
  - shop.domain
forbidden:
  - from: shop.domain
    to: [sqlite3]
independent:
  - [shop.billing, shop.catalog]
protected:
  - module: shop.adapters
    allowed_importers: [shop.bootstrap]
---
# Architecture Principles

1. The domain is pure.
"""

SHOP = {
    "src/shop/__init__.py": "",
    "src/shop/api/__init__.py": "",
    "src/shop/api/views.py": "from shop.services import orders\n",
    "src/shop/services/__init__.py": "",
    "src/shop/services/orders.py": "from shop.domain import model\n",
    "src/shop/domain/__init__.py": "",
    "src/shop/domain/model.py": "import json\n",
    "src/shop/notifications/__init__.py": "",
    "src/shop/notifications/email.py": "import smtplib\n",
    "src/shop/billing/__init__.py": "",
    "src/shop/billing/invoice.py": "from shop.domain import model\n",
    "src/shop/catalog/__init__.py": "",
    "src/shop/catalog/item.py": "from shop.domain import model\n",
    "src/shop/adapters/__init__.py": "",
    "src/shop/adapters/db.py": "import sqlite3\n",
    "src/shop/bootstrap.py": "from shop.adapters import db\n",
    "docs/engineering/architecture-principles.md": PRINCIPLES,
    "pyproject.toml": (
        '[project]\nname = "shop"\nversion = "1"\ndependencies = [\n    "attrs>=23",\n]\n'
    ),
}


@dataclass
class Outcome:
    """The exit code and each gate's JSON result."""

    code: int
    gates: dict[str, dict[str, Any]]

    def findings(self, gate: str) -> list[tuple[str, str, int]]:
        """(rule, path, line) of every finding of `gate`."""
        return [(f["rule"], f["path"], f["line"]) for f in self.gates[gate]["findings"]]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    repo = make_repo(tmp_path, monkeypatch)
    for path, text in SHOP.items():
        repo.write(path, text)
    monkeypatch.chdir(repo.root)
    return repo


def check(
    capsys: pytest.CaptureFixture[str], base: str, gates: str = "architecture", *extra: str
) -> Outcome:
    code = main(["check", "--base", base, "--gates", gates, "--format", "json", *extra])
    report = json.loads(capsys.readouterr().out)
    return Outcome(code, {gate["id"]: gate for gate in report["gates"]})


# --- architecture: contracts ------------------------------------------------------------


def test_fails_at_the_added_line_when_the_domain_imports_the_api_layer(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit("base")
    repo.write("src/shop/domain/model.py", "import json\nfrom shop.api import views\n")
    # Control: the services layer importing the domain is the allowed direction.
    repo.write("src/shop/services/pricing.py", "from shop.domain import model\n")

    outcome = check(capsys, base)

    assert outcome.code == 1
    assert outcome.findings("architecture") == [
        ("architecture/layers-violation", "src/shop/domain/model.py", 2)
    ]
    [finding] = outcome.gates["architecture"]["findings"]
    assert finding["severity"] == "error"
    assert finding["evidence"] == "shop.domain.model -> shop.api.views"
    assert finding["fix"]


def test_fails_when_the_domain_imports_a_forbidden_standard_library_module(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit("base")
    # Line 2 is forbidden; line 3 (another standard-library module) is the control.
    repo.write("src/shop/domain/model.py", "import json\nimport sqlite3\nimport decimal\n")

    outcome = check(capsys, base)

    assert outcome.findings("architecture") == [
        ("architecture/forbidden-violation", "src/shop/domain/model.py", 2)
    ]


def test_fails_when_independent_packages_meet_but_not_when_they_share_the_domain(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit("base")
    repo.write(
        "src/shop/billing/invoice.py",
        "from shop.domain import model\nfrom shop.catalog import item\n",
    )
    repo.write("src/shop/billing/tax.py", "from shop.domain import model\n")

    outcome = check(capsys, base)

    assert outcome.findings("architecture") == [
        ("architecture/independent-violation", "src/shop/billing/invoice.py", 2)
    ]


def test_fails_when_a_service_imports_a_protected_adapter_but_not_the_composition_root(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit("base")
    repo.write(
        "src/shop/services/orders.py",
        "from shop.domain import model\nfrom shop.adapters import db\n",
    )
    repo.write("src/shop/bootstrap.py", "from shop.adapters import db\nimport shop.adapters.db\n")

    outcome = check(capsys, base)

    assert outcome.findings("architecture") == [
        ("architecture/protected-violation", "src/shop/services/orders.py", 2)
    ]


def test_passes_and_counts_a_violation_that_predates_the_change(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("src/shop/domain/legacy.py", "from shop.api import views\n")
    base = repo.commit("base with a legacy violation")
    repo.write("src/shop/domain/legacy.py", "from shop.api import views\n\nLIMIT = 3\n")

    outcome = check(capsys, base)
    listed = check(capsys, base, "architecture", "--all")

    assert outcome.code == 0
    assert outcome.gates["architecture"]["status"] == "pass"
    assert "1 pre-existing violation, see --all" in outcome.gates["architecture"]["summary"]
    assert listed.code == 0
    assert listed.gates["architecture"]["status"] == "warn"
    [finding] = listed.gates["architecture"]["findings"]
    assert (finding["rule"], finding["severity"], finding["line"]) == (
        "architecture/layers-violation",
        "warning",
        1,
    )


# --- architecture and docs: new coupling ---------------------------------------------------


def test_fails_both_gates_at_the_import_when_two_subpackages_become_coupled(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit("base")
    # Line 2 couples services to notifications; lines 3-4 (third-party, same package) are controls.
    repo.write(
        "src/shop/services/orders.py",
        "from shop.domain import model\nfrom shop.notifications import email\n"
        "import requests\nfrom shop.services import rules\n",
    )
    repo.write("src/shop/services/rules.py", "")

    outcome = check(capsys, base, "architecture,docs")

    assert outcome.code == 1
    where = ("src/shop/services/orders.py", 2)
    assert outcome.findings("architecture") == [("architecture/new-coupling", *where)]
    assert outcome.findings("docs") == [("docs/adr-missing", *where)]


def test_passes_both_gates_when_an_adr_in_the_change_explains_new_coupling(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit("base")
    repo.write(
        "src/shop/services/orders.py",
        "from shop.domain import model\nfrom shop.notifications import email\n",
    )
    repo.write("docs/adr/0002-orders-send-mail.md", "# Orders send mail\n")

    outcome = check(capsys, base, "architecture,docs")

    assert outcome.code == 0
    assert (
        "justified by ADR docs/adr/0002-orders-send-mail.md"
        in outcome.gates["architecture"]["summary"]
    )
    assert outcome.gates["docs"]["status"] == "pass"


def test_passes_when_a_justification_trailer_in_the_range_explains_new_coupling(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit("base")
    repo.write(
        "src/shop/services/orders.py",
        "from shop.domain import model\nfrom shop.notifications import email\n",
    )
    repo.commit("Send mail on order\n\nJustification: customers must get a receipt")

    outcome = check(capsys, base, "architecture", "--head", "HEAD")

    assert outcome.code == 0
    assert outcome.gates["architecture"]["findings"] == []
    assert "Justification" in outcome.gates["architecture"]["summary"]


# --- architecture: what cannot be judged ---------------------------------------------------


def test_warns_about_a_changed_file_that_cannot_be_parsed_and_judges_the_rest(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit("base")
    repo.write("src/shop/domain/broken.py", "import os\n\ndef total(:\n")
    repo.write("src/shop/domain/model.py", "import json\nfrom shop.api import views\n")

    outcome = check(capsys, base)

    assert outcome.findings("architecture") == [
        ("architecture/unparsable", "src/shop/domain/broken.py", 3),
        ("architecture/layers-violation", "src/shop/domain/model.py", 2),
    ]
    assert outcome.gates["architecture"]["findings"][0]["severity"] == "warning"


def test_skips_architecture_when_no_changed_python_file_lies_in_a_package(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit("base")
    repo.write("scripts/release.py", "from shop.api import views\n")

    outcome = check(capsys, base)

    assert outcome.gates["architecture"]["status"] == "skip"
    assert not (repo.root / ".backdev" / "cache" / "graphs").exists()


# --- docs ----------------------------------------------------------------------------------


def test_fails_docs_for_a_new_subpackage_but_not_for_a_new_private_module(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit("base")
    repo.write("src/shop/reports/__init__.py", '"""Sales reports."""\n')
    repo.write("src/shop/_cache.py", "CACHE: dict[str, str] = {}\n")

    outcome = check(capsys, base, "docs")

    assert outcome.code == 1
    assert outcome.findings("docs") == [("docs/adr-missing", "src/shop/reports/__init__.py", 0)]
    assert "new subpackage `shop.reports`" in outcome.gates["docs"]["findings"][0]["message"]


def test_fails_docs_at_the_line_of_a_new_runtime_dependency(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit("base")
    repo.write(
        "pyproject.toml",
        SHOP["pyproject.toml"].replace('"attrs>=23",', '"attrs>=23",\n    "httpx>=0.27",'),
    )

    outcome = check(capsys, base, "docs")

    assert outcome.findings("docs") == [("docs/adr-missing", "pyproject.toml", 6)]
    assert "new runtime dependency `httpx`" in outcome.gates["docs"]["findings"][0]["message"]


def test_passes_docs_when_an_adr_backs_a_new_dependency(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit("base")
    repo.write(
        "pyproject.toml",
        SHOP["pyproject.toml"].replace('"attrs>=23",', '"attrs>=23",\n    "httpx>=0.27",'),
    )
    repo.write("docs/adr/0003-use-httpx.md", "# Use httpx for outbound HTTP\n")

    outcome = check(capsys, base, "docs")

    assert outcome.code == 0
    assert "documented by docs/adr/0003-use-httpx.md" in outcome.gates["docs"]["summary"]


API_INIT = 'from shop.core import place_order\n\n__all__ = ["place_order"]\n'


def test_fails_docs_when_an_exported_function_gains_a_required_parameter(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("src/shop/__init__.py", API_INIT)
    repo.write("src/shop/core.py", "def place_order(cart):\n    return cart\n")
    base = repo.commit("base")
    repo.write("src/shop/core.py", "def place_order(cart, customer):\n    return cart\n")

    outcome = check(capsys, base, "docs")

    assert outcome.findings("docs") == [("docs/adr-missing", "src/shop/core.py", 1)]


def test_passes_docs_when_an_exported_function_gains_an_optional_parameter(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("src/shop/__init__.py", API_INIT)
    repo.write("src/shop/core.py", "def place_order(cart):\n    return cart\n")
    base = repo.commit("base")
    repo.write("src/shop/core.py", "def place_order(cart, note=None):\n    return cart\n")

    outcome = check(capsys, base, "docs")

    assert outcome.code == 0
    assert outcome.gates["docs"]["summary"] == "no structural change"
