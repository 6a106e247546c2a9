"""The operating statement as the report shows it: result in words, the table, notes and chart.

Amounts are shown in the unit and with the decimals of the ``drift:`` settings, signed as the
kommun writes them. Words, signs and colours follow each value *as shown*: a deficit of 0,4 tkr
shown without decimals is a 0 in balance, not a red "0 (underskott)".
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.core.labels import Labels
from helpers.core.markup import Markup, html, join
from helpers.data.budget_settings import DERIVED_COLUMNS
from helpers.data.definition import SectionSpec
from helpers.data.unit_data import UnitData
from helpers.parts.budget import (
    PART,
    AmountFormat,
    Comparison,
    Statement,
    StatementRow,
    result_phrase,
    statement_of,
)
from helpers.parts.budget_amounts import Amount
from helpers.parts.charts import NARROW_BAR_WIDTH, WIDTH, budget_chart
from helpers.parts.dates import date_markup, format_date
from helpers.parts.figures import ChartRecipe, figure_html
from helpers.parts.tables import Cell, TableSpecHtml, render_table

TOTAL_ROLES = ("nettokostnader", "ram", "resultat")
MAX_INDENT = 4


def labels(data: UnitData, statement: Statement) -> dict[str, str]:
    """Every column's header and the label of the first column, placeholders filled in."""
    values = _header_values(data)
    keys = dict.fromkeys(("post", *statement.columns, "budget", "utfall", "prognos"))
    return {key: statement.settings.label(key, **values) for key in keys}


def _header_values(data: UnitData) -> dict[str, object]:
    """The placeholders of the statement's column headers. A header is a table's label, not
    running text: its dates stay as the params write them (``Prognos per 2016-08-31``, as the
    kommun's own published statement heads its column), so a kommun that wants words writes
    them in the label; an unknown forecast date None (``DriftSettings.label``)."""
    return {
        "år": data.year,
        "fg_år": data.year - 1,
        "enhet": data.info.name,
        "kommun": data.info.municipality,
        "prognosdatum": data.params.forecast_date,
        "periodslut": data.params.period_end,
    }


def _row_classes(row: StatementRow) -> tuple[str, ...]:
    if row.role in TOTAL_ROLES:
        return ("wb-total",)
    if row.role == "summa":
        return ("wb-sum",)
    classes = [f"wb-level-{min(row.depth, MAX_INDENT)}"] if row.depth > 1 else []
    if row.group:
        classes.append("wb-subtotal")
    return tuple(classes)


def _cells(row: StatementRow, statement: Statement) -> list[Cell]:
    amounts = statement.format
    strong = row.role in (*TOTAL_ROLES, "summa") or row.group
    cells = []
    for column in statement.columns:
        value = row.value(column)
        # A result is a surplus (+) or deficit (−) in every column; elsewhere only deviations.
        signed = row.role == "resultat" or column in DERIVED_COLUMNS
        classes = ["num"]
        if signed and amounts.sign(value) < 0:
            classes.append("neg")
        cells.append(Cell(amounts.text(value, signed=signed), tuple(classes), strong))
    return cells


def _computed_note(statement: Statement, labels: Labels) -> str:
    """``Avvikelse = budget − utfall; … Nettokostnader, resultat och summa är beräknade.``
    (the definition's ``drift.formel``, ``drift.beräknad``)."""
    sentences = []
    for column, (first, second) in DERIVED_COLUMNS.items():
        if column in statement.columns:
            a, b = (first, second) if statement.cost_sign > 0 else (second, first)
            name = statement.settings.labels.get(column, column).capitalize()
            sentences.append(labels("drift.formel", kolumn=name, första=a, andra=b))

    def computed_in(row: StatementRow | None) -> bool:
        return row is not None and any(
            not row.figures[c].typed for c in statement.amount_columns if c in row.figures
        )

    computed = [
        row.label
        for row in (statement.row("nettokostnader"), statement.row("resultat"))
        if row is not None and computed_in(row)
    ]
    if any(row.group and computed_in(row) for row in statement.rows):
        computed.append(labels("drift.delsummor"))
    total = statement.row("summa")
    if total is not None and computed_in(total):
        computed.append(total.label)
    if computed:
        names = [computed[0][:1].upper() + computed[0][1:]]
        names += [name[:1].lower() + name[1:] for name in computed[1:]]
        listed = names[0]
        if len(names) > 1:
            before = labels.joined("rapport.uppräkning", names[:-1])
            listed = f"{before} {labels('drift.och')} {names[-1]}"
        sentences.append(labels("drift.beräknad", antal=len(names), poster=listed))
    return " ".join(sentences)


def _rounding_words(amounts: AmountFormat, labels: Labels) -> str:
    """``hela tkr``, ``en decimal`` …: ``drift.avrundning_0`` … ``_3`` (decimals are at most
    ``budget_settings.MAX_DECIMALS``)."""
    return labels(f"drift.avrundning_{amounts.decimals}", beloppsenhet=amounts.unit)


def comparison_note(
    comparison: Comparison, statement: Statement, headers: dict[str, str], labels: Labels
) -> str:
    """A figure shown two ways, in words for the reader (no file rows: those are for analysts)."""
    amounts = statement.format
    first, second = comparison.first, comparison.second
    where = f"{comparison.row}, {headers.get(comparison.column, comparison.column)}"
    shown = (
        f"{first.name} {amounts.with_unit(first.value)} och {second.name} "
        f"{amounts.with_unit(second.value)}"
    )
    if comparison.status == "avrundning":
        difference = amounts.with_unit(comparison.difference)
        return labels("drift.avrundningsskillnad", var=where, visat=shown, skillnad=difference)
    # A contradiction is a message to the analyst (shown as a to-do), not a label.
    return f"{where}: {shown} stämmer inte med varandra — rätta drift.csv (se workbook validate)."


def statement_notes(
    statement: Statement, headers: dict[str, str], labels: Labels
) -> list[tuple[str, bool]]:
    """Notes under the table: (text, is a problem still to fix)."""
    amounts = statement.format
    notes: list[tuple[str, bool]] = []
    if statement.rounded_in_display:
        rounding = _rounding_words(amounts, labels)
        notes.append((labels("drift.avrundning", avrundning=rounding), False))
    for comparison in statement.comparisons:
        if comparison.status == "lika":
            continue
        if amounts.shown(comparison.first.value) == amounts.shown(comparison.second.value):
            continue  # not visible in the report: the rounding note covers it
        notes.append(
            (
                comparison_note(comparison, statement, headers, labels),
                comparison.status == "motsägelse",
            )
        )
    return notes


def statement_table(
    data: UnitData, statement: Statement, section: SectionSpec | None = None
) -> Markup:
    """The statement as an accessible table, with the notes that explain its figures."""
    headers = labels(data, statement)
    texts = data.labels(section)
    table = TableSpecHtml(
        caption=f"{headers['post']} ({statement.format.unit})",
        columns=[headers[key] for key in ("post", *statement.columns)],
        numeric_columns=frozenset(range(1, len(statement.columns) + 1)),
        note=_computed_note(statement, texts) or None,
        labels=texts,
    )
    for row in statement.rows:
        hint = texts("drift.del_av", post=row.parent) if row.role == PART and row.parent else ""
        table.add(row.label, _cells(row, statement), _row_classes(row), hint)
    notes = statement_notes(statement, headers, texts)
    items = join(
        html('<li class="wb-todo">{}</li>', text) if problem else html("<li>{}</li>", text)
        for text, problem in notes
    )
    listed = html('<ul class="wb-table-note wb-table-notes">{}</ul>', items) if notes else ""
    return join([Markup(render_table(table)), listed])  # render_table escapes every cell


@dataclass(frozen=True)
class ChartWords:
    """What the drift chart sets against budget (``compared``: ``utfall`` or ``prognos``) and
    the label keys of its title, caption, "higher than budget" clause (None: none is said) and
    data table."""

    compared: str
    title: str
    caption: str
    over: str | None
    data: str


YEAR_END_CHART = ChartWords(
    "utfall", "drift.diagram_titel", "drift.diagram", "drift.diagram_över", "drift.diagram_data"
)
FORECAST_CHART = ChartWords(
    "prognos",
    "drift.diagram_titel_prognos",
    "drift.diagram_prognos",
    "drift.diagram_prognos_över",
    "drift.diagram_data_prognos",
)
# The outcome to the cut-off date against the whole year's budget: no "higher than budget".
TO_DATE_CHART = ChartWords(
    "utfall", "drift.diagram_titel_delår", "drift.diagram_delår", None, "drift.diagram_data_delår"
)


def chart_words(data: UnitData, statement: Statement, texts: Labels) -> ChartWords:
    """The drift chart's comparison. At year end budget against outcome; before it (a delår)
    the year's forecast against budget when the statement has a forecast, else the outcome to
    the cut-off date, said as such — each only where the definition words it (the optional
    ``drift.diagram_*_prognos`` / ``*_delår`` labels; without them the year-end words, no words
    made up)."""
    if data.params.is_year_end:
        return YEAR_END_CHART
    words = FORECAST_CHART if forecasts(data, statement) else TO_DATE_CHART
    keys = [words.title, words.caption, words.data] + ([words.over] if words.over else [])
    return words if all(key in texts.values for key in keys) else YEAR_END_CHART


def budget_figure(
    data: UnitData, statement: Statement, section: SectionSpec | None = None
) -> Markup:
    """Budget against outcome per part of the unit (in a delår: against the year's forecast,
    ``chart_words``), as a chart with its data as a table; nothing when the statement has no
    parts, or no part has an amount in either column."""
    parts = statement.parts
    if not parts:
        return Markup("")
    amounts = statement.format
    headers = labels(data, statement)
    part_label = statement.settings.label("delverksamhet")
    texts = data.labels(section)
    words = chart_words(data, statement, texts)
    compared = words.compared
    period = {
        "fg_år": data.year - 1,
        "prognosdatum": format_date(data.params.forecast_date or data.params.period_end),
        "periodslut": format_date(data.params.period_end),
    }
    # Only the year-end labels predate the period's placeholders.
    fields = {} if words is YEAR_END_CHART else period
    compared_label = headers[compared]
    rows = pd.DataFrame(
        {
            "post": [p.label for p in parts],
            "budget": [_number(p.value("budget")) for p in parts],
            "utfall": [_number(p.value(compared)) for p in parts],
        }
    )
    if rows[["budget", "utfall"]].isna().all().all():
        # Nothing to draw (a new year before its figures are in): no empty chart whose text
        # would read "Uppgift saknas … mot Uppgift saknas"; the table says what is missing.
        return Markup("")
    title = texts(words.title, delverksamhet=part_label, **fields)
    charts = [
        ChartRecipe(
            budget_chart,
            (rows,),
            {
                "title": title,
                "labels": (headers["budget"], compared_label),
                "unit": amounts.unit,
                "decimals": amounts.decimals,
                "width": width,
            },
        )
        for width in (WIDTH, NARROW_BAR_WIDTH)
    ]
    total = statement.row("summa")
    totals = {
        compared: amounts.with_unit(total.value(compared) if total else None),
        "budget": amounts.with_unit(total.value("budget") if total else None),
    }
    description = texts(
        words.caption, delverksamhet=part_label, beloppsenhet=amounts.unit, **totals, **fields
    )
    over = [p.label for p in parts if amounts.sign(_deviation(statement, p, compared)) < 0]
    if words.over is None:
        description += "."
    elif over:
        listed = texts.joined("rapport.uppräkning", over)
        if words is YEAR_END_CHART:
            outcome = texts("drift.utfallet" if statement.cost_sign > 0 else "drift.nettokostnaden")
            description += texts(words.over, utfallet=outcome, poster=listed)
        else:
            description += texts(words.over, poster=listed, **fields)
    else:
        description += "."
    data_table = TableSpecHtml(
        caption=texts(words.data, beloppsenhet=amounts.unit, **fields),
        columns=[part_label[:1].upper() + part_label[1:], headers["budget"], compared_label],
        numeric_columns=frozenset({1, 2}),
        labels=texts,
    )
    for part in parts:
        data_table.add(
            part.label,
            [
                Cell(amounts.text(part.value("budget")), ("num",)),
                Cell(amounts.text(part.value(compared)), ("num",)),
            ],
        )
    shown_as_table = texts("drift.visa_data", namn=title)  # each button its own name
    # figure_html escapes the text
    return Markup(
        figure_html(charts[0], description, data_table, shown_as_table, narrow_chart=charts[1])
    )


def _deviation(statement: Statement, row: StatementRow, compared: str) -> Amount:
    """How much better than budget ``row``'s ``compared`` amount is (negative: over budget):
    the statement's own deviation column for it, else budget − it signed as the kommun writes
    costs (``Statement.deviation_of``'s rule for one row)."""
    column = "avvikelse" if compared == "utfall" else "avvikelse_prognos"
    value = row.value(column)
    if value is not None:
        return value
    budget, other = row.value("budget"), row.value(compared)
    if budget is None or other is None:
        return None
    return statement.cost_sign * (budget - other)


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def against_what(statement: Statement, labels: Labels) -> str:
    """What the result is measured against: the frame's own name (``tilldelad ram``) or
    ``resultat.mot_budget``."""
    frame = statement.row("ram")
    if statement.has_frame and frame is not None:
        return frame.label[:1].lower() + frame.label[1:]
    return labels("resultat.mot_budget")


def forecasts(data: UnitData, statement: Statement) -> bool:
    """The report is for a period before year end and its statement has a forecast: its result
    is the year's forecast, not the outcome to the cut-off date."""
    return not data.params.is_year_end and "prognos" in statement.amount_columns


FORECAST_SENTENCE = "sammanfattning.ingress_prognos"


def _says_forecast(data: UnitData, statement: Statement, texts: Labels) -> bool:
    """A delår with a forecast whose definition words the forecast (``FORECAST_SENTENCE``):
    the result sentence is the year's forecast. Without that label it stays the outcome so far
    (no words are made up for it)."""
    return forecasts(data, statement) and FORECAST_SENTENCE in texts.values


def result_words(
    data: UnitData, statement: Statement, section: SectionSpec | None = None
) -> Markup | None:
    """``Kommunledningskontoret redovisar ett överskott på 76 tkr mot tilldelad ram 2016``
    (``drift.resultatmening``). In a delår with a forecast, the year's forecast instead, in the
    summary's words (``sammanfattning.ingress_prognos``), its date as ``dates.date_markup``
    shows it: the outcome to the cut-off date set against the whole year's budget or frame is
    no result.

    HTML (the labels' words and values escaped); None while the amounts are missing.
    """
    texts = data.labels(section)
    against = against_what(statement, texts)
    if _says_forecast(data, statement, texts):
        phrase = result_phrase(statement.result_of("prognos"), statement.format, texts)
        if phrase is None:
            return None
        date = date_markup(data.params.forecast_date or data.params.period_end)
        words = texts.markup(FORECAST_SENTENCE, resultat=phrase, mot=against, datum=date)
        return Markup(words.rstrip().removesuffix("."))  # its own text: escaped already
    phrase = result_phrase(statement.result_of("utfall"), statement.format, texts)
    if phrase is None:
        return None
    return texts.markup("drift.resultatmening", resultat=phrase, mot=against)


def result_sentence(
    data: UnitData, statement: Statement, section: SectionSpec | None = None
) -> Markup:
    """The result in words, with the deviation against budget where there is a frame (in a delår
    with a forecast: the forecast's deviation, as ``result_words`` says the forecast)."""
    texts = data.labels(section)
    words = result_words(data, statement, section)
    if words is None:
        return html('<p class="wb-todo">{}</p>', texts("resultat.saknas"))
    amounts = statement.format
    measured = "prognos" if _says_forecast(data, statement, texts) else "utfall"
    deviation = statement.deviation_of(measured)
    if statement.has_frame and deviation is not None:
        shown = f"{amounts.text(deviation, signed=True)}\u00a0{amounts.unit}"
        words += " " + texts("drift.resultat_avvikelse", avvikelse=shown)
    return html('<p class="wb-result">{}.</p>', words)


def budget_html(data: UnitData, section: SectionSpec | None = None) -> Markup:
    """The whole operating-statement section below its heading; its labels are the
    definition's, with ``section``'s own ``etiketter`` laid over them."""
    statement = statement_of(data)
    return join(
        [
            result_sentence(data, statement, section),
            statement_table(data, statement, section),
            budget_figure(data, statement, section),
        ]
    )
