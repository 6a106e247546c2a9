"""The suite itself: no test depends on how fast the machine is.

CI runs on a busy 2-core machine. A Hypothesis deadline (200 ms per example by default) or its
``too_slow`` health check fails a correct test when the machine is loaded, so every property
test runs with neither (``conftest.py`` loads that profile; a test's own ``@settings`` inherits
it unless it overrides them, which this test catches).
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

TESTS = Path(__file__).parent


def property_tests() -> list[tuple[str, object]]:
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    found = []
    for path in sorted(TESTS.glob("test_*.py")):
        module = importlib.import_module(path.stem)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("test_") and hasattr(function, "hypothesis"):
                found.append((f"{path.stem}::{name}", function))
    return found


def test_there_are_property_tests_to_check() -> None:
    assert len(property_tests()) >= 10


@pytest.mark.parametrize(("name", "function"), property_tests(), ids=lambda v: str(v)[:60])
def test_no_property_test_has_a_deadline_or_a_timing_health_check(name: str, function) -> None:
    own = getattr(function, "_hypothesis_internal_use_settings", settings.default)
    assert own.deadline is None, f"{name}: deadline={own.deadline}"
    assert HealthCheck.too_slow in own.suppress_health_check, name


def test_the_longest_modules_named_for_scheduling_exist() -> None:
    """conftest.LONGEST_FIRST orders the modules for xdist: a renamed module must be renamed
    there too (otherwise it silently loses its place)."""
    from conftest import LONGEST_FIRST

    modules = {path.stem for path in TESTS.glob("test_*.py")}
    assert [name for name in LONGEST_FIRST if name not in modules] == []
    assert len(set(LONGEST_FIRST)) == len(LONGEST_FIRST)


def test_test_modules_import_each_other_by_their_own_name() -> None:
    """``from conftest import …``, never ``from tests.conftest import …``: pytest imports the
    test folder's modules by their own names (rootdir-relative, ``tests/`` on ``sys.path``), so
    ``tests.conftest`` would be a second copy of the module — with module state of its own —
    and would not import at all under a plain ``pytest`` (no ``tests`` package on the path)."""
    import re

    wrong = [
        f"{path.name}:{number}"
        for path in sorted(TESTS.glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.match(r"\s*(from|import)\s+tests[.\s]", line)
    ]
    assert wrong == []
