"""Periods (helår, delår …) and the consolidated report's data, without kernels.

Paths side by side, params of a period, drift settings per period, the forecast deviation,
validation of the kommun's own data, ``new-period`` and ``new-year --period``. Expectations come
from the example inputs in a private workspace.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from helpers.building.validate import validate_unit
from helpers.checks.kommun_checks import validate_consolidated
from helpers.chores.new_period import PLACEHOLDER_MARK, new_period
from helpers.chores.new_year import new_year
from helpers.cli import main
from helpers.core.errors import DataError, ParameterError
from helpers.core.paths import CONSOLIDATED, YEAR_END, Project, check_period
from helpers.core.yaml_text import load_yaml
from helpers.data.definition import read_definition
from helpers.data.kommun_definition import read_consolidated
from helpers.data.params import read_report_params, units_of_year
from helpers.data.periods import read_periods
from helpers.data.unit_data import load_unit
from helpers.parts.budget import statement_of

YEAR = 2016


def read_drift_settings(project: Project, year: int, unit: str):  # noqa: ANN201
    """The unit-year's drift settings as its report definition reads them, and problems."""
    definition, problems = read_definition(project, year, unit)
    return (definition.drift if definition else None), problems


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_period_has_its_own_folders_beside_the_year_end(tmp_path: Path) -> None:
    project = Project(tmp_path)
    delar = project.for_period("delar")
    assert project.params_file(YEAR, "klk") == tmp_path / "params/2016/klk.yaml"
    assert delar.params_file(YEAR, "klk") == tmp_path / "params/2016/delar/klk.yaml"
    assert delar.unit_data(YEAR, "klk") == tmp_path / "data/2016/delar/klk"
    assert delar.report_file(YEAR, "klk") == tmp_path / "reports/2016/delar/klk.html"
    assert delar.executed_dir(YEAR, "klk") == tmp_path / "build/2016/delar/klk"
    assert delar.data == project.data  # the definition and reference tables are shared


@pytest.mark.parametrize("period", ["", "Delår", "delår", "../x", "del ar", "1delar"])
def test_a_period_id_that_is_unsafe_in_a_path_is_refused(period: str) -> None:
    with pytest.raises(ParameterError):
        check_period(period)


def test_the_example_year_has_both_periods(workspace: Path) -> None:
    project = Project(workspace)
    assert project.periods_of_year(YEAR) == [YEAR_END, "delar"]
    periods, problems = read_periods(project)
    assert problems == [] and set(periods) >= {YEAR_END, "delar"}
    assert units_of_year(YEAR, project) == units_of_year(YEAR, project.for_period("delar"))


def test_both_periods_of_the_example_are_valid(workspace: Path) -> None:
    assert main(["validate", "--year", "2016"]) == 0
    assert main(["validate", "--year", "2016", "--period", "delar"]) == 0


def params_problems_after(workspace: Path, text: str) -> list:
    path = workspace / "params/2016/delar/klk.yaml"
    path.write_text(text, encoding="utf-8")
    return read_report_params(YEAR, "klk", Project(workspace).for_period("delar"))[1]


@pytest.mark.parametrize(
    ("extra", "column", "message"),
    [
        ("", "periodslut", "'periodslut' saknas"),
        ("periodslut: 2015-08-31\n", "periodslut", "ligger inte i rapportåret"),
        ("periodslut: 2016-02-30\n", "periodslut", "februari 2016 har 29 dagar"),
        ("periodslut: 2016-08-31\nperiod: tertial2\n", "period", "ligger under params/2016/delar/"),
    ],
)
def test_a_period_params_file_names_what_is_wrong(
    workspace: Path, extra: str, column: str, message: str
) -> None:
    problems = params_problems_after(
        workspace, f"år: 2016\nenhet: klk\ntitel: Delårsrapport 2016\n{extra}"
    )
    assert [p.column for p in problems] == [column]
    assert message in problems[0].message
    assert problems[0].file == "params/2016/delar/klk.yaml"


def test_no_unit_may_take_the_consolidated_reports_name(workspace: Path) -> None:
    (workspace / "params/2016/kommun.yaml").write_text("år: 2016\nenhet: kommun\ntitel: x\n")
    with pytest.raises(DataError) as caught:
        units_of_year(YEAR, Project(workspace))
    assert caught.value.problems[0].file == "params/2016/kommun.yaml"


def test_a_delar_statement_has_the_periods_columns_and_the_forecast_deviation(
    workspace: Path,
) -> None:
    delar = Project(workspace).for_period("delar")
    definition = load_yaml((workspace / "data/rapport.yaml").read_text(encoding="utf-8"), "x")
    expected = tuple(definition["perioder"]["delar"]["drift"]["kolumner"])
    settings, problems = read_drift_settings(delar, YEAR, "klk")
    assert problems == [] and settings.columns == expected
    statement = statement_of(load_unit(YEAR, "klk", delar))
    assert statement.columns == expected
    net = statement.net_row
    budget, forecast = net.value("budget"), net.value("prognos")
    assert net.value("avvikelse_prognos") == statement.cost_sign * (budget - forecast)
    # The year-end report of the same unit keeps the kommun's own columns.
    assert read_drift_settings(Project(workspace), YEAR, "klk")[0].columns is None


def test_a_units_own_drift_settings_win_over_the_periods(workspace: Path) -> None:
    path = workspace / "params/2016/delar/exempel.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "drift:\n  kolumner: [budget, utfall]\n")
    settings, _ = read_drift_settings(Project(workspace).for_period("delar"), YEAR, "exempel")
    assert settings.columns == ("budget", "utfall")


def test_a_delar_summary_states_the_forecast_not_the_outcome_so_far(workspace: Path) -> None:
    from helpers.parts.summary import summarise

    data = load_unit(YEAR, "klk", Project(workspace).for_period("delar"))
    statement = statement_of(data)
    assert summarise(data).result == float(statement.result_of("prognos"))
    assert summarise(data).result != float(statement.result_of("utfall"))


# ------------------------------------------------------------------- the kommun's own data


def write_assessments(workspace: Path, text: str) -> Path:
    path = workspace / "data/2016/kommun/bedomningar.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_kommuns_assessments_are_checked_by_file_row_and_column(workspace: Path) -> None:
    write_assessments(
        workspace,
        "mal_id,bedömning,motivering\nKF9,ej uppfyllt,\nKF99,uppfyllt,\nKF1,nästan,\nKF9,,\n",
    )
    problems = validate_consolidated(Project(workspace), YEAR)
    found = {(p.row, p.column) for p in problems}
    assert (3, "mal_id") in found  # KF99: no unit has that goal
    assert (4, "bedömning") in found  # not one of the kommun's assessments
    assert any(p.column == "mal_id" and p.row == 5 for p in problems)  # KF9 twice
    assert all(p.file == "data/2016/kommun/bedomningar.csv" for p in problems)
    assert main(["validate", "--year", "2016"]) == 2


def test_without_assessments_every_goal_is_unassessed_never_invented(workspace: Path) -> None:
    from helpers.parts.kommun_data import load_kommun
    from helpers.parts.kommun_views import shared_goals

    (workspace / "data/2016/kommun/bedomningar.csv").unlink()
    data = load_kommun(YEAR, Project(workspace), tables=("mal",))
    goals = shared_goals(data)
    assert goals and all(goal.kommun == "" for goal in goals)


def test_the_consolidated_definition_names_a_missing_label_and_an_unknown_kind(
    workspace: Path,
) -> None:
    path = workspace / "data/rapport.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("typ: kommun_drift", "typ: kommun_budget").replace("    summa: Summa\n", "")
    path.write_text(text, encoding="utf-8")
    definition, problems = read_consolidated(Project(workspace))
    assert definition is None
    columns = {p.column for p in problems}
    assert "sammanställning.avsnitt[3].typ" in columns
    assert "sammanställning.etiketter.summa" in columns


# ----------------------------------------------------------------- new-period and new-year


def test_new_period_scaffolds_the_year_end_from_the_delar_report(workspace: Path) -> None:
    project = Project(workspace)
    for unit in ("klk", "exempel", "von"):
        project.params_file(YEAR, unit).unlink()
    import shutil

    for unit in ("klk", "exempel", "von", CONSOLIDATED):
        shutil.rmtree(project.unit_data(YEAR, unit))
    results = new_period(YEAR, YEAR_END, "delar", project=project, title="Årsredovisning 2016")
    # the units, and the consolidated report's own data (test_new_period_kommun)
    assert {r.unit for r in results} == {"klk", "exempel", "von", CONSOLIDATED}
    delar = project.for_period("delar")
    params = load_yaml(project.params_file(YEAR, "klk").read_text(encoding="utf-8"), "x")
    assert "period" not in params and "periodslut" not in params
    assert params["titel"] == "Årsredovisning 2016"
    source_drift = rows(delar.unit_data(YEAR, "klk") / "drift.csv")
    drift = rows(project.unit_data(YEAR, "klk") / "drift.csv")
    assert [r["budget"] for r in drift] == [r["budget"] for r in source_drift]
    assert [r["prognos"] for r in drift] == [r["prognos"] for r in source_drift]
    assert all(r["utfall"] == "" for r in drift)
    assert all(r["bedömning"] == "" for r in rows(project.unit_data(YEAR, "klk") / "mal.csv"))
    work = project.unit_data(YEAR, "klk") / "text" / "mal" / "KF9-arbete.md"
    source = delar.unit_data(YEAR, "klk") / "text" / "mal" / "KF9-arbete.md"
    text = work.read_text(encoding="utf-8")
    assert text.startswith(f"> {PLACEHOLDER_MARK}") and source.read_text("utf-8") in text
    assert validate_unit(project, YEAR, "klk") == []
    with pytest.raises(ParameterError):  # never over an existing period
        new_period(YEAR, YEAR_END, "delar", project=project)


def test_new_period_needs_a_cut_off_date_for_a_period_before_year_end(workspace: Path) -> None:
    with pytest.raises(ParameterError, match="--slut"):
        new_period(YEAR, "delar", YEAR_END, project=Project(workspace))


def test_new_year_scaffolds_next_years_delar_from_this_years_helar(workspace: Path) -> None:
    project = Project(workspace)
    new_year(2017, YEAR, "klk", project, period="delar", end="2017-08-31")
    target = project.for_period("delar")
    params = load_yaml(target.params_file(2017, "klk").read_text(encoding="utf-8"), "x")
    assert params["period"] == "delar" and str(params["periodslut"]) == "2017-08-31"
    assert not project.params_file(2017, "klk").exists()
    assert validate_unit(target, 2017, "klk") == [] or all(
        "periodslut" not in (p.column or "") for p in validate_unit(target, 2017, "klk")
    )
    # From this year's delår to next year's: the cut-off date moves with the year.
    new_year(2017, YEAR, "von", project.for_period("delar"))
    moved = load_yaml(target.params_file(2017, "von").read_text(encoding="utf-8"), "x")
    assert str(moved["periodslut"]) == "2017-08-31"


def test_consolidated_totals_convert_amount_units(workspace: Path) -> None:
    from helpers.parts.kommun_data import load_kommun
    from helpers.parts.kommun_views import statement_totals

    project = Project(workspace)
    data = load_kommun(YEAR, project, drift=True)
    totals = statement_totals(data)
    von = statement_of(load_unit(YEAR, "von", project))
    assert von.format.unit == "mkr"
    assert totals["von"]["utfall"] == von.net_row.value("utfall") * Decimal(1000)
    assert totals[""]["utfall"] == sum(totals[u]["utfall"] for u in ("klk", "exempel", "von"))


def test_a_kolada_groups_name_labels_the_comparison_in_tables_and_charts(workspace: Path) -> None:
    """An indicator whose comparison kolada.csv fetches for a named group is labelled with the
    group's name (from rapport.yaml), in the table and in the chart's legend and description."""
    from helpers.parts.goals import indicator_figures, indicator_table

    name = "Liknande kommuner (exempel)"
    definition = workspace / "data/rapport.yaml"
    definition.write_text(
        definition.read_text(encoding="utf-8").replace(
            "jämförelsegrupper:\n",
            f"jämförelsegrupper:\n  liknande:\n    kolada: G136372\n    namn: {name}\n",
        ),
        encoding="utf-8",
    )
    mapping = workspace / "data/kolada.csv"
    lines = mapping.read_text(encoding="utf-8").splitlines()
    lines = [
        "indikator,kf9_kommunranking,U00402,liknande,klk,test" if "kf9_kommunranking" in line
        else line
        for line in lines
    ]  # fmt: skip
    mapping.write_text("\n".join(lines) + "\n", encoding="utf-8")
    values = workspace / "data/2016/klk/indikatorvarden.csv"
    text = (
        values.read_text(encoding="utf-8")
        .replace("kf9_kommunranking,2016,166,,", "kf9_kommunranking,2016,166,150,")
        .replace("kf9_kommunranking,2015,117,,", "kf9_kommunranking,2015,117,140,")
    )
    values.write_text(text, encoding="utf-8")
    data = load_unit(YEAR, "klk", Project(workspace))
    indicators = data.table("indikatorer")
    indicator = indicators[indicators["indikator_id"] == "kf9_kommunranking"]
    own = data.table("indikatorvarden")
    own = own[own["indikator_id"] == "kf9_kommunranking"]
    labels = data.labels()
    table = indicator_table(data, indicator, own, labels)
    assert f"166 ({name} 150)" in table.replace("\u00a0", " ")
    figure = " ".join(indicator_figures(data, indicator, own, labels))
    assert name in figure
    # The other indicators keep the definition's comparison name.
    other = indicators[indicators["indikator_id"] == "kf1_befolkning"].iloc[0]
    from helpers.parts.goals import comparison_name

    assert comparison_name(data, other) == data.definition.comparison
