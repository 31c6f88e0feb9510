"""The workspace's path boundary and file access on a real repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backdev.adapters.workspace import MAX_READ_BYTES, LocalWorkspace
from backdev.application.agent_ports import PathRefused
from tests.gitrepo import GitRepo, make_repo


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """A committed repository, an ignored `.env` and `data/`, and a secret outside it."""
    repo = make_repo(tmp_path, monkeypatch)
    repo.write(".gitignore", ".env\ndata/\n")
    repo.write("src/app.py", "x = 1\n")
    repo.write("src/pkg/mod.py", "y = 2\n")
    repo.write("docs/readme.md", "# Docs\n")
    repo.commit("base")
    repo.write(".env", "API_TOKEN=" + "t" * 24 + "\n")
    repo.write("data/local.csv", "a,b\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("not yours\n", encoding="utf-8")
    return repo


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("src/app.py", "src/app.py"),
        ("./src//pkg/./mod.py", "src/pkg/mod.py"),
        ("src/pkg/../app.py", "src/app.py"),
        ("src/", "src"),
        (".", "."),
        ("src/new/not_yet.py", "src/new/not_yet.py"),
    ],
)
def test_normalises_the_path_when_it_stays_in_the_repository(
    repo: GitRepo, given: str, expected: str
) -> None:
    assert LocalWorkspace(repo.root).resolve(given) == expected


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("", "the path is empty"),
        ("   ", "the path is empty"),
        ("src/a\0.py", "contains a NUL byte"),
        ("/etc/passwd", "is absolute"),
        ("C:/Windows/win.ini", "is absolute"),
        ("../outside/secret.txt", "leaves the repository"),
        ("src/../../outside/secret.txt", "leaves the repository"),
        (".git/config", r"inside \.git/"),
        ("src/../.git/hooks/pre-commit", r"inside \.git/"),
        (".GIT/config", r"inside \.GIT/"),
        (".backdev/runs.sqlite3", r"inside \.backdev/"),
        ("vendor/lib/.git/config", r"inside \.git/"),
    ],
)
def test_refuses_the_path_when_it_is_not_a_plain_path_in_the_repository(
    repo: GitRepo, given: str, reason: str
) -> None:
    with pytest.raises(PathRefused, match=reason):
        LocalWorkspace(repo.root).resolve(given)


def test_refuses_a_symlinked_file_when_it_points_outside(repo: GitRepo, tmp_path: Path) -> None:
    (repo.root / "src/leak.txt").symlink_to(tmp_path / "outside" / "secret.txt")
    workspace = LocalWorkspace(repo.root)

    for call in (workspace.resolve, workspace.read, workspace.is_file):
        with pytest.raises(PathRefused, match=r"symlink .* leaves the repository"):
            call("src/leak.txt")
    with pytest.raises(PathRefused, match="leaves the repository"):
        workspace.write("src/leak.txt", "overwritten\n")
    assert (tmp_path / "outside" / "secret.txt").read_text() == "not yours\n"


def test_refuses_paths_below_a_symlinked_dir_when_it_points_outside(
    repo: GitRepo, tmp_path: Path
) -> None:
    (repo.root / "src/linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    workspace = LocalWorkspace(repo.root)

    with pytest.raises(PathRefused, match="leaves the repository"):
        workspace.read("src/linked/secret.txt")
    with pytest.raises(PathRefused, match="leaves the repository"):
        workspace.write("src/linked/planted.py", "x = 1\n")
    assert not (tmp_path / "outside" / "planted.py").exists()


def test_refuses_a_dangling_symlink_when_its_target_would_be_outside(
    repo: GitRepo, tmp_path: Path
) -> None:
    (repo.root / "src/later.py").symlink_to(tmp_path / "outside" / "not_there.py")

    with pytest.raises(PathRefused, match="leaves the repository"):
        LocalWorkspace(repo.root).write("src/later.py", "x = 1\n")
    assert not (tmp_path / "outside" / "not_there.py").exists()


def test_refuses_a_symlink_when_it_leads_into_git(repo: GitRepo) -> None:
    (repo.root / "config-link").symlink_to(".git/config")

    with pytest.raises(PathRefused, match=r"leads into \.git/"):
        LocalWorkspace(repo.root).read("config-link")


def test_follows_a_symlink_when_it_stays_in_the_repository(repo: GitRepo) -> None:
    (repo.root / "latest").symlink_to("src", target_is_directory=True)
    workspace = LocalWorkspace(repo.root)

    assert workspace.resolve("latest/app.py") == "latest/app.py"
    assert workspace.read("latest/app.py") == "x = 1\n"


def test_says_ignored_files_are_ignored_when_git_ignores_them(repo: GitRepo) -> None:
    workspace = LocalWorkspace(repo.root)

    assert workspace.is_ignored(".env")
    assert workspace.is_ignored("data/local.csv")
    assert workspace.is_ignored("data/not_yet.csv")
    assert not workspace.is_ignored("src/app.py")
    assert not workspace.is_ignored("src/new.py")
    assert not workspace.is_ignored(".")


def test_treats_a_tracked_file_as_not_ignored_when_gitignore_matches_it(repo: GitRepo) -> None:
    repo.write("settings.local", "debug = true\n")
    repo.commit("track it")
    repo.write(".gitignore", ".env\ndata/\n*.local\n")

    workspace = LocalWorkspace(repo.root)

    assert not workspace.is_ignored("settings.local")
    assert workspace.is_ignored("other.local")


def test_treats_a_symlink_as_ignored_when_it_leads_to_an_ignored_file(repo: GitRepo) -> None:
    (repo.root / "env-link").symlink_to(".env")
    (repo.root / "data-link").symlink_to("data", target_is_directory=True)
    repo.commit("links")
    workspace = LocalWorkspace(repo.root)

    assert workspace.is_ignored("env-link")
    assert workspace.is_ignored("data-link/local.csv")


def test_neither_lists_nor_reads_a_link_when_it_leads_to_an_ignored_file(repo: GitRepo) -> None:
    (repo.root / "env-link").symlink_to(".env")
    repo.commit("a link to the ignored .env")
    workspace = LocalWorkspace(repo.root)

    assert "env-link" not in workspace.files()
    with pytest.raises(PathRefused, match="leads to a file git ignores"):
        workspace.read("env-link")


def test_reads_utf8_text_exactly_when_the_file_is_text(repo: GitRepo) -> None:
    repo.write("src/crlf.py", "a = 'ü'\r\nb = 2\r\n".encode())

    assert LocalWorkspace(repo.root).read("src/crlf.py") == "a = 'ü'\r\nb = 2\r\n"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "is a binary file"),
        (b"caf\xe9 au lait\n", r"is not UTF-8 text \(byte 3"),
    ],
)
def test_refuses_to_read_the_file_when_it_is_not_utf8_text(
    repo: GitRepo, content: bytes, reason: str
) -> None:
    repo.write("assets/file.bin", content)

    with pytest.raises(PathRefused, match=reason):
        LocalWorkspace(repo.root).read("assets/file.bin")


def test_refuses_to_read_the_file_when_it_is_missing_a_directory_or_huge(repo: GitRepo) -> None:
    repo.write("data.json", "[" + "0," * (MAX_READ_BYTES // 2) + "0]\n")
    workspace = LocalWorkspace(repo.root)

    with pytest.raises(PathRefused, match=r"src/nope\.py is not an existing file"):
        workspace.read("src/nope.py")
    with pytest.raises(PathRefused, match="src is a directory"):
        workspace.read("src")
    with pytest.raises(PathRefused, match=rf"data\.json is \d+ bytes; .* at most {MAX_READ_BYTES}"):
        workspace.read("data.json")


def test_writes_the_text_and_its_parents_when_the_file_is_new(repo: GitRepo) -> None:
    workspace = LocalWorkspace(repo.root)

    workspace.write("src/accounts/reset.py", "TOKEN_MINUTES = 30\r\n# ü\n")

    assert (
        repo.root / "src/accounts/reset.py"
    ).read_bytes() == "TOKEN_MINUTES = 30\r\n# ü\n".encode()
    assert workspace.is_file("src/accounts/reset.py")
    assert workspace.is_dir("src/accounts")
    assert workspace.is_dir(".")


def test_refuses_to_write_the_path_when_it_is_a_directory_or_below_a_file(repo: GitRepo) -> None:
    workspace = LocalWorkspace(repo.root)

    with pytest.raises(PathRefused, match="src is a directory"):
        workspace.write("src", "x\n")
    with pytest.raises(PathRefused, match=r"cannot write src/app\.py/inner\.py"):
        workspace.write("src/app.py/inner.py", "x\n")
    assert (repo.root / "src/app.py").read_text() == "x = 1\n"


def test_lists_tracked_and_new_files_but_not_ignored_or_deleted_when_listing(
    repo: GitRepo,
) -> None:
    repo.write("src/new.py", "n = 1\n")
    repo.write("src/[weird]*.py", "w = 1\n")
    repo.delete("docs/readme.md")
    nested = GitRepo.init(repo.root / "vendor" / "nested")
    nested.write("lib.py", "z = 1\n")
    workspace = LocalWorkspace(repo.root)

    assert workspace.files() == [
        ".gitignore",
        "src/[weird]*.py",
        "src/app.py",
        "src/new.py",
        "src/pkg/mod.py",
    ]
    assert workspace.files("src/pkg") == ["src/pkg/mod.py"]
    assert workspace.files("src/[weird]*.py") == ["src/[weird]*.py"]
    assert workspace.files("docs") == []


def test_refuses_to_list_the_directory_when_it_is_outside_the_repository(repo: GitRepo) -> None:
    with pytest.raises(PathRefused, match="leaves the repository"):
        LocalWorkspace(repo.root).files("..")


def test_keeps_the_path_refusal_when_the_process_runs_elsewhere(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path / "outside")
    workspace = LocalWorkspace(repo.root)

    assert workspace.read("src/app.py") == "x = 1\n"
    with pytest.raises(PathRefused, match="leaves the repository"):
        workspace.read("../outside/secret.txt")
    assert os.path.exists("secret.txt")
