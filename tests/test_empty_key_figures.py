"""A unit without key figures (``nyckeltal.csv`` with only its header: the table is optional)
shows its key-figure section's text and no table: an empty table would be a focus stop that
says nothing."""

from __future__ import annotations

from pathlib import Path

from helpers import report
from helpers.building.validate import validate_unit
from helpers.core.paths import Project

YEAR, UNIT = 2016, "klk"


def _header_only(path: Path) -> None:
    path.write_text(path.read_text("utf-8").splitlines()[0] + "\n", "utf-8")


def test_no_key_figures_shows_no_table(workspace: Path) -> None:
    folder = workspace / "data" / str(YEAR) / UNIT
    shown = report.key_figures(report.section(YEAR, UNIT, "nyckeltal")).data
    assert "<table" in shown  # the example has key figures: what follows is not vacuous
    _header_only(folder / "nyckeltal.csv")
    _header_only(folder / "nyckeltalsvarden.csv")
    assert validate_unit(Project(workspace), YEAR, UNIT) == []
    assert report.key_figures(report.section(YEAR, UNIT, "nyckeltal")).data == ""
