"""The fictitious second unit, Exempelförvaltningen: complete, labelled invented, buildable."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.building.validate import validate_unit
from helpers.chores.new_unit import placeholder_files
from helpers.core.paths import Project
from helpers.data.params import available_units
from helpers.data.unit_data import load_unit
from helpers.parts.budget import compute_statement

EXAMPLE = "exempel"


@pytest.fixture(scope="module")
def data():
    return load_unit(2016, EXAMPLE, Project.current())


def test_example_unit_is_listed_for_2016() -> None:
    assert EXAMPLE in available_units(2016, Project.current())


def test_example_unit_validates() -> None:
    assert validate_unit(Project.current(), 2016, EXAMPLE) == []


def test_example_is_labelled_as_invented(data) -> None:
    assert data.info.name == "Exempelförvaltningen"
    assert data.info.invented  # påhittad = ja in enheter.csv
    mission = data.text("uppdrag.md")
    body = mission.split("\n", 1)[1].strip().lstrip("*")
    assert body.startswith("Exempeldata (påhittad):")
    texts = [p for p in (data.folder / "text").glob("*.md") if p.name not in ("drift.md",)]
    headings_only = {"ks_mal.md", "prioriteringar.md", "nyckeltal.md"}
    for path in texts:
        if path.name not in headings_only:
            assert "Exempeldata (påhittad)" in path.read_text(encoding="utf-8"), path.name
    # An indicator is either invented, or a kommun-wide one (kommunrankingen) that a real unit
    # reports with the same source and values: nothing invented is shown under a real source.
    indicators = data.table("indikatorer")
    shared = indicators[indicators["källa"] != "Exempeldata (påhittad)"]
    for row in shared.itertuples():
        real = real_units_reporting(data, row.indikator_id)
        assert real, f"{row.indikator_id} has a real source but no real unit reports it"
        for other in real:
            theirs = other.table("indikatorer").set_index("indikator_id").loc[row.indikator_id]
            assert theirs["källa"] == row.källa
            assert values_of(other, row.indikator_id) == values_of(data, row.indikator_id)


def real_units_reporting(data, indicator: str) -> list:
    project = Project.current()
    units = [load_unit(2016, unit, project) for unit in available_units(2016, project)]
    return [
        unit
        for unit in units
        if not unit.info.invented and indicator in set(unit.table("indikatorer")["indikator_id"])
    ]


def values_of(data, indicator: str) -> list[tuple]:
    values = data.table("indikatorvarden")
    columns = ["period", "värde", "jämförelse", "notering"]
    rows = values.loc[values["indikator_id"] == indicator, columns]
    return sorted(rows.astype(str).itertuples(index=False, name=None))


def test_example_has_every_part_of_a_report(data) -> None:
    for section in data.definition.sections:
        for ref in section.texts:
            assert data.text(ref.file), ref.file
    assert placeholder_files(data.folder) == []
    assert set(data.goals["nivå"]) == set(data.definition.shown_levels)
    for goal in data.goals["mal_id"]:
        assert data.text(f"mal/{goal}-arbete.md"), goal
    assert set(data.table("aktiviteter")["mal_id"]) == set(data.goals["mal_id"])
    values = data.table("indikatorvarden")
    measured = values[values["värde"].notna()].groupby("indikator_id").size()
    assert (measured.reindex(data.table("indikatorer")["indikator_id"]) >= 2).all()
    assert len(data.table("nyckeltalsvarden")["år"].unique()) >= 3
    assert not data.table("internkontroll").empty
    assert not data.table("internkontroll_atgarder").empty
    assert not data.table("prioriteringar").empty


def test_example_budget_balances(data) -> None:
    drift = data.table("drift")
    statement = compute_statement(drift)
    net, total = statement.row("nettokostnader"), statement.row("summa")
    for column in ("utfall_fg_år", "utfall", "budget", "prognos"):
        assert net.value(column) == total.value(column), column
    assert {c.status for c in statement.comparisons} == {"lika"}
    assert [p.label for p in statement.parts] == data.subunits
    assert statement.row("ram").value("budget") == net.value("budget")
    assert statement.result == pytest.approx(150)
    assert not drift[["utfall_fg_år", "utfall", "budget", "prognos"]].isna().any().any()


def test_example_rows_are_only_appended_to_shared_lists() -> None:
    """Real units first; the invented examples after them, each unit's sub-units together."""
    root = Project.current().data
    units = pd.read_csv(root / "enheter.csv", dtype=str).fillna("")
    invented = list(units.loc[units["påhittad"] == "ja", "enhet"])
    assert EXAMPLE in invented and list(units["enhet"])[0] == "klk"
    assert list(units["enhet"])[-len(invented) :] == invented
    subunits = pd.read_csv(root / "delverksamheter.csv")
    own = subunits.index[subunits["enhet"].isin(invented)]
    assert list(own) == list(range(len(subunits) - len(own), len(subunits)))
    for unit in invented:
        rows = list(subunits.index[subunits["enhet"] == unit])
        assert rows == list(range(rows[0], rows[0] + len(rows)))


@pytest.mark.e2e
def test_example_unit_builds(built_year: Project) -> None:
    """Its report as the session's build of 2016 wrote it (``built_year`` fails on any failed
    section)."""
    html = built_year.report_file(2016, EXAMPLE).read_text(encoding="utf-8")
    assert "Exempelförvaltningen" in html and "Exempeldata (påhittad)" in html
    assert "redovisar ett överskott på 150\u00a0tkr" in html
