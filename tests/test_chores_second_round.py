"""The yearly chores, second round of a fresh user's findings.

1. A chore that fails while writing (a folder that cannot be made: here a file where the target
   year's or period's folder must go, which stops root as well) leaves nothing it wrote — every
   file and folder it created is removed, nothing that existed before is touched — exits 2 with
   its Swedish message, and the rerun works once the cause is gone (before, ``params/2017/…``
   stayed behind and the rerun said "2017 finns redan": a circle).
2. ``påhittad: ja`` (an invented example report) is not carried to a new year or period: the new
   report's data is the analyst's; the command says it left the mark out.
3. ``new-year`` carries the consolidated report's own data (``data/<år>/kommun/``) as
   ``new-period`` does, and leaves a folder the new year has alone, saying so.
4. ``prognosdatum`` follows the new report's cut-off: ``new-period`` sets it to the new
   ``periodslut`` (listed under "Att fylla i"); ``new-year`` moves it a year with ``periodslut``
   and sets it to a ``--slut`` that comes before it.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_missing_report_hints import run_and_read

from helpers.chores.new_unit import PLACEHOLDER_MARK
from helpers.core.paths import CONSOLIDATED
from helpers.core.yaml_text import load_yaml

SOURCE, TARGET = 2016, 2017


def tree(root: Path) -> dict[Path, bytes | None]:
    """Every file (its bytes) and folder (None) under ``root``."""
    return {p.relative_to(root): (None if p.is_dir() else p.read_bytes()) for p in root.rglob("*")}


def params(path: Path) -> dict:
    return load_yaml(path.read_text("utf-8"), path.name)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def units(root: Path, year: int, period: str = "") -> list[str]:
    folder = root / "params" / str(year) / period if period else root / "params" / str(year)
    return sorted(p.stem for p in folder.glob("*.yaml"))


def without_year_end(root: Path) -> None:
    """The source year with its delår reports only (params and data, the kommun's too)."""
    for path in (root / "params" / str(SOURCE)).glob("*.yaml"):
        path.unlink()
    for folder in (root / "data" / str(SOURCE)).iterdir():
        if folder.name != "delar":
            shutil.rmtree(folder)


def as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def assert_failed_and_left_nothing(
    root: Path, argv: list[str], capsys: pytest.CaptureFixture[str], blocker: Path
) -> None:
    before = tree(root)
    code, said = run_and_read(argv, capsys)
    assert code == 2, said
    assert said.startswith("Fel: ") and "Traceback" not in said, said
    assert blocker.relative_to(root).as_posix() in said  # names where it could not write
    assert tree(root) == before  # nothing it wrote is left; nothing that was there is gone


# 1. All or nothing ---------------------------------------------------------------------------


@contextmanager
def small_disk(target: Path, pages: int) -> Iterator[None]:
    """``target`` as an empty folder on a disk of ``pages`` pages (a tmpfs), which fills up
    part-way through a chore's writes; the test is skipped where mounting is not allowed."""
    target.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={pages * 4}k", "tmpfs", str(target)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def test_a_failed_new_year_leaves_nothing_and_the_rerun_works(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = units(workspace, SOURCE)
    # The data folder of the new year cannot be made, after every params file was written.
    blocker = workspace / "data" / str(TARGET)
    blocker.write_text("en fil där en mapp ska vara\n", "utf-8")
    # Something the operator put there before: never removed.
    own = workspace / "params" / str(TARGET) / "anteckningar.txt"
    own.parent.mkdir(parents=True)
    own.write_text("mina anteckningar\n", "utf-8")
    argv = ["new-year", str(TARGET), "--from", str(SOURCE)]
    assert_failed_and_left_nothing(workspace, argv, capsys, blocker)
    assert own.read_text("utf-8") == "mina anteckningar\n"
    blocker.unlink()
    code, said = run_and_read(argv, capsys)
    assert code == 0, said
    assert units(workspace, TARGET) == made
    assert all((workspace / "data" / str(TARGET) / unit).is_dir() for unit in made)


def test_a_new_year_that_fills_the_disk_part_way_leaves_nothing(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = units(workspace, SOURCE)[0]
    source_files = sum(1 for p in (workspace / "data" / str(SOURCE) / first).rglob("*"))
    folder = workspace / "data" / str(TARGET)  # the mount point: there before, kept
    with small_disk(folder, pages=source_files + 8):  # room for the first unit, not all
        argv = ["new-year", str(TARGET), "--from", str(SOURCE)]
        assert_failed_and_left_nothing(workspace, argv, capsys, folder)
        assert list(folder.iterdir()) == []
    assert not (workspace / "params" / str(TARGET)).exists()


def test_a_failed_new_year_for_a_period_leaves_nothing(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = workspace / "data" / str(TARGET)
    blocker.write_text("x\n", "utf-8")
    argv = ["new-year", str(TARGET), "--from", str(SOURCE), "--period", "delar"]
    assert_failed_and_left_nothing(workspace, argv, capsys, blocker)
    assert not (workspace / "params" / str(TARGET)).exists()


def test_a_failed_new_period_leaves_nothing_and_the_rerun_works(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = units(workspace, SOURCE)
    shutil.rmtree(workspace / "params" / str(SOURCE) / "delar")
    shutil.rmtree(workspace / "data" / str(SOURCE) / "delar")
    blocker = workspace / "data" / str(SOURCE) / "delar"
    blocker.write_text("x\n", "utf-8")
    argv = ["new-period", "delar", "--from", "helar", "--year", str(SOURCE)]
    argv += ["--slut", f"{SOURCE}-08-31"]
    assert_failed_and_left_nothing(workspace, argv, capsys, blocker)
    assert not (workspace / "params" / str(SOURCE) / "delar").exists()
    blocker.unlink()
    code, said = run_and_read(argv, capsys)
    assert code == 0, said
    assert units(workspace, SOURCE, "delar") == made


def test_a_failed_new_unit_leaves_nothing_and_the_rerun_works(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = (workspace / "data" / "enheter.csv").read_bytes()
    blocker = workspace / "data" / str(TARGET)
    blocker.write_text("x\n", "utf-8")
    argv = ["new-unit", "bun", "--name", "Barn- och utbildningsnämnden", "--year", str(TARGET)]
    assert_failed_and_left_nothing(workspace, argv, capsys, blocker)
    assert (workspace / "data" / "enheter.csv").read_bytes() == listed  # no row added
    blocker.unlink()
    code, said = run_and_read(argv, capsys)
    assert code == 0, said
    assert (workspace / "params" / str(TARGET) / "bun.yaml").is_file()
    assert (workspace / "data" / str(TARGET) / "bun").is_dir()
    assert "bun" in [row["enhet"] for row in rows(workspace / "data" / "enheter.csv")]


# 2. påhittad --------------------------------------------------------------------------------


def _invented(root: Path, year: int, period: str) -> list[str]:
    folder = root / "params" / str(year) / period
    return [u for u in units(root, year, period) if params(folder / f"{u}.yaml").get("påhittad")]


def test_new_year_does_not_carry_invented_and_says_so(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invented = _invented(workspace, SOURCE, "delar")
    assert invented  # the example data marks some delår reports invented
    argv = ["new-year", str(TARGET), "--from", str(SOURCE), "--period", "delar"]
    code, said = run_and_read(argv, capsys)
    assert code == 0, said
    folder = workspace / "params" / str(TARGET) / "delar"
    for unit in units(workspace, TARGET, "delar"):
        assert "påhittad" not in params(folder / f"{unit}.yaml")
    for unit in invented:
        assert f"påhittad: ja togs inte med till params/{TARGET}/delar/{unit}.yaml" in said
    assert said.count("påhittad: ja togs inte med") == len(invented)


def test_new_period_does_not_carry_invented_and_says_so(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invented = _invented(workspace, SOURCE, "delar")
    assert invented
    without_year_end(workspace)
    argv = ["new-period", "helar", "--from", "delar", "--year", str(SOURCE)]
    code, said = run_and_read(argv, capsys)
    assert code == 0, said
    for unit in units(workspace, SOURCE):
        assert "påhittad" not in params(workspace / "params" / str(SOURCE) / f"{unit}.yaml")
    for unit in invented:
        assert f"påhittad: ja togs inte med till params/{SOURCE}/{unit}.yaml" in said
    assert said.count("påhittad: ja togs inte med") == len(invented)


# 3. The consolidated report's own data ---------------------------------------------------------


def test_new_year_carries_the_kommuns_own_data_as_new_period_does(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = workspace / "data" / str(SOURCE) / CONSOLIDATED
    assessed = rows(source / "bedomningar.csv")
    texts = sorted(p.relative_to(source) for p in (source / "text").rglob("*.md"))
    assert assessed and texts
    code, said = run_and_read(["new-year", str(TARGET), "--from", str(SOURCE)], capsys)
    assert code == 0, said
    target = workspace / "data" / str(TARGET) / CONSOLIDATED
    carried = rows(target / "bedomningar.csv")
    assert [row["mal_id"] for row in carried] == [row["mal_id"] for row in assessed]
    assert all(row["bedömning"] == "" and row["motivering"] == "" for row in carried)
    assert sorted(p.relative_to(target) for p in (target / "text").rglob("*.md")) == texts
    for text in texts:
        written = (target / text).read_text("utf-8")
        assert PLACEHOLDER_MARK in written and str(TARGET) in written
        assert f"data/{TARGET}/{CONSOLIDATED}/{text.as_posix()}" in said  # listed to revise
    assert f"{CONSOLIDATED}: data/{TARGET}/{CONSOLIDATED}/ ({1 + len(texts)} filer)" in said
    code, said = run_and_read(["validate", "--year", str(TARGET)], capsys)
    assert code == 0, said


def test_new_year_for_one_unit_leaves_the_kommuns_data_out(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["new-year", str(TARGET), "--from", str(SOURCE), "--unit", "klk"]
    code, said = run_and_read(argv, capsys)
    assert code == 0, said
    assert not (workspace / "data" / str(TARGET) / CONSOLIDATED).exists()


def test_new_year_leaves_a_kommun_folder_the_new_year_has_alone(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = workspace / "data" / str(TARGET) / CONSOLIDATED / "bedomningar.csv"
    own.parent.mkdir(parents=True)
    own.write_text("mal_id,bedömning,motivering\nKS1,uppfyllt,egen\n", "utf-8")
    before = tree(own.parent)
    code, said = run_and_read(["new-year", str(TARGET), "--from", str(SOURCE)], capsys)
    assert code == 0, said
    assert tree(own.parent) == before
    assert f"{CONSOLIDATED}: data/{TARGET}/{CONSOLIDATED}/ finns redan" in said


# 4. prognosdatum ----------------------------------------------------------------------------


def _add_period(root: Path, period: str, name: str) -> None:
    definition = root / "data" / "rapport.yaml"
    text = definition.read_text("utf-8")
    assert "\nperioder:\n" in text
    definition.write_text(
        text.replace("\nperioder:\n", f"\nperioder:\n  {period}:\n    namn: {name}\n", 1), "utf-8"
    )


def test_new_period_sets_the_forecast_date_to_its_cut_off_and_lists_it(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _add_period(workspace, "tertial", "Tertial")
    end = f"{SOURCE}-04-30"
    source = workspace / "params" / str(SOURCE) / "delar"
    argv = ["new-period", "tertial", "--from", "delar", "--year", str(SOURCE), "--slut", end]
    code, said = run_and_read(argv, capsys)
    assert code == 0, said
    for unit in units(workspace, SOURCE, "delar"):
        old = params(source / f"{unit}.yaml").get("prognosdatum")
        new = params(workspace / "params" / str(SOURCE) / "tertial" / f"{unit}.yaml")
        if old is None:
            assert "prognosdatum" not in new
            continue
        assert as_date(new["prognosdatum"]) == as_date(new["periodslut"]) == as_date(end)
        assert as_date(old) != as_date(end)
        line = next(ln for ln in said.splitlines() if f"tertial/{unit}.yaml är satt" in ln)
        assert line.strip().startswith("Att fylla i: prognosdatum")
        assert end in line and as_date(old).isoformat() in line


def test_new_period_to_year_end_keeps_the_earlier_forecast_date(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A year-end statement shows the forecast the delår made (``Prognos per 2016-08-31``)."""
    without_year_end(workspace)
    argv = ["new-period", "helar", "--from", "delar", "--year", str(SOURCE)]
    code, said = run_and_read(argv, capsys)
    assert code == 0, said
    source = workspace / "params" / str(SOURCE) / "delar"
    for unit in units(workspace, SOURCE):
        old = params(source / f"{unit}.yaml").get("prognosdatum")
        new = params(workspace / "params" / str(SOURCE) / f"{unit}.yaml").get("prognosdatum")
        assert (old is None and new is None) or as_date(new) == as_date(old)
    assert "Att fylla i: prognosdatum" not in said


def test_new_year_moves_the_forecast_date_with_the_cut_off(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["new-year", str(TARGET), "--from", str(SOURCE), "--period", "delar"]
    code, said = run_and_read(argv, capsys)
    assert code == 0, said
    source = workspace / "params" / str(SOURCE) / "delar"
    for unit in units(workspace, TARGET, "delar"):
        old = params(source / f"{unit}.yaml")
        new = params(workspace / "params" / str(TARGET) / "delar" / f"{unit}.yaml")
        for key in ("prognosdatum", "periodslut"):
            moved = as_date(old[key])
            assert as_date(new[key]) == moved.replace(year=moved.year + TARGET - SOURCE)
    assert "Att fylla i: prognosdatum" not in said


def test_new_year_with_an_earlier_cut_off_sets_the_forecast_date_to_it(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    end = f"{TARGET}-04-30"
    argv = ["new-year", str(TARGET), "--from", str(SOURCE), "--period", "delar", "--slut", end]
    code, said = run_and_read(argv, capsys)
    assert code == 0, said
    source = workspace / "params" / str(SOURCE) / "delar"
    for unit in units(workspace, TARGET, "delar"):
        old = params(source / f"{unit}.yaml").get("prognosdatum")
        new = params(workspace / "params" / str(TARGET) / "delar" / f"{unit}.yaml")
        assert as_date(new["periodslut"]) == as_date(end)
        if old is not None:
            assert as_date(new["prognosdatum"]) == as_date(end)
            assert f"prognosdatum i params/{TARGET}/delar/{unit}.yaml är satt" in said


def test_new_year_from_year_end_keeps_the_forecast_date_moved_a_year(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = run_and_read(["new-year", str(TARGET), "--from", str(SOURCE)], capsys)
    assert code == 0, said
    for unit in units(workspace, TARGET):
        old = params(workspace / "params" / str(SOURCE) / f"{unit}.yaml").get("prognosdatum")
        new = params(workspace / "params" / str(TARGET) / f"{unit}.yaml").get("prognosdatum")
        if old is not None:
            assert as_date(new) == as_date(old).replace(year=as_date(old).year + 1)
