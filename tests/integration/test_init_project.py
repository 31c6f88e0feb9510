"""`init_project` on real temporary git repositories with the real adapters."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

from backdev.adapters.dod_file import MarkdownDodParser
from backdev.adapters.feature_files import FeatureFileParser
from backdev.adapters.importlinter_contracts import ImportLinterContractSource
from backdev.adapters.init_files import LocalFileWriter, PackagedTemplates, TomlkitPyprojectEditor
from backdev.adapters.principles_file import MarkdownPrinciplesParser
from backdev.adapters.project_files import LocalProjectFiles
from backdev.adapters.project_layout import GitRepositoryLocator, PackageLayoutProbe
from backdev.adapters.pyproject_config import PyprojectConfigSource
from backdev.application.init_project import (
    FEATURE_EXAMPLE,
    PLAYBOOKS,
    PROPOSAL_MARK,
    InitReport,
    init_project,
)
from backdev.application.lint import SpecParsers, lint_specs
from backdev.domain.config import DEFAULT_DOD, DEFAULT_PRINCIPLES
from backdev.domain.errors import BackdevError, ConfigError, NotAGitRepositoryError

WRITTEN = (DEFAULT_PRINCIPLES, DEFAULT_DOD, FEATURE_EXAMPLE, *PLAYBOOKS)
EXPECTED_TABLE = {
    "features": ["docs/features/**/*.md", "docs/features/**/*.feature"],
    "principles": DEFAULT_PRINCIPLES,
    "dod": DEFAULT_DOD,
    "adr": "docs/adr",
}


def git_repo(path: Path) -> Path:
    """A fresh git repository at `path`, independent of the user's git configuration."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "init", "-q", str(path)],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["git", "-C", str(path), "config", "user.email", "dev@example.com"],
        check=True,
    )
    subprocess.run(["git", "-C", str(path), "config", "user.name", "Dev"], check=True)
    return path.resolve()


def run_init(root: Path) -> InitReport:
    """The use case wired with the real adapters, as `bootstrap` wires it."""
    return init_project(
        root,
        repository=GitRepositoryLocator(),
        layout=PackageLayoutProbe(),
        templates=PackagedTemplates(),
        files=LocalFileWriter(),
        pyproject=TomlkitPyprojectEditor(),
    )


def real_lint_parsers(root: Path) -> SpecParsers:
    """What `backdev lint` uses, built from the adapters directly."""
    return SpecParsers(
        features=FeatureFileParser(),
        principles=MarkdownPrinciplesParser(),
        dod=MarkdownDodParser(),
        config=PyprojectConfigSource(),
        contracts=ImportLinterContractSource(),
        files=LocalProjectFiles(root),
    )


def touch(root: Path, *relative: str) -> None:
    for name in relative:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file outside `.git`, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def actions(report: InitReport) -> dict[str, str]:
    return {entry.path: entry.action for entry in report.entries}


def front_matter(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return text.split("---\n")[1]


def test_writes_every_file_and_a_minimal_pyproject_when_repository_is_empty(
    tmp_path: Path,
) -> None:
    root = git_repo(tmp_path / "repo")

    report = run_init(root)

    assert report.root == root
    assert report.layout.kind == "none"
    assert actions(report) == {"pyproject.toml": "created", **dict.fromkeys(WRITTEN, "created")}
    assert all((root / name).is_file() for name in WRITTEN)
    assert tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8")) == {
        "tool": {"backdev": EXPECTED_TABLE}
    }
    machine = front_matter(root / DEFAULT_PRINCIPLES)
    assert machine.startswith(PROPOSAL_MARK)
    assert all(line.startswith("#") for line in machine.splitlines())


def test_proposes_layers_from_subpackage_names_when_layout_is_src(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo")
    touch(
        root,
        "src/shop/__init__.py",
        "src/shop/api/__init__.py",
        "src/shop/services.py",
        "src/shop/domain/__init__.py",
        "src/shop/adapters/__init__.py",
        "tests/__init__.py",
    )

    report = run_init(root)

    assert (report.layout.kind, report.layout.package) == ("src", "shop")
    machine = front_matter(root / DEFAULT_PRINCIPLES)
    assert machine.startswith(PROPOSAL_MARK)
    assert "  - shop.api\n  - shop.services\n  - shop.domain\n" in machine
    assert "  - from: shop.domain\n    to: [shop.adapters]\n" in machine
    feature = (root / FEATURE_EXAMPLE).read_text(encoding="utf-8")
    assert "scope: [src/shop/**, tests/**]" in feature


def test_proposes_layers_from_module_names_when_layout_is_flat(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo")
    touch(root, "blog/__init__.py", "blog/views.py", "blog/models.py", "blog/db.py")

    report = run_init(root)

    assert (report.layout.kind, report.layout.package_dir) == ("flat", "blog")
    machine = front_matter(root / DEFAULT_PRINCIPLES)
    assert "  - blog.views\n  - blog.models\n" in machine
    assert "  - from: blog.models\n    to: [blog.db]\n" in machine
    assert "scope: [blog/**, tests/**]" in (root / FEATURE_EXAMPLE).read_text(encoding="utf-8")


def test_writes_a_commented_example_when_no_subpackage_name_is_recognised(
    tmp_path: Path,
) -> None:
    root = git_repo(tmp_path / "repo")
    touch(root, "src/tool/__init__.py", "src/tool/things.py")

    run_init(root)

    machine = front_matter(root / DEFAULT_PRINCIPLES)
    assert machine.startswith(PROPOSAL_MARK)
    assert "#   - tool.domain" in machine
    assert all(line.startswith("#") for line in machine.splitlines())


def test_keeps_every_existing_byte_when_pyproject_has_other_tables_and_comments(
    tmp_path: Path,
) -> None:
    root = git_repo(tmp_path / "repo")
    original = (
        "# project metadata, kept by hand\n"
        "[project]\n"
        'name   =   "shop"   # odd spacing on purpose\n'
        'dependencies = [\n    "requests",  # HTTP\n]\n'
        "\n[tool.ruff]\nline-length = 99\n"
    )
    (root / "pyproject.toml").write_text(original, encoding="utf-8")

    report = run_init(root)

    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert actions(report)["pyproject.toml"] == "updated"
    assert text.startswith(original)
    data = tomllib.loads(text)
    assert data["tool"] == {"ruff": {"line-length": 99}, "backdev": EXPECTED_TABLE}
    assert data["project"] == tomllib.loads(original)["project"]


def test_keeps_user_values_and_adds_only_missing_keys_when_backdev_table_exists(
    tmp_path: Path,
) -> None:
    root = git_repo(tmp_path / "repo")
    (root / "pyproject.toml").write_text(
        "[tool.backdev]\n"
        'principles = "docs/arch.md"  # our own place\n'
        "\n[tool.backdev.gates.size]\nmax_lines = 200\n",
        encoding="utf-8",
    )

    report = run_init(root)

    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert 'principles = "docs/arch.md"  # our own place\n' in text
    assert "[tool.backdev.gates.size]\nmax_lines = 200\n" in text
    table = tomllib.loads(text)["tool"]["backdev"]
    assert table == {
        **EXPECTED_TABLE,
        "principles": "docs/arch.md",
        "gates": {"size": {"max_lines": 200}},
    }
    assert actions(report)["docs/arch.md"] == "created"
    assert not (root / DEFAULT_PRINCIPLES).exists()


def test_changes_no_byte_and_reports_unchanged_when_run_a_second_time(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo")
    touch(root, "src/shop/__init__.py", "src/shop/api.py", "src/shop/domain.py")
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\n', encoding="utf-8")
    first = run_init(root)
    before = snapshot(root)

    second = run_init(root)

    assert first.changed
    assert not second.changed
    assert set(actions(second).values()) == {"unchanged"}
    assert snapshot(root) == before


def test_leaves_principles_alone_when_the_file_already_exists(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo")
    principles = root / DEFAULT_PRINCIPLES
    principles.parent.mkdir(parents=True)
    principles.write_bytes(b"# Our principles\r\nHand written.\r\n")

    report = run_init(root)

    assert actions(report)[DEFAULT_PRINCIPLES] == "unchanged"
    assert actions(report)[DEFAULT_DOD] == "created"
    assert principles.read_bytes() == b"# Our principles\r\nHand written.\r\n"


def test_writes_at_the_repository_top_when_run_from_a_subdirectory(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo")
    (root / "services" / "deep").mkdir(parents=True)

    report = run_init(root / "services" / "deep")

    assert report.root == root
    assert (root / "pyproject.toml").is_file()
    assert (root / DEFAULT_DOD).is_file()
    assert not (root / "services" / "deep" / "docs").exists()


def test_raises_not_a_git_repository_and_writes_nothing_when_outside_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stops git from finding a repository that happens to enclose the temporary folder.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    plain = tmp_path / "plain"
    plain.mkdir()

    with pytest.raises(NotAGitRepositoryError, match="git init"):
        run_init(plain)

    assert list(plain.iterdir()) == []


def test_raises_config_error_naming_file_and_line_when_pyproject_is_invalid(
    tmp_path: Path,
) -> None:
    root = git_repo(tmp_path / "repo")
    broken = b'[project]\nname = "shop"\nversion = \n'
    (root / "pyproject.toml").write_bytes(broken)

    with pytest.raises(ConfigError, match=r"pyproject\.toml:3: is not valid TOML"):
        run_init(root)

    assert (root / "pyproject.toml").read_bytes() == broken
    assert not (root / "docs").exists()


def test_raises_config_error_and_leaves_file_untouched_when_tool_is_not_a_table(
    tmp_path: Path,
) -> None:
    root = git_repo(tmp_path / "repo")
    content = b'[project]\nname = "x"\n\n[tool]\nbackdev = "yes"\n'
    (root / "pyproject.toml").write_bytes(content)

    with pytest.raises(ConfigError, match=r"pyproject\.toml:5: `tool\.backdev` is not a table"):
        run_init(root)

    assert (root / "pyproject.toml").read_bytes() == content


def test_refuses_a_table_path_outside_the_repository_when_principles_points_there(
    tmp_path: Path,
) -> None:
    root = git_repo(tmp_path / "repo")
    (root / "pyproject.toml").write_text(
        '[tool.backdev]\nprinciples = "../elsewhere/principles.md"\n', encoding="utf-8"
    )

    with pytest.raises(ConfigError, match="outside the repository"):
        run_init(root)

    assert not (tmp_path / "elsewhere").exists()


def test_extends_an_inline_tool_table_when_pyproject_uses_one(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo")
    (root / "pyproject.toml").write_text("tool = {ruff = {line-length = 99}}\n", encoding="utf-8")

    run_init(root)

    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert data == {"tool": {"ruff": {"line-length": 99}, "backdev": EXPECTED_TABLE}}


def test_keeps_windows_line_ends_and_byte_order_mark_when_pyproject_has_them(
    tmp_path: Path,
) -> None:
    root = git_repo(tmp_path / "repo")
    original = b'\xef\xbb\xbf[project]\r\nname = "shop"\r\n'
    (root / "pyproject.toml").write_bytes(original)

    run_init(root)

    data = (root / "pyproject.toml").read_bytes()
    assert data.startswith(original + b"\r\n[tool.backdev]\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert tomllib.loads(data.decode("utf-8-sig"))["tool"]["backdev"] == EXPECTED_TABLE


def test_raises_backdev_error_when_a_folder_to_write_into_is_a_file(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo")
    (root / "docs").write_text("not a folder", encoding="utf-8")

    with pytest.raises(BackdevError, match="cannot be written"):
        run_init(root)

    assert (root / "docs").read_text(encoding="utf-8") == "not a folder"


LAYOUTS: dict[str, tuple[str, ...]] = {
    "empty": (),
    "src": (
        "src/shop/__init__.py",
        "src/shop/api/__init__.py",
        "src/shop/domain.py",
        "src/shop/db.py",
    ),
    "flat": ("blog/__init__.py", "blog/views.py", "blog/models.py"),
    "unrecognised": ("src/tool/__init__.py", "src/tool/things.py"),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_lint_parsers_accept_every_spec_written_when_layout_is(tmp_path: Path, layout: str) -> None:
    root = git_repo(tmp_path / "repo")
    touch(root, *LAYOUTS[layout])
    run_init(root)

    feature = FeatureFileParser().parse(root / FEATURE_EXAMPLE, FEATURE_EXAMPLE)
    principles = MarkdownPrinciplesParser().parse(root / DEFAULT_PRINCIPLES, DEFAULT_PRINCIPLES)
    dod = MarkdownDodParser().parse(root / DEFAULT_DOD, DEFAULT_DOD)
    config = PyprojectConfigSource().load(root)

    assert feature.problems == ()
    assert principles.problems == ()
    assert dod.problems == ()
    assert config.problems == ()
    assert [feature.ok, principles.ok, dod.ok, config.ok] == [True, True, True, True]
    assert feature.value is not None
    assert feature.value.status == "draft"
    assert [c.id for c in feature.value.criteria] == ["AC-1", "AC-2", "AC-3"]
    assert dod.value is not None
    assert {item.gate for item in dod.value.items} >= {"acceptance", "coverage", "checks"}
    assert config.value is not None
    assert config.value.source == "pyproject.toml"


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_lint_reports_no_problem_when_run_with_defaults_after_init(
    tmp_path: Path, layout: str
) -> None:
    root = git_repo(tmp_path / "repo")
    touch(root, *LAYOUTS[layout])
    run_init(root)

    report = lint_specs(real_lint_parsers(root), [])

    assert report.problems == ()
    assert {(f.path, f.kind) for f in report.checked} == {
        ("pyproject.toml", "config"),
        (FEATURE_EXAMPLE, "feature"),
        (DEFAULT_PRINCIPLES, "principles"),
        (DEFAULT_DOD, "dod"),
    }


def test_lint_reports_no_problem_when_given_the_docs_folder_init_wrote(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo")
    run_init(root)

    report = lint_specs(real_lint_parsers(root), [root / "docs"])

    assert report.problems == ()
    assert set(report.skipped) == set(PLAYBOOKS)
