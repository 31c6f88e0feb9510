"""Units of logic: what counts as changed, and that reading a text twice gives the same answer."""

from __future__ import annotations

import ast

from backdev.application.python_syntax import SyntaxTrees
from backdev.gates.tests.logic import MODULE, MovedUnits, changed_units, logic_units

BASE = '''"""A module."""

import os

LIMIT = 3


def area(w, h):
    """The area."""
    return w * h


class Shape:
    sides = 4

    def scale(self, k):
        return k * self.sides
'''


def test_units_are_functions_methods_class_bodies_and_module_statements_when_read() -> None:
    assert set(logic_units(BASE)) == {MODULE, "area", "Shape", "Shape.scale"}


def test_each_reading_gets_its_own_mapping_when_the_same_text_is_read_twice() -> None:
    first = logic_units(BASE)
    first.pop("area")

    again = logic_units(BASE)

    assert "area" in again
    assert again == logic_units(BASE)


def test_only_the_unit_whose_logic_changed_is_reported_when_a_docstring_and_a_body_change() -> None:
    head = BASE.replace('"""The area."""', '"""The area, in square units."""').replace(
        "return k * self.sides", "return k * self.sides + 1"
    )

    assert changed_units(BASE, head) == ("Shape.scale",)


def test_the_shared_trees_are_left_as_parsed_when_units_are_compared() -> None:
    trees = SyntaxTrees()
    head = BASE.replace("return w * h", "return w * h * 1")

    assert changed_units(BASE, head, parse=trees.parse) == ("area",)

    area = trees.parse(head).body[3]
    assert isinstance(area, ast.FunctionDef)
    assert ast.get_docstring(area) == "The area."
    assert ast.dump(trees.parse(BASE)) == ast.dump(ast.parse(BASE))


def test_no_unit_changes_when_only_annotations_and_docstrings_change() -> None:
    head = BASE.replace("def area(w, h):", "def area(w: int, h: int) -> int:").replace(
        '"""The area."""', '"""The area of a rectangle."""'
    )

    assert changed_units(BASE, head) == ()


def test_a_function_moved_from_another_changed_module_is_not_a_change() -> None:
    other = "def perimeter(w, h):\n    return 2 * (w + h)\n"
    head = BASE + "\n\n" + other

    moved = changed_units(BASE, head, MovedUnits([other]))
    renamed = changed_units(BASE, head, MovedUnits([other.replace("perimeter", "edge")]))

    assert moved == ()
    assert renamed == ("perimeter",)
