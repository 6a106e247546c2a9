"""The params file of a report: params/<år>/<enhet>.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.core.errors import DataError, ParameterError
from helpers.core.paths import Project
from helpers.data.params import available_units, available_years, load_params, read_report_params

VALID = "år: 2016\nenhet: klk\ntitel: Verksamhetsuppföljning 2016\nprognosdatum: 2016-08-31\n"


def write_params(root: Path, text: str | bytes, unit: str = "klk") -> Path:
    path = root / "params" / "2016" / f"{unit}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_valid_params_load(tmp_path: Path) -> None:
    write_params(tmp_path, VALID)
    params = load_params("2016", "klk", Project(tmp_path))
    assert (params.year, params.unit, params.title) == (2016, "klk", "Verksamhetsuppföljning 2016")
    assert params.forecast_date == "2016-08-31"
    assert params.previous_year == 2015


def test_forecast_date_is_optional_and_bom_is_fine(tmp_path: Path) -> None:
    write_params(tmp_path, "\ufeff" + VALID.replace("prognosdatum: 2016-08-31\n", ""))
    assert load_params(2016, "klk", Project(tmp_path)).forecast_date is None


def test_missing_params_file(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="params/2016/klk.yaml finns inte"):
        load_params(2016, "klk", Project(tmp_path))
    params, problems = read_report_params(2016, "klk", Project(tmp_path))
    assert params is None
    assert [(p.file, p.message) for p in problems] == [("params/2016/klk.yaml", "filen saknas")]


@pytest.mark.parametrize(
    ("replace", "by", "column", "message"),
    [
        ("år: 2016", "år: 2015", "år", "'år' är '2015' men filen ligger under 2016"),
        ("enhet: klk", "enhet: KLK", "enhet", "'enhet' är 'KLK' men filen heter klk.yaml"),
        ("titel: Verksamhetsuppföljning 2016", "titel: ' '", "titel", "'titel' saknas"),
        ("2016-08-31", "31/8 2016", "prognosdatum", "är inget datum"),
        ("2016-08-31", "2017-01-15", "prognosdatum", "ligger inte i rapportåret 2016"),
        ("2016-08-31", "2016-02-30", "prognosdatum", "februari 2016 har 29 dagar"),
        ("2016-08-31", "2016-13-01", "prognosdatum", "månad 13 finns inte"),
        ("titel: Verksamhetsuppföljning 2016", "titel: [a, b]", "titel", "ska vara en text"),
        ("enhet: klk", "enhet: yes", "enhet", "'enhet' är 'yes' men filen heter klk.yaml"),
    ],
)
def test_each_wrong_key_is_named(
    tmp_path: Path, replace: str, by: str, column: str, message: str
) -> None:
    write_params(tmp_path, VALID.replace(replace, by))
    with pytest.raises(DataError) as caught:
        load_params(2016, "klk", Project(tmp_path))
    (problem,) = caught.value.problems
    assert (problem.file, problem.column) == ("params/2016/klk.yaml", column)
    assert message in problem.message


def test_all_problems_of_a_file_at_once(tmp_path: Path) -> None:
    write_params(tmp_path, "år: 2015\nenhet: x\n")
    _, problems = read_report_params(2016, "klk", Project(tmp_path))
    assert [p.column for p in problems] == ["år", "enhet", "titel"]


@pytest.mark.parametrize(
    ("content", "row", "message"),
    [
        # A bracket never closed: named on the line it opens.
        ("år: 2016\nenhet: [klk\ntitel: x\n", 2, "listan inom [ ] som börjar på rad 2"),
        ("- en lista\n- inte nycklar\n", None, "nycklar"),
        ("a: &x [1, 2]\nb: *x\n", 2, "YAML-alias"),
        ("a: " + "[" * 500 + "]" * 500 + "\n", 1, "inbäddade i mer än"),
        # The line of the first byte that is not UTF-8 is named, as for tables.
        ("titel: Uppföljning för Hjo kommun\n".encode("cp1252"), 1, "UTF-8"),
    ],
)
def test_unreadable_params_file_is_a_data_error(
    tmp_path: Path, content: str | bytes, row: int | None, message: str
) -> None:
    write_params(tmp_path, content)
    with pytest.raises(DataError) as caught:
        load_params(2016, "klk", Project(tmp_path))
    (problem,) = caught.value.problems
    assert problem.file == "params/2016/klk.yaml" and problem.row == row
    assert message in problem.message


def test_malformed_ids_are_refused_before_any_path_is_made(tmp_path: Path) -> None:
    with pytest.raises(ParameterError):
        load_params(2016, "../../etc", Project(tmp_path))
    with pytest.raises(ParameterError):
        load_params("20x6", "klk", Project(tmp_path))


def test_available_years_and_units(tmp_path: Path) -> None:
    write_params(tmp_path, VALID)
    write_params(tmp_path, VALID.replace("klk", "bou"), unit="bou")
    (tmp_path / "params" / "mallar").mkdir()
    (tmp_path / "params" / "2017").mkdir()
    project = Project(tmp_path)
    assert available_years(project) == [2016, 2017]
    assert available_units(2016, project) == ["bou", "klk"]
    assert available_units(2017, project) == []
    assert available_units(2018, project) == []
