"""Reading tables as analysts and Swedish Excel write them, and fuzzing the loaders.

Contract under test: ``read_table`` returns a Table or raises DataError; ``parse_number`` returns
a float/None or raises ValueError; ``typed_frame`` never raises and reports problems instead.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.core.errors import DataError
from helpers.core.paths import Project
from helpers.core.schema import SPECS, UNIT_TABLES
from helpers.data.readers import parse_number, read_table
from helpers.data.unit_data import LINE_COLUMN, convert_cell, load_unit, typed_frame

HEADER = ["post", "typ", "utfall_fg_år", "utfall", "budget", "prognos"]
ROWS = [
    ["Intäkter", "intäkter", "-1954", "-3724", "-2256", "-2669"],
    ["Stab, ekonomi", "delverksamhet", "20284", "21038", "20126", "20676"],
]


def write(tmp_path: Path, content: bytes, name: str = "drift.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def csv_bytes(rows: list[list[str]], delimiter: str = ",", newline: str = "\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("delimiter", "newline", "encoding"),
    [
        (",", "\n", "utf-8"),
        (";", "\r\n", "utf-8-sig"),  # what Swedish Excel writes
        ("\t", "\r\n", "utf-8"),
        (",", "\r", "utf-8-sig"),
    ],
)
def test_csv_dialects_read_the_same_cells(
    tmp_path: Path, delimiter: str, newline: str, encoding: str
) -> None:
    text = csv_bytes([HEADER, *ROWS], delimiter, newline)
    table = read_table(write(tmp_path, text.encode(encoding)), "drift.csv")

    assert table.columns == HEADER
    assert table.rows == [dict(zip(HEADER, row, strict=True)) for row in ROWS]
    assert table.lines == [2, 3]


def test_line_numbers_count_blank_lines_and_multiline_cells(tmp_path: Path) -> None:
    text = 'a,b\n\n1,"two\nlines"\n3,4\n'
    table = read_table(write(tmp_path, text.encode()), "t.csv")
    assert table.lines == [3, 5]
    assert table.rows[0]["b"] == "two\nlines"


def test_header_may_follow_blank_lines(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, b"\n\na;b\n1;2\n"), "t.csv")
    assert (table.columns, table.header_line, table.lines) == (["a", "b"], 3, [4])


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_non_utf8_file_is_named_with_line_and_column(tmp_path: Path, encoding: str) -> None:
    text = "mal_id,titel\nKF1,Hjo är bäst\n"
    path = write(tmp_path, text.encode(encoding))
    with pytest.raises(DataError) as caught:
        read_table(path, "data/x.csv")
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("data/x.csv", 2, "titel")
    assert "UTF-8" in problem.message and "ä" in problem.message
    assert "Ã" not in str(problem)


def test_utf16_file_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "a,b\n1,2\n".encode("utf-16"))
    with pytest.raises(DataError, match="UTF-16"):
        read_table(path, "x.csv")


def test_unterminated_quote_names_the_line_where_it_opens(tmp_path: Path) -> None:
    path = write(tmp_path, b'a,b\n1,2\n3,"never closed\nmore\n')
    with pytest.raises(DataError) as caught:
        read_table(path, "x.csv")
    (problem,) = caught.value.problems
    assert problem.row == 3
    assert "citattecken" in problem.message


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "tom"), (b"  \r\n\n", "tom"), (b"\xef\xbb\xbf", "tom"), (b'""\n', "tom")],
)
def test_empty_files_are_reported(tmp_path: Path, content: bytes, message: str) -> None:
    with pytest.raises(DataError, match=message):
        read_table(write(tmp_path, content), "x.csv")


def test_rows_with_too_few_or_too_many_cells_are_each_reported(tmp_path: Path) -> None:
    path = write(tmp_path, b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12,,\n")
    with pytest.raises(DataError) as caught:
        read_table(path, "x.csv")
    assert [(p.row, p.message) for p in caught.value.problems] == [
        (3, "raden har 2 celler men rubrikraden har 3"),
        (4, "raden har 4 celler men rubrikraden har 3"),
        (5, "raden har 5 celler men rubrikraden har 3"),  # empty extra cells too
    ]


def test_duplicate_header_is_reported(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        read_table(write(tmp_path, b"a,b,a\n1,2,3\n"), "x.csv")
    assert [(p.row, p.column) for p in caught.value.problems] == [(1, "a")]


def test_xlsx_reads_numbers_dates_and_text(tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["indikator_id", "period", "värde", "kolada_hämtad"])
    sheet.append(["kf1", 2016, 0.7, dt.datetime(2017, 3, 1)])
    sheet.append([None, None, None, None])
    sheet.append(["kf2", "2010-2013", 41575, None])
    path = tmp_path / "indikatorvarden.xlsx"
    workbook.save(path)

    table = read_table(path, "x.xlsx")

    assert table.rows == [
        {"indikator_id": "kf1", "period": "2016", "värde": "0.7", "kolada_hämtad": "2017-03-01"},
        {"indikator_id": "kf2", "period": "2010-2013", "värde": "41575", "kolada_hämtad": ""},
    ]
    assert table.lines == [2, 4]


def test_xlsx_formula_without_saved_value_is_reported(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["post", "utfall"])
    sheet.append(["Stab", "=1+1"])  # openpyxl saves no cached value: Excel never computed it
    path = tmp_path / "drift.xlsx"
    workbook.save(path)

    with pytest.raises(DataError) as caught:
        read_table(path, "drift.xlsx")
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "utfall")]


def _zip_without_a_workbook() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hej.txt", "ingen arbetsbok")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 not really a zip", b"", b"mal_id;rubrik\n", _zip_without_a_workbook()],
    ids=["broken zip", "empty", "a csv", "a zip without a workbook"],
)
def test_broken_xlsx_is_a_data_error_in_swedish(tmp_path: Path, content: bytes) -> None:
    """Said in the analyst's words, never by the reader's exception (``BadZipFile``)."""
    with pytest.raises(DataError) as caught:
        read_table(write(tmp_path, content, "x.xlsx"), "x.xlsx")
    [problem] = caught.value.problems
    assert str(problem).startswith("x.xlsx: Excel-filen går inte att öppna: den är skadad"), problem
    assert not re.search(r"[A-Z][a-z]+[A-Z][a-z]+(Error|File|Exception)", str(problem)), problem


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("41 575", 41575.0),
        ("41\u00a0575", 41575.0),
        ("1\u202f234\u202f567", 1234567.0),
        ("-1 392", -1392.0),
        ("- 6", -6.0),
        ("\u22123", -3.0),
        ("\u20133", -3.0),
        ("0,7", 0.7),
        ("0.9", 0.9),
        ("+5", 5.0),
        ("", None),
        ("   ", None),
    ],
)
def test_parse_number_accepts_what_analysts_type(text: str, value: float | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text", ["4 3O7", "12 %", "1.234,5", "1e5", "inf", "nan", "41 57", "1,2,3", "٣", "0x10"]
)
def test_parse_number_refuses_what_is_not_a_plain_number(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


@given(st.integers(min_value=-(10**12) + 1, max_value=10**12 - 1), st.integers(0, 99))
def test_parse_number_round_trips_swedish_formatting(whole: int, cents: int) -> None:
    grouped = f"{abs(whole):,}".replace(",", "\u00a0")
    text = ("-" if whole < 0 else "") + f"{grouped},{cents:02d}"
    expected = abs(whole) + cents / 100
    assert parse_number(text) == pytest.approx(-expected if whole < 0 else expected)


@given(st.text())
def test_parse_number_returns_a_finite_float_none_or_raises_value_error(text: str) -> None:
    try:
        value = parse_number(text)
    except ValueError:
        return
    assert value is None or (isinstance(value, float) and value == value)
    assert value is None or abs(value) != float("inf")


# Bytes that look like tables: fragments of real CSV syntax and troublesome characters.
CSV_ALPHABET = st.sampled_from(
    [",", ";", "\t", '"', "\n", "\r\n", "\r", " ", "\u00a0", "a", "å", "Ö", "1", "-", "0,7", "\x00"]
)
fuzzed_text = st.lists(CSV_ALPHABET, max_size=60).map("".join)


@settings(
    max_examples=300,
    suppress_health_check=[
        *settings.default.suppress_health_check,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(
    text=fuzzed_text,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
def test_read_table_loads_or_raises_data_error(
    tmp_path: Path, text: str, encoding: str, suffix: str
) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(text.encode(encoding, errors="replace"))
    try:
        table = read_table(path, "fuzz")
    except DataError as exc:
        assert exc.problems and all(p.file == "fuzz" for p in exc.problems)
        return
    assert len(table.rows) == len(table.lines)
    assert all(set(row) == set(table.columns) for row in table.rows)


@settings(
    max_examples=200,
    suppress_health_check=[
        *settings.default.suppress_health_check,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(data=st.binary(max_size=200))
def test_read_table_on_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bytes.csv"
    path.write_bytes(data)
    with contextlib.suppress(DataError):
        read_table(path, "bytes.csv")


def _table_for(spec_name: str, cells: list[list[str]]):
    from helpers.data.readers import Table

    spec = SPECS[spec_name]
    rows = [dict(zip(spec.names, row, strict=False)) for row in cells]
    return spec, Table(Path("x.csv"), "x.csv", spec.names, rows, list(range(2, 2 + len(rows))))


cell_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "2016", "2010-2013", "0,7", "-1 392", "uppfyllt", "2016-02-30", "KF1"]),
)


@settings(max_examples=200)
@given(
    spec_name=st.sampled_from([spec.stem for spec in UNIT_TABLES]),
    cells=st.lists(st.lists(cell_text, min_size=0, max_size=8), max_size=6),
)
def test_typed_frame_never_raises_and_reports_problems_by_row(
    spec_name: str, cells: list[list[str]]
) -> None:
    spec, table = _table_for(spec_name, cells)
    frame, problems = typed_frame(spec, table)
    assert list(frame[LINE_COLUMN]) == table.lines
    assert all(p.row in table.lines and p.column in spec.names for p in problems)
    for column in spec.columns:
        if column.kind == "number":
            assert frame[column.name].dtype == "float64"


@given(st.text(max_size=20))
def test_convert_cell_raises_only_value_error(text: str) -> None:
    for spec in UNIT_TABLES:
        for column in spec.columns:
            try:
                convert_cell(column, text.strip())
            except ValueError as exc:
                assert str(exc)


def test_excel_export_of_real_data_loads_the_same_values(workspace: Path) -> None:
    from test_validate import excel_export

    original = load_unit(2016, "klk", Project(workspace))
    for stem in ("drift", "nyckeltalsvarden", "indikatorvarden"):
        excel_export(workspace / "data/2016/klk" / f"{stem}.csv")
    raw = (workspace / "data/2016/klk/drift.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw and b"\r\n" in raw
    assert "\u00a0".encode() in raw

    exported = load_unit(2016, "klk", Project(workspace))

    for stem in ("drift", "nyckeltalsvarden", "indikatorvarden"):
        pd.testing.assert_frame_equal(exported.table(stem), original.table(stem))


def test_a_csv_table_is_converted_once_per_content_and_each_reader_gets_its_own_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers.data import unit_data
    from helpers.data.unit_data import FILE_COLUMNS, read_spec_table

    project = Project(tmp_path)
    folder = tmp_path / "data"
    folder.mkdir()
    table = folder / "enheter.csv"
    table.write_text("enhet,namn,förkortning\nklk,Kansliet,KLK\n", encoding="utf-8")
    spec = SPECS["enheter"]
    converted = []
    monkeypatch.setattr(unit_data, "_TYPED", type(unit_data._TYPED)())
    monkeypatch.setattr(
        unit_data, "typed_frame", lambda *a, _f=typed_frame: converted.append(1) or _f(*a)
    )
    first, _ = read_spec_table(folder, spec, project)
    first.loc[0, "namn"] = "ändrad av en läsare"
    second, problems = read_spec_table(folder, spec, project)
    assert len(converted) == 1 and not problems
    assert second.loc[0, "namn"] == "Kansliet"
    assert second.attrs[FILE_COLUMNS] == ("enhet", "namn", "förkortning")
    table.write_text("enhet,namn,förkortning\nklk,Kansliet ny,KLK\n", encoding="utf-8")
    third, _ = read_spec_table(folder, spec, project)
    assert len(converted) == 2 and third.loc[0, "namn"] == "Kansliet ny"
    table.write_text("enhet,namn,förkortning\nklk,,KLK\n", encoding="utf-8")
    for _ in range(2):  # the problems too, each time
        _, problems = read_spec_table(folder, spec, project)
        assert [p.column for p in problems] == ["namn"]


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (_zip_without_a_workbook(), "Excel-arbetsbok"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "äldre Excel-fil (.xls)"),
    ],
    ids=["xlsx", "xls"],
)
def test_a_workbook_saved_under_a_csv_name_is_named_as_one(
    tmp_path: Path, content: bytes, what: str
) -> None:
    """Not "not saved as UTF-8: the character 'æ'": what the file is, and what to do."""
    with pytest.raises(DataError) as caught:
        read_table(write(tmp_path, content, "drift.csv"), "drift.csv")
    [problem] = caught.value.problems
    assert what in str(problem) and "UTF-8" not in problem.message, problem
    assert problem.hint and ".xlsx" in problem.hint
