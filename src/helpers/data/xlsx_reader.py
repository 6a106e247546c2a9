"""An .xlsx table read as Excel shows it, within bounds, from the right sheet.

- **Only cells that exist are read.** The size a sheet declares (``<dimension ref="A1:F6">``) is
  ignored: writers get it wrong, and openpyxl trusted it — too small dropped rows, ``A1:XFD1048576``
  padded a million empty rows. Rows are streamed from the sheet's XML and only cells holding a
  value are kept.
- **Bounds before anything is expanded:** the file's size, and its unpacked size from the zip
  directory (``zipfile`` never inflates a member past the size declared there), so a 1 MB file
  that unpacks to 1 GB is refused before openpyxl opens it; then rows and columns with values.
- **Values as Excel shows them** (``excel_format``): percent formats multiply by 100, a trailing
  ``,`` divides by 1 000, dates and times become ISO text; an Excel error (``#N/A``), a formula
  without a saved result and a number its format hides are problems naming the cell.
- **The sheet:** the visible sheet whose header has the table's columns (one named as the table
  wins a tie); a hidden sheet is never read, but named when the table is only there.
- **Layout** (``table_layout``): title rows above the header are skipped; a merged range in the
  header or the rows below it is refused, naming the range.

Cells come from ``xlsx_cells.SheetStream`` (openpyxl's streaming sheet parser).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from helpers.core.errors import DataError, Problem, count, quote
from helpers.core.paths import os_error_text
from helpers.data.table_layout import (
    MAX_LEADING_ROWS,
    MAX_ROWS,
    Record,
    Table,
    build_table,
    header_name,
    leading_row_problems,
    locate_header,
    title_like,
)
from helpers.data.xlsx_cells import CellProblem, SheetStream

MAX_XLSX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 2_000
MAX_COLUMNS = 256
_REOPEN = "öppna filen i Excel och spara den igen som .xlsx (eller som CSV UTF-8)"


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB".replace(",", "\u00a0")


def too_large(size: int, shown_as: str) -> DataError | None:
    """The ``DataError`` for an .xlsx of ``size`` bytes, when that is more than a table may be."""
    if size <= MAX_XLSX_BYTES:
        return None
    return DataError(
        [
            Problem(
                shown_as,
                f"Excel-filen är {_megabytes(size)}, mer än de {_megabytes(MAX_XLSX_BYTES)} "
                "en tabell får vara",
                hint="spara bara tabellen i en egen fil (eller som CSV UTF-8)",
            )
        ]
    )


def check_package(path: Path | bytes, shown_as: str) -> None:
    """Refuse a file (or its bytes) that is too large, or would unpack too large, before it is
    parsed."""
    size = len(path) if isinstance(path, bytes) else path.stat().st_size
    refused = too_large(size, shown_as)
    if refused is not None:
        raise refused
    try:
        with zipfile.ZipFile(io.BytesIO(path) if isinstance(path, bytes) else path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise DataError([_unreadable(shown_as, exc)]) from None
    unpacked = sum(member.file_size for member in members)
    if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
        raise DataError(
            [
                Problem(
                    shown_as,
                    f"Excel-filen packas upp till {_megabytes(unpacked)}, mer än de "
                    f"{_megabytes(MAX_UNPACKED_BYTES)} en tabell får ta",
                    hint="spara bara tabellen i en egen fil (eller som CSV UTF-8); en liten fil "
                    "som blir så stor kan vara skadad eller konstruerad för att sänka datorn",
                )
            ]
        )


@dataclass
class SheetGrid:
    """The cells of one sheet that hold a value, as Excel shows them."""

    title: str
    cells: dict[int, dict[int, str]] = field(default_factory=dict)
    problems: dict[tuple[int, int], CellProblem] = field(default_factory=dict)
    merged: list[Any] = field(default_factory=list)  # openpyxl CellRange objects
    numeric: set[tuple[int, int]] = field(default_factory=set)  # cells that held a number
    overflow: Problem | None = None

    def records(self) -> list[Record]:
        """Every row with a value: (Excel row number, cell texts from column A)."""
        out: list[Record] = []
        for row in sorted(self.cells):
            columns = self.cells[row]
            cells = [""] * max(columns)
            for column, text in columns.items():
                cells[column - 1] = text
            out.append((row, cells))
        return out


def read_xlsx(
    path: Path, shown_as: str, expected: Sequence[str] = (), raw: bytes | None = None
) -> Table:
    """The table in an .xlsx file; raises DataError naming file, sheet, row and column.

    ``raw``: the file's bytes, already read (``table_cache``): parsed instead of the file, which
    still names the table and (its stem) the sheet to prefer."""
    check_package(path if raw is None else raw, shown_as)
    from openpyxl import load_workbook

    try:
        source = path if raw is None else io.BytesIO(raw)
        workbook = load_workbook(source, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl, zipfile and the XML parser raise many types
        raise DataError([_unreadable(shown_as, exc)]) from None
    try:
        sheet = choose_sheet(workbook, shown_as, expected, path.stem)
        if len(workbook.worksheets) > 1:
            shown_as = f"{shown_as} (bladet '{quote(sheet.title, 40)}')"
        grid = read_grid(workbook, sheet, shown_as)
    except DataError:
        raise
    except Exception as exc:
        raise DataError([_unreadable(shown_as, exc)]) from None
    finally:
        workbook.close()
    return _table(path, shown_as, grid, expected)


def _unreadable(shown_as: str, exc: Exception) -> Problem:
    """Why an .xlsx file could not be opened, in the analyst's words: what the operating system
    said, or that the file is damaged or no Excel file (a renamed file, a .xls or .ods saved
    with the wrong ending) — never the reader's exception name (``BadZipFile``)."""
    if isinstance(exc, OSError):
        message, hint = os_error_text(exc)
        return Problem(shown_as, message, hint=hint)
    return Problem(
        shown_as,
        "Excel-filen går inte att öppna: den är skadad eller ingen Excel-fil (.xlsx)",
        hint=_REOPEN,
    )


def _table(path: Path, shown_as: str, grid: SheetGrid, expected: Sequence[str]) -> Table:
    if grid.overflow is not None:
        raise DataError([grid.overflow])
    records = grid.records()
    header = locate_header(records, expected, title_like)
    if header is None:
        raise DataError([Problem(shown_as, "bladet är tomt", hint="fyll i tabellen på bladet")])
    header_line, header_cells = records[header]
    names = [header_name(cell, expected) for cell in header_cells]
    problems = leading_row_problems(records, header, shown_as, title_like)
    problems += _merge_problems(grid, header_line, len(names), names, shown_as)
    for (row, column), (message, hint) in sorted(grid.problems.items()):
        if row >= header_line:
            name = names[column - 1] if column <= len(names) and names[column - 1] else None
            problems.append(
                Problem(
                    shown_as,
                    f"cellen {_cell_ref(row, column)} {message}",
                    row=row,
                    column=name,
                    hint=hint,
                )
            )
    table = build_table(
        path,
        shown_as,
        records,
        header,
        expected,
        cell_name=lambda line, index: f"cellen {_cell_ref(line, index + 1)}",
        problems=problems,
    )
    exact = {
        (row, names[column - 1])
        for row, column in grid.numeric
        if column <= len(names) and names[column - 1]
    }
    return replace(table, exact=frozenset(exact))


def _cell_ref(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}" if 1 <= column <= 18_278 else f"kolumn {column}"


def _merge_problems(
    grid: SheetGrid, header_line: int, width: int, names: Sequence[str], shown_as: str
) -> list[Problem]:
    """Merged ranges in the header row or below it, within the table's columns."""
    problems = []
    for merged in grid.merged:
        if merged.max_row < header_line or merged.min_col > max(width, 1):
            continue
        column = names[merged.min_col - 1] if merged.min_col <= len(names) else None
        problems.append(
            Problem(
                shown_as,
                f"cellerna {merged.coord} är sammanfogade, så bara den första har ett värde",
                row=merged.min_row,
                column=column or None,
                hint="markera dem och välj Start > Sammanfoga och centrera > Dela upp celler, "
                "och skriv värdet i varje cell",
            )
        )
    return problems


def choose_sheet(workbook: Any, shown_as: str, expected: Sequence[str], stem: str) -> Any:
    """The sheet holding the table (see the module docstring); DataError when it is ambiguous."""
    sheets = list(workbook.worksheets)
    visible = [s for s in sheets if s.sheet_state == "visible"]
    if not visible:
        raise DataError([Problem(shown_as, "Excel-filen har inget synligt blad", hint=_REOPEN)])
    if not expected:
        return visible[0]
    enough = min(2, len(expected))
    matching = [s for s in sheets if _header_score(workbook, s, expected) >= enough]
    shown = [s for s in matching if s in visible]
    if len(shown) == 1:
        return shown[0]
    if len(shown) > 1:
        named = [s for s in shown if s.title.strip().casefold() == stem.casefold()]
        if len(named) == 1:
            return named[0]
        titles = ", ".join(f"'{quote(s.title, 40)}'" for s in shown)
        raise DataError(
            [
                Problem(
                    shown_as,
                    f"flera blad har tabellens kolumner ({titles}); det går inte att veta vilket "
                    "som gäller",
                    hint=f"döp bladet med tabellen till '{stem}', eller ta bort de andra bladen",
                )
            ]
        )
    if matching:
        raise DataError(
            [
                Problem(
                    shown_as,
                    f"tabellen finns bara på det dolda bladet '{quote(matching[0].title, 40)}'",
                    hint="visa bladet (högerklicka på en bladflik > Ta fram) eller flytta "
                    "tabellen till ett synligt blad",
                )
            ]
        )
    return visible[0]


def _header_score(workbook: Any, sheet: Any, expected: Sequence[str]) -> int:
    wanted = {name.casefold() for name in expected}
    best, filled = 0, 0
    with closing(SheetStream(workbook, sheet).rows()) as rows:
        for _, cells in rows:
            texts = [text for _, text, _ in cells if text]
            if not texts:
                continue
            filled += 1
            best = max(best, len(wanted & {header_name(t, expected).casefold() for t in texts}))
            if filled >= MAX_LEADING_ROWS:
                break
    return best


def read_grid(workbook: Any, sheet: Any, shown_as: str) -> SheetGrid:
    """Every cell of ``sheet`` holding a value, within the row and column bounds."""
    grid = SheetGrid(sheet.title)
    stream = SheetStream(workbook, sheet)
    for row, cells in stream.rows():
        kept = {}
        for column, text, problem in cells:
            if not (text or problem):
                continue  # formatting without a value: Excel writes it for whole rows
            if column > MAX_COLUMNS:
                grid.overflow = Problem(
                    shown_as,
                    f"cellen {_cell_ref(row, column)} ligger längre till höger än de "
                    f"{MAX_COLUMNS} kolumner en tabell får ha",
                    row=row,
                    hint="ta bort värdet, eller spara bara tabellen i en egen fil",
                )
                return grid
            if problem:
                grid.problems[row, column] = problem
            if text:
                kept[column] = text
        if kept:
            grid.cells[row] = kept
            if len(grid.cells) > MAX_ROWS + MAX_LEADING_ROWS:
                grid.overflow = Problem(
                    shown_as,
                    f"bladet har fler än {count(MAX_ROWS)} rader med värden",
                    row=row,
                    hint="dela upp tabellen, eller spara bara tabellen i en egen fil",
                )
                return grid
    grid.merged = stream.merged_ranges()
    grid.numeric = stream.numeric
    return grid
