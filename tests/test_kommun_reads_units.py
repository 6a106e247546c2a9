"""The consolidated report is built from every unit's data, so a unit's bad data is the kommun
report's problem too: ``validate --unit kommun``, ``klar --unit kommun`` and ``build --unit
kommun`` refuse alike (exit 2), before anything runs — a fresh user had the kommun report pass
validate, get signed off, and then fail its build with exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_klar_refuses_bad_data import edit_cell, run, sections, validate_problems

from helpers import cli
from helpers.core.paths import CONSOLIDATED, Project
from helpers.data.params import units_of_year
from helpers.data.signoff import signoff_file

YEAR = 2016


@pytest.fixture
def broken_unit(workspace: Path) -> tuple[str, str]:
    """A number cell of one unit's drift.csv made text: that file and where (``rad N, kolumn
    C``)."""
    project = Project(workspace)
    unit = next(u for u in units_of_year(YEAR, project) if (project.unit_data(YEAR, u) /
                "drift.csv").is_file())  # fmt: skip
    table = project.unit_data(YEAR, unit) / "drift.csv"
    where = edit_cell(table, 3, "utfall", "abc")
    return table.relative_to(workspace).as_posix(), where


def test_validate_and_klar_name_the_units_problem_for_the_kommun_report(
    workspace: Path, broken_unit: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    shown, where = broken_unit
    chosen = ["--year", str(YEAR), "--unit", CONSOLIDATED, "--period", "helar"]
    expected = validate_problems(chosen, capsys)
    assert any(shown in p and where in p for p in expected), expected
    first = sections(Project(workspace), CONSOLIDATED)[0]
    argv = ["klar", "--year", str(YEAR), "--unit", CONSOLIDATED, first, "--status", "godkänd"]
    code, _, err = run(argv, capsys)
    assert code == cli.EXIT_BAD_INPUT and shown in err
    assert not signoff_file(Project(workspace), YEAR, CONSOLIDATED).exists()


def test_build_of_the_kommun_report_refuses_before_any_section_runs(
    workspace: Path, broken_unit: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    shown, where = broken_unit
    code, out, err = run(["build", "--year", str(YEAR), "--unit", CONSOLIDATED], capsys)
    assert code == cli.EXIT_BAD_INPUT, out + err
    assert shown in out + err and where in out + err
    assert not (workspace / "reports").exists() or not list((workspace / "reports").rglob("*.html"))
    assert not list((workspace / "build").rglob("*.ipynb"))
