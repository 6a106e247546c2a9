"""A number cell with a unit or a typo: the message names the unit the file's numbers are in
(``drift: belopp`` of the unit, a custom column's ``enhet:``), never a unit the file does not use,
and a letter typed for a digit (``4o``) is called a typo — through ``validate`` on a private
workspace."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from helpers.building.validate import validate_unit
from helpers.core.paths import Project
from helpers.core.yaml_text import load_yaml
from helpers.data.definition import load_definition

YEAR = 2016
AMOUNT_UNITS = ("kr", "tkr", "mkr")


def set_cell(path: Path, column: str, text: str) -> int:
    """``text`` into ``column`` of the file's first data row; that row's line number."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index(column)] = text
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return 2


def messages(project: Project, unit: str, file: str, column: str) -> list[str]:
    return [
        p.message
        for p in validate_unit(project, YEAR, unit)
        if p.file.endswith(file) and p.column == column
    ]


@pytest.mark.parametrize("unit", ["von", "klk"])
@pytest.mark.parametrize("written", AMOUNT_UNITS)
def test_an_amount_with_a_unit_names_the_units_own_amount_unit(
    workspace: Path, unit: str, written: str
):
    project = Project(workspace)
    used = load_definition(project, YEAR, unit).drift.unit
    set_cell(project.unit_data(YEAR, unit) / "drift.csv", "utfall", f"-125,0 {written}")
    (said,) = messages(project, unit, "drift.csv", "utfall")
    assert used in said, said
    for other in AMOUNT_UNITS:
        if other not in (used, written):
            assert f" {other}" not in said, said
    if written != used:
        assert f"inte {written}" in said and "räkna om" in said, said


def test_the_example_units_use_different_amount_units(workspace: Path):
    """The case above is only a test when the examples differ (von: mkr, klk: tkr)."""
    project = Project(workspace)
    units = {load_definition(project, YEAR, u).drift.unit for u in ("von", "klk")}
    assert len(units) == 2


def custom_number_columns(folder: Path, stem: str) -> list[dict[str, str]]:
    path = folder / f"{stem}.schema.yaml"
    schema = load_yaml(path.read_text(encoding="utf-8"), path.name)
    return [c for c in schema["kolumner"] if c["typ"] in ("tal", "heltal")]


@pytest.mark.parametrize(("typed", "meant"), [("4o", "40"), ("l2", "12"), ("1O5", "105")])
def test_a_letter_for_a_digit_in_a_custom_table_is_called_a_typo(
    workspace: Path, typed: str, meant: str
):
    project = Project(workspace)
    folder = project.unit_data(YEAR, "von")
    for column in custom_number_columns(folder, "vantetider"):
        set_cell(folder / "vantetider.csv", column["namn"], typed)
    for column in custom_number_columns(folder, "vantetider"):
        (said,) = messages(project, "von", "vantetider.csv", column["namn"])
        assert "skrivfel" in said and meant in said, said
        assert "enhet" not in said and "tkr" not in said, said


def test_a_unit_in_a_custom_column_names_the_columns_own_unit(workspace: Path):
    project = Project(workspace)
    folder = project.unit_data(YEAR, "von")
    with_unit = [c for c in custom_number_columns(folder, "vantetider") if "enhet" in c]
    assert with_unit
    for column in with_unit:
        set_cell(folder / "vantetider.csv", column["namn"], "52 veckor")
        (said,) = messages(project, "von", "vantetider.csv", column["namn"])
        assert column["enhet"] in said and "tkr" not in said, said
