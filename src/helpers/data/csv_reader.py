"""CSV as Excel and other programs write it: separators, Excel's ``sep=`` line, bounds.

- The separator is the one a first line ``sep=;`` names (Excel writes and honours that line; it
  may be quoted, follow a byte-order mark, end in CRLF or repeat the separator). Without it, the
  separator that makes a leading row hold the most expected column names, else the one the first
  row uses most: comma, semicolon (Swedish Excel) or tab.
- Rows are numbered as the analyst sees them: lines of the file, except that Excel hides the
  ``sep=`` line, so with one the header is row 1 as in Excel.
- A file larger than :data:`MAX_CSV_BYTES` is refused before it is read; a cell longer than
  Excel allows is refused naming its row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from helpers.core.errors import DataError, Problem, count, counted, quote
from helpers.data.table_layout import (
    MAX_CELL_CHARS,
    MAX_LEADING_ROWS,
    Record,
    Table,
    build_table,
    is_filled,
    layout_score,
    leading_row_problems,
    locate_header,
    title_like,
)

DELIMITERS = (",", ";", "\t")
MAX_CSV_BYTES = 20 * 1024 * 1024
# "sep=;" as Excel writes it; also quoted, in any case, with the separator repeated after it.
_SEP_LINE = re.compile(r'\s*"?sep=(?P<sep>[^"\r\n]?)(?P<rest>[^\r\n]*)', re.IGNORECASE)


@dataclass(frozen=True)
class SepLine:
    """What a first line ``sep=X`` says: the separator, or a problem with the line itself."""

    delimiter: str | None
    problem: str | None = None


def sep_line(first_line: str) -> SepLine | None:
    """The ``sep=`` line's separator, if ``first_line`` is one (None when it is not)."""
    match = _SEP_LINE.fullmatch(first_line.lstrip("\ufeff"))
    if match is None:
        return None
    delimiter, rest = match.group("sep"), match.group("rest").rstrip().rstrip('"')
    if not delimiter or (delimiter.isspace() and delimiter != "\t"):
        return SepLine(None, "raden 'sep=' anger inget avgränsningstecken")
    if rest.strip(delimiter):
        return SepLine(None, f"raden 'sep=' ska ange ett enda tecken, inte '{quote(rest, 20)}'")
    return SepLine(delimiter)


def split_sep_line(text: str) -> tuple[SepLine | None, str]:
    """(the ``sep=`` line, the text after it) — or (None, text) when there is none."""
    first, newline, rest = text.partition("\n")
    found = sep_line(first)
    return (found, rest) if found is not None else (None, text)


def sniff_delimiter(lines: Sequence[str], expected: Sequence[str] = ()) -> str:
    """The separator of a file whose first lines are ``lines`` (see the module docstring)."""
    filled = [line for line in lines if line.strip()][:MAX_LEADING_ROWS]
    if not filled:
        return ","
    if expected:
        best = max(DELIMITERS, key=lambda d: (_best_score(filled, d, expected), d == ","))
        if _best_score(filled, best, expected) >= min(2, len(expected)):
            return best
    first = filled[0]
    return max(DELIMITERS, key=lambda d: (first.count(d), d == ","))


def _best_score(lines: Sequence[str], delimiter: str, expected: Sequence[str]) -> int:
    """The most expected column names one of the leading ``lines`` holds, split so."""
    wanted = {name.casefold() for name in expected}
    filled = [line for line in lines if line.strip()][:MAX_LEADING_ROWS]
    return max(
        (len(wanted & {c.strip().casefold() for c in _split(line, delimiter)}) for line in filled),
        default=0,
    )


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


def parse_csv(text: str, path: Path, shown_as: str, expected: Sequence[str] = ()) -> Table:
    """The table in decoded CSV ``text``; raises DataError naming every problem found."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    separator, body = split_sep_line(text)
    if separator is not None and separator.problem:
        raise DataError(
            [
                Problem(
                    shown_as,
                    separator.problem,
                    row=1,
                    hint="skriv t.ex. sep=; eller sep=, på första raden, eller ta bort raden",
                )
            ]
        )
    if not is_filled(body.split("\n")):
        raise DataError([Problem(shown_as, "filen är tom", hint="lägg till rubrikraden och data")])
    lines = body.split("\n", MAX_LEADING_ROWS * 4)[: MAX_LEADING_ROWS * 4]
    delimiter = (separator.delimiter if separator else None) or sniff_delimiter(lines, expected)
    records = _csv_records(body, delimiter, shown_as)
    header = locate_header(records, expected, title_like)
    if header is None:
        raise DataError([Problem(shown_as, "filen är tom", hint="lägg till rubrikraden och data")])
    problems = leading_row_problems(records, header, shown_as, title_like)
    if separator is not None:
        problems += _separator_mismatch(lines, delimiter, expected, shown_as)
    problems += _mixed_separators(records, header, delimiter, shown_as)
    problems += _unknown_separator(records[header], expected, shown_as)
    if problems:
        raise DataError(problems)
    table = build_table(
        path,
        shown_as,
        records,
        header,
        expected,
        cell_name=lambda _line, index: f"cell {index + 1} på raden",
        width_problem=lambda line, found, wanted, header_width: _width_problem(
            shown_as, line, found, wanted, header_width, delimiter
        ),
    )
    return replace(table, delimiter=delimiter, sep_line=separator is not None)


def _separator_mismatch(
    lines: Sequence[str], delimiter: str, expected: Sequence[str], shown_as: str
) -> list[Problem]:
    """The ``sep=`` line names one separator, the rows use another."""
    actual = sniff_delimiter(lines, expected)
    if actual == delimiter:
        return []
    first = next((line for line in lines if line.strip()), "")
    if len(_split(first, delimiter)) > 1 and not expected:
        return []
    if expected and _best_score(lines, delimiter, expected) >= _best_score(lines, actual, expected):
        return []
    shown = {"\t": "tabb"}
    return [
        Problem(
            shown_as,
            f"första raden säger att cellerna skiljs åt med '{shown.get(delimiter, delimiter)}' "
            f"men raderna använder '{shown.get(actual, actual)}'",
            row=1,
            hint=f"ändra första raden till sep={actual} eller ta bort den",
        )
    ]


def _shown(delimiter: str) -> str:
    """A separator as a message shows it (a tab has no visible form)."""
    return "tabb" if delimiter == "\t" else f"'{delimiter}'"


def _sep_text(delimiter: str) -> str:
    """The ``sep=`` line naming ``delimiter``, as a hint writes it (a tab is said in words)."""
    return "sep= följt av en tabb" if delimiter == "\t" else f"sep={delimiter}"


def _mixed_separators(
    records: Sequence[Record], header: int, delimiter: str, shown_as: str
) -> list[Problem]:
    """One problem when the header is split by ``delimiter`` but data rows use another separator
    (a header typed by hand above rows saved by Swedish Excel, or the other way round): their
    cells would otherwise be refused row by row as too few. Empty when no row does."""
    _, header_cells = records[header]
    width = len(header_cells)
    named = sum(1 for cell in header_cells if cell.strip())
    if width < 2:
        return []
    for line, cells in records[header + 1 :]:
        if not is_filled(cells) or len(cells) == width:
            continue
        text = delimiter.join(cells)
        for other in DELIMITERS:
            split = len(_split(text, other))
            if other != delimiter and len(cells) < split and named <= split <= width:
                return [
                    Problem(
                        shown_as,
                        f"raden skiljer cellerna åt med {_shown(other)} men rubrikraden med "
                        f"{_shown(delimiter)} (den första raden så; de följande kan vara fler)",
                        row=line,
                        hint=f"använd ett och samma avgränsningstecken i hela filen (spara om "
                        f"den från Excel), t.ex. {_shown(other)} även i rubrikraden, och skriv "
                        f"gärna {_sep_text(other)} på en egen första rad",
                    )
                ]
    return []


def _unknown_separator(record: Record, expected: Sequence[str], shown_as: str) -> list[Problem]:
    """One problem when the header is a single cell holding expected column names joined by a
    character that is not a separator read here (``post|typ|utfall``): which one the file seems
    to use, and which ones are read. Empty otherwise."""
    line, cells = record
    filled = [cell for cell in cells if cell.strip()]
    if len(expected) < 2 or len(filled) != 1:
        return []
    text = filled[0]
    candidates = sorted({char for char in text if not (char.isalnum() or char in "_ ")})
    scores = {char: len(layout_score(text.split(char), expected)) for char in candidates}
    for char in sorted(candidates, key=lambda c: -scores[c])[:1]:
        if scores[char] >= 2:
            return [
                Problem(
                    shown_as,
                    f"rubrikraden är en enda cell: kolumnerna verkar skiljas åt med "
                    f"{_shown(char)}, som inte läses som avgränsningstecken (de som läses är "
                    "komma, semikolon och tabb)",
                    row=line,
                    hint="spara om filen med komma, semikolon eller tabb mellan cellerna (t.ex. "
                    f"som CSV från Excel), eller skriv sep={char} på en egen första rad",
                )
            ]
    return []


def _csv_records(text: str, delimiter: str, shown_as: str) -> list[Record]:
    """Each CSV record with the line it starts on; a broken quote is a DataError."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    records: list[Record] = []
    start = 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            message = f"en cell är längre än de {count(MAX_CELL_CHARS)} tecken en cell får ha"
            hint = 'korta texten, eller kontrollera att ett citattecken (") inte saknas'
        elif "end of data" in str(exc):
            message = 'filen tar slut mitt i en cell: ett citattecken (") öppnas men stängs aldrig'
            hint = "filen kan vara avkortad: kontrollera citattecknen från raden och spara om"
        else:
            message = "raden går inte att läsa som CSV (ett citattecken står fel)"
            hint = "kontrollera citattecknen och ta bort ovanliga tecken på raden"
        raise DataError([Problem(shown_as, message, row=start, hint=hint)]) from None
    return records


def _width_problem(
    shown_as: str, line: int, found: int, expected: int, header_width: int, delimiter: str
) -> Problem:
    """A row of ``found`` cells where ``expected`` fit (the header's ``header_width``, or fewer
    when most rows stop before the header's empty trailing cells)."""
    shown_delimiter = "tab" if delimiter == "\t" else f"'{delimiter}'"
    if found < expected:
        return Problem(
            shown_as,
            f"raden har {counted(found, 'cell', 'celler')} men rubrikraden har {header_width}",
            row=line,
            hint=f"filen kan vara avkortad: lägg till de saknade cellerna (avgränsade med "
            f"{shown_delimiter}), även tomma",
        )
    hint = (
        f"ta bort överflödiga {shown_delimiter} (även tomma celler i slutet av raden) eller "
        "sätt texten inom citattecken"
    )
    if delimiter == ",":
        hint += ' (decimaltal med komma skrivs "0,7")'
    others = "rubrikraden" if expected == header_width else "de andra raderna"
    return Problem(
        shown_as,
        f"raden har {counted(found, 'cell', 'celler')} men {others} har {expected}",
        row=line,
        hint=hint,
    )


def header_column(text: str, line: int, before: str) -> str | None:
    """The column name of the cell that ends ``before`` (the start of ``line``'s text up to a
    position), in a CSV whose text is ``text`` — for naming where an unreadable byte sits."""
    separator, body = split_sep_line(text)
    offset = 1 if separator is not None else 0
    if line - offset <= 1:
        return None
    header_line = body.split("\n", 1)[0]
    delimiter = (
        separator.delimiter if separator and separator.delimiter else sniff_delimiter([header_line])
    )
    header = _split(header_line, delimiter)
    index = _cells_before(before, delimiter)
    return header[index].strip() or None if index < len(header) else None


def _cells_before(text: str, delimiter: str) -> int:
    """How many delimiters outside quotes precede the end of ``text`` (the cell's index)."""
    count, quoted = 0, False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count
