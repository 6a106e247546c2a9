"""Reading the analyst's tables: CSV as Swedish Excel writes it, or .xlsx.

Every cell comes back as text with its line number, so that validation can name file, row and
column. Turning text into numbers is ``parse_number``'s job; this module never guesses types.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from helpers.errors import DataError, Problem

TABLE_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class Table:
    """A table as read from disk: header, rows of text, and each row's line in the file."""

    path: Path
    shown_as: str
    columns: list[str]
    rows: list[dict[str, str]]
    lines: list[int]


def find_table(folder: Path, stem: str) -> Path | None:
    """The file for a table name (``drift`` → ``drift.csv`` or ``drift.xlsx``), if any."""
    for suffix in TABLE_SUFFIXES:
        candidate = folder / f"{stem}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def read_table(path: Path, shown_as: str) -> Table:
    """Read a CSV or xlsx table; raise ``DataError`` naming the file for anything unreadable."""
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, shown_as)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            [
                Problem(
                    shown_as,
                    "filen är inte sparad som UTF-8 (å, ä och ö skulle bli fel)",
                    row=line,
                    hint="spara om filen som 'CSV UTF-8 (kommaavgränsad)' i Excel",
                )
            ]
        ) from None
    return _parse_csv(text, path, shown_as)


def _parse_csv(text: str, path: Path, shown_as: str) -> Table:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DataError([Problem(shown_as, "filen är tom", hint="lägg till rubrikraden och data")])
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise DataError(
            [
                Problem(
                    shown_as,
                    f"filen går inte att läsa som CSV ({exc})",
                    row=reader.line_num,
                    hint="kontrollera citattecknen på raden",
                )
            ]
        ) from None
    header = [cell.strip() for cell in records[0][1]]
    problems: list[Problem] = []
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    for line, cells in records[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append(
                Problem(
                    shown_as,
                    f"raden har {len(cells)} celler men rubrikraden har {len(header)}",
                    row=line,
                    hint=f"ta bort överflödiga '{delimiter}' eller sätt texten inom citattecken",
                )
            )
            continue
        cells = cells + [""] * (len(header) - len(cells))
        rows.append({name: cells[i].strip() for i, name in enumerate(header)})
        lines.append(line)
    if problems:
        raise DataError(problems)
    return Table(path, shown_as, header, rows, lines)


def _read_xlsx(path: Path, shown_as: str) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise DataError(
            [Problem(shown_as, f"Excel-filen går inte att öppna ({type(exc).__name__})")]
        ) from None
    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    workbook.close()
    if not values:
        raise DataError([Problem(shown_as, "Excel-filen är tom")])
    header = [_cell_text(v) for v in values[0]]
    while header and not header[-1]:
        header.pop()
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    for index, record in enumerate(values[1:], start=2):
        cells = [_cell_text(v) for v in record][: len(header)]
        if not any(cells):
            continue
        cells += [""] * (len(header) - len(cells))
        rows.append(dict(zip(header, cells, strict=True)))
        lines.append(index)
    return Table(path, shown_as, header, rows, lines)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and hasattr(value, "isoformat"):
        return value.date().isoformat() if hasattr(value, "hour") else value.isoformat()
    return str(value).strip()


_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}(?: \d{3})+)(?:[.,]\d+)?$")


def parse_number(text: str) -> float | None:
    """A number as analysts type it: ``41 575``, ``-1 392``, ``- 6``, ``0,7``, ``0.9``, ``−3``.

    Returns None for an empty cell and raises ValueError for anything that is not a number.
    """
    cleaned = text.strip().replace("\u00a0", " ").replace("\u202f", " ").replace("\u2212", "-")
    cleaned = cleaned.replace("\u2013", "-")
    if not cleaned:
        return None
    cleaned = re.sub(r"^([+-])\s+", r"\1", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned)
    if not _NUMBER.match(cleaned):
        raise ValueError(text)
    return float(cleaned.replace(" ", "").replace(",", "."))
