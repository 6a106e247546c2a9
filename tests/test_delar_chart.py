"""A delår report's drift chart sets the year's forecast against budget when drift.csv has a
forecast, and says "outcome to the cut-off date" when it has none: it set the outcome so far
against the whole year's budget in the year-end words ("budget och utfall 2016 … utfallet var
högre än budget för …") beside a table headed "Utfall till 2016-08-31".

Expected words come from the definition's labels and the figures from drift.csv (the period's
own), read here apart from the report code."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from pathlib import Path

import yaml
from drift_cases import amount, csv_rows, shown

from helpers.building.validate import validate_unit
from helpers.core.paths import Project
from helpers.data.unit_data import load_unit
from helpers.parts.budget import statement_of
from helpers.parts.budget_view import budget_figure
from helpers.parts.dates import format_date

YEAR = 2016
PERIOD = "delar"
FORECAST_LABELS = ("diagram_titel_prognos", "diagram_prognos", "diagram_prognos_över",
                   "diagram_data_prognos")  # fmt: skip
TO_DATE_LABELS = ("diagram_titel_delår", "diagram_delår", "diagram_data_delår")


def _text(markup: str) -> str:
    """The text of ``markup``, runs of spaces and line breaks as one space (no-break spaces,
    as the report binds amounts to their unit, kept)."""
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def _drift_labels(root: Path) -> dict[str, str]:
    raw = yaml.safe_load((root / "data/rapport.yaml").read_text(encoding="utf-8"))
    return {k: " ".join(str(v).split()) for k, v in raw["etiketter"]["drift"].items()}


def _units_with_forecast(root: Path) -> list[str]:
    units = []
    for csv in sorted((root / f"data/{YEAR}/{PERIOD}").glob("*/drift.csv")):
        header = csv.read_text(encoding="utf-8").splitlines()[0].split(",")
        if "prognos" in header and "överordnad" not in header:
            units.append(csv.parent.name)
    return units


def _figure(root: Path, unit: str) -> tuple[str, object]:
    data = load_unit(YEAR, unit, Project(root).for_period(PERIOD))
    return str(budget_figure(data, statement_of(data))), data


def _parts(root: Path, unit: str) -> list[dict[str, str]]:
    text = (root / f"data/{YEAR}/{PERIOD}/{unit}/drift.csv").read_text(encoding="utf-8")
    return [row for row in csv_rows(text) if row["typ"] == "delverksamhet"]


def test_each_delar_chart_sets_the_forecast_against_budget(workspace: Path) -> None:
    labels = _drift_labels(workspace)
    units = _units_with_forecast(workspace)
    assert units, "no delår unit with a forecast in the example: nothing checked"
    for unit in units:
        figure, data = _figure(workspace, unit)
        text = _text(figure)
        statement = statement_of(data)
        decimals, money = statement.format.decimals, statement.format.unit
        parts = _parts(workspace, unit)
        part_word = statement.settings.label("delverksamhet")
        title = labels["diagram_titel_prognos"].format(år=YEAR, delverksamhet=part_word)
        assert title in text, (unit, text)
        assert labels["diagram_titel"].format(år=YEAR, delverksamhet=part_word) not in text
        # The total in the caption is the forecast's, summed here from the file's parts.
        total = sum((amount(p["prognos"]) for p in parts), Decimal(0))
        assert f"{shown(total, decimals)}\u00a0{money}" in text, (unit, text)
        # Over budget: the parts whose forecast exceeds their budget (costs written positive).
        over = [p["post"] for p in parts if amount(p["prognos"]) > amount(p["budget"])]
        clause = labels["diagram_prognos_över"].split("{")[0]
        assert (clause in text) == bool(over), (unit, text)
        for post in over:
            assert post in text.split(clause, 1)[1]
        # Not the year-end words of the outcome (``; {utfallet} var högre än budget för``).
        year_end_clause = labels["diagram_över"].split("}", 1)[1].split("{")[0]
        assert year_end_clause not in text, (unit, text)
        # The data table beside the chart holds budget and forecast per part.
        table = figure[figure.index("<table") :]
        for part in parts:
            row = table[table.index(html.escape(part["post"])) :]
            row = row[: row.index("</tr>")]
            cells = [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            assert cells == [
                shown(amount(part["budget"]), decimals),
                shown(amount(part["prognos"]), decimals),
            ], (unit, part["post"], cells)


def test_a_delar_without_forecast_says_outcome_to_date(workspace: Path) -> None:
    unit = _units_with_forecast(workspace)[0]
    folder = workspace / f"data/{YEAR}/{PERIOD}/{unit}"
    rows = csv_rows((folder / "drift.csv").read_text(encoding="utf-8"))
    columns = [c for c in rows[0] if c != "prognos"]
    lines = [",".join(columns)] + [",".join(r[c] for c in columns) for r in rows]
    (folder / "drift.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    definition = workspace / "data/rapport.yaml"
    raw = yaml.safe_load(definition.read_text(encoding="utf-8"))
    raw["perioder"][PERIOD]["drift"]["kolumner"] = ["budget", "utfall", "avvikelse"]
    definition.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    assert validate_unit(Project(workspace).for_period(PERIOD), YEAR, unit) == []

    figure, data = _figure(workspace, unit)
    text = _text(figure)
    labels = _drift_labels(workspace)
    part_word = statement_of(data).settings.label("delverksamhet")
    # The title and caption say the date in words, as a reader reads it; the legend names a
    # series by its column's header, which keeps the date as the params write it.
    end = format_date(data.params.period_end)
    assert end and end in text
    title = labels["diagram_titel_delår"].format(år=YEAR, delverksamhet=part_word, periodslut=end)
    assert title in text, text
    # The outcome so far is not set against the year's budget as if it were the year's.
    year_end_clause = labels["diagram_över"].split("}", 1)[1].split("{")[0]
    assert year_end_clause not in text, text


def test_without_the_delar_labels_a_definition_still_builds(workspace: Path) -> None:
    definition = workspace / "data/rapport.yaml"
    raw = yaml.safe_load(definition.read_text(encoding="utf-8"))
    for key in (*FORECAST_LABELS, *TO_DATE_LABELS):
        del raw["etiketter"]["drift"][key]
    definition.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    unit = _units_with_forecast(workspace)[0]
    assert validate_unit(Project(workspace).for_period(PERIOD), YEAR, unit) == []
    figure, data = _figure(workspace, unit)
    part_word = statement_of(data).settings.label("delverksamhet")
    labels = _drift_labels(workspace)
    assert labels["diagram_titel"].format(år=YEAR, delverksamhet=part_word) in _text(figure)


def test_the_year_end_chart_keeps_budget_and_outcome(workspace: Path) -> None:
    labels = _drift_labels(workspace)
    data = load_unit(YEAR, "exempel", Project(workspace))
    statement = statement_of(data)
    text = _text(str(budget_figure(data, statement)))
    part_word = statement.settings.label("delverksamhet")
    assert labels["diagram_titel"].format(år=YEAR, delverksamhet=part_word) in text
    assert labels["diagram_titel_prognos"].format(år=YEAR, delverksamhet=part_word) not in text
