"""An .xlsx sheet's cells straight from its XML, each as the text Excel shows.

openpyxl's read-only rows pad every row to the sheet's declared width and pad missing rows up to
its declared height; a sheet declaring ``A1:XFD1048576`` then yields a billion empty cells. The
stream here runs openpyxl's own streaming parser (``WorkSheetParser``, what its read-only mode
uses — the one openpyxl internal the workbook relies on; ``requirements/runtime.lock`` pins the
version) and yields only the cells the XML holds. Each is rendered by ``excel_format``: percent,
scaling, hidden values, dates; an Excel error or a formula without a saved result comes back as a
problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator
from typing import Any

from helpers.core.errors import quote
from helpers.data.excel_format import date_text, display_of, number_text

CellProblem = tuple[str, str]  # (what is wrong with the cell, what to do)
_FORMAT_HINT = (
    "ändra cellens talformat till Tal eller Allmänt (Start > Talformat), eller skriv talet som "
    "det ska visas"
)


class SheetStream:
    """A sheet's rows straight from its XML: (row, [(column, text, problem)]) for cells that
    hold something, without the padding openpyxl's read-only rows add."""

    def __init__(self, workbook: Any, sheet: Any):
        self.workbook = workbook
        self.sheet = sheet
        self.parser: Any = None
        self.numeric: set[tuple[int, int]] = set()
        self._formats: dict[int, str] = {}

    def rows(self) -> Generator[tuple[int, list[tuple[int, str, CellProblem | None]]]]:
        from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

        class Parser(WorkSheetParser):
            """openpyxl's parser, also noting a formula whose result was never saved."""

            def parse_cell(self, element: Any) -> dict[str, Any]:
                cell = super().parse_cell(element)
                formula = element.find(FORMULA_TAG)
                cell["formula"] = None if formula is None else f"={formula.text or ''}"
                return cell

        workbook = self.workbook
        with self.sheet._get_source() as source:
            self.parser = Parser(
                source,
                self.sheet._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            for row, cells in self.parser.parse():
                yield row, [self._convert(cell) for cell in cells]

    def merged_ranges(self) -> list[Any]:
        merged = getattr(self.parser, "merged_cells", None)
        return list(merged.mergeCell) if merged is not None else []

    def _number_format(self, style_id: int) -> str:
        if style_id not in self._formats:
            from openpyxl.cell.read_only import ReadOnlyCell

            try:
                code = ReadOnlyCell(self.sheet, 0, 0, None, style_id=style_id).number_format
            except (IndexError, KeyError, TypeError):
                code = "General"
            self._formats[style_id] = code or "General"
        return self._formats[style_id]

    def _convert(self, cell: dict[str, Any]) -> tuple[int, str, CellProblem | None]:
        """(column, text as Excel shows it, problem or None) for one parsed cell."""
        column, value, kind = cell["column"], cell["value"], cell["data_type"]
        if value is None or value == "":
            if cell.get("formula"):
                return (
                    column,
                    "",
                    (
                        f"innehåller formeln '{quote(cell['formula'], 60)}' men inget sparat värde",
                        "öppna filen i Excel och spara den igen (eller skriv in talet)",
                    ),
                )
            return column, "", None
        if kind == "e":
            return (
                column,
                "",
                (
                    f"visar Excel-felet {quote(value, 20)}",
                    "rätta formeln (eller det den hämtar från), eller skriv in värdet",
                ),
            )
        if isinstance(value, bool):
            return column, "SANT" if value else "FALSKT", None
        if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
            return column, date_text(value, self._number_format(cell["style_id"])), None
        if isinstance(value, int | float):
            self.numeric.add((cell["row"], column))
            return column, *_number(value, self._number_format(cell["style_id"]))
        return column, str(value).strip(), None


def _number(value: float | int, code: str) -> tuple[str, CellProblem | None]:
    display = display_of(code, value)
    stored = number_text(value)
    if display.hidden:
        return stored, (
            f"har värdet {stored}, som Excel inte visar (talformatet '{quote(code, 40)}')",
            _FORMAT_HINT,
        )
    if display.conditional:
        return stored, (
            f"har talformatet '{quote(code, 40)}', som visar tal olika beroende på villkor",
            _FORMAT_HINT,
        )
    return number_text(value, display.factor) + ("%" if display.percent else ""), None
