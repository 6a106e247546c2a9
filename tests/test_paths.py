"""Identifiers that become paths: year, unit and section are checked before any path is made."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.core.errors import ParameterError
from helpers.core.paths import (
    FIRST_YEAR,
    LAST_YEAR,
    REPO_ROOT,
    Project,
    check_section,
    check_unit,
    check_year,
)


@pytest.mark.parametrize("year", [2016, "2016", " 2016 ", 1990, 2100])
def test_valid_years(year: int | str) -> None:
    assert check_year(year) == int(str(year).strip())


@pytest.mark.parametrize("year", ["16", "20x6", "../2016", "2016/..", "", "٢٠١٦", "20160"])
def test_invalid_years_are_refused_in_swedish(year: str) -> None:
    with pytest.raises(ParameterError, match="inte ett år"):
        check_year(year)


@pytest.mark.parametrize("year", [FIRST_YEAR - 1, 1899, LAST_YEAR + 1, 9999, 0])
def test_four_digit_years_out_of_range_name_the_range(year: int) -> None:
    text = f"{year:04d}"
    with pytest.raises(ParameterError) as caught:
        check_year(text)
    message = str(caught.value)
    assert f"{FIRST_YEAR}–{LAST_YEAR}" in message and text in message
    assert "fyra siffror" not in message


@pytest.mark.parametrize("unit", ["klk", "bou-2", "a", "x" * 40])
def test_valid_units(unit: str) -> None:
    assert check_unit(unit) == unit


@pytest.mark.parametrize(
    "unit",
    ["../../etc", "klk/../klk", "klk/", "/etc", "KLK", "k lk", "", ".", "..", "-klk", "x" * 41,
     "klk\n", "klk\x00", "bildning\\x", "å"],
)  # fmt: skip
def test_unit_ids_that_could_escape_or_break_a_path_are_refused(unit: str) -> None:
    with pytest.raises(ParameterError, match="inget giltigt enhets-id"):
        check_unit(unit)


@pytest.mark.parametrize("section", ["kf_mal", "sammanfattning", "a", "x" * 40])
def test_valid_sections(section: str) -> None:
    assert check_section(section) == section


@pytest.mark.parametrize(
    "section",
    ["../kf_mal", "kf_mal.ipynb", "30_kf_mal", "KF", "a/b", "_x", "x-y", "x" * 41, "mål", ""],
)
def test_invalid_sections_are_refused(section: str) -> None:
    with pytest.raises(ParameterError, match="finns inte"):
        check_section(section)


@given(st.text(max_size=50))
def test_any_accepted_unit_is_one_plain_path_component(unit: str) -> None:
    try:
        check_unit(unit)
    except ParameterError:
        return
    project = Project(Path("/projekt"))
    folder = project.unit_data(2016, unit)
    assert folder.parent == Path("/projekt/data/2016")
    assert folder.name == unit and unit not in (".", "..")
    assert project.report_file(2016, unit).parent == Path("/projekt/reports/2016")


def test_project_paths_refuse_traversal() -> None:
    project = Project(Path("/projekt"))
    for make in (project.unit_data, project.params_file, project.report_file, project.executed_dir):
        with pytest.raises(ParameterError):
            make(2016, "../../etc")


def test_workbook_root_environment_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WORKBOOK_ROOT", str(tmp_path))
    assert Project.current().root == tmp_path.resolve()
    assert Project.current().params_file(2016, "klk") == tmp_path.resolve() / "params/2016/klk.yaml"


def test_a_copied_project_is_the_project_its_commands_run_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy of the project (cp -r) with the original's install works on the copy, not on the
    repository the package was installed from."""
    copy = tmp_path / "kopia"
    for folder in ("data", "params", "notebooks/egna"):
        (copy / folder).mkdir(parents=True)
    monkeypatch.delenv("WORKBOOK_ROOT", raising=False)
    monkeypatch.chdir(copy / "notebooks/egna")
    assert Project.current().root == copy.resolve()
    monkeypatch.chdir(tmp_path)  # outside any project: the installed repository
    assert Project.current().root == REPO_ROOT
