"""A unit without goals (``mal.csv`` with only its header, and so no activities or indicators)
gets no "Målen i korthet" overview in its summary: it would be a table with only its header.
The count of goals still says there are none."""

from __future__ import annotations

from pathlib import Path

from helpers.building.validate import validate_unit
from helpers.core.paths import Project
from helpers.data.unit_data import load_unit
from helpers.parts.summary import summary_html

YEAR, UNIT = 2016, "von"


def test_no_goals_no_overview_table(workspace: Path) -> None:
    project = Project(workspace)
    data = load_unit(YEAR, UNIT, project)
    overview = data.labels()("sammanfattning.översikt")
    assert overview in str(summary_html(data))  # with goals it is there: not vacuous
    folder = project.unit_data(YEAR, UNIT)
    for stem in ("mal", "aktiviteter", "indikatorer", "indikatorvarden"):
        path = folder / f"{stem}.csv"
        path.write_text(path.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    for text in (folder / "text" / "mal").glob("*.md"):
        text.unlink()
    assert [p for p in validate_unit(project, YEAR, UNIT) if "mal.csv" in p.file] == []
    page = str(summary_html(load_unit(YEAR, UNIT, project)))
    assert overview not in page
    assert data.labels()("sammanfattning.mål", antal=0) in page
