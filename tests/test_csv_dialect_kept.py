"""``new-year`` keeps each CSV file's own dialect: a Swedish Excel file (``;`` between cells,
decimal commas, perhaps Excel's ``sep=;`` line) stays one, so it opens in columns again and no
decimal is quoted; a comma file stays a comma file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from helpers.chores.new_year import new_year
from helpers.core.paths import Project
from helpers.data.readers import read_table

SOURCE, TARGET, UNIT = 2016, 2017, "von"


def as_semicolon_csv(path: Path, sep_line: bool) -> list[list[str]]:
    """Rewrite ``path`` as Swedish Excel saves it (``;``, decimal commas); its rows."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [[cell.replace(".", ",") for cell in row] for row in csv.reader(handle)]
    buffer = io.StringIO()
    if sep_line:
        buffer.write("sep=;\r\n")
    csv.writer(buffer, delimiter=";").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return rows


@pytest.mark.parametrize("sep_line", [False, True])
def test_a_semicolon_file_stays_a_semicolon_file(workspace: Path, sep_line: bool):
    project = Project(workspace)
    source = project.unit_data(SOURCE, UNIT)
    rows = as_semicolon_csv(source / "drift.csv", sep_line)
    decimals = [cell for row in rows[1:] for cell in row if "," in cell]
    assert decimals  # the example's amounts have decimals: the case is real
    comma_file = (source / "mal.csv").read_text(encoding="utf-8")
    new_year(TARGET, SOURCE, UNIT, project)
    target = project.unit_data(TARGET, UNIT)
    written = (target / "drift.csv").read_text(encoding="utf-8")
    lines = written.splitlines()
    if sep_line:
        assert lines[0] == "sep=;"
        lines = lines[1:]
    assert lines[0] == ";".join(rows[0])  # the header, as the analyst's file had it
    assert '"' not in written  # nothing needed quoting: no decimal comma is quoted
    assert [line.split(";")[:2] for line in lines[1:]] == [row[:2] for row in rows[1:]]
    table = read_table(target / "drift.csv", "drift.csv")
    assert table.columns == rows[0] and len(table.rows) == len(rows) - 1
    # the utfall of the source year is carried as last year's (consecutive years), as written
    carried = [r["utfall_fg_år"] for r in table.rows]
    assert carried == [row[rows[0].index("utfall")] for row in rows[1:]]
    assert any("," in value for value in carried)
    new_goals = (target / "mal.csv").read_text(encoding="utf-8")
    assert new_goals.splitlines()[0] == comma_file.splitlines()[0]  # a comma file stays one
