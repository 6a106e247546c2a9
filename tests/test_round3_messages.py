"""Third round of messages: each fault named for what it is, once, with what to do.

* a CSV whose data rows use another separator than its header (``,`` above ``;`` rows, or the
  other way round) is one problem naming the file, the first such row and both separators — not
  one "the file may be truncated" per row;
* a CSV whose header is one cell holding the table's column names joined by a character that is
  not read as a separator (``|``) says which separator the file seems to use and which are read;
* an unknown command-line option is answered by the subcommand given it, with its usage and its
  closest option ("menade du --year?"), for every subcommand;
* a period id written with å, ä or ö (``delår``) is read as the id without them on the command
  line (as ``klar --status godkand``), and params that say ``period: delår`` are told the real
  id, never a folder named with å.

Expectations come from the edited inputs: the row edited, the separator used, the option
misspelt.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import cli
from helpers.building.validate import validate_unit
from helpers.core.errors import Problem
from helpers.core.paths import Project
from helpers.core.schema import SPECS
from helpers.core.text_norm import fold_swedish

YEAR, UNIT = 2016, "klk"
DRIFT = f"data/{YEAR}/{UNIT}/drift.csv"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """A command in this process: its exit status and everything it printed (no traceback)."""
    code = cli.main(argv)
    captured = capsys.readouterr()
    said = captured.out + captured.err
    assert "Traceback" not in said, said
    return code, said


def drift_problems(workspace: Path) -> list[Problem]:
    """The unit's problems that name its drift.csv."""
    problems = validate_unit(Project.current(), YEAR, UNIT)
    return [problem for problem in problems if problem.file == DRIFT]


@pytest.mark.parametrize(("header_sep", "row_sep"), [(",", ";"), (";", ","), (",", "\t")])
def test_rows_with_another_separator_than_the_header_are_one_problem(
    workspace: Path, header_sep: str, row_sep: str
) -> None:
    path = workspace / DRIFT
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "," in lines[0] and ";" not in path.read_text(encoding="utf-8")
    # Rows from the third on use the other separator: the second is the first such row.
    first_other = 3
    edited = [lines[0].replace(",", header_sep), lines[1].replace(",", header_sep)]
    edited += [line.replace(",", row_sep) for line in lines[2:]]
    path.write_text("\n".join(edited) + "\n", encoding="utf-8")

    problems = drift_problems(workspace)

    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.row == first_other
    shown = {"\t": "tabb"}
    assert shown.get(row_sep, f"'{row_sep}'") in problem.message
    assert f"'{header_sep}'" in problem.message
    assert "avkortad" not in problem.message
    assert problem.hint is not None
    sep_line = "sep= följt av en tabb" if row_sep == "\t" else f"sep={row_sep}"
    assert "samma avgränsningstecken" in problem.hint and sep_line in problem.hint


def test_the_brief_example_names_file_and_first_row(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workspace / DRIFT
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = len([line for line in lines[1:] if line.strip()])
    path.write_text(
        "\n".join([lines[0], *(line.replace(",", ";") for line in lines[1:])]) + "\n",
        encoding="utf-8",
    )

    code, said = run(["validate", "--year", str(YEAR), "--unit", UNIT], capsys)

    assert code == 2
    about_drift = [line for line in said.splitlines() if line.startswith(DRIFT)]
    assert rows > 1
    # Once per period the unit has (the helår and delår reports read the same file), never
    # once per row.
    assert {line for line in about_drift} == {about_drift[0]}, about_drift
    assert about_drift[0].startswith(f"{DRIFT}, rad 2:")
    assert "';'" in about_drift[0] and "','" in about_drift[0]


@pytest.mark.parametrize("separator", ["|", "#", "/"])
def test_a_header_joined_by_an_unread_separator_is_named(workspace: Path, separator: str) -> None:
    path = workspace / DRIFT
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",", separator), encoding="utf-8")
    header = text.splitlines()[0].split(",")
    assert set(header) <= set(SPECS["drift"].names)

    problems = drift_problems(workspace)

    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.row == 1
    assert f"'{separator}'" in problem.message
    assert "komma, semikolon och tabb" in problem.message
    assert problem.hint is not None and f"sep={separator}" in problem.hint
    assert "kolumnen" not in problem.message


def test_a_sep_line_naming_the_unread_separator_reads_the_file(workspace: Path) -> None:
    path = workspace / DRIFT
    text = path.read_text(encoding="utf-8")
    path.write_text("sep=|\n" + text.replace(",", "|"), encoding="utf-8")

    assert drift_problems(workspace) == []


@pytest.mark.parametrize(
    ("argv", "wrong", "meant"),
    [
        (["validate", "--yaer", "2016"], "--yaer", "--year"),
        (["build", "--unti", "klk"], "--unti", "--unit"),
        (["status", "--year", "2016", "--perod", "delar"], "--perod", "--period"),
        (["klar", "--year", "2016", "--unit", "klk", "--alal"], "--alal", "--alla"),
        (["new-year", "2017", "--from", "2016", "--unti", "klk"], "--unti", "--unit"),
    ],
)
def test_an_unknown_option_gets_the_subcommands_closest_option(
    workspace: Path, capsys: pytest.CaptureFixture[str], argv: list[str], wrong: str, meant: str
) -> None:
    code, said = run(argv, capsys)

    assert code == 2
    assert f"användning: workbook {argv[0]}" in said
    assert wrong in said and f"menade du {meant}?" in said
    assert f"Se `workbook {argv[0]} --help`" in said


def test_an_option_far_from_every_option_gets_no_guess(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = run(["validate", "--xyzzy"], capsys)

    assert code == 2
    assert "okända argument: --xyzzy" in said and "menade du" not in said


def test_a_misspelt_required_option_is_named_beside_the_missing_one(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = run(["klar", "--yaer", str(YEAR), "--unit", UNIT, "--alla"], capsys)

    assert code == 2
    assert "argument saknas: --year" in said
    assert "--yaer" in said and "menade du --year?" in said


@pytest.mark.parametrize("period", ["delår", "Delår", "DELAR", " delår "])
def test_a_period_with_swedish_letters_is_read_as_its_id(
    workspace: Path, capsys: pytest.CaptureFixture[str], period: str
) -> None:
    """Å, ä and ö are read as a, a and o, capitals as small letters (an id has small letters
    only), spaces around it left out."""
    period_id = fold_swedish(period).strip().lower()
    assert (workspace / "params" / str(YEAR) / period_id).is_dir()

    code, said = run(["validate", "--year", str(YEAR), "--unit", UNIT, "--period", period], capsys)
    assert code == 0, said
    assert f"{UNIT} {YEAR} {period_id}" in said

    code, said = run(["status", "--year", str(YEAR), "--period", period], capsys)
    assert code == 0, said


def test_klar_folds_statuses_as_periods(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = run(
        ["klar", "--year", str(YEAR), "--unit", UNIT, "--period", "delår", "--alla", "--status",
         "godkand"],
        capsys,
    )  # fmt: skip

    assert code == 0, said
    signoff = workspace / "data" / str(YEAR) / "delar" / UNIT / "klarmarkering.csv"
    assert "godkänd" in signoff.read_text(encoding="utf-8")


@pytest.mark.parametrize("folder", ["delar", ""])
def test_params_period_with_swedish_letters_is_told_the_real_id(
    workspace: Path, folder: str
) -> None:
    written = "delår"
    path = workspace / "params" / str(YEAR) / folder / f"{UNIT}.yaml"
    lines = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith("period:")
    ]
    path.write_text("\n".join([*lines, f"period: {written}"]) + "\n", encoding="utf-8")
    project = Project.current().for_period(folder or "helar")

    problems = [
        problem for problem in validate_unit(project, YEAR, UNIT) if problem.column == "period"
    ]

    assert len(problems) == 1, problems
    hint = problems[0].hint or ""
    assert f"period: {fold_swedish(written)}" in hint
    assert f"/{written}/" not in hint
    if not folder:
        assert f"params/{YEAR}/{fold_swedish(written)}/" in hint
