"""GitDiffSource on real git repositories: statuses, exact line numbers, revisions, errors."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from backdev.adapters.git_diff import GitDiffSource
from backdev.domain.changes import WORKTREE, ChangedFile, ChangeSet, Hunk
from backdev.domain.errors import ConfigError, NotAGitRepositoryError
from backdev.entrypoints.cli import main
from tests.gitrepo import GitRepo, make_repo

TEN = "".join(f"line {n}\n" for n in range(1, 11))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    return make_repo(tmp_path, monkeypatch)


def _change(repo: GitRepo, base: str | None = None, head: str | None = None) -> ChangeSet:
    return GitDiffSource(repo.root).change(base, head)


def _only(change: ChangeSet, path: str) -> ChangedFile:
    found = change.file(path)
    assert found is not None, f"{path} not in {[f.path for f in change.files]}"
    return found


def _shape(changed: ChangedFile) -> tuple[str, set[int], set[int]]:
    return changed.status, set(changed.added_lines), set(changed.removed_lines)


def _edit(text: str, replace: dict[int, str]) -> str:
    lines = text.splitlines(keepends=True)
    for number, new in replace.items():
        lines[number - 1] = new
    return "".join(lines)


# --- statuses and line numbers ------------------------------------------------------


def test_modified_lines_are_exact_when_lines_are_replaced_inserted_and_deleted(
    repo: GitRepo,
) -> None:
    repo.write("app.py", TEN)
    repo.write("untouched.py", TEN)
    base = repo.commit("base")
    lines = TEN.splitlines(keepends=True)
    lines[2] = "changed 3\n"  # line 3 replaced
    lines.insert(6, "inserted\n")  # new line 7
    del lines[9]  # old line 9 removed (old 10 becomes new 10)
    repo.write("app.py", "".join(lines))
    head = repo.commit("edit")

    change = _change(repo, base, head)

    changed = _only(change, "app.py")
    assert (changed.status, changed.old_path) == ("modified", "app.py")
    assert changed.added_lines == {3, 7}
    assert changed.removed_lines == {3, 9}
    assert changed.hunks == (Hunk(3, 1, 3, 1), Hunk(6, 0, 7, 1), Hunk(9, 1, 9, 0))
    assert change.file("untouched.py") is None
    assert (change.base, change.head) == (base, head)


def test_added_deleted_and_renamed_files_have_their_statuses_when_committed(
    repo: GitRepo,
) -> None:
    repo.write("gone.py", "a\nb\n")
    repo.write("old_name.py", "keep = True\n")
    repo.write("moved_and_edited.py", TEN)
    base = repo.commit("base")
    repo.write("new.py", "x = 1\ny = 2\n")
    repo.delete("gone.py")
    repo.move("old_name.py", "new_name.py")
    repo.move("moved_and_edited.py", "pkg/edited.py")
    repo.write("pkg/edited.py", _edit(TEN, {5: "five\n"}))
    head = repo.commit("shuffle")

    change = _change(repo, base, head)

    assert [(f.path, f.status, f.old_path) for f in change.files] == [
        ("gone.py", "deleted", "gone.py"),
        ("new.py", "added", None),
        ("new_name.py", "renamed", "old_name.py"),
        ("pkg/edited.py", "renamed", "moved_and_edited.py"),
    ]
    assert _only(change, "new.py").added_lines == {1, 2}
    assert _only(change, "gone.py").removed_lines == {1, 2}
    assert _only(change, "gone.py").added_lines == frozenset()
    assert _only(change, "new_name.py").changed_line_count == 0
    assert _only(change, "pkg/edited.py").added_lines == {5}
    assert _only(change, "pkg/edited.py").removed_lines == {5}


def test_binary_files_are_flagged_without_lines_when_added_or_modified(repo: GitRepo) -> None:
    repo.write("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x01")
    repo.write("text.txt", "plain\n")
    base = repo.commit("base")
    repo.write("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x02\n")
    repo.write("data.bin", b"\x00\x01\x02\nmore\n")
    repo.write("text.txt", "plain\nmore\n")
    head = repo.commit("binary")

    change = _change(repo, base, head)

    for path, status in (("logo.png", "modified"), ("data.bin", "added")):
        binary = _only(change, path)
        assert (binary.status, binary.binary, binary.changed_line_count) == (status, True, 0)
    assert _only(change, "text.txt").binary is False
    assert _only(change, "text.txt").added_lines == {2}


def test_non_utf8_lines_still_count_when_the_file_is_latin1(repo: GitRepo) -> None:
    repo.write("legacy.txt", "caf\xe9\n".encode("latin-1"))
    base = repo.commit("base")
    repo.write("legacy.txt", "caf\xe9\nna\xefve\n\xff\xfe\n".encode("latin-1"))

    change = _change(repo, base)

    changed = _only(change, "legacy.txt")
    assert _shape(changed) == ("modified", {2, 3}, set())
    assert changed.binary is False
    source = GitDiffSource(repo.root)
    assert source.read(WORKTREE, "legacy.txt") is None
    assert source.read(base, "legacy.txt") is None


def test_submodule_is_flagged_without_lines_when_its_commit_changes(repo: GitRepo) -> None:
    inner = GitRepo.init(repo.root / "vendor" / "lib")
    inner.write("lib.py", "v = 1\n")
    inner.commit("one")
    repo.write("app.py", "x = 1\n")
    repo.git("add", "app.py", "vendor/lib")
    base = repo.commit("base with a submodule", stage_all=False)
    inner.write("lib.py", "v = 2\n")
    inner.commit("two")

    change = _change(repo, base)

    sub = _only(change, "vendor/lib")
    assert (sub.status, sub.submodule, sub.changed_line_count) == ("modified", True, 0)
    assert change.file("app.py") is None


def test_every_line_counts_when_a_huge_file_is_added(repo: GitRepo) -> None:
    base = repo.commit("empty base")
    repo.write("big.csv", "".join(f"{n},value\n" for n in range(60_000)))

    change = _change(repo, base)

    assert _only(change, "big.csv").added_lines == frozenset(range(1, 60_001))


@pytest.mark.parametrize(
    "path",
    [
        "dir with space/file name.py",
        "ünï/cødé ✓.py",
        'say "hi".py',
        "back\\slash.py",
        "tab\there.py",
        "new\nline.py",
        os.fsdecode(b"latin1-\xe9.py"),
    ],
)
def test_path_is_exact_when_it_has_spaces_unicode_or_quotes(repo: GitRepo, path: str) -> None:
    repo.write("anchor.py", TEN)
    repo.write(path, "one\n")
    base = repo.commit("base")
    repo.write(path, "one\ntwo\n")
    repo.write(f"new {path}", "fresh\n")
    repo.write("anchor.py", _edit(TEN, {10: "ten\n"}))

    change = _change(repo, base)

    assert [f.path for f in change.files] == sorted(["anchor.py", path, f"new {path}"])
    assert _only(change, path).added_lines == {2}
    assert _only(change, f"new {path}").added_lines == {1}
    assert _only(change, "anchor.py").added_lines == {10}
    assert GitDiffSource(repo.root).read(base, path) == "one\n"


def test_change_is_empty_when_nothing_changed(repo: GitRepo) -> None:
    repo.write("app.py", TEN)
    base = repo.commit("base")

    change = _change(repo, base)

    assert change.is_empty
    assert (change.base, change.head, change.commits) == (base, WORKTREE, ())


def test_type_change_and_mode_change_are_reported_when_a_file_becomes_a_symlink(
    repo: GitRepo,
) -> None:
    repo.write("link", "was a file\n")
    repo.write("run.sh", "echo hi\n")
    repo.write("target.txt", "t\n")
    base = repo.commit("base")
    repo.delete("link")
    (repo.root / "link").symlink_to("target.txt")
    (repo.root / "run.sh").chmod(0o755)

    change = _change(repo, base)

    link = _only(change, "link")
    assert _shape(link) == ("type-changed", {1}, {1})
    mode = _only(change, "run.sh")
    assert (mode.status, mode.changed_line_count) == ("modified", 0)
    assert change.file("target.txt") is None


# --- the working tree -----------------------------------------------------------------


def test_staged_unstaged_and_untracked_changes_are_included_when_head_is_the_work_tree(
    repo: GitRepo,
) -> None:
    repo.write(".gitignore", "*.log\n.env\nbuild/\n")
    repo.write("staged.py", TEN)
    repo.write("unstaged.py", TEN)
    repo.write("both.py", TEN)
    base = repo.commit("base")
    repo.write("staged.py", _edit(TEN, {1: "staged\n"}))
    repo.write("both.py", _edit(TEN, {2: "staged\n"}))
    repo.git("add", "staged.py", "both.py")
    repo.write("unstaged.py", _edit(TEN, {3: "unstaged\n"}))
    repo.write("both.py", _edit(TEN, {2: "staged\n", 4: "unstaged\n"}))
    repo.write("src/new module.py", "a = 1\nb = 2\n")
    repo.write("intent.py", "i = 1\n")
    repo.git("add", "--intent-to-add", "intent.py")
    repo.write("debug.log", "ignored\n")
    repo.write(".env", "IGNORED=1\n")
    repo.write("build/out.py", "ignored = True\n")

    change = _change(repo, base)

    assert change.head == WORKTREE
    assert [f.path for f in change.files] == [
        "both.py",
        "intent.py",
        "src/new module.py",
        "staged.py",
        "unstaged.py",
    ]
    assert _shape(_only(change, "intent.py")) == ("added", {1}, set())
    assert _only(change, "staged.py").added_lines == {1}
    assert _only(change, "unstaged.py").added_lines == {3}
    assert _only(change, "both.py").added_lines == {2, 4}
    untracked = _only(change, "src/new module.py")
    assert _shape(untracked) == ("added", {1, 2}, set())
    assert untracked.hunks == (Hunk(0, 0, 1, 2),)


def test_untracked_binary_is_binary_when_it_has_nul_bytes_or_a_binary_attribute(
    repo: GitRepo,
) -> None:
    repo.write(".gitattributes", "*.dat binary\n")
    base = repo.commit("base")
    repo.write("blob.bin", b"\x00\x01\x02")
    repo.write("table.dat", "looks like text\n")
    repo.write("empty.txt", "")
    repo.write("no_newline.txt", "one\ntwo")
    (repo.root / "alias").symlink_to("no_newline.txt")

    change = _change(repo, base)

    assert _only(change, "blob.bin").binary is True
    assert _only(change, "table.dat").binary is True
    assert _shape(_only(change, "empty.txt")) == ("added", set(), set())
    assert _only(change, "empty.txt").binary is False
    assert _only(change, "no_newline.txt").added_lines == {1, 2}
    assert _shape(_only(change, "alias")) == ("added", {1}, set())


def test_untracked_nested_repository_is_a_submodule_when_not_yet_added(repo: GitRepo) -> None:
    base = repo.commit("base")
    GitRepo.init(repo.root / "nested").write("x.py", "x = 1\n")

    change = _change(repo, base)

    assert [(f.path, f.status, f.submodule) for f in change.files] == [("nested", "added", True)]


def test_file_removed_from_the_index_but_kept_is_modified_when_only_one_line_changed(
    repo: GitRepo,
) -> None:
    repo.write("kept.py", TEN)
    base = repo.commit("base")
    repo.git("rm", "--cached", "--quiet", "kept.py")
    repo.write("kept.py", _edit(TEN, {6: "six\n"}))

    change = _change(repo, base)

    kept = _only(change, "kept.py")
    assert _shape(kept) == ("modified", {6}, {6})


def test_touched_but_unchanged_file_is_absent_and_the_index_untouched_when_stat_is_stale(
    repo: GitRepo,
) -> None:
    repo.write("same.py", TEN)
    repo.write("edited.py", TEN)
    base = repo.commit("base")
    index = repo.root / ".git" / "index"
    before = hashlib.sha256(index.read_bytes()).hexdigest()
    repo.write("edited.py", _edit(TEN, {1: "one\n"}))
    # Same content, another mtime: the index's stat data for it is stale.
    os.utime(repo.root / "same.py", (1_000_000_000, 1_000_000_000))

    change = _change(repo, base)

    assert [f.path for f in change.files] == ["edited.py"]
    assert hashlib.sha256(index.read_bytes()).hexdigest() == before
    assert not (repo.root / ".git" / "index.lock").exists()


def test_hostile_user_config_is_ignored_when_diffing(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in {
        "diff.external": "false",
        "diff.noprefix": "true",
        "diff.relative": "true",
        "diff.renames": "copies",
        "diff.context": "5",
        "diff.interHunkContext": "10",
        "diff.submodule": "log",
        "color.ui": "always",
        "core.quotepath": "true",
    }.items():
        repo.git("config", key, value)
    monkeypatch.setenv("GIT_DIFF_OPTS", "--unified=7")
    repo.write("sub/app.py", TEN)
    base = repo.commit("base")
    repo.write("sub/app.py", _edit(TEN, {2: "two\n", 8: "eight\n"}))
    repo.write("sub/copy é.py", TEN)
    repo.git("add", "sub/copy é.py")  # staged, so copy detection would see it
    monkeypatch.chdir(repo.root / "sub")

    change = GitDiffSource(repo.root / "sub").change(base, None)

    assert _only(change, "sub/app.py").added_lines == {2, 8}
    assert _only(change, "sub/app.py").removed_lines == {2, 8}
    copy = _only(change, "sub/copy é.py")
    assert (copy.status, len(copy.added_lines)) == ("added", 10)


def test_crlf_lines_count_once_when_the_file_uses_windows_endings(repo: GitRepo) -> None:
    repo.write("win.txt", b"a\r\nb\r\n")
    base = repo.commit("base")
    repo.write("win.txt", b"a\r\nB\r\nc\r\n")

    change = _change(repo, base)

    assert _only(change, "win.txt").added_lines == {2, 3}
    assert _only(change, "win.txt").removed_lines == {2}


# --- revisions and commits -----------------------------------------------------------


def test_committed_range_lists_its_commits_oldest_first_with_trailers_when_head_is_given(
    repo: GitRepo,
) -> None:
    base = repo.commit("base")
    repo.write("a.py", "a = 1\n")
    first = repo.commit("Add a\n\nWhy we add it.\n\nFeature: FEAT-012\nCriterion: AC-1")
    repo.write("b.py", "b = 1\n")
    second = repo.commit("Add b\n\nJustification: billing needs the catalog")
    repo.write("later.py", "not in range\n")
    repo.commit("after the range")

    change = _change(repo, base, second)

    assert (change.base, change.head) == (base, second)
    assert [c.sha for c in change.commits] == [first, second]
    assert change.commits[0].message.startswith("Add a\n\nWhy we add it.")
    assert change.trailers("Feature") == ("FEAT-012",)
    assert change.trailers("Justification") == ("billing needs the catalog",)
    assert [f.path for f in change.files] == ["a.py", "b.py"]


def test_base_defaults_to_the_merge_base_when_on_a_feature_branch(repo: GitRepo) -> None:
    repo.write("app.py", TEN)
    fork = repo.commit("base")
    repo.git("switch", "--quiet", "-c", "feature")
    repo.write("feature.py", "f = 1\n")
    feature_commit = repo.commit("Feature work\n\nFeature: FEAT-7")
    repo.git("switch", "--quiet", "main")
    repo.write("main_only.py", "m = 1\n")
    repo.commit("moved on")
    repo.git("switch", "--quiet", "feature")
    repo.write("app.py", _edit(TEN, {4: "four\n"}))

    change = _change(repo)

    assert change.base == fork
    assert [f.path for f in change.files] == ["app.py", "feature.py"]
    assert [c.sha for c in change.commits] == [feature_commit]


def test_base_is_head_when_on_the_default_branch_tip_so_the_change_is_uncommitted_work(
    repo: GitRepo,
) -> None:
    repo.write("app.py", TEN)
    repo.commit("one")
    repo.write("app.py", _edit(TEN, {1: "uno\n"}))
    tip = repo.commit("two")
    repo.write("app.py", _edit(TEN, {1: "uno\n", 9: "nine\n"}))

    change = _change(repo)

    assert change.base == tip
    assert _only(change, "app.py").added_lines == {9}
    assert change.commits == ()


def test_base_follows_origin_head_when_the_remote_names_its_default_branch(
    repo: GitRepo,
) -> None:
    repo.write("app.py", TEN)
    trunk = repo.commit("base")
    repo.git("update-ref", "refs/remotes/origin/trunk", trunk)
    repo.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    repo.write("app.py", _edit(TEN, {2: "two\n"}))
    repo.commit("on main, after trunk")

    change = _change(repo)

    assert change.base == trunk
    assert _only(change, "app.py").added_lines == {2}


def test_base_falls_back_to_master_when_there_is_no_main(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch, branch="master")
    fork = repo.commit("base")
    repo.git("switch", "--quiet", "-c", "topic")
    repo.write("t.py", "t = 1\n")
    repo.commit("topic")

    assert _change(repo).base == fork


def test_error_names_the_branches_tried_when_there_is_no_default_branch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, monkeypatch, branch="develop")
    repo.commit("base")

    with pytest.raises(ConfigError, match=r"origin/HEAD, main, master.*--base"):
        _change(repo)


def test_paths_are_relative_to_the_top_when_run_from_a_subdirectory(repo: GitRepo) -> None:
    repo.write("pkg/mod.py", "a\n")
    base = repo.commit("base")
    repo.write("pkg/mod.py", "a\nb\n")
    repo.write("top.py", "t\n")

    change = GitDiffSource(repo.root / "pkg").change(base, None)

    assert [f.path for f in change.files] == ["pkg/mod.py", "top.py"]


# --- errors ---------------------------------------------------------------------------


def test_not_a_git_repository_error_when_the_directory_is_outside_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_repo(tmp_path, monkeypatch)  # isolates git; the plain directory is beside it
    plain = tmp_path / "plain"
    plain.mkdir()

    with pytest.raises(NotAGitRepositoryError, match=r"is not inside a git repository.*git init"):
        GitDiffSource(plain).change(None, None)


def test_config_error_when_the_repository_has_no_commits(repo: GitRepo) -> None:
    repo.write("app.py", "x = 1\n")

    with pytest.raises(ConfigError, match="no commits yet"):
        _change(repo)


@pytest.mark.parametrize(
    ("base", "head", "named"),
    [
        ("nope", None, "--base revision 'nope'"),
        ("HEAD", "v9.9", "--head revision 'v9.9'"),
        ("--all", None, "--base revision '--all'"),
    ],
)
def test_config_error_names_the_revision_when_it_is_unknown(
    repo: GitRepo, base: str, head: str | None, named: str
) -> None:
    repo.commit("base")

    with pytest.raises(ConfigError, match=named):
        _change(repo, base, head)


def test_config_error_asks_to_fetch_more_history_when_a_shallow_clone_lacks_the_base(
    repo: GitRepo, tmp_path: Path
) -> None:
    repo.write("app.py", "x = 1\n")
    old = repo.commit("old")
    repo.write("app.py", "x = 2\n")
    repo.commit("new")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", "--depth", "1", f"file://{repo.root}", str(clone)],
        check=True,
        capture_output=True,
    )

    with pytest.raises(ConfigError, match=r"shallow clone.*git fetch --unshallow.*fetch-depth: 0"):
        GitDiffSource(clone).change(old, None)
    assert GitDiffSource(clone).change("HEAD", None).is_empty


# --- reading files --------------------------------------------------------------------


def test_read_returns_each_revisions_text_when_the_file_exists_there(repo: GitRepo) -> None:
    repo.write("app.py", "v = 1\n")
    repo.write("other.py", "o = 1\n")
    base = repo.commit("base")
    repo.write("app.py", "v = 2\n")
    head = repo.commit("head")
    repo.write("app.py", "v = 3\n")
    source = GitDiffSource(repo.root)
    source.change(base, head)

    assert source.read(base, "app.py") == "v = 1\n"
    assert source.read(head, "app.py") == "v = 2\n"
    assert source.read(WORKTREE, "app.py") == "v = 3\n"
    assert source.read(head, "other.py") == "o = 1\n"


def test_read_returns_none_when_the_file_is_missing_binary_or_outside(repo: GitRepo) -> None:
    repo.write("gone.py", "g = 1\n")
    repo.write("img.bin", b"\x00\x01")
    repo.write("pkg/__init__.py", "")
    base = repo.commit("base")
    repo.delete("gone.py")
    source = GitDiffSource(repo.root)
    source.change(base, None)

    assert source.read(WORKTREE, "gone.py") is None
    assert source.read(base, "gone.py") == "g = 1\n"
    assert source.read(base, "new.py") is None
    assert source.read(base, "img.bin") is None
    assert source.read(WORKTREE, "img.bin") is None
    assert source.read(base, "pkg") is None
    assert source.read(WORKTREE, "pkg") is None
    assert source.read(WORKTREE, "../outside.py") is None
    assert source.read("0" * 40, "gone.py") is None
    assert source.read(base, "pkg/__init__.py") == ""


def test_read_drops_the_byte_order_mark_when_a_file_starts_with_one(repo: GitRepo) -> None:
    repo.write("bom.py", b"\xef\xbb\xbfx = 1\n")
    base = repo.commit("base")
    source = GitDiffSource(repo.root)

    assert source.read(base, "bom.py") == "x = 1\n"
    assert source.read(WORKTREE, "bom.py") == "x = 1\n"


def test_reads_agree_when_gates_ask_from_many_threads_at_once(repo: GitRepo) -> None:
    for n in range(40):
        repo.write(f"pkg/m{n}.py", f"n = {n}\n")
    base = repo.commit("base")
    for n in range(40):
        repo.write(f"pkg/m{n}.py", f"n = {n + 100}\n")
    head = repo.commit("head")
    source = GitDiffSource(repo.root)
    source.change(base, head)
    asks = [(rev, n) for n in range(40) for rev in (base, head, WORKTREE)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        texts = list(pool.map(lambda ask: source.read(ask[0], f"pkg/m{ask[1]}.py"), asks))

    expected = [f"n = {n if rev == base else n + 100}\n" for rev, n in asks]
    assert texts == expected


# --- through the command line -----------------------------------------------------------


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_report_names_the_merge_base_and_work_tree_when_run_on_a_feature_branch(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("app.py", "x = 1\n")
    fork = repo.commit("base")
    repo.git("switch", "--quiet", "-c", "feature")
    repo.write("app.py", "x = 1\ny = 2\n")
    head = repo.commit("feature work")
    repo.write("notes.txt", "uncommitted\n")
    monkeypatch.chdir(repo.root)

    code, out, _ = _cli(["check", "--gates", "size", "--format", "json"], capsys)
    committed, committed_out, _ = _cli(
        ["check", "--base", fork, "--head", "HEAD", "--gates", "size", "--format", "json"], capsys
    )

    assert (code, committed) == (0, 0)
    assert (json.loads(out)["base"], json.loads(out)["head"]) == (fork, WORKTREE)
    assert (json.loads(committed_out)["base"], json.loads(committed_out)["head"]) == (fork, head)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base", "no-such-branch"], "--base revision 'no-such-branch'"),
        (["--head", "v0.0.0"], "--head revision 'v0.0.0'"),
    ],
)
def test_cli_exits_2_naming_the_revision_when_it_is_unknown(
    repo: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    repo.commit("base")
    monkeypatch.chdir(repo.root)

    code, out, err = _cli(["check", *args, "--format", "json"], capsys)

    assert (code, out) == (2, "")
    assert message in " ".join(err.split())


def test_cli_exits_2_when_run_outside_a_git_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_repo(tmp_path, monkeypatch)
    plain = tmp_path / "plain"
    plain.mkdir()
    monkeypatch.chdir(plain)

    code, out, err = _cli(["check", "--format", "json"], capsys)

    assert (code, out) == (2, "")
    assert "is not inside a git repository" in " ".join(err.split())


def test_a_same_size_edit_with_the_recorded_mtime_is_seen_when_git_deems_it_racy(
    repo: GitRepo,
) -> None:
    path = repo.root / "cart.py"
    repo.write("cart.py", "total = 3\n")
    old = path.stat().st_mtime_ns - 10_000_000_000
    os.utime(path, ns=(old, old))
    base = repo.commit("base")
    path.write_text("total = 4\n")
    # The edit keeps the size and the mtime the index recorded, and the index carries
    # that same instant: a "racily clean" entry, which git re-reads by content. A copy of
    # the index with a newer mtime would make git trust the stat data and miss the edit.
    os.utime(path, ns=(old, old))
    os.utime(repo.root / ".git" / "index", ns=(old, old))

    change = _change(repo, base)

    assert _shape(_only(change, "cart.py")) == ("modified", {1}, {1})


def test_the_work_tree_is_read_afresh_when_a_long_lived_source_checks_again(
    repo: GitRepo,
) -> None:
    repo.write("src/app.py", "x = 1\n")
    base = repo.commit("base")
    source = GitDiffSource(repo.root)
    repo.write("src/app.py", "x = 2\n")
    source.change(base, None)
    assert source.read(WORKTREE, "src/app.py") == "x = 2\n"

    repo.write("src/app.py", "x = 3\n")  # the next attempt of an agent's step
    source.change(base, None)

    assert source.read(WORKTREE, "src/app.py") == "x = 3\n"
