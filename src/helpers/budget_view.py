"""The operating budget as the report shows it: the statement table and the chart."""

from __future__ import annotations

import html

from helpers.budget import MISSING_RESULT, BudgetStatement, compute_statement, result_word
from helpers.charts import budget_chart
from helpers.figures import figure_html
from helpers.numbers import format_number, format_with_unit
from helpers.tables import Cell, TableSpecHtml, render_table
from helpers.unit_data import UnitData

STRONG_ROWS = {"Nettokostnader", "Tilldelad ram", "Resultat"}


def _cells(values, *, strong: bool, signed_row: bool = False) -> list[Cell]:
    cells = []
    for column in ("utfall_fg_år", "utfall", "budget", "avvikelse", "prognos"):
        value = values[column]
        # A result is a surplus (+) or deficit (−) in every column; elsewhere only deviations.
        signed = signed_row or column == "avvikelse"
        classes = ["num"]
        if signed and value < 0:
            classes.append("neg")
        cells.append(Cell(format_number(value, signed=signed), tuple(classes), strong))
    return cells


def statement_table(data: UnitData, statement: BudgetStatement) -> str:
    year = data.year
    forecast = (
        f"Prognos per {data.params.forecast_date}" if data.params.forecast_date else "Prognos"
    )
    table = TableSpecHtml(
        caption=f"{data.info.name} Drift (tkr)",
        columns=[
            f"{data.info.name} Drift",
            f"Utfall {year - 1}",
            f"Utfall {year}",
            f"Budget {year}",
            "Avvikelse mot budget",
            forecast,
        ],
        numeric_columns=frozenset(range(1, 6)),
        note="Avvikelse = budget − utfall; ett negativt belopp (−) är ett underskott. "
        "Nettokostnader, resultat och summa är beräknade.",
    )
    for name, row in statement.totals.iterrows():
        strong = name in STRONG_ROWS
        table.add(
            str(name),
            _cells(row, strong=strong, signed_row=name == "Resultat"),
            ("wb-total",) if strong else (),
        )
    for name, row in statement.subunits.iterrows():
        table.add(str(name), _cells(row, strong=False))
    table.add("Summa", _cells(statement.subunit_sum, strong=True), ("wb-sum",))
    return render_table(table)


def budget_figure(data: UnitData, statement: BudgetStatement) -> str:
    rows = statement.subunits.reset_index().rename(columns={"post": "delverksamhet"})
    chart = budget_chart(rows[["delverksamhet", "budget", "utfall"]], data.year)
    over = [n for n, r in statement.subunits.iterrows() if r["avvikelse"] < 0]
    description = (
        f"Diagram: budget och utfall {data.year} per delverksamhet i tkr. I varje par visar "
        "den övre, grå stapeln budget och den undre, blå utfall. "
        f"Totalt {format_with_unit(statement.subunit_sum['utfall'], 'tkr')} i utfall mot "
        f"{format_with_unit(statement.subunit_sum['budget'], 'tkr')} i budget"
        + (f"; utfallet var högre än budget för {', '.join(over)}." if over else ".")
    )
    data_table = TableSpecHtml(
        caption=f"Data: budget och utfall {data.year} (tkr)",
        columns=["Delverksamhet", f"Budget {data.year}", f"Utfall {data.year}"],
        numeric_columns=frozenset({1, 2}),
    )
    for name, row in statement.subunits.iterrows():
        data_table.add(
            str(name),
            [
                Cell(format_number(row["budget"]), ("num",)),
                Cell(format_number(row["utfall"]), ("num",)),
            ],
        )
    return figure_html(chart, description, data_table)


def result_sentence(data: UnitData, statement: BudgetStatement) -> str:
    result = statement.result
    word = result_word(result)
    if word is None:
        return f'<p class="wb-todo">{MISSING_RESULT}</p>'
    return (
        f'<p class="wb-result">{html.escape(data.info.name)} redovisar ett {word} på '
        f"{format_with_unit(abs(result), 'tkr')} mot tilldelad ram {data.year} "
        f"(avvikelse mot budget {format_number(statement.deviation, signed=True)}\u00a0tkr).</p>"
    )


def budget_html(data: UnitData) -> str:
    statement = compute_statement(data.table("drift"))
    return (
        result_sentence(data, statement)
        + statement_table(data, statement)
        + budget_figure(data, statement)
    )
