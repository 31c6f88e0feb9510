"""Units of logic: what counts as changed, and that reading a text twice gives the same answer."""

from __future__ import annotations

from backdev.gates.tests.logic import MODULE, changed_units, logic_units

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
