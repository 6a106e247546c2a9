"""Rules for the operating statement (drift.csv): row types, signs, parts and their parents,
and every figure the report shows two ways.

The rules read the statement the report renders (``budget.compute_statement``), so what passes
here is what the report shows. ``data_checks`` re-exports :func:`budget_problems`. Each function
returns problems and never raises for bad data; rows are the lines of the analyst's file.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

import pandas as pd

from helpers.checks.table_checks import LoadedTable, Row, is_present
from helpers.core.errors import Problem, quote
from helpers.core.text_norm import name_key
from helpers.data.budget_settings import DriftSettings
from helpers.data.unit_data import FILE_ORDER, LINE_COLUMN
from helpers.parts.budget import (
    AMOUNT_COLUMNS,
    PART,
    Comparison,
    PartLink,
    Side,
    Statement,
    compute_statement,
    file_columns,
    part_links,
)
from helpers.parts.budget_amounts import places

_BUDGET_LABELS = {"intäkter": "Intäkter", "kostnader": "Kostnader", "ram": "Tilldelad ram"}


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
            and name_key(row["post"]) not in {name_key(name) for name in subunits}
        ):
            problems.append(_unlisted_part(drift, line, str(row["post"]), subunits, unit,
                                           subunits_file))  # fmt: skip
    problems += [_link_problem(drift, link) for link in broken]
    problems += _missing_row_problems(drift, first_of_type)
    statement = compute_statement(drift.frame, settings)
    problems += _column_problems(drift, settings, statement)
    problems += _label_problems(settings, statement, forecast_date)
    unit_signs = {(p.row, p.column) for p in problems if p.column in AMOUNT_COLUMNS}
    problems += _part_sign_problems(drift, settings, unit_signs, statement)
    # A cell with the wrong sign contradicts the sums it is a term of; the sign is the one
    # problem worth showing for those. Every other sum is still checked (a wrong Summa further
    # down the same column is its own problem).
    signs_wrong = {(p.row, p.column) for p in problems if p.column in AMOUNT_COLUMNS}
    contradictions = (
        _contradicted_once_signed(drift, settings, statement, signs_wrong)
        if signs_wrong
        else [(c, "") for c in statement.comparisons if _contradicts(c)]
    )
    problems += _with_convention_hint(
        drift, settings, _comparison_problems(drift, statement, contradictions)
    )
    return problems


_PARTS_HINT = "rätta den rad som är fel: delarna ska tillsammans bli nettokostnaden"
_SIGN_NAMES = {1: "positiva", -1: "negativa"}


def _opposite_convention(drift: LoadedTable, settings: DriftSettings) -> bool:
    """Whether every amount whose sign the cost sign setting decides has the other sign: the
    file is written wholly in the other convention (``kostnader: negativa`` for a kommun set
    to ``positiva``, or the reverse).

    Income has the sign opposite to costs; costs, a typed net cost and a typed Summa the
    costs' sign. A part may earn more than it costs, so the parts are judged by their total
    per column (those directly under the unit, without ``överordnad``). A frame (always
    positive) and a result (either sign) decide nothing; zeros neither. False when no amount
    decides."""
    expected = {"intäkter": -settings.cost_sign, "kostnader": settings.cost_sign}
    expected |= {"nettokostnader": settings.cost_sign, "summa": settings.cost_sign}
    signs: list[int] = []
    frame = drift.frame
    for column in AMOUNT_COLUMNS:
        if column not in frame:
            continue
        for kind, sign in expected.items():
            values = frame.loc[frame["typ"] == kind, column]
            signs += [sign * (1 if v > 0 else -1) for v in values if is_present(v) and v != 0]
        parts = frame[frame["typ"] == PART]
        if "överordnad" in parts:
            parts = parts[~parts["överordnad"].map(is_present)]
        total = sum(v for v in parts[column] if is_present(v))
        if total != 0:
            signs.append(settings.cost_sign * (1 if total > 0 else -1))
    return bool(signs) and all(sign < 0 for sign in signs)


def _with_convention_hint(
    drift: LoadedTable, settings: DriftSettings, contradictions: list[Problem]
) -> list[Problem]:
    """``contradictions`` (``_comparison_problems``); when parts contradict their net cost and
    the whole file has the other sign convention (:func:`_opposite_convention`), the first of
    them in the file (row, then the file's column order) also names the setting: one hint for
    the file, not one per row or column."""
    parts = [p for p in contradictions if p.hint == _PARTS_HINT]
    if not parts or not _opposite_convention(drift, settings):
        return contradictions
    order = list(drift.frame.attrs.get(FILE_ORDER, AMOUNT_COLUMNS))

    def position(problem: Problem) -> tuple[int, int]:
        column = problem.column or ""
        return problem.row or 0, order.index(column) if column in order else len(order)

    first = min(parts, key=position)
    declared, other = _SIGN_NAMES[settings.cost_sign], _SIGN_NAMES[-settings.cost_sign]
    where = settings.origin("kostnader").file
    hint = (
        f"{first.hint}. Alla belopp i filen har omvänt tecken mot inställningen "
        f"(kostnader: {declared}). Skriver kommunen kostnaderna "
        f"{'med' if other == 'negativa' else 'utan'} minustecken, ange "
        f"drift: kostnader: {other} i {where} (se docs/data-format.md)"
    )
    return [replace(p, hint=hint) if p is first else p for p in contradictions]


def _negated(frame: pd.DataFrame, cells: Iterable[tuple[int | None, str]]) -> pd.DataFrame:
    """A copy of drift.csv's rows with the amount in each (line, column) of ``cells`` negated."""
    corrected = frame.copy()
    for line, column in cells:
        rows = corrected[LINE_COLUMN] == line
        corrected.loc[rows, column] = -corrected.loc[rows, column]
    return corrected


def _contradicted(statement: Statement, column: str) -> set[_ComparisonKey]:
    return {_key(c) for c in statement.comparisons if c.column == column and _contradicts(c)}


def _part_sign_problems(
    drift: LoadedTable,
    settings: DriftSettings,
    unit_signs: set[tuple[int | None, str]],
    as_typed: Statement,
) -> list[Problem]:
    """Parts (``delverksamhet`` rows, at any depth) whose amount has the wrong sign.

    A part's amount is a net cost, written with the sign of costs; but a part may earn more
    than it costs, so its own sign proves nothing. The sums it is a term of do: where the parts
    contradict the net cost (or a subtotal, or a published Summa) in a column and negating one
    part's amount, and only that one, removes contradictions there without making any, that
    amount has the wrong sign — named by row and column as an income or cost row with the wrong
    sign is (:func:`_sign_problems`, whose corrections are made first: ``unit_signs``), so the
    contradictions it explains are not reported beside it. A statement of net costs only has no
    sum to compare with: there a wrong sign cannot be told from a net income. ``as_typed`` is
    the file's statement (``compute_statement``), reused when no sign was corrected."""
    frame = _negated(drift.frame, unit_signs)
    statement = compute_statement(frame, settings) if unit_signs else as_typed
    parts = frame[frame["typ"] == PART]
    problems = []
    for column in AMOUNT_COLUMNS:
        before = _contradicted(statement, column)
        if not before or column not in parts:
            continue
        found = []
        for _, row in parts.iterrows():
            value = row[column]
            if not is_present(value) or value == 0:
                continue
            line = int(row[LINE_COLUMN])
            after = _contradicted(compute_statement(_negated(frame, [(line, column)]), settings),
                                  column)  # fmt: skip
            if after < before:
                found.append((line, row, value))
        if len(found) != 1:  # none, or several that would each do: no sign to name
            continue
        [(line, row, value)] = found
        costs = "kostnader: positiva" if settings.cost_sign > 0 else "kostnader: negativa"
        problems.append(
            Problem(
                drift.shown_as,
                f"delverksamheten '{quote(str(row['post']))}' har fel tecken ({_amount(value)}): "
                f"med {_amount(-value)} stämmer summorna den ingår i (en delverksamhets belopp "
                f"är en nettokostnad och skrivs med kostnadernas tecken, {costs})",
                row=line,
                column=column,
                hint=f"skriv {_amount(-value)}",
            )
        )
    return problems


def _contradicts(comparison: Comparison) -> bool:
    """A contradiction to report (one that follows from another is judged once that is fixed)."""
    return comparison.status == "motsägelse" and not comparison.follow_up


def _contradicted_once_signed(
    drift: LoadedTable,
    settings: DriftSettings,
    statement: Statement,
    signs_wrong: set[tuple[int | None, str]],
) -> list[tuple[Comparison, str]]:
    """The comparisons that contradict both as typed and once every cell named for its sign
    has the sign its kind has: those a sign error does not explain (a typed Summa that is wrong
    too). One the file satisfies as typed is left out (a file written wholly in the other
    convention: its parts agree with its net cost). One whose figures the sign changes is shown
    as computed with the sign right, and says so."""
    corrected = drift.frame.copy()
    for line, column in signs_wrong:
        rows = corrected[LINE_COLUMN] == line
        corrected.loc[rows, column] = -corrected.loc[rows, column]
    as_typed = {_key(c): c for c in statement.comparisons}
    wrong_lines = tuple(line for line, _ in signs_wrong if line is not None)
    signs = "tecknet rättat" if len(signs_wrong) == 1 else "tecknen rättade"
    note = f" (räknat med {signs} på {_lines(wrong_lines)})"
    found = []
    for comparison in compute_statement(corrected, settings).comparisons:
        if not _contradicts(comparison):
            continue
        typed = as_typed.get(_key(comparison))
        if typed is None or typed.status != "motsägelse":
            continue  # the file agrees with itself as typed: the signs are the whole story
        same = (typed.first, typed.second) == (comparison.first, comparison.second)
        found.append((comparison, "" if same else note))
    return found


_ComparisonKey = tuple[str, str, str, str]


def _key(comparison: Comparison) -> _ComparisonKey:
    return comparison.row, comparison.column, comparison.first.name, comparison.second.name


def _unlisted_part(
    drift: LoadedTable, line: int, post: str, subunits: list[str], unit: str, subunits_file: str
) -> Problem:
    close = difflib.get_close_matches(post, subunits, n=1)
    guess = f" (menade du '{quote(close[0])}'?)" if close else ""
    post = quote(post)
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
        falls_back = key == "prognos" and label == settings.defaults.get(key)
        if "{prognosdatum}" in label and not falls_back:
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


def _comparison_problems(
    drift: LoadedTable, statement: Statement, contradictions: list[tuple[Comparison, str]]
) -> list[Problem]:
    """Figures shown two ways that differ by more than rounding explains, one problem a cell;
    each contradiction with a note to add to its text (or "")."""
    unit, decimals = statement.format.unit, statement.format.decimals
    found: dict[tuple[int | None, str], list[str]] = {}
    hints: dict[tuple[int | None, str], str] = {}
    for comparison, note in contradictions:
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
            f"{_amount(comparison.difference, decimals)} {unit} är för stor ({limit}){note}"
        )
        if comparison.first.name == "avvikelsen":
            hints[key] = "rätta avvikelsen, eller ta bort kolumnen avvikelse (den räknas ut)"
        elif comparison.first.name == "radernas summa":
            hints[key] = _PARTS_HINT
        else:
            hints.setdefault(
                key, "rätta den siffra som är fel, eller lämna summan tom (den räknas ut)"
            )
    return [
        Problem(drift.shown_as, "; ".join(texts), row=line, column=column, hint=hints[line, column])
        for (line, column), texts in found.items()
    ]


def _sign_problems(
    drift: LoadedTable, line: int, row: Row, settings: DriftSettings
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
            message = f"ramen ({row['post']}) är vad enheten får använda: skrivs utan minustecken"
            hint = f"skriv {_amount(-value)}"
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
