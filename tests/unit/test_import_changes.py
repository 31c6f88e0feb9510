"""When may a change alter the import graph? Only then are graphs worth building."""

from __future__ import annotations

import pytest

from backdev.application.import_changes import imports_may_have_changed
from tests.fakes.check import changed_file, make_context

BEFORE = "import os\nfrom shop import domain\n\n\ndef f():\n    return 1\n"


def _context(after: str, status: str = "modified") -> bool:
    changed = changed_file("src/shop/api.py", after, status=status, added=[6])  # type: ignore[arg-type]
    context = make_context(
        {"src/shop/api.py": after}, changed=[changed], base_files={"src/shop/api.py": BEFORE}
    )
    return imports_may_have_changed(context)


def test_the_graph_is_unchanged_when_only_a_function_body_changes() -> None:
    assert not _context(BEFORE.replace("return 1", "return 2"))


def test_the_graph_is_unchanged_when_imports_are_only_reordered() -> None:
    assert not _context("from shop import domain\nimport os\n\n\ndef f():\n    return 2\n")


def test_the_graph_may_change_when_an_import_is_added_inside_a_function() -> None:
    assert _context(BEFORE.replace("    return 1", "    from shop import adapters\n    return 1"))


@pytest.mark.parametrize(
    "block",
    [
        "class C:\n    from shop import adapters\n",
        "try:\n    pass\nexcept ImportError:\n    from shop import adapters\n",
        "try:\n    pass\nfinally:\n    from shop import adapters\n",
        "for x in ():\n    pass\nelse:\n    from shop import adapters\n",
        "with open('x'):\n    import shop.adapters\n",
        "match 1:\n    case 1:\n        from shop import adapters\n",
        "if True:\n    pass\nelif False:\n    while True:\n        import shop.adapters\n",
    ],
)
def test_the_graph_may_change_when_an_import_is_added_in_a_nested_block(block: str) -> None:
    assert _context(BEFORE + block)


def test_the_graph_may_change_when_a_module_is_added() -> None:
    assert _context(BEFORE, status="added")


def test_the_graph_may_change_when_the_new_text_cannot_be_parsed() -> None:
    assert _context(BEFORE + "def broken(:\n")


def test_the_graph_is_unchanged_when_no_python_file_changed() -> None:
    context = make_context({"README.md": "# hi\n"})

    assert not imports_may_have_changed(context)
