"""One goal id on the top goal level is one goal of the kommun: the consolidated report shows it
once. Two units that give the id different titles or numbers are refused by ``validate`` (and by
``build``, which runs the same check), naming both files and rows; a lower level's ids are each
unit's own."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from helpers.checks.kommun_checks import validate_consolidated
from helpers.cli import main
from helpers.core.paths import Project
from helpers.data.definition import read_definition

YEAR = 2016


def _mal(workspace: Path, unit: str) -> Path:
    return workspace / "data" / str(YEAR) / unit / "mal.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _append(path: Path, **values: str) -> int:
    """Add a goal row (other columns empty); its line in the file, header included."""
    with path.open(encoding="utf-8", newline="") as file:
        header = next(csv.reader(file))
    rows = _rows(path)
    with path.open("a", encoding="utf-8", newline="") as file:
        csv.writer(file).writerow([values.get(column, "") for column in header])
    return len(rows) + 2


def _levels(workspace: Path) -> list[str]:
    definition, problems = read_definition(Project(workspace))
    assert definition is not None, problems
    return list(definition.levels)


def _first_goal_of(workspace: Path, unit: str, level: str) -> tuple[int, dict[str, str]]:
    for line, row in enumerate(_rows(_mal(workspace, unit)), 2):
        if row["nivå"] == level:
            return line, row
    raise AssertionError(f"{unit} has no goal on {level}")


def test_the_examples_shared_goals_agree(workspace: Path) -> None:
    """The example has a top-level goal in two units (with one title): no problem."""
    top = _levels(workspace)[0]
    ids = [
        {row["mal_id"] for row in _rows(_mal(workspace, unit)) if row["nivå"] == top}
        for unit in ("klk", "exempel")
    ]
    assert ids[0] & ids[1], "the example no longer shares a goal between two units"
    assert validate_consolidated(Project(workspace), YEAR) == []


@pytest.mark.parametrize("column", ["titel", "nummer"])
def test_one_top_level_id_with_another_title_or_number_is_refused_naming_both_rows(
    workspace: Path, column: str, capsys: pytest.CaptureFixture[str]
) -> None:
    top = _levels(workspace)[0]
    line, goal = _first_goal_of(workspace, "klk", top)
    other = {**goal, "titel": goal["titel"], "nummer": goal["nummer"]}
    other[column] = "Ett helt annat mål" if column == "titel" else str(int(goal["nummer"]) + 100)
    added = _append(
        _mal(workspace, "von"),
        mal_id=goal["mal_id"], nivå=top, nummer=other["nummer"], titel=other["titel"],
    )  # fmt: skip
    problems = validate_consolidated(Project(workspace), YEAR)
    [problem] = [p for p in problems if p.column == column]
    assert problem.file == f"data/{YEAR}/von/mal.csv" and problem.row == added
    assert f"data/{YEAR}/klk/mal.csv (rad {line})" in problem.message
    assert goal["mal_id"] in problem.message and other[column] in problem.message
    assert [p for p in problems if p.column in ("titel", "nummer")] == [problem]
    assert main(["validate", "--year", str(YEAR)]) == 2
    out = capsys.readouterr().out
    assert f"data/{YEAR}/von/mal.csv" in out and "Traceback" not in out


def test_the_same_title_broken_differently_is_the_same_goal(workspace: Path) -> None:
    top = _levels(workspace)[0]
    _, goal = _first_goal_of(workspace, "klk", top)
    spaced = goal["titel"].replace(" ", "  \n ", 1)
    assert spaced != goal["titel"]
    _append(
        _mal(workspace, "von"),
        mal_id=goal["mal_id"], nivå=top, nummer=goal["nummer"], titel=spaced,
    )  # fmt: skip
    assert [p for p in validate_consolidated(Project(workspace), YEAR) if p.column == "titel"] == []


def test_a_lower_levels_id_is_each_units_own(workspace: Path) -> None:
    top = _levels(workspace)[0]
    goal = next(row for row in _rows(_mal(workspace, "von")) if row["nivå"] != top)
    lower = goal["nivå"]
    _append(
        _mal(workspace, "klk"),
        mal_id=goal["mal_id"], nivå=lower, nummer="99", titel="En annan enhets eget mål",
    )  # fmt: skip
    problems = validate_consolidated(Project(workspace), YEAR)
    assert [p for p in problems if p.column in ("titel", "nummer")] == []
