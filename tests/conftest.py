"""Shared fixtures: a private copy of the project's data to build in, and one built report.

Tests never write into the repository's data/, params/ or reports/: they copy the inputs into a
temporary workspace and point the workbook at it with WORKBOOK_ROOT.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from helpers.core.paths import REPO_ROOT

# No test may depend on how fast the machine is (CI runs on a busy 2-core machine): Hypothesis
# gets no per-example deadline and no health check that measures time. Every @settings in the
# suite inherits this profile; tests/test_suite_hygiene.py checks that none overrides it.
settings.register_profile("workbook", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("workbook")

# Builds in tests end their kernels with them (tests count processes; a test started from a
# terminal would otherwise leave warm kernels, ``warm_kernels``); tests of warm kernels set it.
os.environ["WORKBOOK_WARM_KERNELS"] = "0"


def copy_inputs(target: Path) -> Path:
    """A workspace with copies of data/ and params/ (notebooks and code stay in the repo)."""
    for name in ("data", "params"):
        shutil.copytree(REPO_ROOT / name, target / name)
    return target


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh copy of the inputs, active as the workbook's project root."""
    root = copy_inputs(tmp_path / "ws")
    monkeypatch.setenv("WORKBOOK_ROOT", str(root))
    yield root


def build_once(tmp_path_factory: pytest.TempPathFactory, unit: str) -> Path:
    """Build one unit's 2016 report in a private copy of the inputs, with real kernels."""
    import os

    from helpers.core.paths import Project

    root = copy_inputs(tmp_path_factory.mktemp("built") / "ws")
    previous = os.environ.get("WORKBOOK_ROOT")
    os.environ["WORKBOOK_ROOT"] = str(root)
    try:
        from helpers.building.build import build

        results = build(2016, unit, Project(root))
        assert all(not r.failures for r in results), [r.failures for r in results]
    finally:
        if previous is None:
            os.environ.pop("WORKBOOK_ROOT", None)
        else:
            os.environ["WORKBOOK_ROOT"] = previous
    return Project(root).report_file(2016, unit)


@pytest.fixture(scope="session")
def built_klk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The KLK 2016 report, built once per test session with real kernels; its path."""
    return build_once(tmp_path_factory, "klk")


@pytest.fixture(scope="session")
def built_von(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The invented Vård- och omsorgsnämnd's 2016 report, built once per session; its path."""
    return build_once(tmp_path_factory, "von")


@pytest.fixture(scope="session")
def built_year(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 (a Project)
    """Every report of 2016 as ``make report`` builds it — each unit (the invented example too)
    for helår and delår, and the kommun's consolidated reports — in a private copy of the
    inputs, once per session; its ``Project``. Tests copy it before changing anything."""
    import os

    from helpers.building.build import build_years
    from helpers.core.paths import YEAR_END, Project

    root = copy_inputs(tmp_path_factory.mktemp("year") / "ws")
    previous = os.environ.get("WORKBOOK_ROOT")
    os.environ["WORKBOOK_ROOT"] = str(root)
    try:
        result = build_years([2016], project=Project(root), periods=[YEAR_END, "delar"],
                             consolidated=True)  # fmt: skip
    finally:
        if previous is None:
            os.environ.pop("WORKBOOK_ROOT", None)
        else:
            os.environ["WORKBOOK_ROOT"] = previous
    assert not result.failed, [(u.unit, u.period, u.failures) for u in result.units]
    from helpers.building.index_page import write_index

    write_index(Project(root))  # as `workbook build` does after the reports
    return Project(root)
