"""``workbook klar`` does not mark a section ready (klar för granskning, godkänd) while its report's
data has problems: exit 2, the problems ``workbook validate`` lists for that report, and
``klarmarkering.csv`` as it was. Taking a mark back (``--status utkast``) is always allowed; a
wrong argument is still named as one; another period's report, whose data is clean, is marked.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from helpers import cli
from helpers.core.paths import CONSOLIDATED, Project
from helpers.data.definition import load_definition
from helpers.data.kommun_definition import read_consolidated
from helpers.data.signoff import APPROVED, DRAFT, read_signoffs, signoff_file

YEAR, UNIT = 2016, "klk"


def sections(project: Project, unit: str = UNIT) -> list[str]:
    if unit == CONSOLIDATED:
        definition = read_consolidated(project)[0]
        assert definition is not None
        return [s.id for s in definition.sections]
    return [s.id for s in load_definition(project, YEAR, unit).sections]


def edit_cell(path: Path, row: int, column: str, value: str) -> str:
    """Set one cell (the header is row 1); the ``rad N, kolumn C`` a problem there names."""
    table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    table[row - 1][table[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    path.write_text(out.getvalue(), encoding="utf-8")
    return f"rad {row}, kolumn {column}"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def validate_problems(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    code, out, _ = run(["validate", *argv], capsys)
    return out.split("\n\n")[0].splitlines() if code else []


def listed(err: str) -> list[str]:
    return [line.removeprefix("  ") for line in err.partition(" st):\n")[2].splitlines()]


@pytest.mark.parametrize("status", ["granskning", "godkänd"])
def test_a_unit_whose_data_does_not_validate_is_not_marked(
    workspace: Path, status: str, capsys: pytest.CaptureFixture[str]
):
    project = Project(workspace)
    ids = sections(project)
    drift = project.unit_data(YEAR, UNIT) / "drift.csv"
    where = edit_cell(drift, 2, "utfall", "12x4")
    expected = validate_problems(["--year", str(YEAR), "--unit", UNIT, "--period", "helar"], capsys)
    assert any("drift.csv" in p and where in p for p in expected)
    code, out, err = run(
        ["klar", "--year", str(YEAR), "--unit", UNIT, ids[0], "--status", status], capsys
    )
    assert code == cli.EXIT_BAD_INPUT
    assert listed(err) == expected  # validate's list, in validate's order
    assert "Inget avsnitt" in err and "workbook validate" in err  # nothing marked; what to do
    assert not signoff_file(project, YEAR, UNIT).exists()
    assert out == ""


def test_taking_a_mark_back_is_allowed_with_bad_data(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    project = Project(workspace)
    ids = sections(project)
    argv = ["klar", "--year", str(YEAR), "--unit", UNIT, ids[0], ids[1]]
    assert run([*argv, "--status", "godkänd", "--by", "Anna"], capsys)[0] == 0
    edit_cell(project.unit_data(YEAR, UNIT) / "mal.csv", 2, "nivå", "ingen_sadan_niva")
    assert validate_problems(["--year", str(YEAR), "--unit", UNIT], capsys)
    assert run(["klar", "--year", str(YEAR), "--unit", UNIT, ids[0], "--status", "godkänd"],
               capsys)[0] == cli.EXIT_BAD_INPUT  # fmt: skip
    assert run([*argv[:-1], "--status", "utkast", "--by", "Anna"], capsys)[0] == 0
    signoffs, _ = read_signoffs(project, YEAR, UNIT, ids)
    assert signoffs[ids[0]].status == DRAFT and signoffs[ids[1]].status == APPROVED


def test_another_periods_clean_report_is_marked(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    project = Project(workspace)
    edit_cell(project.unit_data(YEAR, UNIT) / "drift.csv", 2, "budget", "tio")
    delar = project.for_period("delar")
    ids = sections(delar)
    argv = ["--year", str(YEAR), "--unit", UNIT, "--period", "delar"]
    assert validate_problems(argv, capsys) == []
    assert run(["klar", *argv, ids[0], "--status", "godkänd"], capsys)[0] == 0
    assert read_signoffs(delar, YEAR, UNIT, ids)[0][ids[0]].status == APPROVED


def test_a_wrong_section_is_named_before_the_data_is_judged(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    project = Project(workspace)
    edit_cell(project.unit_data(YEAR, UNIT) / "drift.csv", 2, "budget", "tio")
    code, _, err = run(["klar", "--year", str(YEAR), "--unit", UNIT, "inget_sadant"], capsys)
    assert code == cli.EXIT_BAD_INPUT
    assert "inget_sadant" in err and "underlaget" not in err


def test_the_consolidated_report_is_not_marked_while_its_data_has_problems(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    project = Project(workspace)
    ids = sections(project, CONSOLIDATED)
    assessments = project.unit_data(YEAR, CONSOLIDATED) / "bedomningar.csv"
    where = edit_cell(assessments, 2, "mal_id", "INGET_SADANT_MAL")
    expected = validate_problems(["--year", str(YEAR), "--unit", CONSOLIDATED, "--period",
                                  "helar"], capsys)  # fmt: skip
    assert any("bedomningar.csv" in p and where in p for p in expected)
    code, _, err = run(
        ["klar", "--year", str(YEAR), "--unit", CONSOLIDATED, ids[0], "--status", "godkänd"],
        capsys,
    )
    assert code == cli.EXIT_BAD_INPUT and listed(err) == expected
    assert not signoff_file(project, YEAR, CONSOLIDATED).exists()
