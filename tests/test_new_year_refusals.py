"""``new-year`` and ``new-period`` check what they are given before they write anything: a cut-off
date (``--slut``) in another form than ``periodslut`` accepts (``ÅÅÅÅ-MM-DD``, a day that exists,
in the report's year), ``--slut`` for helår (which ends 31 December) and a period ``perioder:``
does not define are refused with exit 2 and nothing written — the unknown period first, as no
date can help it. ``new-year`` never carries last year's ``diarienummer``: it is emptied and
listed among the values to fill in, with last year's for reference."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_missing_report_hints import run_and_read

from helpers.core.paths import Project
from helpers.core.yaml_text import load_yaml
from helpers.data.params import load_params

SOURCE, TARGET, UNIT = 2016, 2017, "klk"
NEW_YEAR = ["new-year", str(TARGET), "--from", str(SOURCE), "--unit", UNIT]
NEW_PERIOD = ["new-period", "delar", "--from", "helar", "--year", str(SOURCE), "--unit", UNIT]

# Dates an operator may type that are not the documented form, or not in the report's year.
BAD_ENDS = [
    "31/08/{year}",
    "{year}-8-31",
    "31.08.{year}",
    "{year}-02-30",
    "{year}-13-01",
    "augusti {year}",
    "{previous}-08-31",
    " ",
]


def files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*"))


def assert_refused(root: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    before = files(root)
    code, said = run_and_read(argv, capsys)
    assert code == 2, said
    assert said.startswith("Fel: ") and "Traceback" not in said, said
    assert files(root) == before  # nothing written
    return said


@pytest.mark.parametrize("form", BAD_ENDS)
def test_new_year_refuses_a_cut_off_date_in_another_form_and_writes_nothing(
    workspace: Path, capsys: pytest.CaptureFixture[str], form: str
) -> None:
    end = form.format(year=TARGET, previous=SOURCE)
    said = assert_refused(workspace, [*NEW_YEAR, "--period", "delar", "--slut", end], capsys)
    assert "--slut" in said and f"{TARGET}-08-31" in said, said


@pytest.mark.parametrize("form", BAD_ENDS)
def test_new_period_refuses_a_cut_off_date_in_another_form_and_writes_nothing(
    workspace: Path, capsys: pytest.CaptureFixture[str], form: str
) -> None:
    # A period folder that is not there yet: delar of 2016 exists in the repository's data.
    project = Project(workspace).for_period("delar")
    (project.params_file(SOURCE, UNIT)).unlink()
    end = form.format(year=SOURCE, previous=SOURCE - 1)
    said = assert_refused(workspace, [*NEW_PERIOD, "--slut", end], capsys)
    assert "--slut" in said and f"{SOURCE}-08-31" in said, said


@pytest.mark.parametrize(
    "argv",
    [
        [*NEW_YEAR, "--slut", f"{TARGET}-08-31"],
        [
            "new-period",
            "helar",
            "--from",
            "delar",
            "--year",
            str(SOURCE),
            "--slut",
            f"{SOURCE}-12-31",
        ],
    ],  # fmt: skip
    ids=["new-year", "new-period"],
)
def test_a_cut_off_date_for_year_end_is_refused(
    workspace: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    said = assert_refused(workspace, argv, capsys)
    assert "--slut gäller inte helåret" in said, said


@pytest.mark.parametrize(
    "argv",
    [
        ["new-period", "foo", "--from", "helar", "--year", str(SOURCE)],
        ["new-period", "foo", "--from", "helar", "--year", str(SOURCE), "--slut", "31/08/2016"],
        [*NEW_YEAR, "--period", "foo"],
        [*NEW_YEAR, "--period", "foo", "--slut", "31/08/2017"],
    ],
)
def test_an_undefined_period_is_named_before_its_cut_off_date_is_asked_for(
    workspace: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    said = assert_refused(workspace, argv, capsys)
    assert "'foo' finns inte under perioder:" in said and "--slut" not in said, said


def test_a_cut_off_date_in_the_documented_form_is_written_as_given(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    end = f"{TARGET}-08-31"
    code, said = run_and_read([*NEW_YEAR, "--period", "delar", "--slut", f" {end} "], capsys)
    assert code == 0, said
    params = load_params(TARGET, UNIT, Project(workspace).for_period("delar"))
    assert params.period_end == end
    assert "Kontroll:" not in said, said


def test_new_year_empties_last_years_diarienummer_and_lists_it_to_fill_in(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project(workspace)
    source = project.params_file(SOURCE, UNIT)
    diary = f"KS {SOURCE}/4711"
    source.write_text(f"{source.read_text('utf-8').rstrip()}\ndiarienummer: {diary}\n", "utf-8")
    assert load_params(SOURCE, UNIT, project).diary_number == diary
    code, said = run_and_read(NEW_YEAR, capsys)
    assert code == 0, said
    target = project.params_file(TARGET, UNIT)
    raw = load_yaml(target.read_text("utf-8"), target.name)
    assert "diarienummer" in raw and not raw["diarienummer"]  # kept as the place to fill in
    assert load_params(TARGET, UNIT, project).diary_number is None  # no footer number
    assert diary not in target.read_text("utf-8")
    listed = [
        line for line in said.splitlines() if "Att fylla i:" in line and "diarienummer" in line
    ]
    assert listed and target.relative_to(workspace).as_posix() in listed[0] and diary in listed[0]
    assert "Kontroll:" not in said, said


def test_new_year_without_a_diarienummer_adds_none(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project(workspace)
    assert "diarienummer" not in project.params_file(SOURCE, UNIT).read_text("utf-8")
    code, said = run_and_read(NEW_YEAR, capsys)
    assert code == 0, said
    assert "diarienummer" not in project.params_file(TARGET, UNIT).read_text("utf-8")
    assert "diarienummer" not in said
