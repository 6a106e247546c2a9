"""``new-period`` for the whole period carries the consolidated report's own data too: the
kommun's assessments (ids kept; ``bedömning`` and ``motivering`` emptied, the period's assessment
is made anew) and its texts, marked to be revised; a folder the target has already is left
alone. (It was left out: the new period's kommun report then said "Ingen bedömning" for every
goal, with no hint why.)"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from helpers.chores.new_unit import PLACEHOLDER_MARK
from helpers.cli import main
from helpers.core.paths import Project
from helpers.data.periods import read_periods

YEAR = 2016


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _without_year_end(workspace: Path) -> None:
    for params in (workspace / "params" / str(YEAR)).glob("*.yaml"):
        params.unlink()
    for folder in (workspace / "data" / str(YEAR)).iterdir():
        if folder.name != "delar":
            shutil.rmtree(folder)


def test_the_kommuns_own_data_comes_along_to_be_assessed_anew(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = workspace / "data" / str(YEAR) / "delar" / "kommun"
    assessed = _rows(source / "bedomningar.csv")
    texts = sorted(p.relative_to(source) for p in (source / "text").rglob("*.md"))
    assert assessed and texts
    _without_year_end(workspace)
    assert main(["new-period", "helar", "--from", "delar", "--year", str(YEAR)]) == 0
    target = workspace / "data" / str(YEAR) / "kommun"
    carried = _rows(target / "bedomningar.csv")
    assert [row["mal_id"] for row in carried] == [row["mal_id"] for row in assessed]
    assert all(row["bedömning"] == "" and row["motivering"] == "" for row in carried)
    assert sorted(p.relative_to(target) for p in (target / "text").rglob("*.md")) == texts
    names = read_periods(Project(workspace))[0]
    for text in texts:
        carried_text = (target / text).read_text("utf-8")
        assert PLACEHOLDER_MARK in carried_text
        # the periods as readers call them (Delår, Helår), not their ids
        assert f"perioden {names['delar'].name}" in carried_text
        assert f"perioden {names['helar'].name}" in carried_text
    capsys.readouterr()
    assert main(["validate", "--year", str(YEAR), "--period", "helar"]) == 0


def test_a_kommun_folder_the_target_has_is_left_alone(workspace: Path) -> None:
    own = workspace / "data" / str(YEAR) / "kommun"
    kept = own / "bedomningar.csv"
    before = kept.read_bytes()
    for params in (workspace / "params" / str(YEAR)).glob("*.yaml"):
        params.unlink()
    for folder in (workspace / "data" / str(YEAR)).iterdir():
        if folder.name not in ("delar", "kommun"):
            shutil.rmtree(folder)
    assert main(["new-period", "helar", "--from", "delar", "--year", str(YEAR)]) == 0
    assert kept.read_bytes() == before
