"""Typed tables remembered by content (``table_cache``, ``unit_data.read_typed``): a file's new
content is always read, whatever its size and mtime; each caller gets its own frame; problems
name the file they are about; validation finds the same problems with a cold memo as with a
warm one; the memo stays within its bounds. Expectations come from the files the tests write
and from the same checks run without the memo."""

from __future__ import annotations

import csv
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from helpers.building.validate import reports_problems_each, validate_unit
from helpers.core.errors import Problem
from helpers.core.paths import REPO_ROOT, YEAR_END, Project
from helpers.core.schema import SPECS, TableSpec
from helpers.data import unit_data
from helpers.data.params import units_of_year
from helpers.data.readers import read_table
from helpers.data.table_cache import TableMemo, TypedTable, table_key
from helpers.data.unit_data import LINE_COLUMN, load_unit, read_spec_table, read_typed

YEAR = 2016


@pytest.fixture(autouse=True)
def fresh_memo(monkeypatch: pytest.MonkeyPatch) -> TableMemo:
    """Each test starts with an empty memo of the usual bounds (not the session's)."""
    memo = TableMemo()
    monkeypatch.setattr(unit_data, "_TYPED", memo)
    return memo


def _counting_parses(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each table (by its shown name) is typed, i.e. parsed."""
    parsed: Counter[str] = Counter()
    typed_frame = unit_data.typed_frame

    def counted(spec, table):  # noqa: ANN001, ANN202
        parsed[table.shown_as] += 1
        return typed_frame(spec, table)

    monkeypatch.setattr(unit_data, "typed_frame", counted)
    return parsed


def _same_size_rewrite(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` (same length) once, keeping the file's size and mtime."""
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(text))


def test_new_content_of_the_same_size_and_mtime_is_read_again(workspace: Path) -> None:
    project = Project(workspace)
    path = project.unit_data(YEAR, "klk") / "mal.csv"
    first_row = path.read_text(encoding="utf-8").splitlines()[1]
    goal_id, level, number = first_row.split(",")[:3]
    assert len(number) == 1  # one character to swap for another
    spec = _mal_spec(project)
    shown = "data/2016/klk/mal.csv"
    assert validate_unit(project, YEAR, "klk") == []

    _same_size_rewrite(path, f"{goal_id},{level},{number},", f"{goal_id},{level},x,")
    problems = validate_unit(project, YEAR, "klk")
    assert [(p.file, p.row, p.column) for p in problems] == [
        (shown, _line_of(path, f"{goal_id},"), "nummer")
    ]
    assert "x" in problems[0].message

    changed = "7" if number != "7" else "8"
    _same_size_rewrite(path, f"{goal_id},{level},x,", f"{goal_id},{level},{changed},")
    assert validate_unit(project, YEAR, "klk") == []
    frame = load_unit(YEAR, "klk", project).table("mal")
    assert frame.loc[frame["mal_id"] == goal_id, "nummer"].tolist() == [int(changed)]
    typed, found = read_spec_table(path.parent, spec, project)
    assert found == [] and typed.loc[typed["mal_id"] == goal_id, "nummer"].tolist() == [
        int(changed)
    ]


def test_validate_and_load_parse_each_unchanged_file_once(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One reading of every value: the loader takes validate's parse of the same bytes."""
    parsed = _counting_parses(monkeypatch)
    project = Project(workspace)
    units = units_of_year(YEAR, project)
    for unit in units:
        assert validate_unit(project, YEAR, unit) == []
    for unit in units:
        load_unit(YEAR, unit, project)
    assert parsed and set(parsed.values()) == {1}, parsed
    assert {"data/enheter.csv", "data/delverksamheter.csv"} <= set(parsed)
    assert any(name.startswith("data/2016/klk/") for name in parsed)


def test_a_changed_frame_does_not_change_the_next_reading(workspace: Path) -> None:
    project = Project(workspace)
    folder = project.unit_data(YEAR, "klk")
    spec = _mal_spec(project)
    first, problems = read_spec_table(folder, spec, project)
    untouched = first.copy(deep=True)
    first.loc[first.index[0], "titel"] = "ändrad av en läsare"
    del first["nummer"]
    first.attrs.clear()
    problems.append(Problem("x.csv", "tillagt av en läsare"))
    again, problems_again = read_spec_table(folder, spec, project)
    assert problems_again == []
    assert again.equals(untouched) and again.attrs == untouched.attrs
    typed = read_typed(folder / "mal.csv", "data/2016/klk/mal.csv", spec)
    typed.frame.iloc[0, 1] = "ändrad"
    assert read_typed(folder / "mal.csv", "data/2016/klk/mal.csv", spec).frame.equals(untouched)


def test_rows_are_converted_once_and_handed_out_as_copies(workspace: Path) -> None:
    from helpers.checks.table_checks import LoadedTable

    project = Project(workspace)
    path = project.unit_data(YEAR, "klk") / "mal.csv"
    spec = _mal_spec(project)
    first = LoadedTable.of(spec, read_typed(path, "data/2016/klk/mal.csv", spec))
    rows = list(first.records())
    for _, row in rows:
        row["titel"] = "ändrad"
    second = LoadedTable.of(spec, read_typed(path, "data/2016/klk/mal.csv", spec))
    expected = LoadedTable(spec, second.frame, second.shown_as)  # converted from its own frame
    assert list(second.records()) == list(expected.records())
    assert all(row["titel"] != "ändrad" for _, row in second.records())
    assert [line for line, _ in second.records()] == second.frame[LINE_COLUMN].tolist()


def test_the_same_bytes_under_other_names_name_their_own_file(tmp_path: Path) -> None:
    broken = "enhet,namn,förkortning\nklk,,KLK\nklk,Kansliet,KLK\n"
    places = []
    for root, folder in ((tmp_path / "a", "data"), (tmp_path / "b", "data/annan")):
        (root / folder).mkdir(parents=True)
        (root / folder / "enheter.csv").write_text(broken, encoding="utf-8")
        places.append((Project(root), root / folder, f"{folder}/enheter.csv"))
    for project, folder, shown in places * 2:  # each twice: cold and remembered
        _, problems = read_spec_table(folder, SPECS["enheter"], project)
        assert [(p.file, p.row, p.column) for p in problems] == [(shown, 2, "namn")]


def test_two_projects_with_identical_units_each_name_their_own_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two copies of the data, one with the unit's folder under another unit's name: validate's
    problems name each project's own file, though the bytes are the same."""
    roots = [tmp_path / "a", tmp_path / "b"]
    for root in roots:
        for part in ("data", "params"):
            shutil.copytree(REPO_ROOT / part, root / part)
    path = roots[0] / "data/2016/klk/mal.csv"
    text = path.read_text(encoding="utf-8")
    first_row = text.splitlines()[1]
    goal_id, level, number = first_row.split(",")[:3]
    text = text.replace(f"{goal_id},{level},{number},", f"{goal_id},{level},x,", 1)
    for root in roots:
        (root / "data/2016/klk/mal.csv").write_text(text, encoding="utf-8")
    monkeypatch.setenv("WORKBOOK_ROOT", str(roots[0]))
    for root in roots * 2:
        problems = validate_unit(Project(root), YEAR, "klk")
        assert {p.file for p in problems} == {"data/2016/klk/mal.csv"}
    # the same bytes shown under another name (a unit's copy of klk's goals)
    other = roots[1] / "data/2016/kopia"
    other.mkdir()
    (other / "mal.csv").write_text(text, encoding="utf-8")
    spec = _mal_spec(Project(roots[1]))
    _, problems = read_spec_table(other, spec, Project(roots[1]))
    _, klk_problems = read_spec_table(roots[1] / "data/2016/klk", spec, Project(roots[1]))
    assert {p.file for p in problems} == {"data/2016/kopia/mal.csv"}
    assert {p.file for p in klk_problems} == {"data/2016/klk/mal.csv"}
    assert [(p.row, p.column, p.message) for p in problems] == [
        (p.row, p.column, p.message) for p in klk_problems
    ]


def _mal_spec(project: Project) -> TableSpec:
    """klk's goal table as its report defines it (the kommun's goal levels and assessments)."""
    from helpers.core.schema import unit_specs
    from helpers.data.definition import load_definition

    definition = load_definition(project, YEAR, "klk")
    return next(
        s for s in unit_specs(definition.vocabularies(), definition.drift.unit) if s.stem == "mal"
    )


def _break(workspace: Path) -> None:
    """Problems of several kinds in shared and unit tables, one table as .xlsx."""
    from openpyxl import Workbook

    enheter = workspace / "data/enheter.csv"
    enheter.write_text(
        enheter.read_text(encoding="utf-8") + "klk,Dubblett,KLK,\n", encoding="utf-8"
    )
    klk = workspace / "data/2016/klk"
    drift = klk / "drift.csv"
    lines = drift.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[3] = "12x"
    drift.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    mal = klk / "mal.csv"
    with mal.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][2] = "tre"
    mal.unlink()
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(klk / "mal.xlsx")
    von = workspace / "data/2016/von/nyckeltal.csv"
    von.write_text(von.read_text(encoding="utf-8").replace(",", ";", 1), encoding="utf-8")


@pytest.mark.parametrize("broken", [False, True], ids=["clean", "with_problems"])
def test_validation_finds_the_same_problems_cold_warm_and_without_memo(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, fresh_memo: TableMemo, broken: bool
) -> None:
    if broken:
        _break(workspace)
    project = Project(workspace)
    units = units_of_year(YEAR, project)
    reports = [(YEAR_END, YEAR, u) for u in units] + [(YEAR_END, YEAR, "kommun")]
    cold = {unit: validate_unit(project, YEAR, unit) for unit in units}
    cold_year = reports_problems_each(project, reports, [YEAR])
    assert len(fresh_memo) > 0
    warm = {unit: validate_unit(project, YEAR, unit) for unit in units}
    warm_year = reports_problems_each(project, reports, [YEAR])
    fresh_memo.clear()
    cleared = {unit: validate_unit(project, YEAR, unit) for unit in units}
    monkeypatch.setattr(unit_data, "_TYPED", TableMemo(max_entries=0))  # remembers nothing
    without = {unit: validate_unit(project, YEAR, unit) for unit in units}
    without_year = reports_problems_each(project, reports, [YEAR])
    assert cold == warm == cleared == without
    assert cold_year == warm_year == without_year
    found = [p for problems in cold.values() for p in problems]
    if not broken:
        assert found == []
    else:  # every injected fault is found, named by its own file
        files = {p.file for p in found}
        assert {
            "data/enheter.csv",
            "data/2016/klk/drift.csv",
            "data/2016/klk/mal.xlsx",
            "data/2016/von/nyckeltal.csv",
        } <= files


def test_an_xlsx_read_from_its_bytes_reads_as_from_the_file(workspace: Path) -> None:
    _break(workspace)
    path = workspace / "data/2016/klk/mal.xlsx"
    spec = _mal_spec(Project(workspace))
    typed = read_typed(path, "data/2016/klk/mal.xlsx", spec)
    frame, problems = unit_data.typed_frame(
        spec, read_table(path, "data/2016/klk/mal.xlsx", spec.names)
    )
    assert typed.frame.equals(frame) and list(typed.problems) == problems and problems
    assert typed.frame.attrs == frame.attrs


def test_an_unreadable_table_is_a_problem_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "enheter.csv"
    path.write_bytes("enhet;namn\nklk;Kansli\u00e4\n".encode("cp1252"))
    typed = read_typed(path, "data/enheter.csv", SPECS["enheter"])
    assert not typed.readable and typed.frame.empty
    assert [p.file for p in typed.problems] == ["data/enheter.csv"]
    assert "UTF-8" in typed.problems[0].message


def _typed(size: int) -> TypedTable:
    import pandas as pd

    return TypedTable(pd.DataFrame({LINE_COLUMN: [size]}), (), f"{size}.csv", ("a",))


def test_the_memo_keeps_its_bounds() -> None:
    by_count = TableMemo(max_entries=3, max_bytes=10_000)
    for i in range(5):
        by_count.put(("key", i), _typed(i), 10)
    assert len(by_count) == 3 and by_count.content_bytes == 30
    assert by_count.get(("key", 0)) is None and by_count.get(("key", 1)) is None
    assert by_count.get(("key", 2)) is not None
    by_count.put(("key", 5), _typed(5), 10)  # 2 was used last: 3 goes
    assert by_count.get(("key", 3)) is None and by_count.get(("key", 2)) is not None

    by_bytes = TableMemo(max_entries=100, max_bytes=100)
    for i in range(6):
        by_bytes.put(("key", i), _typed(i), 40)
    assert len(by_bytes) == 2 and by_bytes.content_bytes == 80
    by_bytes.put(("large",), _typed(101), 101)  # larger than the whole memo: not kept
    assert by_bytes.get(("large",)) is None and len(by_bytes) == 2
    by_bytes.clear()
    assert len(by_bytes) == 0 and by_bytes.content_bytes == 0


def test_a_bounded_memo_reads_correctly_past_its_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memo = TableMemo(max_entries=2)
    monkeypatch.setattr(unit_data, "_TYPED", memo)
    parsed = _counting_parses(monkeypatch)
    project = Project(tmp_path)
    folders = []
    for i in range(4):
        folder = tmp_path / "data" / f"d{i}"
        folder.mkdir(parents=True)
        (folder / "enheter.csv").write_text(
            f"enhet,namn,förkortning\nu{i},Enhet {i},E{i}\n", encoding="utf-8"
        )
        folders.append(folder)
    for _ in range(2):
        for i, folder in enumerate(folders):
            frame, problems = read_spec_table(folder, SPECS["enheter"], project)
            assert problems == [] and frame["enhet"].tolist() == [f"u{i}"]
            assert len(memo) <= 2
    assert sum(parsed.values()) == 8  # each pushed out before it was read again


def test_the_key_is_the_content_not_the_file(tmp_path: Path) -> None:
    spec = SPECS["enheter"]
    same = table_key(b"a,b\n", "enheter.csv", "data/enheter.csv", spec)
    assert same == table_key(b"a,b\n", "enheter.csv", "data/enheter.csv", spec)
    assert same != table_key(b"a,c\n", "enheter.csv", "data/enheter.csv", spec)
    assert same != table_key(b"a,b\n", "enheter.xlsx", "data/enheter.csv", spec)
    assert same != table_key(b"a,b\n", "enheter.csv", "data/x/enheter.csv", spec)
    assert same != table_key(b"a,b\n", "enheter.csv", "data/enheter.csv", SPECS["delverksamheter"])


def test_a_remembered_table_is_still_in_the_sections_read_set(workspace: Path) -> None:
    """The bytes are read, and the file recorded, on every reading: a section that is given a
    remembered table still lists it among its reads (``read_log``), with its content."""
    from helpers.core import read_log

    project = Project(workspace)
    path = project.unit_data(YEAR, "klk") / "mal.csv"
    assert validate_unit(project, YEAR, "klk") == []  # every table remembered
    for _ in range(2):
        read_log.start(workspace)
        try:
            load_unit(YEAR, "klk", project, lazy=True).table("mal")
        finally:
            reads = read_log.stop()
        assert reads["data/2016/klk/mal.csv"] == read_log.content_token(path.read_bytes())
