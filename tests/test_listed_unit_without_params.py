"""A unit in ``data/enheter.csv`` without params for the year is named by ``validate`` and
``build`` (every unit of the year), not passed over silently: a notice (exit status unchanged —
the list is shared by every year, so older years still build) with its row and the command that
makes its report; that command works for a unit already in the list and keeps its row.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from helpers import cli

YEAR = 2016
UNIT, NAME = "socialtjanst", "Socialtjänstförvaltningen"


def add_listed_unit(root: Path) -> int:
    """A row for a unit with no params and no data; its line in the file."""
    path = root / "data" / "enheter.csv"
    text = path.read_text(encoding="utf-8")
    assert UNIT not in text
    path.write_text(text.rstrip("\n") + f"\n{UNIT},{NAME},SOC,\n", encoding="utf-8")
    return len(path.read_text(encoding="utf-8").splitlines())


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, " ".join((captured.out + captured.err).split())


def notice_command(said: str, line: int) -> str:
    """The command the notice names for the listed unit (the notice must be there)."""
    found = re.search(
        rf"Obs: enheten '{UNIT}' står i data/enheter.csv \(rad {line}\) men har inga params för "
        rf"{YEAR}.*?`(workbook [^`]+)`",
        said,
    )
    assert found, said
    return found.group(1)


def test_validate_and_build_name_the_unit_and_the_command_that_creates_it(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    line = add_listed_unit(workspace)
    code, said = run(["validate", "--year", str(YEAR)], capsys)
    assert code == 0  # a notice: the units that have reports are in order
    command = notice_command(said, line)
    code, planned = run(["build", "--year", str(YEAR), "--dry-run"], capsys)
    assert code == 0 and notice_command(planned, line) == command
    # one named unit: nothing to say about the others
    assert UNIT not in run(["validate", "--year", str(YEAR), "--unit", "klk"], capsys)[1]

    argv = shlex.split(command)
    assert argv[:2] == ["workbook", "new-unit"] and UNIT in argv
    code, made = run(argv[1:], capsys)
    assert code == 0, made
    assert (workspace / "params" / str(YEAR) / f"{UNIT}.yaml").is_file()
    rows = (workspace / "data" / "enheter.csv").read_text(encoding="utf-8").splitlines()
    assert [r for r in rows if r.startswith(f"{UNIT},")] == [f"{UNIT},{NAME},SOC,"]  # kept once
    code, said = run(["validate", "--year", str(YEAR)], capsys)
    assert code == 0 and "Obs:" not in said and f"{UNIT} {YEAR}" in said


def test_new_unit_refuses_another_name_for_a_listed_unit(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    add_listed_unit(workspace)
    code, said = run(["new-unit", UNIT, "--year", str(YEAR), "--name", "Något annat"], capsys)
    assert code == cli.EXIT_BAD_INPUT and NAME in said
    assert not (workspace / "params" / str(YEAR) / f"{UNIT}.yaml").exists()


def test_a_listed_unit_with_a_report_is_still_refused_by_new_unit(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    code, said = run(["new-unit", "klk", "--name", "Kommunledningskontoret"], capsys)
    assert code == cli.EXIT_BAD_INPUT and "new-year" in said
