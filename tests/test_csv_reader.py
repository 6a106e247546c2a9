"""CSV as Excel and other programs write it: ``sep=`` lines, title rows, headers, bounds.

Each expectation is derived from the table the test writes: the same rows must come back
whatever the separator line, byte-order mark, line ending or title above the header.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from helpers.core.errors import MAX_FIELD, DataError
from helpers.core.schema import BUDGET_AMOUNT_COLUMNS, SPECS
from helpers.data import readers
from helpers.data.readers import read_table

DRIFT = ["post", "typ", *BUDGET_AMOUNT_COLUMNS]  # drift.csv as most kommuner keep it
ROWS = [
    ["Intäkter", "intäkter", "-1 954", "-3 724", "-2 256", "-2 669,5"],
    ["Stab, ekonomi", "delverksamhet", "20 284", "21 038", "20 126", "20 676"],
    ["Kommunledning", "delverksamhet", "8 620", "9 184,25", "9 688", "9 688"],
]


def csv_text(rows: list[list[str]], delimiter: str, newline: str = "\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buffer.getvalue()


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "drift.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def expected_rows(rows: list[list[str]] = ROWS) -> list[dict[str, str]]:
    return [dict(zip(DRIFT, row, strict=True)) for row in rows]


# --- Excel's sep= line ------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("written", ["sep={}", '"sep={}"', "SEP={}", "sep={}{}{}{}{}"])
def test_sep_line_names_the_separator_and_the_table_reads_the_same(
    tmp_path: Path, delimiter: str, encoding: str, newline: str, written: str
) -> None:
    """Any separator Excel honours, with BOM or CRLF, with decimal commas in the cells."""
    sep = written.format(*[delimiter] * written.count("{}"))
    text = sep + newline + csv_text([DRIFT, *ROWS], delimiter, newline)
    table = read_table(write(tmp_path, text, encoding), "drift.csv", DRIFT)

    assert table.columns == DRIFT
    assert table.rows == expected_rows()
    # Excel hides the sep= line: its row 1 is the header, as a message must say.
    assert (table.header_line, table.lines) == (1, [2, 3, 4])


def test_sep_line_builds_the_same_rows_as_the_file_without_it(tmp_path: Path) -> None:
    plain = read_table(write(tmp_path, csv_text([DRIFT, *ROWS], ";")), "drift.csv", DRIFT)
    with_sep = read_table(
        write(tmp_path, "sep=;\r\n" + csv_text([DRIFT, *ROWS], ";", "\r\n"), "utf-8-sig"),
        "drift.csv",
        DRIFT,
    )
    assert (with_sep.columns, with_sep.rows, with_sep.lines) == (
        plain.columns,
        plain.rows,
        plain.lines,
    )


def test_sep_line_that_contradicts_the_rows_names_both_separators(tmp_path: Path) -> None:
    path = write(tmp_path, "sep=,\n" + csv_text([DRIFT, *ROWS], ";"))
    with pytest.raises(DataError) as caught:
        read_table(path, "drift.csv", DRIFT)
    (problem,) = caught.value.problems
    assert problem.row == 1 and "';'" in problem.message and "','" in problem.message
    assert "sep=;" in problem.hint


@pytest.mark.parametrize("line", ["sep=", "sep=;,"])
def test_broken_sep_line_is_named(tmp_path: Path, line: str) -> None:
    with pytest.raises(DataError) as caught:
        read_table(write(tmp_path, line + "\n" + csv_text([DRIFT, *ROWS], ";")), "d.csv", DRIFT)
    (problem,) = caught.value.problems
    assert problem.row == 1 and "sep=" in problem.message


def test_problem_rows_after_a_sep_line_are_excels_rows(tmp_path: Path) -> None:
    rows = [*ROWS[:2], ["Kansli", "delverksamhet", "x", "1", "2", "3"]]
    path = write(tmp_path, "sep=;\n" + csv_text([DRIFT, *rows], ";"))
    from helpers.data.unit_data import typed_frame

    _, problems = typed_frame(SPECS["drift"], read_table(path, "drift.csv", DRIFT))
    assert [(p.row, p.column) for p in problems] == [(4, "utfall_fg_år")]


def test_non_utf8_file_with_sep_line_names_excels_row_and_the_column(tmp_path: Path) -> None:
    header = SPECS["prioriteringar"].names  # ASCII only: the first bad byte is in the data
    rows = [["episerver", "Webben"], ["oversyn", "Översyn av styrdokument"]]
    text = "sep=;\n" + csv_text([header, *rows], ";")
    with pytest.raises(DataError) as caught:
        read_table(write(tmp_path, text, "cp1252"), "prioriteringar.csv", header)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (3, "rubrik")


# --- title rows, header, cells outside the table ----------------------------------------------


@pytest.mark.parametrize(
    "above",
    [
        ["Driftredovisning 2016"],
        ["Driftredovisning 2016", ""],
        ["Driftredovisning 2016", "Belopp i tkr", ""],
        ["", "Kommunledningskontoret", "", "Driftredovisning, 2016"],
    ],
)
@pytest.mark.parametrize("delimiter", [";", ","])
def test_title_rows_above_the_header_are_skipped(
    tmp_path: Path, above: list[str], delimiter: str
) -> None:
    titles = [[line] + [""] * (len(DRIFT) - 1) if line else [] for line in above]
    path = write(tmp_path, csv_text([*titles, DRIFT, *ROWS], delimiter))
    table = read_table(path, "drift.csv", DRIFT)

    header_line = len(above) + 1
    assert (table.columns, table.rows) == (DRIFT, expected_rows())
    assert table.header_line == header_line
    assert table.lines == [header_line + 1, header_line + 2, header_line + 3]


def test_data_above_the_header_is_refused_naming_the_rows(tmp_path: Path) -> None:
    """A table sorted together with its header: the rows above it are data, not a title."""
    path = write(tmp_path, csv_text([ROWS[0], ROWS[1], DRIFT, ROWS[2]], ";"))
    with pytest.raises(DataError) as caught:
        read_table(path, "drift.csv", DRIFT)
    assert [p.row for p in caught.value.problems] == [1, 2]
    assert all("rubrikraden (rad 3)" in p.message for p in caught.value.problems)


def test_header_written_in_another_case_is_the_header(tmp_path: Path) -> None:
    header = [name.capitalize() for name in DRIFT]
    table = read_table(write(tmp_path, csv_text([header, *ROWS], ";")), "drift.csv", DRIFT)
    assert table.columns == DRIFT


def test_a_value_in_a_column_without_heading_is_refused(tmp_path: Path) -> None:
    rows = [[*ROWS[0], ""], [*ROWS[1], "glöm inte"]]
    path = write(tmp_path, csv_text([[*DRIFT, ""], *rows], ";"))
    with pytest.raises(DataError) as caught:
        read_table(path, "drift.csv", DRIFT)
    (problem,) = caught.value.problems
    assert problem.row == 3 and "ingen rubrik" in problem.message and "glöm inte" in problem.message


# --- bounds -----------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, csv_text([DRIFT, *ROWS], ";"))
    monkeypatch.setattr(readers, "MAX_CSV_BYTES", path.stat().st_size - 1)
    with pytest.raises(DataError, match="mer än"):
        read_table(path, "drift.csv", DRIFT)


@pytest.mark.parametrize("length", [40_000, 200_000, 2_000_000])
def test_a_huge_cell_is_refused_and_never_echoed_whole(tmp_path: Path, length: int) -> None:
    rows = [
        ["Stab", "delverksamhet", "1", "2", "3", "4"],
        ["x" * length, "delverksamhet", "", "", "", ""],
    ]
    path = write(tmp_path, csv_text([DRIFT, *rows], ";"))
    with pytest.raises(DataError) as caught:
        read_table(path, "drift.csv", DRIFT)
    (problem,) = caught.value.problems
    assert problem.row == 3 and "tecken" in problem.message
    assert len(str(problem)) < 4 * MAX_FIELD
    assert "field" not in str(problem)  # no English from the csv module
