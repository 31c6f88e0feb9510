"""Settings every test shares."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_hypothesis_in_child_test_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample projects' own test runs load no hypothesis plugin.

    Those projects run under backdev's development interpreter, which has hypothesis
    installed for our property tests; its pytest plugin would add about a second and a
    half to every test run of a project that never uses it. Our own run is unaffected:
    it read its options before this fixture runs.
    """
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:hypothesispytest")
