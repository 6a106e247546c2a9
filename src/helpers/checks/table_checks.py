"""Rules one table can tell on its own: unique keys, key-figure formulas, decimals, goal numbers.

Cell types and vocabularies are checked while loading (``unit_data.typed_frame``); this module
checks what only a whole table can tell. Rules that span files, years, the budget and the narrative
are in ``data_checks``. Each function returns problems and never raises for bad data. Rows are the
line numbers in the analyst's file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from helpers.core.errors import Problem, quote
from helpers.core.schema import TableSpec
from helpers.data.cell_values import formula_problem, looks_like_formula
from helpers.data.formulas import FormulaError, parse_formula
from helpers.data.table_cache import TypedTable, frame_rows

MAX_DECIMALS = 6

Row = Mapping[str, Any]  # a data row: column name → its typed value


@dataclass(frozen=True)
class LoadedTable:
    """A typed table together with the name the analyst knows its file by.

    The frame is not changed after loading: its rows are converted once (``records``)."""

    spec: TableSpec
    frame: pd.DataFrame
    shown_as: str

    def records(self) -> Iterator[tuple[int, Row]]:
        """(line in the file, row) for every data row; each row a fresh mapping.

        Rows are dicts (``DataFrame.to_dict("records")``), not ``iterrows``' Series: the same
        values (a table has text columns, so ``iterrows`` boxes each value as its Python
        scalar, as ``to_dict`` does). Converted once per table and copied per walk: validation
        walks every table several times (keys, references, years, …), and the conversion was
        a quarter of a validation's time when each walk repeated it."""
        for line, row in self._rows:
            yield line, dict(row)

    @classmethod
    def of(cls, spec: TableSpec, typed: TypedTable) -> LoadedTable:
        """The table ``unit_data.read_typed`` read, by the name it gives it, with its rows
        as converted once for every reading of the same content (``TypedTable.rows``)."""
        table = cls(spec, typed.frame, typed.shown_as)
        table.__dict__["_rows"] = typed.rows  # the cached_property's value, not recomputed
        return table

    @cached_property
    def _rows(self) -> list[tuple[int, dict[str, Any]]]:
        return frame_rows(self.frame)


def is_present(value: object) -> bool:
    """A filled cell (not None, NaN or empty)."""
    return value is not None and value == value and value != ""  # NaN != NaN


def _shown(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else quote(value)


def duplicate_keys(table: LoadedTable) -> list[Problem]:
    """Rows whose key (e.g. ``mal_id``, or ``indikator_id`` + ``period``) appeared before."""
    key = table.spec.key
    if not key:
        return []
    first_line: dict[tuple[object, ...], int] = {}
    problems = []
    for line, row in table.records():
        value = tuple(row[name] for name in key)
        if not all(is_present(v) for v in value):
            continue
        if value in first_line:
            described = " med ".join(
                f"{name} '{_shown(v)}'" for name, v in zip(key, value, strict=True)
            )
            problems.append(
                Problem(
                    table.shown_as,
                    f"{described} finns redan på rad {first_line[value]}",
                    row=line,
                    column=key[-1],
                    hint="varje id får bara förekomma en gång: rätta eller ta bort raden",
                )
            )
        else:
            first_line[value] = line
    return problems


def formula_text_problems(table: LoadedTable) -> list[Problem]:
    """Text cells a spreadsheet would run as a formula when the file is opened in Excel
    (``cell_values.looks_like_formula``, the rule ``new-year`` warns by): a CSV-injection risk
    and a sign of a pasted formula. Only free-text columns: a number column's ``-2`` is a
    negative number, a Markdown column (``Column.markdown``) is narrative, and a
    ``one_line_plain`` column refuses such a cell when it is read."""
    columns = [
        column.name
        for column in table.spec.columns
        if column.kind == "text" and not column.markdown and not column.one_line_plain
    ]
    problems = []
    for line, row in table.records():
        for name in columns:
            value = row.get(name)
            if isinstance(value, str) and looks_like_formula(value):
                problems.append(formula_problem(table.shown_as, value, line, name))
    return problems


def formula_problems(figures: LoadedTable) -> list[Problem]:
    """``beräkning`` must read ``a - b`` with two other key figures' ids."""
    ids = {v for v in figures.frame["nyckeltal_id"] if is_present(v)}
    problems = []
    for line, row in figures.records():
        formula = row["beräkning"]
        if not is_present(formula):
            continue
        try:
            operands = parse_formula(formula)
        except FormulaError as exc:
            problems.append(
                Problem(
                    figures.shown_as,
                    str(exc),
                    row=line,
                    column="beräkning",
                    hint="skriv två nyckeltal_id med ' - ' emellan, t.ex. medianlon_kvinnor - "
                    "medianlon_man",
                )
            )
            continue
        for operand in operands:
            if operand == row["nyckeltal_id"]:
                message = f"beräkningen använder nyckeltalet '{quote(operand)}' självt"
            elif operand not in ids:
                message = f"'{quote(operand)}' i beräkningen finns inte i {figures.shown_as}"
            else:
                continue
            problems.append(
                Problem(
                    figures.shown_as,
                    message,
                    row=line,
                    column="beräkning",
                    hint="använd nyckeltal_id för två andra nyckeltal i filen",
                )
            )
    return problems


def decimals_problems(figures: LoadedTable) -> list[Problem]:
    """``decimaler`` is a small count of digits."""
    problems = []
    for line, row in figures.records():
        value = row["decimaler"]
        if is_present(value) and not 0 <= value <= MAX_DECIMALS:
            problems.append(
                Problem(
                    figures.shown_as,
                    f"{_shown(value)} decimaler går inte att visa",
                    row=line,
                    column="decimaler",
                    hint=f"skriv ett heltal från 0 till {MAX_DECIMALS}, eller lämna tom (0)",
                )
            )
    return problems


def goal_number_problems(goals: LoadedTable) -> list[Problem]:
    """A goal number appears once per level (kommunfullmäktige, kommunstyrelsen)."""
    seen: dict[tuple[object, object], int] = {}
    problems = []
    for line, row in goals.records():
        level, number = row["nivå"], row["nummer"]
        if not (is_present(level) and is_present(number)):
            continue
        if number < 1:
            problems.append(
                Problem(
                    goals.shown_as,
                    f"målnumret {_shown(number)} är inte ett positivt heltal",
                    row=line,
                    column="nummer",
                    hint="skriv målets nummer, t.ex. 1",
                )
            )
        elif (level, number) in seen:
            problems.append(
                Problem(
                    goals.shown_as,
                    f"mål nummer {_shown(number)} för {level} finns redan på rad "
                    f"{seen[level, number]}",
                    row=line,
                    column="nummer",
                    hint="rätta numret",
                )
            )
        else:
            seen[level, number] = line
    return problems
