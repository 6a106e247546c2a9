"""A report for a period before year end whose ``titel`` does not name its period (new-year
carried "Verksamhetsuppföljning 2017" into the delår) shows the period's name from
``perioder:`` in its title; a title that names it already, and a helår, stay as written."""

from __future__ import annotations

from pathlib import Path

import yaml

from helpers.building.export import report_title
from helpers.core.paths import Project
from helpers.data.periods import read_periods
from helpers.data.unit_data import load_unit

YEAR, UNIT, PERIOD = 2016, "exempel", "delar"


def _set_title(root: Path, title: str) -> None:
    params = root / f"params/{YEAR}/{PERIOD}/{UNIT}.yaml"
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    raw["titel"] = title
    params.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")


def _period_name(root: Path) -> str:
    raw = yaml.safe_load((root / "data/rapport.yaml").read_text(encoding="utf-8"))
    return str(raw["perioder"][PERIOD]["namn"])


def test_a_delar_title_without_its_period_gets_the_period_name(workspace: Path) -> None:
    year_end_title = yaml.safe_load(
        (workspace / f"params/{YEAR}/{UNIT}.yaml").read_text(encoding="utf-8")
    )["titel"]
    _set_title(workspace, year_end_title)  # as new-year --period delar leaves it
    project = Project(workspace).for_period(PERIOD)
    data = load_unit(YEAR, UNIT, project)
    name = read_periods(project)[0][PERIOD].name
    assert name == _period_name(workspace)
    title = report_title(data.params.title, name, data.labels())
    template = yaml.safe_load((workspace / "data/rapport.yaml").read_text(encoding="utf-8"))[
        "etiketter"
    ]["rapport"]["titel_med_period"]
    assert title == template.format(titel=year_end_title, period=name)
    assert name in title and year_end_title in title


def test_a_title_naming_its_period_and_a_helar_stay_as_written(workspace: Path) -> None:
    project = Project(workspace).for_period(PERIOD)
    data = load_unit(YEAR, UNIT, project)
    name = _period_name(workspace)
    assert name.casefold() in data.params.title.casefold()  # the example: "Delårsrapport 2016"
    assert report_title(data.params.title, name, data.labels()) == data.params.title
    year_end = load_unit(YEAR, UNIT, Project(workspace))
    assert report_title(year_end.params.title, None, year_end.labels()) == year_end.params.title


def test_without_the_label_the_title_is_as_written(workspace: Path) -> None:
    definition = workspace / "data/rapport.yaml"
    raw = yaml.safe_load(definition.read_text(encoding="utf-8"))
    del raw["etiketter"]["rapport"]["titel_med_period"]
    definition.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    _set_title(workspace, "Verksamhetsuppföljning 2016")
    data = load_unit(YEAR, UNIT, Project(workspace).for_period(PERIOD))
    assert report_title(data.params.title, _period_name(workspace), data.labels()) == (
        "Verksamhetsuppföljning 2016"
    )
