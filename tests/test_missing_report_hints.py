"""A unit-year without a report in a period names the command that makes it, from what exists:
``new-period`` from the same year's other period, ``new-year`` from an earlier year, or
``new-unit``; ``validate`` and ``build`` give the same command, and running it (with the period's
end date) gives a report that validates, the unit's own custom tables included."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from helpers.cli import main
from helpers.core.yaml_text import load_yaml

YEAR, PERIOD, UNIT = 2016, "delar", "von"


def _commands(text: str) -> set[str]:
    return set(re.findall(r"`(workbook [^`]+)`", text))


def run_and_read(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """A command's exit code and all it printed (stdout, then stderr)."""
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_missing_period_names_new_period_and_that_command_makes_a_valid_report(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = workspace / "params" / str(YEAR) / PERIOD / f"{UNIT}.yaml"
    other = next(p for p in params.parent.glob("*.yaml") if p != params)
    end = str(load_yaml(other.read_text("utf-8"), other.name)["periodslut"])
    params.unlink()
    chosen = ["--year", str(YEAR), "--unit", UNIT, "--period", PERIOD]
    code, said = run_and_read(["validate", *chosen], capsys)
    assert code == 2 and "1 fel i underlaget" in said  # not its data measured against another's
    [command] = _commands(said)
    shutil.rmtree(workspace / "data" / str(YEAR) / PERIOD / UNIT)
    code, said = run_and_read(["validate", *chosen], capsys)
    assert code == 2 and _commands(said) == {command}
    assert command.startswith(f"workbook new-period {PERIOD} --from ")
    code, built = run_and_read(["build", *chosen, "--dry-run"], capsys)
    assert code == 2 and _commands(built) == {command}
    argv = [
        end if word == "ÅÅÅÅ-MM-DD" else word for word in shlex.split(command)[1:]
    ]  # the operator fills in the period's end date
    assert run_and_read(argv, capsys)[0] == 0
    code, said = run_and_read(["validate", *chosen], capsys)
    assert code == 0, said


def test_a_year_without_the_unit_names_new_year_from_the_latest_earlier_year(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = run_and_read(["validate", "--year", str(YEAR + 1), "--unit", UNIT], capsys)
    assert code == 2
    assert _commands(said) == {f"workbook new-year {YEAR + 1} --from {YEAR} --unit {UNIT}"}


def test_a_unit_that_exists_nowhere_names_new_unit(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = run_and_read(
        ["build", "--year", str(YEAR), "--unit", "ny-enhet", "--dry-run"], capsys
    )
    assert code == 2
    [command] = _commands(said)
    assert command.startswith("workbook new-unit ny-enhet ") and f"--year {YEAR}" in command


def test_a_year_before_every_year_never_suggests_going_backwards(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``new-year`` only goes forward: for a year before the first, the hint is ``new-unit``,
    with the years there are (it suggested ``new-year 2015 --from 2016``, which is refused)."""
    code, said = run_and_read(["build", "--year", str(YEAR - 1), "--dry-run"], capsys)
    assert code == 2
    assert "new-year" not in said and "`workbook new-unit`" in said and str(YEAR) in said
