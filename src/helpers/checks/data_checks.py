"""Rules that span rows and files of a unit-year: references, years, budget, narrative.

Per-table rules (unique keys, formulas, decimals, goal numbers) are in ``table_checks`` and the
operating statement's rules in ``budget_checks``; both are re-exported here, so ``validate``
reaches every rule through this module. Each function returns
problems and never raises for bad data. Rows are the line numbers in the analyst's file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from helpers.checks.budget_checks import budget_problems as budget_problems  # re-exported
from helpers.checks.table_checks import LoadedTable, Row, is_present
from helpers.checks.table_checks import decimals_problems as decimals_problems  # re-exported
from helpers.checks.table_checks import duplicate_keys as duplicate_keys  # re-exported
from helpers.checks.table_checks import formula_problems as formula_problems  # re-exported
from helpers.checks.table_checks import (  # re-exported
    formula_text_problems as formula_text_problems,
)
from helpers.checks.table_checks import goal_number_problems as goal_number_problems  # re-exported
from helpers.core.errors import DataError, Problem, display_path, quote
from helpers.core.paths import input_files, read_input
from helpers.core.schema import HISTORY_YEARS
from helpers.data.readers import decode_text
from helpers.data.unit_data import period_end, period_start
from helpers.parts.narrative import unsafe_html

_DATE_LIKE = re.compile(r"([0-9]{4})-[0-9]{1,2}-[0-9]{1,2}")
# An activity may end some years after the report (long projects), not decades.
MAX_YEARS_AHEAD = 10


UNSAFE_HTML_HINT = "ta bort koden och skriv vanlig Markdown (länk: [text](https://…))"


def dangling_references(table: LoadedTable, tables: dict[str, LoadedTable]) -> list[Problem]:
    """Cells that name an id the referenced table does not have."""
    problems = []
    for column, (target_stem, target_column) in table.spec.references.items():
        target = tables.get(target_stem)
        if target is None:  # not readable: already reported, nothing to compare with
            continue
        known = {v for v in target.frame[target_column] if is_present(v)}
        for line, row in table.records():
            value = row[column]
            if not is_present(value):
                continue
            if target_stem == table.spec.stem and value == row[target_column]:
                problems.append(
                    Problem(
                        table.shown_as,
                        f"'{quote(value)}' pekar på sig självt",
                        row=line,
                        column=column,
                        hint=f"ange en annan rad i {target_column} eller lämna tom",
                    )
                )
            elif value not in known:
                close = difflib.get_close_matches(str(value), [str(k) for k in known], n=1)
                guess = f" (menade du '{quote(close[0])}'?)" if close else ""
                problems.append(
                    Problem(
                        table.shown_as,
                        f"'{quote(value)}' finns inte i {target.shown_as} (kolumn {target_column})"
                        + guess,
                        row=line,
                        column=column,
                        hint=f"rätta id:t eller lägg till raden i {target.shown_as}",
                    )
                )
    return problems


def _year_problem(
    shown_as: str, line: int, column: str, label: str, first: int, last: int, year: int
) -> Problem | None:
    if last > year:
        return Problem(
            shown_as,
            f"{label} ligger efter rapportåret {year}",
            row=line,
            column=column,
            hint=f"värden för senare år hör till en senare rapport: rätta året (högst {year})",
        )
    if first < year - HISTORY_YEARS:
        return Problem(
            shown_as,
            f"{label} ligger mer än {HISTORY_YEARS} år före rapportåret {year}",
            row=line,
            column=column,
            hint="rätta året (skrivfel?)",
        )
    return None


def year_problems(tables: dict[str, LoadedTable], year: int) -> list[Problem]:
    """Value years and periods must not lie after the report year nor decades before it."""
    problems: list[Problem | None] = []
    figures = tables.get("nyckeltalsvarden")
    if figures is not None:
        for line, row in figures.records():
            if is_present(row["år"]):
                value = int(row["år"])
                label = f"året {value}"
                problems.append(
                    _year_problem(figures.shown_as, line, "år", label, value, value, year)
                )
    indicators = tables.get("indikatorvarden")
    if indicators is not None:
        for line, row in indicators.records():
            period = row["period"]
            if is_present(period):
                label = f"perioden {period}"
                first, last = period_start(period), period_end(period)
                problems.append(
                    _year_problem(indicators.shown_as, line, "period", label, first, last, year)
                )
    activities = tables.get("aktiviteter")
    if activities is not None:
        for line, row in activities.records():
            problems.append(_end_date_problem(activities.shown_as, line, row, year))
    return [p for p in problems if p is not None]


def _end_date_problem(shown_as: str, line: int, row: Row, year: int) -> Problem | None:
    """``slutdatum`` is free text, but what looks like a date must be a real, plausible one."""
    text = row["slutdatum"]
    match = _DATE_LIKE.fullmatch(text) if is_present(text) else None
    if match is None:
        return None
    try:
        dt.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        return Problem(
            shown_as,
            f'"{quote(text)}" är inget datum',
            row=line,
            column="slutdatum",
            hint="skriv ÅÅÅÅ-MM-DD, t.ex. 2016-06-30, eller fritext som 'Löpande'",
        )
    end_year = int(match.group(1))
    if not year - HISTORY_YEARS <= end_year <= year + MAX_YEARS_AHEAD:
        return Problem(
            shown_as,
            f"slutdatumet {text} är inte rimligt för rapportåret {year}",
            row=line,
            column="slutdatum",
            hint="rätta året (skrivfel?)",
        )
    return None


def markdown_cell_problems(table: LoadedTable) -> list[Problem]:
    """HTML and images in the cells the report renders as Markdown (``Column.markdown``), named
    by row and column: the report drops them, as it does in a narrative file."""
    problems = []
    columns = [column.name for column in table.spec.columns if column.markdown]
    for line, row in table.records():
        for name in columns:
            value = row.get(name)
            if not isinstance(value, str) or not value:
                continue
            for _, what in unsafe_html(value):
                problems.append(
                    Problem(
                        table.shown_as,
                        f"texten innehåller {what}, som inte visas i rapporten",
                        row=line,
                        column=name,
                        hint=UNSAFE_HTML_HINT,
                    )
                )
    return problems


def narrative_problems(text_folder: Path, required: Iterable[str], root: Path) -> list[Problem]:
    """Required texts present and non-empty; every text readable and free of unsafe HTML."""
    wanted = set(required)
    problems = []
    for name in sorted(wanted):
        path = text_folder / name
        shown = display_path(path, root)
        if not os.path.lexists(path):
            problems.append(
                Problem(
                    shown, "filen saknas", hint="skriv texten i Markdown (se docs/data-format.md)"
                )
            )
        elif os.path.isdir(path):
            problems.append(
                Problem(
                    shown,
                    "är en mapp, men här ska det vara en fil",
                    hint="ta bort eller döp om mappen",
                )
            )
        elif not os.path.isfile(path):  # a named pipe, a looping link: say what it is
            try:
                read_input(path, root)  # refuses without opening anything but a regular file
            except DataError as exc:
                problems += exc.problems
    for path in input_files(text_folder, root, ".md", problems):
        shown = display_path(path, root)
        try:
            text = decode_text(read_input(path, root), shown, table=False)
        except DataError as exc:
            problems += exc.problems
            continue
        if path.relative_to(text_folder).as_posix() in wanted and not text.strip():
            problems.append(
                Problem(shown, "texten är tom", hint="skriv texten (den måste finnas i rapporten)")
            )
        for line, what in unsafe_html(text):
            problems.append(
                Problem(
                    shown,
                    f"texten innehåller {what}, som inte visas i rapporten",
                    row=line,
                    hint=UNSAFE_HTML_HINT,
                )
            )
    return problems
