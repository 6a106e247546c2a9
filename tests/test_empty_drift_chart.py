"""A drift.csv whose parts have no amounts yet (a new year, before the figures are in) draws no
chart: its text would read "Totalt Uppgift saknas i utfall mot Uppgift saknas i budget". One
amount is enough for the chart to be drawn."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from drift_cases import csv_rows

from helpers.core.paths import Project
from helpers.data.unit_data import load_unit
from helpers.parts.budget import statement_of
from helpers.parts.budget_view import budget_figure

YEAR, UNIT = 2016, "klk"
AMOUNTS = ("utfall_fg_år", "budget", "utfall", "prognos")


def _rewrite(root: Path, keep: int | None) -> list[str]:
    """KLK's drift.csv with every amount emptied but those of part number ``keep``; the parts'
    names."""
    path = root / f"data/{YEAR}/{UNIT}/drift.csv"
    rows = csv_rows(path.read_text(encoding="utf-8"))
    parts = [row["post"] for row in rows if row["typ"] == "delverksamhet"]
    kept = parts[keep] if keep is not None else None
    for row in rows:
        if row["post"] != kept:
            row.update({name: "" for name in AMOUNTS if name in row})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return parts


@pytest.mark.parametrize("keep", [None, 0])
def test_a_chart_is_drawn_only_with_an_amount_to_draw(workspace: Path, keep: int | None) -> None:
    parts = _rewrite(workspace, keep)
    assert parts
    data = load_unit(YEAR, UNIT, Project(workspace))
    figure = str(budget_figure(data, statement_of(data)))
    if keep is None:
        assert figure == ""
    else:
        assert "<svg" in figure and parts[keep] in figure
