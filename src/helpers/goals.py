"""A goal as the report shows it: heading, assessment, narrative, activity plan and indicators."""

from __future__ import annotations

import html

import pandas as pd

from helpers.charts import indicator_chart
from helpers.figures import figure_html
from helpers.narrative import markdown_to_html
from helpers.numbers import MISSING, decimals_of, format_number, format_with_unit, is_missing
from helpers.tables import Cell, TableSpecHtml, render_table
from helpers.unit_data import UnitData, period_start

LEVEL_LABELS = {
    "kommunfullmäktige": "Kommunfullmäktiges prioriterade mål",
    "kommunstyrelsen": "Kommunstyrelsens mål",
}
ASSESSMENT_SYMBOLS = {"uppfyllt": "✔", "delvis uppfyllt": "◐", "ej uppfyllt": "✘"}
STATUS_LABELS = {
    "ej påbörjad": "Ej påbörjad",
    "påbörjad": "Påbörjad",
    "pågående": "Pågående",
    "delvis genomförd": "Delvis genomförd",
    "genomförd": "Genomförd",
    "ej genomförd": "Ej genomförd",
}


def goal_anchor(goal_id: str) -> str:
    return f"mal-{goal_id.lower()}"


def goal_heading(goal: pd.Series) -> str:
    return f"{LEVEL_LABELS[goal['nivå']]} {goal['nummer']}: {goal['titel']}"


def assessment_slug(assessment: str) -> str:
    """The CSS class suffix of an assessment: ``delvis uppfyllt`` → ``delvis-uppfyllt``."""
    return assessment.replace(" ", "-").replace("ä", "a")


def assessment_html(assessment: str) -> str:
    """The assessment as word and symbol, coloured by class: never colour alone."""
    if not assessment:
        return (
            '<p class="wb-assessment wb-assessment--none">Bedömning: '
            "<span>Ingen bedömning angiven</span></p>"
        )
    slug = assessment_slug(assessment)
    symbol = ASSESSMENT_SYMBOLS[assessment]
    return (
        f'<p class="wb-assessment wb-assessment--{slug}">Bedömning: '
        f'<span class="wb-badge"><span aria-hidden="true">{symbol}</span> '
        f"{html.escape(assessment.capitalize())}</span></p>"
    )


def activity_table(activities: pd.DataFrame, year: int) -> str:
    table = TableSpecHtml(
        caption=f"Aktivitetsplan {year}",
        columns=["Aktivitet", "Beskrivning", "Slutdatum", "Ansvarig", "Status?"],
    )
    for _, row in activities.iterrows():
        status = row["statuskommentar"] or STATUS_LABELS[row["status"]]
        status_class = "status-" + row["status"].replace(" ", "-").replace("å", "a").replace(
            "ö", "o"
        )
        table.add(
            row["aktivitet"],
            [
                Cell(row["beskrivning"] or MISSING),
                Cell(row["slutdatum"] or MISSING),
                Cell(row["ansvarig"] or MISSING),
                Cell(status, (status_class,)),
            ],
        )
    return render_table(table)


def indicator_cell(
    value: float, comparison: float, note: str, unit: str, decimals: int | None = None
) -> str:
    """``53 (medel 57)``, ``70 %``, or the note when the measurement is missing.

    ``decimals`` (the indicator's, see :func:`indicator_decimals`) keeps a row consistent:
    ``6,0 %`` beside ``5,8 %``, not ``6 %``.
    """
    if is_missing(value):
        return note or MISSING
    places = decimals_of(value) if decimals is None else decimals
    text = format_with_unit(value, unit, places)
    if not is_missing(comparison):
        places = decimals_of(comparison) if decimals is None else decimals
        text += f" (medel {format_with_unit(comparison, unit, places)})"
    return text


def indicator_decimals(values: pd.DataFrame) -> int:
    """The decimals an indicator's values need: the most any of its values or comparisons has."""
    numbers = [*values["värde"], *values["jämförelse"]]
    return max((decimals_of(v) for v in numbers if not is_missing(v)), default=0)


def _periods(values: pd.DataFrame) -> list[str]:
    return sorted(values["period"].unique(), key=lambda p: (period_start(p), p))


def indicator_table(indicators: pd.DataFrame, values: pd.DataFrame) -> str:
    periods = _periods(values)
    sources = [s for s in dict.fromkeys(indicators["källa"]) if s]
    caption = "Indikator" + (": " + " / ".join(sources) if sources else "er")
    table = TableSpecHtml(
        caption=caption,
        columns=["Indikator", *periods],
        numeric_columns=frozenset(range(1, len(periods) + 1)),
    )
    fetched: set[str] = set()
    for _, indicator in indicators.iterrows():
        own = values[values["indikator_id"] == indicator["indikator_id"]].set_index("period")
        decimals = indicator_decimals(own)
        cells = []
        for period in periods:
            if period in own.index:
                row = own.loc[period]
                cells.append(
                    Cell(
                        indicator_cell(
                            row["värde"],
                            row["jämförelse"],
                            row["notering"],
                            indicator["enhet"],
                            decimals,
                        ),
                        ("num", "wrap"),  # "53 (medel 57)" may break before its comparison
                    )
                )
                if row.get("kolada_hämtad"):
                    fetched.add(str(row["kolada_hämtad"]))
            else:
                cells.append(Cell(MISSING, ("num", "wrap")))
        table.add(indicator["indikator"], cells)
    if fetched:
        table.note = "Källa: Kolada, hämtad " + ", ".join(sorted(fetched))
    return render_table(table)


def indicator_figures(indicators: pd.DataFrame, values: pd.DataFrame) -> list[str]:
    """A chart for each indicator with at least two measurements."""
    figures = []
    for _, indicator in indicators.iterrows():
        own = values[values["indikator_id"] == indicator["indikator_id"]].copy()
        own = own.sort_values("period", key=lambda s: s.map(period_start))
        measured = own["värde"].notna().sum()
        if measured < 2:
            continue
        name = indicator["indikator"].rstrip(".")
        unit = indicator["enhet"]
        chart = indicator_chart(own[["period", "värde", "jämförelse"]], name, unit)
        decimals = indicator_decimals(own)
        first, last = own.dropna(subset=["värde"]).iloc[[0, -1]].to_dict("records")
        first_value = format_with_unit(first["värde"], unit, decimals)
        last_value = format_with_unit(last["värde"], unit, decimals)
        description = (
            f"Diagram: {name}, {first['period']}–{last['period']}. Värdet gick från "
            f"{first_value} ({first['period']}) till {last_value} ({last['period']})"
        )
        if own["jämförelse"].notna().any():
            description += "; jämförelsevärdet (medel) visas med grå fyrkanter och streckad linje"
        description += ". Perioder utan mätning visas som luckor."
        data = TableSpecHtml(
            caption=f"Data: {name}",
            columns=["Period", "Värde", "Jämförelse (medel)"],
            numeric_columns=frozenset({1, 2}),
        )
        for _, row in own.iterrows():
            data.add(
                row["period"],
                [
                    Cell(
                        indicator_cell(row["värde"], float("nan"), row["notering"], unit, decimals),
                        ("num",),
                    ),
                    Cell(
                        format_with_unit(row["jämförelse"], unit, decimals)
                        if not is_missing(row["jämförelse"])
                        else "Ingen jämförelse",
                        ("num",),
                    ),
                ],
            )
        figures.append(figure_html(chart, description, data))
    return figures


def _narrative(data: UnitData, name: str) -> str:
    text = data.text(name)
    return markdown_to_html(text, top_level=5) if text else ""


def goal_html(data: UnitData, goal: pd.Series) -> str:
    """Everything the report says about one goal."""
    goal_id = goal["mal_id"]
    parts = [
        f'<section class="wb-goal" aria-labelledby="{goal_anchor(goal_id)}">',
        f'<h3 id="{goal_anchor(goal_id)}">{html.escape(goal_heading(goal))}</h3>',
        assessment_html(goal["bedömning"]),
    ]
    if goal["adressat"]:
        addressee = html.escape(goal["adressat"])
        parts.append(f'<p class="wb-addressee"><strong>Adressat:</strong> {addressee}</p>')
    motivation = _narrative(data, f"mal/{goal_id}-motivering.md")
    if motivation:
        parts += ["<h4>Motivering</h4>", motivation]
    parts.append("<h4>Så här har verksamheten arbetat för att nå målet</h4>")
    assessment_text = _narrative(data, f"mal/{goal_id}-bedomning.md")
    if assessment_text:
        parts += ["<h5>Bedömning</h5>", assessment_text]
    work = _narrative(data, f"mal/{goal_id}-arbete.md")
    parts.append(
        work
        or '<p class="wb-todo">Text saknas – skriv i '
        f"<code>text/mal/{html.escape(goal_id)}-arbete.md</code>.</p>"
    )
    activities = data.table("aktiviteter")
    own_activities = activities[activities["mal_id"] == goal_id]
    if not own_activities.empty:
        parts.append(activity_table(own_activities, data.year))
    indicators = data.table("indikatorer")
    own_indicators = indicators[indicators["mal_id"] == goal_id]
    if not own_indicators.empty:
        values = data.table("indikatorvarden")
        own_values = values[values["indikator_id"].isin(own_indicators["indikator_id"])]
        parts.append(indicator_table(own_indicators, own_values))
        parts += indicator_figures(own_indicators, own_values)
    parts.append("</section>")
    return "".join(parts)


def goals_html(data: UnitData, level: str) -> str:
    goals = data.goals[data.goals["nivå"] == level]
    if goals.empty:
        return '<p class="wb-empty">Inga mål på den här nivån för enheten.</p>'
    return "".join(goal_html(data, goal) for _, goal in goals.iterrows())


__all__ = ["format_number", "goal_html", "goals_html"]
