"""Reading the analyst's tables: CSV as Swedish Excel writes it, or .xlsx.

Every cell comes back as text with its line number, so that validation can name file, row and
column. Turning text into numbers is ``parse_number``'s job; this module never guesses types.

Contract: ``read_table`` returns a ``Table`` or raises ``DataError`` (never anything else, whatever
the bytes); ``parse_number`` returns a float or None, or raises ``ValueError``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from pathlib import Path

from helpers.core import read_log
from helpers.core.errors import DataError, Problem, counted, display_path, quote
from helpers.core.text_norm import CONTROL_HINT, clean_token, control_character
from helpers.data.csv_reader import MAX_CSV_BYTES, header_column, parse_csv, split_sep_line
from helpers.data.table_layout import Table

TABLE_SUFFIXES = (".csv", ".xlsx")
# Files an analyst may have saved instead of CSV/xlsx; named in the "file is missing" hint.
FOREIGN_SUFFIXES = (".xls", ".ods", ".txt", ".numbers")

# UTF-8 text that was decoded as Windows-1252 once too often: "Ã¤" instead of "ä".
_MOJIBAKE = re.compile("Ã[\u00a4\u00a5\u00b6\u201e\u2026\u2013\u00a9\u00bc]")

_SAVE_AS_UTF8 = "spara om filen i Excel som 'CSV UTF-8 (kommaavgränsad)'"


def table_files(folder: Path, stem: str) -> list[Path]:
    """Every file for a table name (``drift`` → ``drift.csv``, ``drift.xlsx``).

    Anything by that name counts — a folder, a named pipe, a broken or looping link — so that
    reading it says what it is (``paths.readable_file``) instead of calling the file missing.
    """
    return [folder / f"{stem}{s}" for s in TABLE_SUFFIXES if os.path.lexists(folder / f"{stem}{s}")]


def second_file_problems(files: Sequence[Path], root: Path) -> list[Problem]:
    """A table saved twice (``drift.csv`` and ``drift.xlsx``): the one ``table_files`` puts
    second is named, since only the first is read."""
    if len(files) < 2:
        return []
    first, second = files[0], files[1]
    return [
        Problem(
            display_path(second, root),
            f"både {first.name} och {second.name} finns — bara {first.name} läses",
            hint="ta bort den fil som inte gäller",
        )
    ]


def find_table(folder: Path, stem: str) -> Path | None:
    """The file for a table name (``drift`` → ``drift.csv`` or ``drift.xlsx``), if any."""
    found = table_files(folder, stem)
    if not found:
        for suffix in TABLE_SUFFIXES:  # creating either file must run the section again
            read_log.record_absent(folder / f"{stem}{suffix}")
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


def read_table(path: Path, shown_as: str, expected: Sequence[str] = ()) -> Table:
    """Read a CSV or xlsx table; raise ``DataError`` naming the file for anything unreadable.

    ``expected`` names the table's columns (``TableSpec.names``): then a title above the header
    is skipped, the header may differ in case, and an .xlsx is read from the sheet that has them.
    """
    raw = table_bytes(path, shown_as)
    if raw is None:
        from helpers.data.xlsx_reader import read_xlsx

        return read_xlsx(path, shown_as, expected)
    return parse_table_bytes(raw, path, shown_as, expected)


def table_bytes(path: Path, shown_as: str) -> bytes | None:
    """A CSV table's bytes (None for an .xlsx, which its reader opens itself); ``DataError``
    naming the file for a folder, a file too large or one that cannot be read."""
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "Is a directory")
        if path.suffix.lower() == ".xlsx":
            return None
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise DataError(
                [
                    Problem(
                        shown_as,
                        f"filen är {size / 1024 / 1024:.0f} MB, mer än de "
                        f"{MAX_CSV_BYTES // 1024 // 1024} MB en tabell får vara",
                        hint="kontrollera att filen bara innehåller tabellen",
                    )
                ]
            )
        return path.read_bytes()
    except OSError as exc:
        raise DataError([_os_problem(exc, shown_as)]) from None


def table_content(path: Path, shown_as: str) -> bytes:
    """A table file's bytes, CSV or .xlsx, refused (``DataError`` naming the file) when it is a
    folder, larger than its format allows, or cannot be read; ``parse_table`` reads them."""
    raw = table_bytes(path, shown_as)
    if raw is not None:
        return raw
    from helpers.data.xlsx_reader import MAX_XLSX_BYTES, too_large

    try:
        refused = too_large(path.stat().st_size, shown_as)
        if refused is not None:
            raise refused
        with open(path, "rb") as handle:
            raw = handle.read(MAX_XLSX_BYTES + 1)
    except OSError as exc:
        raise DataError([_os_problem(exc, shown_as)]) from None
    refused = too_large(len(raw), shown_as)  # it grew while being read
    if refused is not None:
        raise refused
    return raw


def parse_table(raw: bytes, path: Path, shown_as: str, expected: Sequence[str] = ()) -> Table:
    """The table in ``raw``, the bytes of ``path`` (``table_content``), as ``read_table`` reads
    the file: by its suffix, CSV or .xlsx."""
    if path.suffix.lower() == ".xlsx":
        from helpers.data.xlsx_reader import read_xlsx

        return read_xlsx(path, shown_as, expected, raw=raw)
    return parse_table_bytes(raw, path, shown_as, expected)


def parse_table_bytes(raw: bytes, path: Path, shown_as: str, expected: Sequence[str] = ()) -> Table:
    """The CSV table in ``raw`` (read from ``path``), as ``read_table`` reads it."""
    return parse_csv(decode_text(raw, shown_as), path, shown_as, expected)


def _os_problem(exc: OSError, shown_as: str) -> Problem:
    if isinstance(exc, IsADirectoryError):
        return Problem(shown_as, "är en mapp, inte en fil", hint="ta bort eller döp om mappen")
    if isinstance(exc, PermissionError):
        return Problem(
            shown_as, "filen går inte att läsa (behörighet saknas)", hint="ändra filens behörighet"
        )
    return Problem(shown_as, f"filen går inte att läsa ({quote(exc.strerror or exc, 60)})")


# Files a spreadsheet program writes, by their first bytes: an .xlsx (or .ods) is a zip
# archive, an old .xls a Compound File. Said as what they are rather than as bad UTF-8.
_SPREADSHEET_FILES = (
    (
        b"PK\x03\x04",
        "en Excel-arbetsbok (eller annan zip-fil)",
        "döp om den till .xlsx (en tabell får vara en .xlsx-fil), eller spara den i Excel som "
        "CSV UTF-8",
    ),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "en äldre Excel-fil (.xls)",
        "spara den i Excel som .xlsx eller som CSV UTF-8",
    ),
)


def decode_text(raw: bytes, shown_as: str, *, table: bool = True) -> str:
    """UTF-8 text (with or without BOM); anything else is a DataError saying how to fix it.

    ``table`` says the text is a CSV table, so that the column of a bad byte can be named.
    """
    save_as = _SAVE_AS_UTF8 if table else "spara om filen som UTF-8 (i Anteckningar: Spara som…)"
    for magic, what, hint in _SPREADSHEET_FILES:
        if raw.startswith(magic):  # a workbook renamed, or saved in Excel with the wrong type
            if not table:
                hint = "skriv texten i en vanlig textfil, sparad som UTF-8"
            raise DataError([Problem(shown_as, f"filen är {what}, inte text", hint=hint)])
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
    control = None if table else control_character(text)  # a table's cells: see convert_cell
    if control is not None:
        position, name = control
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        raise DataError(
            [
                Problem(
                    shown_as,
                    f"texten innehåller tecknet {name} (tecken {column} på raden)",
                    row=line,
                    hint=CONTROL_HINT,
                )
            ]
        )
    return text


def _encoding_problem(raw: bytes, offset: int, shown_as: str, table: bool, hint: str) -> Problem:
    """Where the first byte that is not UTF-8 sits, and which column that is."""
    # Such files almost always come from Excel's "CSV (semikolonavgränsad)": Windows-1252, one
    # byte per character, so character and byte positions agree.
    text = raw.decode("cp1252", errors="replace").lstrip("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    before = text[:offset]
    line = before.count("\n") + 1
    bad = text[offset : offset + 1]
    column = header_column(text, line, before.rsplit("\n", 1)[-1]) if table else None
    if table and split_sep_line(text)[0] is not None:
        line -= 1  # Excel hides the sep= line: the header is its row 1
    shown_bad = f" ('{bad}')" if bad.isprintable() and bad != "\ufffd" else ""
    return Problem(
        shown_as,
        f"filen är inte sparad som UTF-8: tecknet{shown_bad} går inte att läsa "
        "(å, ä och ö skulle bli fel)",
        row=line,
        column=column,
        hint=hint,
    )


_NUMBER = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?: [0-9]{3})+)(?:[.,][0-9]+)?")

# The bounds of a number in the workbook's data (docs/data-format.md, "Tal"). 15 significant
# digits is what Excel keeps of a number (it turns further digits into zeros), and what a float
# holds exactly, so a value passed here is shown as typed; under a million million covers any
# kommun's amount, even a large kommun's yearly turnover in kronor (about 10^11).
MAX_INTEGER_DIGITS = 12
MAX_SIGNIFICANT_DIGITS = 15


class NumberOutOfRange(ValueError):
    """A number too large, or with more digits, than the workbook reads; ``str()`` is the
    Swedish explanation, quoting the cell."""


def _digit_problem(cleaned: str, text: str) -> str | None:
    """Why a well-formed number is out of bounds, in Swedish; None when it is within them."""
    digits = cleaned.lstrip("+-").replace(" ", "").replace(",", ".")
    whole, _, fraction = digits.partition(".")
    whole = whole.lstrip("0")
    significant = (whole + fraction.rstrip("0")).lstrip("0")
    if len(whole) > MAX_INTEGER_DIGITS:
        return (
            f'"{quote(text)}" är för stort: talet har {counted(len(whole), "siffra", "siffror")} '
            "före decimaltecknet, "
            f"högst {MAX_INTEGER_DIGITS} går (under 1 000 000 000 000) — kontrollera att inga "
            "siffror har klistrats ihop eller skrivits två gånger"
        )
    if len(significant) > MAX_SIGNIFICANT_DIGITS:
        return (
            f'"{quote(text)}" har {counted(len(significant), "värdesiffra", "värdesiffror")}, '
            "högst "
            f"{MAX_SIGNIFICANT_DIGITS} går (så många som Excel räknar med) — avrunda talet "
            "till färre decimaler"
        )
    return None


def parse_number(text: str) -> float | None:
    """A number as analysts type it: ``41 575``, ``-1 392``, ``- 6``, ``0,7``, ``0.9``, ``−3``.

    Thousands may be separated by any Unicode space (no-break, thin, narrow no-break); the minus
    may be any dash Office writes (minus sign U+2212, en dash, non-breaking hyphen …); invisible
    characters are ignored (``text_norm.clean_token``). Returns None for an empty cell and raises
    ValueError for anything that is not a finite number (letters, ``1.234,5``, ``1e5``, ``70 %``),
    and its subclass :class:`NumberOutOfRange` for a number beyond the workbook's bounds (more
    than :data:`MAX_INTEGER_DIGITS` digits before the decimal sign, or more than
    :data:`MAX_SIGNIFICANT_DIGITS` significant digits), so every value read is one the report
    shows exactly as typed.
    """
    cleaned = clean_token(text)
    if not cleaned:
        return None
    cleaned = re.sub(r"^([+-]) ", r"\1", cleaned)
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(text)
    problem = _digit_problem(cleaned, text)
    if problem is not None:
        raise NumberOutOfRange(problem)
    value = float(cleaned.replace(" ", "").replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(text)
    return value
