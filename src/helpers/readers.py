"""Reading the analyst's tables: CSV as Swedish Excel writes it, or .xlsx.

Every cell comes back as text with its line number, so that validation can name file, row and
column. Turning text into numbers is ``parse_number``'s job; this module never guesses types.

Contract: ``read_table`` returns a ``Table`` or raises ``DataError`` (never anything else, whatever
the bytes); ``parse_number`` returns a float or None, or raises ``ValueError``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

from helpers.errors import DataError, Problem

TABLE_SUFFIXES = (".csv", ".xlsx")
# Files an analyst may have saved instead of CSV/xlsx; named in the "file is missing" hint.
FOREIGN_SUFFIXES = (".xls", ".ods", ".txt", ".numbers")
DELIMITERS = (",", ";", "\t")

# UTF-8 text that was decoded as Windows-1252 once too often: "Ã¤" instead of "ä".
_MOJIBAKE = re.compile("Ã[\u00a4\u00a5\u00b6\u201e\u2026\u2013\u00a9\u00bc]")

_SAVE_AS_UTF8 = "spara om filen i Excel som 'CSV UTF-8 (kommaavgränsad)'"


@dataclass(frozen=True)
class Table:
    """A table as read from disk: header, rows of text, and each row's line in the file."""

    path: Path
    shown_as: str
    columns: list[str]
    rows: list[dict[str, str]]
    lines: list[int]
    header_line: int = 1


def table_files(folder: Path, stem: str) -> list[Path]:
    """Every readable file for a table name (``drift`` → ``drift.csv``, ``drift.xlsx``)."""
    return [folder / f"{stem}{s}" for s in TABLE_SUFFIXES if (folder / f"{stem}{s}").is_file()]


def find_table(folder: Path, stem: str) -> Path | None:
    """The file for a table name (``drift`` → ``drift.csv`` or ``drift.xlsx``), if any."""
    found = table_files(folder, stem)
    return found[0] if found else None


def near_misses(folder: Path, stem: str) -> list[Path]:
    """Files that look like the table but will not be read (``Drift.csv``, ``drift.xls``)."""
    if not folder.is_dir():
        return []
    wanted = {f"{stem}{s}" for s in TABLE_SUFFIXES}
    misses = []
    for path in sorted(folder.iterdir()):
        if path.name in wanted or not path.is_file():
            continue
        same_stem = path.stem.lower().strip() == stem.lower()
        if same_stem and path.suffix.lower() in TABLE_SUFFIXES + FOREIGN_SUFFIXES:
            misses.append(path)
    return misses


def read_table(path: Path, shown_as: str) -> Table:
    """Read a CSV or xlsx table; raise ``DataError`` naming the file for anything unreadable."""
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, shown_as)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError([Problem(shown_as, f"filen går inte att läsa ({exc.strerror})")]) from None
    return _parse_csv(decode_text(raw, shown_as), path, shown_as)


def decode_text(raw: bytes, shown_as: str, *, table: bool = True) -> str:
    """UTF-8 text (with or without BOM); anything else is a DataError saying how to fix it.

    ``table`` says the text is a CSV table, so that the column of a bad byte can be named.
    """
    save_as = _SAVE_AS_UTF8 if table else "spara om filen som UTF-8 (i Anteckningar: Spara som…)"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(
            [
                Problem(
                    shown_as,
                    "filen är sparad som UTF-16 ('Unicode-text'), inte UTF-8",
                    hint=save_as,
                )
            ]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError([_encoding_problem(raw, exc.start, shown_as, table, save_as)]) from None
    mojibake = _MOJIBAKE.search(text)
    if mojibake:
        line = text.count("\n", 0, mojibake.start()) + 1
        raise DataError(
            [
                Problem(
                    shown_as,
                    f"texten innehåller '{mojibake.group()}' där det borde stå å, ä eller ö "
                    "(filen har sparats om med fel teckenkodning)",
                    row=line,
                    hint="rätta tecknen eller hämta en ny export och spara den som UTF-8",
                )
            ]
        )
    return text


def _encoding_problem(raw: bytes, offset: int, shown_as: str, table: bool, hint: str) -> Problem:
    """Where the first byte that is not UTF-8 sits, and which column that is."""
    # Such files almost always come from Excel's "CSV (semikolonavgränsad)": Windows-1252, one
    # byte per character, so character and byte positions agree.
    text = raw.decode("cp1252", errors="replace")
    before = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    line = before.count("\n") + 1
    bad = text[offset : offset + 1]
    column = None
    if table and line > 1:
        header_line = text.replace("\r", "\n").split("\n", 1)[0].lstrip("\ufeff")
        delimiter = sniff_delimiter(header_line)
        try:
            header = next(csv.reader([header_line], delimiter=delimiter), [])
        except csv.Error:
            header = []
        index = _cells_before(before.rsplit("\n", 1)[-1], delimiter)
        if index < len(header):
            column = header[index].strip() or None
    shown_bad = f" ('{bad}')" if bad.isprintable() and bad != "\ufffd" else ""
    return Problem(
        shown_as,
        f"filen är inte sparad som UTF-8: tecknet{shown_bad} går inte att läsa "
        "(å, ä och ö skulle bli fel)",
        row=line,
        column=column,
        hint=hint,
    )


def _cells_before(text: str, delimiter: str) -> int:
    """How many delimiters outside quotes precede the end of ``text`` (the cell's index)."""
    count, quoted = 0, False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def sniff_delimiter(header_line: str) -> str:
    """Comma, semicolon (Swedish Excel) or tab: whichever the header row uses most."""
    return max(DELIMITERS, key=lambda d: (header_line.count(d), d == ","))


def _parse_csv(text: str, path: Path, shown_as: str) -> Table:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DataError([Problem(shown_as, "filen är tom", hint="lägg till rubrikraden och data")])
    first_line = next(line for line in text.split("\n") if line.strip())
    delimiter = sniff_delimiter(first_line)
    records = _csv_records(text, delimiter, shown_as)
    header_index = next(
        (i for i, (_, cells) in enumerate(records) if any(c.strip() for c in cells)), None
    )
    if header_index is None:
        raise DataError([Problem(shown_as, "filen är tom", hint="lägg till rubrikraden och data")])
    header_line, header_cells = records[header_index]
    header = [cell.strip() for cell in header_cells]
    problems = _header_problems(header, shown_as, header_line)
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    for line, cells in records[header_index + 1 :]:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header) and not any(c.strip() for c in cells[len(header) :]):
            cells = cells[: len(header)]  # empty trailing cells, as Excel sometimes writes
        if len(cells) != len(header):
            problems.append(_width_problem(shown_as, line, len(cells), len(header), delimiter))
            continue
        rows.append({name: cells[i].strip() for i, name in enumerate(header) if name})
        lines.append(line)
    if problems:
        raise DataError(problems)
    return Table(path, shown_as, [name for name in header if name], rows, lines, header_line)


def _csv_records(text: str, delimiter: str, shown_as: str) -> list[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on; a broken quote is a DataError."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        if "end of data" in str(exc):
            message = 'filen tar slut mitt i en cell: ett citattecken (") öppnas men stängs aldrig'
            hint = "filen kan vara avkortad: kontrollera citattecknen från raden och spara om"
        else:
            message = f"raden går inte att läsa som CSV ({exc})"
            hint = "kontrollera citattecknen och ta bort ovanliga tecken på raden"
        raise DataError([Problem(shown_as, message, row=start, hint=hint)]) from None
    return records


def _header_problems(header: list[str], shown_as: str, line: int) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            problems.append(
                Problem(
                    shown_as,
                    f"kolumnen '{name}' finns två gånger i rubrikraden",
                    row=line,
                    column=name,
                    hint="ta bort eller byt namn på den ena",
                )
            )
        seen.add(name)
    return problems


def _width_problem(shown_as: str, line: int, found: int, expected: int, delimiter: str) -> Problem:
    shown_delimiter = "tab" if delimiter == "\t" else f"'{delimiter}'"
    if found > expected:
        hint = f"ta bort överflödiga {shown_delimiter} eller sätt texten inom citattecken"
        if delimiter == ",":
            hint += ' (decimaltal med komma skrivs "0,7")'
    else:
        hint = (
            f"filen kan vara avkortad: lägg till de saknade cellerna (avgränsade med "
            f"{shown_delimiter}), även tomma"
        )
    return Problem(
        shown_as,
        f"raden har {found} celler men rubrikraden har {expected}",
        row=line,
        hint=hint,
    )


def _read_xlsx(path: Path, shown_as: str) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        values = [tuple(row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    except Exception as exc:  # openpyxl and zipfile raise many types for a broken file
        raise DataError(
            [
                Problem(
                    shown_as,
                    f"Excel-filen går inte att öppna ({type(exc).__name__})",
                    hint="öppna den i Excel och spara den igen som .xlsx (eller som CSV UTF-8)",
                )
            ]
        ) from None
    header_index = next((i for i, row in enumerate(values) if any(map(_cell_text, row))), None)
    if header_index is None:
        raise DataError([Problem(shown_as, "Excel-filen är tom", hint="fyll i första bladet")])
    header = [_cell_text(v) for v in values[header_index]]
    while header and not header[-1]:
        header.pop()
    problems = _header_problems(header, shown_as, header_index + 1)
    formulas = _formula_cells(path) if any(None in row for row in values) else {}
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    for index, record in enumerate(values[header_index + 1 :], start=header_index + 2):
        cells = [_cell_text(v) for v in record][: len(header)]
        for position, name in enumerate(header):
            if (index, position) in formulas and not (position < len(cells) and cells[position]):
                problems.append(
                    Problem(
                        shown_as,
                        f"cellen innehåller formeln '{formulas[index, position]}' men inget "
                        "sparat värde",
                        row=index,
                        column=name or None,
                        hint="öppna filen i Excel och spara den igen (eller skriv in talet)",
                    )
                )
        if not any(cells):
            continue
        cells += [""] * (len(header) - len(cells))
        rows.append({name: cell for name, cell in zip(header, cells, strict=True) if name})
        lines.append(index)
    if problems:
        raise DataError(problems)
    columns = [name for name in header if name]
    return Table(path, shown_as, columns, rows, lines, header_index + 1)


def _formula_cells(path: Path) -> dict[tuple[int, int], str]:
    """Formulas by (row, column index): a formula without a cached value reads as empty."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
    except Exception:  # already opened once with data_only; be lenient here
        return {}
    return {
        (r, c): value
        for r, row in enumerate(rows, start=1)
        for c, value in enumerate(row)
        if isinstance(value, str) and value.startswith("=")
    }


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and hasattr(value, "isoformat"):
        return value.date().isoformat() if hasattr(value, "hour") else value.isoformat()
    return str(value).strip()


_NUMBER = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?: [0-9]{3})+)(?:[.,][0-9]+)?")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")


def parse_number(text: str) -> float | None:
    """A number as analysts type it: ``41 575``, ``-1 392``, ``- 6``, ``0,7``, ``0.9``, ``−3``.

    Thousands may be separated by a space, a non-breaking or a thin space; the minus may be a
    hyphen, a minus sign (U+2212) or an en dash. Returns None for an empty cell and raises
    ValueError for anything that is not a finite number (letters, ``1.234,5``, ``1e5``).
    """
    cleaned = _SPACES.sub(" ", text).strip()
    cleaned = cleaned.replace("\u2212", "-").replace("\u2013", "-")
    if not cleaned:
        return None
    cleaned = re.sub(r"^([+-]) ", r"\1", cleaned)
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(text)
    value = float(cleaned.replace(" ", "").replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(text)
    return value
