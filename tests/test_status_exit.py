"""``workbook status`` exits as ``workbook validate`` does for the data it reports on: 2 when that
data has problems (it still shows the whole table and lists them), 0 when it is clean.

The problems status names are validate's, line for line; a unit that is clean exits 0 beside a
broken one; a problem of every report (``jämförelsegrupper:`` in data/rapport.yaml) counts for
each unit. Once through the installed command, as a script or CI job runs it.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import cli

YEAR = 2016
WORKBOOK = Path(sys.executable).parent / "workbook"


def break_amount(root: Path, unit: str) -> str:
    """An amount in the unit's drift.csv that is no number; the ``file, rad N, kolumn C`` the
    problem names."""
    relative = f"data/{YEAR}/{unit}/drift.csv"
    table = list(csv.reader(io.StringIO((root / relative).read_text(encoding="utf-8"))))
    column = "budget"
    table[1][table[0].index(column)] = "12x4"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    (root / relative).write_text(out.getvalue(), encoding="utf-8")
    return f"{relative}, rad 2, kolumn {column}"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out + captured.err


def validate_problems(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code, out = run(["validate", *argv], capsys)
    return code, out.split("\n\n")[0].splitlines() if code else []


def test_clean_data_is_status_0_as_validate(workspace: Path, capsys: pytest.CaptureFixture[str]):
    code, problems = validate_problems(["--year", str(YEAR)], capsys)
    assert (code, problems) == (0, [])
    status, out = run(["status", "--year", str(YEAR)], capsys)
    assert status == 0
    assert "problem:" not in out and "fel i underlaget" not in out


def test_a_problem_in_the_data_is_status_2_and_listed_as_validate_lists_it(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    where = break_amount(workspace, "klk")
    argv = ["--year", str(YEAR), "--period", "helar"]
    code, problems = validate_problems(argv, capsys)
    assert code == cli.EXIT_BAD_INPUT and any(p.startswith(where) for p in problems)
    status, out = run(["status", *argv], capsys)
    assert status == cli.EXIT_BAD_INPUT
    flat = " ".join(out.split())  # rich folds long lines
    for problem in problems:  # each of validate's problems, as status prints it
        assert f"problem: {' '.join(problem.split())}" in flat, problem
    assert f"{len(problems)} fel i underlaget" in out
    # still the season's table: every unit of the year, the progress of each
    assert "klk (0 % klart)" in out and "von (0 % klart)" in out


def test_the_exit_follows_the_data_status_reports_on(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    """klk is broken, von is not: ``status --unit von`` reports on von only, and is 0 — as
    ``validate --unit von``; the delår report of klk has its own, clean, data."""
    break_amount(workspace, "klk")
    for argv in (["--unit", "von"], ["--unit", "klk", "--period", "delar"]):
        code, _ = validate_problems(["--year", str(YEAR), *argv], capsys)
        assert code == 0
        assert run(["status", "--year", str(YEAR), *argv], capsys)[0] == 0
    argv = ["--year", str(YEAR), "--unit", "klk"]
    assert validate_problems(argv, capsys)[0] == cli.EXIT_BAD_INPUT
    assert run(["status", *argv], capsys)[0] == cli.EXIT_BAD_INPUT


def test_a_problem_of_every_report_is_status_2_for_each_unit(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    path = workspace / "data" / "rapport.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'kolada: "0000"' in text
    path.write_text(text.replace('kolada: "0000"', 'kolada: "abc"', 1), encoding="utf-8")
    argv = ["--year", str(YEAR), "--unit", "von"]
    code, problems = validate_problems(argv, capsys)
    assert code == cli.EXIT_BAD_INPUT
    assert problems and all(p.startswith("data/rapport.yaml") for p in problems)
    status, out = run(["status", *argv], capsys)
    assert status == cli.EXIT_BAD_INPUT
    flat = " ".join(out.split())
    assert all(" ".join(p.split()) in flat for p in problems)


def test_the_installed_command_exits_2_on_bad_data_and_0_when_it_is_fixed(workspace: Path):
    drift = workspace / "data" / str(YEAR) / "klk" / "drift.csv"
    good = drift.read_text(encoding="utf-8")
    where = break_amount(workspace, "klk")
    env = {**os.environ, "WORKBOOK_ROOT": str(workspace)}
    argv = [str(WORKBOOK), "status", "--year", str(YEAR), "--unit", "klk", "--period", "helar"]
    # The timeout only guards against a hang; it is no expectation of speed (a loaded machine).
    broken = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)
    assert broken.returncode == cli.EXIT_BAD_INPUT, broken.stdout + broken.stderr
    assert where in " ".join(broken.stdout.split()) and "Traceback" not in broken.stderr
    drift.write_text(good, encoding="utf-8")
    fixed = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
