"""GrimpImportGraphSource on real git repositories: layout, graph, sites, cache, bad files."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from backdev.adapters.import_graph import GrimpImportGraphSource, ImportGraphError
from backdev.domain.changes import WORKTREE
from backdev.domain.imports import ImportSite
from tests.gitrepo import GitRepo, make_repo

MODEL = "import sqlite3\nfrom notinstalled.sub import thing\n\nfrom shop.services import api\n"
API = "from ..domain import model\n\n\ndef handler():\n    import json\n"


class DiskReader:
    """Reads the working tree only: enough for the text of an unparsable line."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, revision: str, path: str) -> str | None:
        try:
            return (self.root / path).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return None


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    repo = make_repo(tmp_path, monkeypatch)
    repo.write("src/shop/__init__.py", "")
    repo.write("src/shop/domain/__init__.py", "")
    repo.write("src/shop/domain/model.py", MODEL)
    repo.write("src/shop/services/__init__.py", "")
    repo.write("src/shop/services/api.py", API)
    repo.write("tests/__init__.py", "")
    repo.write("docs/__init__.py", "")
    return repo


def source(repo: GitRepo) -> GrimpImportGraphSource:
    return GrimpImportGraphSource(
        repo.root, DiskReader(repo.root), repo.root / ".backdev" / "cache"
    )


def test_finds_the_src_packages_when_tests_and_docs_also_have_init_files(repo: GitRepo) -> None:
    repo.write("src/_vendored/__init__.py", "")
    sha = repo.commit("base")

    assert source(repo).packages(WORKTREE) == ("shop",)
    assert source(repo).packages(sha) == ("shop",)


def test_finds_root_packages_when_the_layout_is_flat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch)
    repo.write("billing/__init__.py", "")
    repo.write("catalog/__init__.py", "")
    repo.write("tests/__init__.py", "")
    repo.write(".hidden/__init__.py", "")
    sha = repo.commit("base")

    assert source(repo).packages(sha) == ("billing", "catalog")
    assert source(repo).packages(WORKTREE) == ("billing", "catalog")


def test_builds_imports_with_their_lines_when_reading_the_working_tree(repo: GitRepo) -> None:
    graph = source(repo).graph(WORKTREE, ["shop"])

    assert graph.modules == {
        "shop",
        "shop.domain",
        "shop.domain.model",
        "shop.services",
        "shop.services.api",
    }
    assert graph.imported_by("shop.domain.model") == {
        "sqlite3",
        "notinstalled",
        "shop.services.api",
    }
    assert graph.imported_by("shop.services.api") == {"shop.domain.model", "json"}
    assert graph.sites[("shop.domain.model", "notinstalled")] == (
        ImportSite("src/shop/domain/model.py", 2, "from notinstalled.sub import thing"),
    )
    assert graph.sites[("shop.services.api", "json")] == (
        ImportSite("src/shop/services/api.py", 5, "import json"),
    )


def test_reads_the_committed_tree_when_given_a_sha(repo: GitRepo) -> None:
    sha = repo.commit("base")
    repo.write("src/shop/domain/model.py", "import requests\n")
    repo.write("src/shop/extra.py", "import os\n")

    graph = source(repo).graph(sha, ["shop"])

    assert "shop.extra" not in graph.modules
    assert graph.imported_by("shop.domain.model") == {
        "sqlite3",
        "notinstalled",
        "shop.services.api",
    }


def test_ignores_packages_that_do_not_exist_at_the_revision(repo: GitRepo) -> None:
    sha = repo.commit("base")
    repo.write("src/billing/__init__.py", "import shop\n")

    assert "billing" not in {
        m.split(".")[0] for m in source(repo).graph(sha, ["shop", "billing"]).modules
    }
    assert "billing" in source(repo).graph(WORKTREE, ["shop", "billing"]).modules


def test_reports_unparsable_files_and_keeps_the_rest_when_a_file_has_bad_syntax(
    repo: GitRepo,
) -> None:
    repo.write("src/shop/services/broken.py", "import os\n\ndef f(:\n")
    repo.write("src/shop/services/binary.py", b"import os\nx = '\xff\xfe'\n")

    graph = source(repo).graph(WORKTREE, ["shop"])

    assert [(s.path, s.line) for s in graph.unparsable] == [
        ("src/shop/services/binary.py", 2),
        ("src/shop/services/broken.py", 3),
    ]
    assert graph.unparsable[1].text == "def f(:"
    assert graph.imported_by("shop.services.api") == {"shop.domain.model", "json"}


def test_caches_under_a_self_ignoring_backdev_folder_when_building(repo: GitRepo) -> None:
    sha = repo.commit("base")

    first = source(repo).graph(sha, ["shop"])
    cached = source(repo).graph(sha, ["shop"])

    assert (repo.root / ".backdev" / ".gitignore").read_text() == "*\n"
    assert list((repo.root / ".backdev" / "cache" / "graphs").glob("*.json"))
    assert cached == first
    assert repo.git("status", "--porcelain") == ""


def test_rebuilds_instead_of_using_a_stale_cache_when_a_file_changed(repo: GitRepo) -> None:
    before = source(repo).graph(WORKTREE, ["shop"])
    repo.write("src/shop/domain/model.py", MODEL + "import decimal\n")

    after = source(repo).graph(WORKTREE, ["shop"])

    assert "decimal" not in before.imported_by("shop.domain.model")
    assert "decimal" in after.imported_by("shop.domain.model")


def test_builds_once_when_two_gates_ask_for_the_same_graph_at_once(repo: GitRepo) -> None:
    shared = source(repo)

    with ThreadPoolExecutor(max_workers=2) as pool:
        graphs = list(pool.map(lambda _: shared.graph(WORKTREE, ["shop"]), range(2)))

    assert graphs[0] is graphs[1]


def test_returns_an_empty_graph_when_no_package_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch)
    repo.write("tool.py", "import os\n")
    sha = repo.commit("base")

    assert source(repo).packages(sha) == ()
    assert source(repo).graph(sha, ["tool"]).modules == frozenset()


@pytest.mark.parametrize(
    "edit",
    ["modified", "staged", "untracked", "ignored", "committed"],
)
def test_rebuilds_the_working_tree_graph_when_git_sees_a_file_differ(
    repo: GitRepo, edit: str
) -> None:
    repo.write(".gitignore", "src/shop/generated/\n")
    repo.commit("base")
    shared_cache = source(repo).graph(WORKTREE, ["shop"])
    target = {
        "untracked": "src/shop/fresh.py",
        "ignored": "src/shop/generated/__init__.py",
    }.get(edit, "src/shop/domain/model.py")
    before = (repo.root / target).read_text() if (repo.root / target).exists() else ""
    repo.write(target, before + "import decimal\n")
    if edit == "staged":
        repo.git("add", target)
    elif edit == "committed":
        repo.commit("more")

    after = source(repo).graph(WORKTREE, ["shop"])

    module = target.removeprefix("src/").removesuffix(".py").replace("/", ".")
    module = module.removesuffix(".__init__")
    assert "decimal" not in shared_cache.imported_by(module)
    assert "decimal" in after.imported_by(module)


def test_rebuilds_when_the_target_of_a_tracked_symlink_changes(repo: GitRepo) -> None:
    outside = repo.root / "vendor_model.py"
    outside.write_text("import json\n")
    (repo.root / "src/shop/linked.py").symlink_to(outside)
    repo.commit("base")
    before = source(repo).graph(WORKTREE, ["shop"])
    outside.write_text("import json\nimport decimal\n")

    after = source(repo).graph(WORKTREE, ["shop"])

    assert "decimal" not in before.imported_by("shop.linked")
    assert "decimal" in after.imported_by("shop.linked")


def test_rebuilds_when_the_project_is_a_subfolder_of_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch)
    repo.write("services/shop/src/shop/__init__.py", "")
    repo.write("services/shop/src/shop/model.py", "import json\n")
    repo.commit("base")
    repo.write("services/shop/src/shop/model.py", "import json\nimport uuid\n")
    project = repo.root / "services" / "shop"
    graphs = GrimpImportGraphSource(project, DiskReader(project), project / ".backdev" / "cache")
    before = graphs.graph(WORKTREE, ["shop"])
    # Edited again: git's status of the file stays "modified"; only its content moved on.
    repo.write("services/shop/src/shop/model.py", "import json\nimport decimal\n")

    after = GrimpImportGraphSource(
        project, DiskReader(project), project / ".backdev" / "cache"
    ).graph(WORKTREE, ["shop"])

    assert "decimal" not in before.imported_by("shop.model")
    assert "decimal" in after.imported_by("shop.model")


def test_names_the_git_command_when_a_revision_cannot_be_read(repo: GitRepo) -> None:
    repo.commit("base")

    with pytest.raises(ImportGraphError, match=r"^git ls-tree failed: .*not a tree object"):
        source(repo).packages("0" * 40)
