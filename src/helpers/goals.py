"""A goal as the report shows it: heading, assessment, narrative, activity plan and indicators.

A section of kind ``mal`` shows the goals of one level (``nivå:`` in the definition), grouped
under their goal areas (``område`` in mal.csv, ``malomraden.csv``) when they have one. Every
fixed text comes from the definition's labels; every string from data is escaped
(``helpers.markup``).
"""

from __future__ import annotations

import pandas as pd

from helpers.charts import indicator_chart
from helpers.definition import Assessment, ReportDefinition, SectionSpec
from helpers.figures import figure_html
from helpers.labels import Labels, fill
from helpers.markup import Markup, html, join
from helpers.narrative import markdown_to_html, slugify
from helpers.numbers import decimals_of, format_with_unit, is_missing
from helpers.tables import Cell, TableSpecHtml, render_table
from helpers.unit_data import UnitData, period_start


def goal_anchor(goal_id: str) -> str:
    return f"mal-{goal_id.lower()}"


def goal_heading(data: UnitData, goal: pd.Series) -> str:
    """The level's heading pattern filled in: ``Kommunfullmäktiges prioriterade mål 1: …``."""
    level = data.definition.levels[goal["nivå"]]
    return fill(
        level.heading, _common(data), nummer=goal["nummer"], titel=goal["titel"], id=goal["mal_id"]
    )


def goal_short(data: UnitData, goal: pd.Series) -> str:
    """The level's short form: ``KF-mål 1``."""
    level = data.definition.levels[goal["nivå"]]
    return fill(
        level.short, _common(data), nummer=goal["nummer"], titel=goal["titel"], id=goal["mal_id"]
    )


def _common(data: UnitData) -> dict[str, str]:
    return {"år": str(data.year), "enhet": data.info.name, "kommun": data.info.municipality}


def assessment_badge(assessment: Assessment) -> Markup:
    """Symbol and word of an assessment (never colour alone)."""
    return html(
        '<span class="wb-badge"><span aria-hidden="true">{}</span> {}</span>',
        assessment.symbol,
        assessment.text,
    )


def assessment_html(value: str, definition: ReportDefinition, labels: Labels) -> Markup:
    """The assessment line under a goal's heading, coloured by the assessment's tone."""
    if not value:
        return html(
            '<p class="wb-assessment wb-assessment--none">{} <span>{}</span></p>',
            labels("mål.bedömning"),
            labels("mål.ingen_bedömning"),
        )
    assessment = definition.assessments[value]
    return html(
        '<p class="wb-assessment wb-assessment--{}">{} {}</p>',
        assessment.tone,
        labels("mål.bedömning"),
        assessment_badge(assessment),
    )


def activity_table(data: UnitData, activities: pd.DataFrame, labels: Labels) -> str:
    statuses = data.definition.statuses
    table = TableSpecHtml(
        caption=labels("aktiviteter.tabell"),
        columns=[
            labels(f"aktiviteter.{key}")
            for key in ("aktivitet", "beskrivning", "slutdatum", "ansvarig", "status")
        ],
        labels=labels,
    )
    missing = labels("rapport.saknas")
    for _, row in activities.iterrows():
        status = row["statuskommentar"] or statuses[row["status"]].text
        table.add(
            row["aktivitet"],
            [
                Cell(row["beskrivning"] or missing),
                Cell(row["slutdatum"] or missing),
                Cell(row["ansvarig"] or missing),
                Cell(status, ("status-" + slugify(row["status"]),)),
            ],
        )
    return render_table(table)


def comparison_name(data: UnitData, indicator: pd.Series) -> str:
    """What the comparison series is (``medel``, ``riket`` …): the indicator's own
    ``jämförelse_namn`` or the definition's ``jämförelse``."""
    return indicator.get("jämförelse_namn") or data.definition.comparison


def indicator_cell(
    value: float,
    comparison: float,
    note: str,
    unit: str,
    decimals: int | None = None,
    *,
    labels: Labels,
    compared_with: str = "",
) -> str:
    """``53 (medel 57)``, ``70 %``, or the note when the measurement is missing.

    ``decimals`` (the indicator's, see :func:`indicator_decimals`) keeps a row consistent:
    ``6,0 %`` beside ``5,8 %``, not ``6 %``. With a comparison, ``labels`` gives the pattern
    (``indikatorer.med_jämförelse``) and ``compared_with`` the comparison's name.
    """
    missing = labels("rapport.saknas")
    if is_missing(value):
        return note or missing
    places = decimals_of(value) if decimals is None else decimals
    text = format_with_unit(value, unit, places, missing=missing)
    if not is_missing(comparison):
        places = decimals_of(comparison) if decimals is None else decimals
        text = labels(
            "indikatorer.med_jämförelse",
            värde=text,
            jämförelse=compared_with,
            jämförelsevärde=format_with_unit(comparison, unit, places, missing=missing),
        )
    return text


def indicator_decimals(values: pd.DataFrame) -> int:
    """The decimals an indicator's values need: the most any of its values or comparisons has."""
    numbers = [*values["värde"], *values["jämförelse"]]
    return max((decimals_of(v) for v in numbers if not is_missing(v)), default=0)


def _periods(values: pd.DataFrame) -> list[str]:
    return sorted(values["period"].unique(), key=lambda p: (period_start(p), p))


def indicator_table(
    data: UnitData, indicators: pd.DataFrame, values: pd.DataFrame, labels: Labels
) -> str:
    periods = _periods(values)
    sources = [s for s in dict.fromkeys(indicators["källa"]) if s]
    caption = (
        labels("indikatorer.tabell", källor=" / ".join(sources))
        if sources
        else labels("indikatorer.tabell_utan_källa")
    )
    table = TableSpecHtml(
        caption=caption,
        columns=[labels("indikatorer.indikator"), *periods],
        numeric_columns=frozenset(range(1, len(periods) + 1)),
        labels=labels,
    )
    fetched: set[str] = set()
    for _, indicator in indicators.iterrows():
        own = values[values["indikator_id"] == indicator["indikator_id"]].set_index("period")
        decimals = indicator_decimals(own)
        compared_with = comparison_name(data, indicator)
        cells = []
        for period in periods:
            if period in own.index:
                row = own.loc[period]
                text = indicator_cell(
                    row["värde"],
                    row["jämförelse"],
                    row["notering"],
                    indicator["enhet"],
                    decimals,
                    labels=labels,
                    compared_with=compared_with,
                )
                # "53 (medel 57)" may break before its comparison.
                cells.append(Cell(text, ("num", "wrap")))
                if row.get("kolada_hämtad"):
                    fetched.add(str(row["kolada_hämtad"]))
            else:
                cells.append(Cell(labels("rapport.saknas"), ("num", "wrap")))
        table.add(indicator["indikator"], cells)
    if fetched:
        table.note = labels("indikatorer.kolada", datum=", ".join(sorted(fetched)))
    return render_table(table)


def indicator_figures(
    data: UnitData, indicators: pd.DataFrame, values: pd.DataFrame, labels: Labels
) -> list[str]:
    """A chart for each indicator with at least two measurements."""
    figures: list[str] = []
    for _, indicator in indicators.iterrows():
        own = values[values["indikator_id"] == indicator["indikator_id"]].copy()
        own = own.sort_values("period", key=lambda s: s.map(period_start))
        if own["värde"].notna().sum() < 2:
            continue
        name = indicator["indikator"].rstrip(".")
        unit = indicator["enhet"]
        compared_with = comparison_name(data, indicator)
        own_series = labels("indikatorer.serie")
        comparison_series = labels("indikatorer.jämförelseserie", jämförelse=compared_with)
        chart = indicator_chart(
            own[["period", "värde", "jämförelse"]],
            name,
            unit,
            own_label=own_series,
            comparison_label=comparison_series,
        )
        decimals = indicator_decimals(own)
        missing = labels("rapport.saknas")
        first, last = own.dropna(subset=["värde"]).iloc[[0, -1]].to_dict("records")
        description = labels(
            "indikatorer.diagram",
            namn=name,
            från=first["period"],
            till=last["period"],
            första=format_with_unit(first["värde"], unit, decimals, missing=missing),
            sista=format_with_unit(last["värde"], unit, decimals, missing=missing),
        )
        if own["jämförelse"].notna().any():
            description += "; " + labels("indikatorer.diagram_jämförelse", jämförelse=compared_with)
        description += ". " + labels("indikatorer.diagram_luckor")
        table = TableSpecHtml(
            caption=labels("indikatorer.diagram_data", namn=name),
            columns=[labels("indikatorer.period"), labels("indikatorer.värde"), comparison_series],
            numeric_columns=frozenset({1, 2}),
            labels=labels,
        )
        for _, row in own.iterrows():
            comparison = (
                format_with_unit(row["jämförelse"], unit, decimals, missing=missing)
                if not is_missing(row["jämförelse"])
                else labels("indikatorer.ingen_jämförelse")
            )
            table.add(
                row["period"],
                [
                    Cell(
                        indicator_cell(
                            row["värde"],
                            float("nan"),
                            row["notering"],
                            unit,
                            decimals,
                            labels=labels,
                        ),
                        ("num",),
                    ),
                    Cell(comparison, ("num",)),
                ],
            )
        figures.append(
            figure_html(chart, description, table, data_label=labels("indikatorer.visa_data"))
        )
    return figures


def _narrative(data: UnitData, name: str, top_level: int) -> Markup | None:
    text = data.text(name)
    # markdown_to_html sanitizes its output: it is safe to embed as it is.
    labels = data.labels()
    return Markup(markdown_to_html(text, labels=labels, top_level=top_level)) if text else None


def goal_html(
    data: UnitData, goal: pd.Series, labels: Labels | None = None, depth: int = 0
) -> Markup:
    """Everything the report says about one goal; ``depth`` 1 under a goal-area heading."""
    labels = labels or data.labels()
    goal_id = goal["mal_id"]
    anchor = goal_anchor(goal_id)
    h_goal, h_part, h_sub = 3 + depth, 4 + depth, 5 + depth
    parts: list[Markup | str] = [
        html('<h{0} id="{1}">{2}</h{0}>', h_goal, anchor, goal_heading(data, goal)),
        assessment_html(goal["bedömning"], data.definition, labels),
    ]
    if goal["adressat"]:
        parts.append(
            html(
                '<p class="wb-addressee"><strong>{}</strong> {}</p>',
                labels("mål.adressat"),
                goal["adressat"],
            )
        )
    motivation = _narrative(data, f"mal/{goal_id}-motivering.md", h_sub)
    if motivation:
        parts += [html("<h{0}>{1}</h{0}>", h_part, labels("mål.motivering")), motivation]
    parts.append(html("<h{0}>{1}</h{0}>", h_part, labels("mål.arbete")))
    assessment_text = _narrative(data, f"mal/{goal_id}-bedomning.md", h_sub)
    if assessment_text:
        parts += [html("<h{0}>{1}</h{0}>", h_sub, labels("mål.bedömningstext")), assessment_text]
    work = _narrative(data, f"mal/{goal_id}-arbete.md", h_sub)
    parts.append(
        work
        or html(
            '<p class="wb-todo">Text saknas – skriv i <code>text/mal/{}-arbete.md</code>.</p>',
            goal_id,
        )
    )
    activities = data.table("aktiviteter")
    own_activities = activities[activities["mal_id"] == goal_id]
    if not own_activities.empty:
        parts.append(Markup(activity_table(data, own_activities, labels)))
    indicators = data.table("indikatorer")
    own_indicators = indicators[indicators["mal_id"] == goal_id]
    if not own_indicators.empty:
        values = data.table("indikatorvarden")
        own_values = values[values["indikator_id"].isin(own_indicators["indikator_id"])]
        parts.append(Markup(indicator_table(data, own_indicators, own_values, labels)))
        parts += [Markup(f) for f in indicator_figures(data, own_indicators, own_values, labels)]
    return html('<section class="wb-goal" aria-labelledby="{}">{}</section>', anchor, join(parts))


def area_html(
    data: UnitData,
    section: SectionSpec,
    area: pd.Series | None,
    goals: pd.DataFrame,
    labels: Labels,
) -> Markup:
    """A goal area (målområde, perspektiv …): heading, introduction and its goals."""
    if area is None:  # goals without an area come first, under the section itself
        return join(goal_html(data, goal, labels) for _, goal in goals.iterrows())
    anchor = f"{section.id}-omrade-{slugify(area['område_id'])}"
    intro = _narrative(data, f"malomraden/{area['område_id']}.md", 4)
    return html(
        '<section class="wb-goal-area" aria-labelledby="{0}"><h3 id="{0}">{1}</h3>{2}{3}</section>',
        anchor,
        labels("mål.område", område=area["rubrik"]),
        intro or "",
        join(goal_html(data, goal, labels, depth=1) for _, goal in goals.iterrows()),
    )


def goals_html(data: UnitData, section: SectionSpec) -> Markup:
    """Every goal of the section's level, under its goal area when it has one."""
    labels = data.labels(section)
    goals = data.goals[data.goals["nivå"] == section.level]
    if goals.empty:
        return html('<p class="wb-empty">{}</p>', labels("mål.inga_mål"))
    areas = data.table("malomraden")
    by_area = goals["område"] if "område" in goals else pd.Series("", index=goals.index)
    parts = [area_html(data, section, None, goals[by_area == ""], labels)]
    for _, area in areas.iterrows():
        own = goals[by_area == area["område_id"]]
        if not own.empty:
            parts.append(area_html(data, section, area, own, labels))
    return join(parts)


__all__ = ["goal_html", "goals_html"]
