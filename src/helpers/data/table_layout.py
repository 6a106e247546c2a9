"""Finding the table in rows of cells, the same way for CSV and Excel.

A table as analysts keep it may have a title above it ("Driftredovisning 2016", a subtitle, a
blank line) and its header written ``Post`` rather than ``post``. When the caller names the
columns it expects, the header is the first of the leading rows that holds the most of them; rows
above it must look like titles (one filled cell, or one merged range) and are skipped. Anything
else above the header — data, as after sorting a table together with its header — is refused
with the row named, never silently dropped. Values in a column without a heading are refused too.

Contract: :func:`build_table` returns a :class:`Table` or raises ``DataError`` listing every
problem, each naming the file and, where there is one, the row and column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from helpers.core.errors import DataError, Problem, count, quote
from helpers.core.text_norm import clean_token

# How many filled rows from the top are searched for the header row.
MAX_LEADING_ROWS = 12
# Rows with values a table may have (our largest tables hold a few hundred).
MAX_ROWS = 10_000
# The longest text a table cell may hold: a description is a paragraph, longer texts belong in
# the Markdown files (and Excel itself stops at 32 767).
MAX_CELL_CHARS = 10_000

Record = tuple[int, list[str]]  # (row as the analyst's program numbers it, cell texts)


@dataclass(frozen=True)
class Table:
    """A table as read from disk: header, rows of text, and each row's line in the file."""

    path: Path
    shown_as: str
    columns: list[str]
    rows: list[dict[str, str]]
    lines: list[int]
    header_line: int = 1
    # (line, column) of cells that held a number, not text (in .xlsx): exact, never ambiguous.
    exact: frozenset[tuple[int, str]] = frozenset()
    # How a CSV file was written, so a chore that copies or rewrites it keeps the analyst's
    # dialect (Swedish Excel writes ``;`` and opens a comma file in one column): its separator
    # and whether it began with Excel's ``sep=`` line. None for a workbook (.xlsx).
    delimiter: str | None = None
    sep_line: bool = False


def is_filled(cells: Sequence[str]) -> bool:
    return any(cell.strip() for cell in cells)


def header_name(cell: str, expected: Sequence[str]) -> str:
    """A header cell as a column name: spaces and invisible characters cleaned, and written as
    the expected column when only its case differs (``Post`` → ``post``)."""
    name = clean_token(cell)
    for wanted in expected:
        if name.casefold() == wanted.casefold():
            return wanted
    return name


def title_like(record: Record) -> bool:
    """A row with at most one filled cell: a title, a subtitle, a unit line (a merged title
    holds its text in its first cell only)."""
    return sum(1 for cell in record[1] if cell.strip()) <= 1


def layout_score(cells: Sequence[str], expected: Sequence[str]) -> set[str]:
    """The expected column names (case-folded) that ``cells`` hold."""
    wanted = {name.casefold() for name in expected}
    return wanted & {clean_token(cell).casefold() for cell in cells}


def _score(cells: Sequence[str], expected: Sequence[str]) -> int:
    return len(layout_score(cells, expected))


def locate_header(
    records: Sequence[Record],
    expected: Sequence[str],
    title_like: Callable[[Record], bool],
) -> int | None:
    """Index in ``records`` of the header row; None when no row holds anything.

    Without ``expected`` the header is the first filled row. With it, the first of the leading
    filled rows holding the most expected names (at least two, or the only one expected); when
    none does, the first filled row that does not look like a title, so that "column missing"
    is reported against the row the analyst meant as header.
    """
    filled = [i for i, (_, cells) in enumerate(records) if is_filled(cells)]
    if not filled:
        return None
    if not expected:
        return filled[0]
    leading = filled[:MAX_LEADING_ROWS]
    scores = [_score(records[i][1], expected) for i in leading]
    best = max(scores)
    if best >= min(2, len(expected)):
        return leading[scores.index(best)]
    return next((i for i in leading if not title_like(records[i])), filled[0])


def leading_row_problems(
    records: Sequence[Record], header: int, shown_as: str, title_like: Callable[[Record], bool]
) -> list[Problem]:
    """Rows above the header that look like data rather than a title."""
    header_line = records[header][0]
    problems = []
    for line, cells in records[:header]:
        if is_filled(cells) and not title_like((line, cells)):
            problems.append(
                Problem(
                    shown_as,
                    f"raden ligger ovanför rubrikraden (rad {header_line}) men ser ut som en "
                    "del av tabellen",
                    row=line,
                    hint="rubrikraden ska stå överst, bara en rubrik i en cell får stå ovanför "
                    "(har tabellen sorterats tillsammans med rubrikraden?)",
                )
            )
    return problems


def build_table(
    path: Path,
    shown_as: str,
    records: Sequence[Record],
    header: int,
    expected: Sequence[str],
    *,
    cell_name: Callable[[int, int], str],
    width_problem: Callable[[int, int, int, int], Problem] | None = None,
    problems: list[Problem] | None = None,
) -> Table:
    """The Table from ``records`` with ``records[header]`` as header row.

    ``cell_name(line, index)`` names a cell for a message (``G5``, or "cell 7"). CSV passes
    ``width_problem(line, found, expected, header)``: no row may have more cells than the
    header, even empty ones (see :func:`_usual_width`), nor fewer than its named columns; for
    Excel a short row is simply padded.
    Raises DataError with every problem, ``problems`` (found by the caller) first.
    """
    problems = list(problems or [])
    header_line, header_cells = records[header]
    names = [header_name(cell, expected) for cell in header_cells]
    problems += _header_problems(names, shown_as, header_line)
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    data = [(line, cells) for line, cells in records[header + 1 :] if is_filled(cells)]
    widest = _usual_width([len(cells) for _, cells in data], _named_width(names), len(names))
    for line, cells in data:
        if len(rows) >= MAX_ROWS:
            problems.append(
                Problem(
                    shown_as,
                    f"tabellen har fler än {count(MAX_ROWS)} rader",
                    row=line,
                    hint="dela upp den, eller kontrollera att bara tabellen finns i filen",
                )
            )
            break
        if width_problem is not None and not _named_width(names) <= len(cells) <= widest:
            problems.append(width_problem(line, len(cells), widest, len(names)))
            continue
        row_problems = _cell_problems(shown_as, line, cells, names, cell_name)
        problems += row_problems
        cells = [cell.strip() for cell in cells] + [""] * (len(names) - len(cells))
        rows.append({name: cells[i] for i, name in enumerate(names) if name})
        lines.append(line)
    if problems:
        raise DataError(problems)
    return Table(path, shown_as, [name for name in names if name], rows, lines, header_line)


def _usual_width(widths: Sequence[int], named: int, header: int) -> int:
    """The most cells a CSV row may have: the header's count, or fewer when the header goes on
    with empty cells (``a;b;;``) and the rows do not: then the width most rows have.

    Excel's CSV export writes every row, the header included, with as many cells as the sheet's
    used range, so every row of a table it wrote has the header's count. A row with more cells
    than that split a value at a separator (``9052,5`` in a comma-separated file) and is refused
    whatever the extra cells hold: the values after the split sit in the wrong columns. Rows
    between the named columns and the header's width are read (their missing cells are empty
    and unnamed), but when most rows stop earlier than the header, a longer one is refused too.
    """
    fitting = [width for width in widths if named <= width <= header]
    if header == named or not fitting:
        return header
    most = max(fitting.count(width) for width in set(fitting))
    return min(width for width in set(fitting) if fitting.count(width) == most)


def _named_width(names: Sequence[str]) -> int:
    """Cells up to the last named column: a row may stop there when the header goes on with
    empty cells (``a;b;;``)."""
    return max((i + 1 for i, name in enumerate(names) if name), default=len(names))


def _cell_problems(
    shown_as: str,
    line: int,
    cells: Sequence[str],
    names: Sequence[str],
    cell_name: Callable[[int, int], str],
) -> list[Problem]:
    problems = []
    for index, cell in enumerate(cells):
        name = names[index] if index < len(names) else ""
        if cell.strip() and not name:
            problems.append(
                Problem(
                    shown_as,
                    f"{cell_name(line, index)} har värdet '{quote(cell.strip(), 40)}' men "
                    "kolumnen har ingen rubrik",
                    row=line,
                    hint="skriv kolumnens namn i rubrikraden, eller ta bort värdet",
                )
            )
        elif len(cell) > MAX_CELL_CHARS:
            problems.append(
                Problem(
                    shown_as,
                    f"cellen har {count(len(cell))} tecken, fler än de {count(MAX_CELL_CHARS)} "
                    "en tabellcell får ha",
                    row=line,
                    column=name,
                    hint="korta texten (längre texter skrivs i Markdown-filerna under text/)",
                )
            )
    return problems


def _header_problems(names: Sequence[str], shown_as: str, line: int) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            problems.append(
                Problem(
                    shown_as,
                    f"kolumnen '{quote(name)}' finns två gånger i rubrikraden",
                    row=line,
                    column=quote(name),
                    hint="ta bort eller byt namn på den ena",
                )
            )
        seen.add(name)
    return problems
