"""Shared parsing for the gates of one check, and the size gate's tree comparison."""

from __future__ import annotations

import ast
from concurrent.futures import ThreadPoolExecutor

import pytest

from backdev.application.python_syntax import SyntaxTrees
from backdev.gates.size.churn import _same_tree

PAIRS = [
    ("x = (1 +\n  2)\n", "x = 1 + 2\n"),
    ("call(a, b,)\n", "call(\n    a,\n    b,\n)\n"),
    ("s = 'q'\n", 's = "q"\n'),
    ("n = 0x10\n", "n = 16\n"),
    ("n = 1\n", "n = 1.0\n"),
    ("flag = 1\n", "flag = True\n"),
    ("def f(a):\n    return a\n", "def f(a):\n    return a\n\n\ndef g():\n    pass\n"),
    ("def f(a):\n    x = 1\n    return a\n", "def f(a):\n    x = 2\n    return a\n"),
    ("for i in y:\n    pass\n", "async def f():\n    async for i in y:\n        pass\n"),
    ("x = f'{a!r}'\n", "x = f'{a!s}'\n"),
    ("u = u'text'\n", "u = 'text'\n"),
    ("import a.b as c\n", "import a.b as d\n"),
]


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_same_tree_agrees_with_comparing_dumps_when_programs_differ_or_not(
    first: str, second: str
) -> None:
    one, two = ast.parse(first), ast.parse(second)

    assert _same_tree(one, two) == (ast.dump(one) == ast.dump(two))
    assert _same_tree(one, one)


def test_parses_each_text_once_when_gates_ask_concurrently() -> None:
    trees = SyntaxTrees()
    text = "def f():\n    return 1\n" * 200

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(trees.parse, [text] * 8))

    assert all(tree is results[0] for tree in results)
    assert trees.parse("x = 1\n") is not results[0]


def test_raises_the_syntax_error_every_time_when_a_text_does_not_parse() -> None:
    trees = SyntaxTrees()

    for _ in range(2):
        with pytest.raises(SyntaxError) as caught:
            trees.parse("def broken(:\n")
        assert caught.value.lineno == 1
