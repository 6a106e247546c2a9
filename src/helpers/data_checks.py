"""Rules that span rows and files of a unit-year: references, years, budget, narrative.

Per-table rules (unique keys, formulas, decimals, goal numbers) are in ``table_checks`` and
re-exported here, so ``validate`` reaches every rule through this module. Each function returns
problems and never raises for bad data. Rows are the line numbers in the analyst's file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pandas as pd

from helpers.budget import (
    AMOUNT_COLUMNS,
    PART,
    PartLink,
    Side,
    Statement,
    compute_statement,
    file_columns,
    part_links,
    places,
)
from helpers.budget_settings import DEFAULT_LABELS, DriftSettings
from helpers.errors import DataError, Problem, display_path
from helpers.narrative import unsafe_html
from helpers.readers import decode_text
from helpers.schema import HISTORY_YEARS, REQUIRED_ROW_TEXTS, REQUIRED_TEXTS
from helpers.table_checks import LoadedTable, is_present
from helpers.table_checks import decimals_problems as decimals_problems  # re-exported
from helpers.table_checks import duplicate_keys as duplicate_keys  # re-exported
from helpers.table_checks import formula_problems as formula_problems  # re-exported
from helpers.table_checks import goal_number_problems as goal_number_problems  # re-exported
from helpers.unit_data import period_end, period_start

_DATE_LIKE = re.compile(r"([0-9]{4})-[0-9]{1,2}-[0-9]{1,2}")
_BUDGET_LABELS = {"intäkter": "Intäkter", "kostnader": "Kostnader", "ram": "Tilldelad ram"}
# An activity may end some years after the report (long projects), not decades.
MAX_YEARS_AHEAD = 10


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
                        f"'{value}' pekar på sig självt",
                        row=line,
                        column=column,
                        hint=f"ange en annan rad i {target_column} eller lämna tom",
                    )
                )
            elif value not in known:
                close = difflib.get_close_matches(str(value), [str(k) for k in known], n=1)
                guess = f" (menade du '{close[0]}'?)" if close else ""
                problems.append(
                    Problem(
                        table.shown_as,
                        f"'{value}' finns inte i {target.shown_as} (kolumn {target_column})"
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


def _end_date_problem(shown_as: str, line: int, row: pd.Series, year: int) -> Problem | None:
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
            f'"{text}" är inget datum',
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


def _amount(value: float | Decimal, decimals: int = 0) -> str:
    """An amount as in the analyst's file: ``41 577``, ``-1 392``, ``0,5``, ``-0,25``, with at
    least ``decimals`` decimals (``36,0`` in a statement shown with one)."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    text = f"{exact:,.{max(places(exact), decimals)}f}"
    return text.replace(",", " ").replace(".", ",")


def _lines(lines: tuple[int, ...]) -> str:
    """``rad 5``, ``rad 5–9`` or ``rad 2, 5 och 7``."""
    ordered = sorted(set(lines))
    if len(ordered) == 1:
        return f"rad {ordered[0]}"
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"rad {ordered[0]}–{ordered[-1]}"
    return "rad " + ", ".join(map(str, ordered[:-1])) + f" och {ordered[-1]}"


def budget_problems(
    drift: LoadedTable,
    subunits: list[str] | None,
    unit: str,
    subunits_file: str,
    settings: DriftSettings | None = None,
    forecast_date: str | None = None,
) -> list[Problem]:
    """The operating statement: row types, signs, parts and their parents, and every figure the
    report shows two ways (typed totals, subtotals, Nettokostnader against the Summa).

    Uses the statement the report renders (``budget.compute_statement``), so what passes here
    is what the report shows. A difference rounding of the shown amounts explains is no problem
    (the report notes it); one beyond it names the rows and the column.
    """
    settings = settings or DriftSettings()
    problems: list[Problem] = []
    first_of_type: dict[str, int] = {}
    parents, broken = part_links(drift.frame)
    has_parent_column = "överordnad" in file_columns(drift.frame)
    for line, row in drift.records():
        kind = row["typ"]
        if not is_present(kind):
            continue
        if kind in first_of_type and kind != PART:
            problems.append(
                Problem(
                    drift.shown_as,
                    f"det finns redan en rad med typ '{kind}' (rad {first_of_type[kind]})",
                    row=line,
                    column="typ",
                    hint="slå ihop raderna till en",
                )
            )
        first_of_type.setdefault(kind, line)
        problems += _sign_problems(drift, line, row, settings)
        parent = row["överordnad"] if has_parent_column else ""
        if kind != PART and is_present(parent):
            problems.append(
                Problem(
                    drift.shown_as,
                    f"bara rader med typ '{PART}' kan ha en överordnad rad (den här har typ "
                    f"'{kind}')",
                    row=line,
                    column="överordnad",
                    hint="lämna cellen tom",
                )
            )
        if (
            kind == PART
            and not is_present(parent)
            and subunits is not None
            and is_present(row["post"])
            and row["post"] not in subunits
        ):
            problems.append(_unlisted_part(drift, line, str(row["post"]), subunits, unit,
                                           subunits_file))  # fmt: skip
    problems += [_link_problem(drift, link) for link in broken]
    problems += _missing_row_problems(drift, first_of_type)
    statement = compute_statement(drift.frame, settings)
    problems += _column_problems(drift, settings, statement)
    problems += _label_problems(settings, statement, forecast_date)
    # A sign error contradicts the sums too; the sign is the one problem worth showing.
    signs_wrong = {p.column for p in problems if p.column in AMOUNT_COLUMNS}
    problems += [p for p in _comparison_problems(drift, statement) if p.column not in signs_wrong]
    return problems


def _unlisted_part(
    drift: LoadedTable, line: int, post: str, subunits: list[str], unit: str, subunits_file: str
) -> Problem:
    close = difflib.get_close_matches(post, subunits, n=1)
    guess = f" (menade du '{close[0]}'?)" if close else ""
    return Problem(
        drift.shown_as,
        f"delverksamheten '{post}' hör inte till enheten '{unit}' enligt {subunits_file}{guess}",
        row=line,
        column="post",
        hint=f"rätta namnet eller lägg till raden '{unit},{post}' i {subunits_file} (en rad som "
        "hör till en annan rad i drift.csv anger den i kolumnen överordnad)",
    )


_LINK_MESSAGES = {
    "saknas": "det finns ingen rad med post '{parent}' i filen",
    "sig själv": "raden kan inte vara överordnad sig själv",
    "inte en del": "'{parent}' är ingen delverksamhet (bara delverksamheter kan ha delar)",
    "slinga": "'{parent}' hör i sin tur till '{post}' (raderna pekar på varandra i en slinga)",
}


def _link_problem(drift: LoadedTable, link: PartLink) -> Problem:
    known = [str(p) for p in drift.frame.loc[drift.frame["typ"] == PART, "post"] if p]
    close = difflib.get_close_matches(link.parent, known, n=1) if link.reason == "saknas" else []
    guess = f" (menade du '{close[0]}'?)" if close else ""
    return Problem(
        drift.shown_as,
        _LINK_MESSAGES[link.reason].format(parent=link.parent, post=link.post) + guess,
        row=link.line,
        column="överordnad",
        hint="skriv posten för den delverksamhet raden ingår i, eller lämna tom om raden hör "
        "direkt till enheten",
    )


def _missing_row_problems(drift: LoadedTable, first_of_type: dict[str, int]) -> list[Problem]:
    """No row is required, but a statement needs rows, and net cost needs both its terms."""
    if drift.frame.empty:
        return [
            Problem(
                drift.shown_as,
                "driftredovisningen har inga rader",
                hint="lägg till en rad per delverksamhet (typ delverksamhet), och gärna intäkter, "
                "kostnader och tilldelad ram (se docs/data-format.md)",
            )
        ]
    problems = []
    for kind, other in (("intäkter", "kostnader"), ("kostnader", "intäkter")):
        if other in first_of_type and kind not in first_of_type:
            problems.append(
                Problem(
                    drift.shown_as,
                    f"raden '{_BUDGET_LABELS[kind]}' (typ {kind}) saknas: nettokostnaden räknas "
                    f"som intäkter + kostnader",
                    row=first_of_type[other],
                    column="typ",
                    hint=f"lägg till en rad med post '{_BUDGET_LABELS[kind]}' och typ '{kind}', "
                    f"eller ta bort raden med typ '{other}'",
                )
            )
    return problems


def _column_problems(
    drift: LoadedTable, settings: DriftSettings, statement: Statement
) -> list[Problem]:
    """Columns ``kolumner`` names that the file does not have."""
    if settings.columns is None:
        return []
    where = settings.origin("kolumner")
    return [
        Problem(
            where.file,
            f"kolumnen '{column}' finns inte i {drift.shown_as}",
            row=where.line,
            column="drift.kolumner",
            hint=f"lägg till kolumnen i {drift.shown_as} eller ta bort den ur kolumner",
        )
        for column in settings.columns
        if column not in statement.columns
    ]


def _label_problems(
    settings: DriftSettings, statement: Statement, forecast_date: str | None
) -> list[Problem]:
    """A label that needs the forecast date when the params have none."""
    if forecast_date is not None:
        return []
    problems = []
    for key in ("post", *statement.columns):
        label = settings.labels.get(key, "")
        if "{prognosdatum}" in label and label != DEFAULT_LABELS.get(key):
            where = settings.origin(f"rubriker.{key}")
            problems.append(
                Problem(
                    where.file,
                    f"rubriken '{label}' använder {{prognosdatum}}, men params saknar prognosdatum",
                    row=where.line,
                    column=f"drift.rubriker.{key}",
                    hint="skriv prognosdatum: ÅÅÅÅ-MM-DD i params, eller ta bort {prognosdatum}",
                )
            )
    return problems


def _side(side: Side, own_line: int | None, decimals: int) -> str:
    """``radernas summa 41 675 (rad 5–9)``; the rows left out when they are the problem's own."""
    where = f" ({_lines(side.lines)})" if side.lines and side.lines != (own_line,) else ""
    return f"{side.name} {_amount(side.value, decimals)}{where}"


def _comparison_problems(drift: LoadedTable, statement: Statement) -> list[Problem]:
    """Figures shown two ways that differ by more than rounding explains, one problem a cell."""
    unit, decimals = statement.format.unit, statement.format.decimals
    found: dict[tuple[int | None, str], list[str]] = {}
    hints: dict[tuple[int | None, str], str] = {}
    for comparison in statement.comparisons:
        if comparison.status != "motsägelse" or comparison.follow_up:
            continue
        key = (comparison.line, comparison.column)
        allowed = comparison.largest_accepted
        limit = (
            "beloppen ska vara lika"
            if allowed == 0
            else f"avrundning förklarar högst {_amount(allowed, decimals)} {unit}"
        )
        found.setdefault(key, []).append(
            f"{_side(comparison.first, comparison.line, decimals)} stämmer inte med "
            f"{_side(comparison.second, comparison.line, decimals)}: skillnaden "
            f"{_amount(comparison.difference, decimals)} {unit} är för stor ({limit})"
        )
        if comparison.first.name == "avvikelsen":
            hints[key] = "rätta avvikelsen, eller ta bort kolumnen avvikelse (den räknas ut)"
        elif comparison.first.name == "radernas summa":
            hints[key] = "rätta den rad som är fel: delarna ska tillsammans bli nettokostnaden"
        else:
            hints.setdefault(
                key, "rätta den siffra som är fel, eller lämna summan tom (den räknas ut)"
            )
    return [
        Problem(drift.shown_as, "; ".join(texts), row=line, column=column, hint=hints[line, column])
        for (line, column), texts in found.items()
    ]


def _sign_problems(
    drift: LoadedTable, line: int, row: pd.Series, settings: DriftSettings
) -> list[Problem]:
    """Income and costs have opposite signs, as declared (``kostnader: positiva`` by default);
    a frame (tilldelad ram) is what the unit may spend, never negative."""
    kind = row["typ"]
    if kind not in ("intäkter", "kostnader", "ram"):
        return []
    costs_positive = settings.cost_sign > 0
    declared = "" if costs_positive else " (kostnader: negativa under drift:)"
    problems = []
    for column in AMOUNT_COLUMNS:
        value = row[column]
        if not is_present(value):
            continue
        if kind == "ram" and value < 0:
            message, hint = "tilldelad ram skrivs utan minustecken", f"skriv {_amount(-value)}"
        elif kind == "intäkter" and costs_positive and value > 0:
            message = "intäkter skrivs med minustecken, som i ekonomisystemet"
            hint = f"skriv -{_amount(value)}"
        elif kind == "kostnader" and costs_positive and value < 0:
            message = "kostnader skrivs utan minustecken, som i ekonomisystemet"
            hint = f"skriv {_amount(-value)}"
        elif kind == "intäkter" and not costs_positive and value < 0:
            message = f"intäkter skrivs utan minustecken när kostnader är negativa{declared}"
            hint = f"skriv {_amount(-value)}"
        elif kind == "kostnader" and not costs_positive and value > 0:
            message = f"kostnader skrivs med minustecken{declared}"
            hint = f"skriv -{_amount(value)}"
        else:
            continue
        problems.append(
            Problem(
                drift.shown_as,
                f"{message} ({_amount(value)})",
                row=line,
                column=column,
                hint=hint,
            )
        )
    return problems


def required_text_paths(tables: dict[str, LoadedTable]) -> list[str]:
    """Narrative files (under text/) this unit-year must have, in report order."""
    paths = list(REQUIRED_TEXTS)
    for stem, id_column, pattern in REQUIRED_ROW_TEXTS:
        table = tables.get(stem)
        if table is not None:
            paths += [pattern.format(v) for v in table.frame[id_column] if is_present(v)]
    return paths


def narrative_problems(text_folder: Path, required: Iterable[str], root: Path) -> list[Problem]:
    """Required texts present and non-empty; every text readable and free of unsafe HTML."""
    wanted = set(required)
    problems = []
    for name in sorted(wanted):
        path = text_folder / name
        shown = display_path(path, root)
        if not path.is_file():
            problems.append(
                Problem(
                    shown, "filen saknas", hint="skriv texten i Markdown (se docs/data-format.md)"
                )
            )
    for path in sorted(text_folder.rglob("*.md")) if text_folder.is_dir() else []:
        shown = display_path(path, root)
        try:
            text = decode_text(path.read_bytes(), shown, table=False)
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
                    hint="ta bort koden och skriv vanlig Markdown (länk: [text](https://…))",
                )
            )
    return problems
