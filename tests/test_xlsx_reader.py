""".xlsx tables read as Excel shows them, within bounds, from the right sheet.

Every workbook is built here with openpyxl — percent formats, merged cells, wrong declared
sizes, hidden sheets — and what the test expects is computed from what it wrote.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from helpers.core.errors import MAX_FIELD, DataError
from helpers.core.schema import BUDGET_AMOUNT_COLUMNS, SPECS
from helpers.data import xlsx_reader
from helpers.data.readers import read_table
from helpers.data.unit_data import typed_frame

VALUES = SPECS["indikatorvarden"].names
DRIFT = ["post", "typ", *BUDGET_AMOUNT_COLUMNS]  # drift.csv as most kommuner keep it


def save(workbook: Workbook, tmp_path: Path, name: str = "indikatorvarden.xlsx") -> Path:
    path = tmp_path / name
    workbook.save(path)
    return path


def value_sheet(rows: list[list[object]], formats: dict[str, str] | None = None) -> Workbook:
    """An indikatorvarden sheet; ``formats`` maps a column name to a number format."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(VALUES)
    for row in rows:
        sheet.append(row)
    for name, code in (formats or {}).items():
        column = VALUES.index(name) + 1
        for row in range(2, len(rows) + 2):
            sheet.cell(row, column).number_format = code
    return workbook


def load(path: Path, stem: str = "indikatorvarden"):
    spec = SPECS[stem]
    return typed_frame(spec, read_table(path, path.name, spec.names))


def shown(value: float, factor: int = 100) -> float:
    """What Excel shows for ``value`` under a percent format, exactly."""
    return float(Decimal(repr(value)) * factor)


# --- percent and other display formats ----------------------------------------------------------

PERCENT_FORMATS = [
    "0%",
    "0.0%",
    "0.00%",
    "0.00\\ %",  # Swedish Excel's "0,00 %" as stored in the file
    '0" "%',
    "#,##0.0%",
    "0%;-0%",
    "0%;[Red]-0%",
    "[$-41D]0.0%",
    "0.0%;(0.0%);0%",
    "_-* 0.0%_-;-* 0.0%_-",
]
PERCENT_VALUES = [0.7, 0.705, -0.031, 1.25, 0.0, 0.123456789]


@pytest.mark.parametrize("code", PERCENT_FORMATS)
def test_percent_formatted_values_read_as_excel_shows_them(tmp_path: Path, code: str) -> None:
    rows = [["kf8", str(2010 + i), v, v, ""] for i, v in enumerate(PERCENT_VALUES)]
    frame, problems = load(save(value_sheet(rows, {"värde": code, "jämförelse": code}), tmp_path))

    assert problems == []
    assert list(frame["värde"]) == [shown(v) for v in PERCENT_VALUES]
    assert list(frame["jämförelse"]) == [shown(v) for v in PERCENT_VALUES]


@pytest.mark.parametrize("code", ['0.0"%"', "0\\%", "General", "0.00", "@", "# ##0"])
def test_a_literal_percent_sign_or_no_percent_does_not_scale(tmp_path: Path, code: str) -> None:
    rows = [["kf8", "2016", 70.5, 12, ""]]
    frame, problems = load(save(value_sheet(rows, {"värde": code}), tmp_path))
    assert problems == [] and list(frame["värde"]) == [70.5]


@pytest.mark.parametrize(("code", "factor"), [("#,##0,", Decimal("0.001")),
                                              ("0.0,,", Decimal("0.000001")),
                                              ('#,##0,"tkr"', Decimal("0.001"))])  # fmt: skip
def test_thousands_scaling_formats_read_as_shown(tmp_path: Path, code: str, factor) -> None:
    rows = [["kf1", "2016", 41_575_000, 1_234_567_890, ""]]
    frame, problems = load(save(value_sheet(rows, {"värde": code, "jämförelse": code}), tmp_path))
    assert problems == []
    assert list(frame["värde"]) == [float(Decimal(41_575_000) * factor)]
    assert list(frame["jämförelse"]) == [float(Decimal(1_234_567_890) * factor)]


def test_percent_in_an_amount_column_is_refused_naming_the_cell(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(DRIFT)
    sheet.append(["Intäkter", "intäkter", -1954, -3724, -2256, -2669])
    sheet.append(["Stab", "delverksamhet", 0.2, 21038, 20126, 20676])
    sheet["C3"].number_format = "0%"
    frame, problems = load(save(workbook, tmp_path, "drift.xlsx"), "drift")
    assert [(p.row, p.column) for p in problems] == [(3, "utfall_fg_år")]
    assert "procent" in problems[0].message and "20%" in problems[0].message


def test_a_value_the_format_hides_is_refused_but_a_zero_shown_as_dash_is_zero(
    tmp_path: Path,
) -> None:
    accounting = '_-* #,##0_-;-* #,##0_-;_-* "-"_-;_-@_-'
    rows = [["kf1", "2016", 5, 0, ""]]
    workbook = value_sheet(rows, {"jämförelse": accounting})
    workbook.active["C2"].number_format = ";;;"
    with pytest.raises(DataError) as caught:
        read_table(save(workbook, tmp_path), "x.xlsx", VALUES)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (2, "värde") and "C2" in problem.message

    workbook.active["C2"].number_format = "General"
    frame, problems = load(save(workbook, tmp_path))
    assert problems == [] and list(frame["jämförelse"]) == [0.0]


def test_numbers_stored_as_text_read_as_the_text_shows(tmp_path: Path) -> None:
    """A number typed with a leading apostrophe is text in Excel: read as the text says."""
    rows = [["kf1", "2016", "41575", "0,7", ""], ["kf1", "2015", "41 575", "70 %", ""]]
    frame, problems = load(save(value_sheet(rows), tmp_path))
    assert problems == []
    assert list(frame["värde"]) == [41575.0, 41575.0]
    assert list(frame["jämförelse"]) == [0.7, 70.0]


def test_a_number_cell_with_three_decimals_is_exact_not_ambiguous(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(DRIFT)
    workbook.active.append(["Stab", "delverksamhet", 21.038, 1392, "41,575", None])
    frame, problems = load(save(workbook, tmp_path, "drift.xlsx"), "drift")
    assert list(frame["utfall_fg_år"]) == [21.038] and list(frame["utfall"]) == [1392.0]
    assert [(p.column, "tusental" in p.message) for p in problems] == [("budget", True)]


def test_tiny_and_huge_numbers_are_written_out_not_in_scientific_notation(tmp_path: Path) -> None:
    rows = [["kf1", "2016", 1e-05, 1.5e11, ""]]
    frame, problems = load(save(value_sheet(rows), tmp_path))
    assert (
        problems == [] and list(frame["värde"]) == [1e-05] and list(frame["jämförelse"]) == [1.5e11]
    )


def test_a_number_cell_beyond_the_bounds_is_refused_naming_the_cell(tmp_path: Path) -> None:
    # Written out in full (not 1,5E+16), then held to the same bounds as a typed number.
    rows = [["kf1", "2016", 1.5e16, 1.5e11, ""]]
    frame, problems = load(save(value_sheet(rows), tmp_path))
    assert [(p.row, p.column) for p in problems] == [(2, "värde")]
    assert "15000000000000000" in problems[0].message


# --- dates, errors, formulas ----------------------------------------------------------------------


def test_dates_read_as_the_format_shows_them(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(SPECS["aktiviteter"].names)
    end = dt.datetime(2016, 6, 30)
    sheet.append(["KF1", "Aktivitet", "", end, "Kansli", "genomförd", ""])
    sheet.append(["KF1", "Annan", "", dt.datetime(2016, 11, 1), "Kansli", "genomförd", ""])
    sheet["D2"].number_format = "yyyy-mm-dd"
    sheet["D3"].number_format = "mmm yyyy"
    table = read_table(save(workbook, tmp_path, "aktiviteter.xlsx"), "a.xlsx")
    assert [row["slutdatum"] for row in table.rows] == ["2016-06-30", "2016-11"]


def test_a_date_that_lost_its_format_gets_a_hint(tmp_path: Path) -> None:
    serial = (dt.date(2017, 3, 1) - dt.date(1899, 12, 30)).days
    _, problems = load(save(value_sheet([["kf1", "2016", 1, "", "", serial]]), tmp_path))
    assert [p.column for p in problems] == ["kolada_hämtad"]
    assert "2017-03-01" in problems[0].message


@pytest.mark.parametrize("error", ["#N/A", "#DIV/0!", "#REF!", "#VALUE!"])
def test_an_excel_error_is_refused_naming_the_cell(tmp_path: Path, error: str) -> None:
    rows = [["kf1", "2016", 5, "", ""], ["kf1", "2015", 6, "", error]]
    with pytest.raises(DataError) as caught:
        read_table(save(value_sheet(rows), tmp_path), "x.xlsx", VALUES)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (3, "notering") and error in problem.message


# --- declared size, bounds ------------------------------------------------------------------------


def set_dimension(path: Path, ref: str) -> None:
    """Rewrite the sheet's declared size, as a careless writer leaves it."""
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    sheet, count = re.subn(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', sheet)
    assert count == 1
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("declared", ["A1:F6", "A1:B2", "A1:XFD1048576", "A1"])
def test_rows_that_exist_are_read_whatever_size_the_sheet_declares(
    tmp_path: Path, declared: str
) -> None:
    rows = [["kf1", str(2008 + i), i, "", ""] for i in range(9)]
    path = save(value_sheet(rows), tmp_path)
    set_dimension(path, declared)

    table = read_table(path, "x.xlsx", VALUES)

    assert [row["period"] for row in table.rows] == [r[1] for r in rows]
    assert table.lines == list(range(2, 2 + len(rows)))


def test_a_file_that_unpacks_too_large_is_refused_before_openpyxl_opens_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = save(value_sheet([["kf1", "2016", 1, "", ""]]), tmp_path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (xlsx_reader.MAX_UNPACKED_BYTES + 1))
    assert path.stat().st_size < 1024 * 1024  # small on disk, a bomb when unpacked

    import openpyxl

    def must_not_open(*args, **kwargs):
        raise AssertionError("openpyxl opened a file that should have been refused")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_open)
    with pytest.raises(DataError, match="packas upp"):
        read_table(path, "x.xlsx", VALUES)


def test_a_value_beyond_the_column_limit_is_refused_naming_the_cell(tmp_path: Path) -> None:
    workbook = value_sheet([["kf1", "2016", 1, "", ""]])
    workbook.active.cell(3, xlsx_reader.MAX_COLUMNS + 1, "bortglömd")
    with pytest.raises(DataError) as caught:
        read_table(save(workbook, tmp_path), "x.xlsx", VALUES)
    (problem,) = caught.value.problems
    assert problem.row == 3 and "IW3" in problem.message


def test_formatted_empty_cells_anywhere_are_ignored(tmp_path: Path) -> None:
    """Formatting (or a cleared value) far below and right of the table holds no value."""
    from openpyxl.styles import Font

    rows = [["kf1", str(2008 + i), i, "", ""] for i in range(3)]
    workbook = value_sheet(rows)
    for row, column in ((1_048_576, 1), (50_000, 16_384), (5, 300)):
        workbook.active.cell(row, column).font = Font(bold=True)
    workbook.active.cell(200_000, 2, "   ")
    path = save(workbook, tmp_path)
    set_dimension(path, "A1:XFD1048576")
    table = read_table(path, "x.xlsx", VALUES)
    assert [row["period"] for row in table.rows] == [r[1] for r in rows]


def test_more_rows_than_the_limit_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_reader, "MAX_ROWS", 20)
    rows = [["kf1", str(1990 + i), i, "", ""] for i in range(40)]
    with pytest.raises(DataError, match="fler än 20"):
        read_table(save(value_sheet(rows), tmp_path), "x.xlsx", VALUES)


@pytest.mark.parametrize("length", [40_000, 2_000_000])
def test_a_huge_cell_is_refused_and_never_echoed_whole(tmp_path: Path, length: int) -> None:
    rows = [["kf1", "2016", 1, "", "x" * length]]
    with pytest.raises(DataError) as caught:
        read_table(save(value_sheet(rows), tmp_path), "x.xlsx", VALUES)
    (problem,) = caught.value.problems
    assert problem.column == "notering" and len(str(problem)) < 4 * MAX_FIELD


def test_a_huge_value_quoted_in_a_message_is_bounded(tmp_path: Path) -> None:
    rows = [["kf1", "2016", "y" * 9_000, "", ""]]
    _, problems = load(save(value_sheet(rows), tmp_path))
    (problem,) = problems
    assert problem.column == "värde" and "9\u00a0000 tecken" in problem.message
    assert len(problem.message) < MAX_FIELD


# --- layout: titles, merged cells, values outside the table ------------------------------------


def drift_sheet(sheet: Worksheet, first_row: int) -> list[list[object]]:
    rows = [
        ["Intäkter", "intäkter", -1954, -3724, -2256, -2669],
        ["Stab", "delverksamhet", 20284, 21038, 20126, 20676],
        ["Kansli", "delverksamhet", 8620, 9184, 9688, 9688],
    ]
    for offset, row in enumerate([DRIFT, *rows]):
        for column, value in enumerate(row, start=1):
            sheet.cell(first_row + offset, column, value)
    return rows


@pytest.mark.parametrize(
    "titles",
    [["Driftredovisning 2016"], ["Driftredovisning 2016", None, "Belopp i tkr"],
     ["Kommunledningskontoret", "Driftredovisning 2016", None]],
)  # fmt: skip
def test_title_rows_merged_or_not_are_skipped(tmp_path: Path, titles: list[str | None]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    for row, title in enumerate(titles, start=1):
        if title:
            sheet.cell(row, 1, title)
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(DRIFT))
    header_row = len(titles) + 1
    rows = drift_sheet(sheet, header_row)

    table = read_table(save(workbook, tmp_path, "drift.xlsx"), "drift.xlsx", DRIFT)

    assert table.header_line == header_row
    assert [row["post"] for row in table.rows] == [r[0] for r in rows]
    assert table.lines == [header_row + 1 + i for i in range(len(rows))]


@pytest.mark.parametrize(
    "merged", ["B3:B4", "C2:D2", "A1:B1", "B2:B4", "C3:F4"]
)  # header is row 1; data rows 2–4
def test_merged_cells_in_the_table_are_refused_naming_the_range(
    tmp_path: Path, merged: str
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    drift_sheet(sheet, 1)
    sheet.merge_cells(merged)
    with pytest.raises(DataError) as caught:
        read_table(save(workbook, tmp_path, "drift.xlsx"), "drift.xlsx", DRIFT)
    messages = [p for p in caught.value.problems if merged in p.message]
    assert len(messages) == 1
    first_row = int(re.search(r"[A-Z]+(\d+)", merged).group(1))
    first_column = DRIFT[ord(merged[0]) - ord("A")]
    assert (messages[0].row, messages[0].column) == (first_row, first_column)
    assert "Dela upp" in messages[0].hint


def test_a_value_right_of_the_table_without_heading_is_refused(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    drift_sheet(sheet, 1)
    sheet["H3"] = "anteckning"
    with pytest.raises(DataError) as caught:
        read_table(save(workbook, tmp_path, "drift.xlsx"), "drift.xlsx", DRIFT)
    (problem,) = caught.value.problems
    assert problem.row == 3 and "H3" in problem.message and "ingen rubrik" in problem.message


# --- which sheet ---------------------------------------------------------------------------------


def test_the_sheet_with_the_tables_columns_is_read_and_named(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "Instruktioner"
    workbook.active["A1"] = "Fyll i bladet Data"
    data = workbook.create_sheet("Data")
    rows = drift_sheet(data, 1)
    table = read_table(save(workbook, tmp_path, "drift.xlsx"), "drift.xlsx", DRIFT)
    assert [row["post"] for row in table.rows] == [r[0] for r in rows]
    assert table.shown_as == "drift.xlsx (bladet 'Data')"


def test_a_table_only_on_a_hidden_sheet_is_refused_naming_the_sheet(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "Gammal"
    drift_sheet(workbook.active, 1)
    workbook.active.sheet_state = "hidden"
    workbook.create_sheet("Tomt")["A1"] = "ingenting här"
    workbook.active = 1
    with pytest.raises(DataError, match="dolda bladet 'Gammal'"):
        read_table(save(workbook, tmp_path, "drift.xlsx"), "drift.xlsx", DRIFT)


def test_a_hidden_sheet_is_never_read_even_if_first(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "Fjolår"
    drift_sheet(workbook.active, 1)
    workbook.active["A3"] = "Fjolårets stab"
    workbook.active.sheet_state = "hidden"
    current = workbook.create_sheet("I år")
    drift_sheet(current, 1)
    workbook.active = 1
    table = read_table(save(workbook, tmp_path, "drift.xlsx"), "drift.xlsx", DRIFT)
    assert "Fjolårets stab" not in [row["post"] for row in table.rows]


def test_two_visible_sheets_with_the_table_are_ambiguous_unless_one_is_named_so(
    tmp_path: Path,
) -> None:
    workbook = Workbook()
    workbook.active.title = "2015"
    drift_sheet(workbook.active, 1)
    drift_sheet(workbook.create_sheet("2016"), 1)
    with pytest.raises(DataError, match="flera blad"):
        read_table(save(workbook, tmp_path, "drift.xlsx"), "drift.xlsx", DRIFT)

    drift_sheet(workbook.create_sheet("drift"), 1)
    workbook["drift"]["A3"] = "Rätt blad"
    table = read_table(save(workbook, tmp_path, "drift.xlsx"), "drift.xlsx", DRIFT)
    assert table.rows[1]["post"] == "Rätt blad"
