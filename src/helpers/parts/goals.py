"""A goal as the report shows it: heading, assessment, narrative, activity plan and indicators.

A section of kind ``mal`` shows the goals of one level (``nivå:`` in the definition), grouped
under their goal areas (``område`` in mal.csv, ``malomraden.csv``) when they have one. Every
fixed text comes from the definition's labels; every string from data is escaped
(``helpers.core.markup``).
"""

from __future__ import annotations

import pandas as pd

from helpers.core import read_log
from helpers.core.labels import Labels, fill
from helpers.core.markup import Markup, html, join
from helpers.data.definition import Assessment, ReportDefinition, SectionSpec
from helpers.data.unit_data import UnitData
from helpers.parts.indicators import (
    comparison_name,
    indicator_cell,
    indicator_decimals,
    indicator_figures,
    indicator_table,
)
from helpers.parts.narrative import markdown_to_html, slugify
from helpers.parts.remembered import remembered
from helpers.parts.tables import Cell, TableSpecHtml, render_table


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


def activity_table(
    data: UnitData, activities: pd.DataFrame, labels: Labels, context: str = ""
) -> str:
    """The goal's activity plan; ``context`` (the goal's short form) makes the table's region
    name unique in the report. The status column shows the status and, when there is one, the
    analyst's comment on it (``aktiviteter.status_med_kommentar``)."""
    statuses = data.definition.statuses
    caption = labels("aktiviteter.tabell")
    table = TableSpecHtml(
        caption=caption,
        region_label=(
            labels("rapport.tabell_i_sammanhang", rubrik=caption, sammanhang=context)
            if context
            else None
        ),
        columns=[
            labels(f"aktiviteter.{key}")
            for key in ("aktivitet", "beskrivning", "slutdatum", "ansvarig", "status")
        ],
        labels=labels,
    )
    missing = labels("rapport.saknas")
    for _, row in activities.iterrows():
        status = statuses[row["status"]].text
        # A comment that only repeats the status (the seed's free-text status) adds nothing.
        if row["statuskommentar"] and row["statuskommentar"].casefold() != status.casefold():
            status = labels(
                "aktiviteter.status_med_kommentar", status=status, kommentar=row["statuskommentar"]
            )
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
    # The heading with its assessment (and addressee) lines is one group (HTML's hgroup): the
    # print stylesheet keeps it whole and with what follows, and the PDF tags it as one.
    head: list[Markup] = [
        html('<h{0} id="{1}">{2}</h{0}>', h_goal, anchor, goal_heading(data, goal)),
        assessment_html(goal["bedömning"], data.definition, labels),
    ]
    if goal["adressat"]:
        head.append(
            html(
                '<p class="wb-addressee"><strong>{}</strong> {}</p>',
                labels("mål.adressat"),
                goal["adressat"],
            )
        )
    parts: list[Markup | str] = [html('<hgroup class="wb-heading-group">{}</hgroup>', join(head))]
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
        parts.append(Markup(activity_table(data, own_activities, labels, goal_short(data, goal))))
    indicators = data.table("indikatorer")
    own_indicators = indicators[indicators["mal_id"] == goal_id]
    if not own_indicators.empty:
        values = data.table("indikatorvarden")
        own_values = values[values["indikator_id"].isin(own_indicators["indikator_id"])]
        parts.append(
            Markup(
                indicator_table(data, own_indicators, own_values, labels, goal_short(data, goal))
            )
        )
        parts += [Markup(f) for f in indicator_figures(data, own_indicators, own_values, labels)]
    return html('<section class="wb-goal" aria-labelledby="{}">{}</section>', anchor, join(parts))


def area_html(
    data: UnitData,
    section: SectionSpec,
    area: pd.Series | None,
    goals: pd.DataFrame,
    labels: Labels,
    before: tuple[tuple[str, str], ...] | None = None,
) -> Markup:
    """A goal area (målområde, perspektiv …): heading, introduction and its goals; ``before``
    (the section's reads before its goals, see ``goals_html``) lets a warm kernel give again a
    goal whose inputs have not changed (``remembered``)."""
    depth = 0 if area is None else 1
    shown = join(_goal(data, section, goal, labels, depth, before) for _, goal in goals.iterrows())
    if area is None:  # goals without an area come first, under the section itself
        return shown
    anchor = f"{section.id}-omrade-{slugify(area['område_id'])}"
    intro = _narrative(data, f"malomraden/{area['område_id']}.md", 4)
    return html(
        '<section class="wb-goal-area" aria-labelledby="{0}"><h3 id="{0}">{1}</h3>{2}{3}</section>',
        anchor,
        labels("mål.område", område=area["rubrik"]),
        intro or "",
        shown,
    )


def _goal(
    data: UnitData,
    section: SectionSpec,
    goal: pd.Series,
    labels: Labels,
    depth: int,
    before: tuple[tuple[str, str], ...] | None,
) -> Markup:
    if before is None:
        return goal_html(data, goal, labels, depth)
    key = (
        "goal",
        data.project.period,
        data.year,
        data.info.unit,
        section.id,
        depth,
        before,
        tuple((name, repr(value)) for name, value in goal.items()),
    )
    return remembered(key, lambda: goal_html(data, goal, labels, depth))


def _needs_comparison_groups(data: UnitData, goals: pd.DataFrame) -> bool:
    """Whether some indicator of ``goals`` names its comparison by its Kolada group (as
    ``indicators.comparison_name`` decides)."""
    indicators = data.table("indikatorer")
    own = indicators[indicators["mal_id"].isin(goals["mal_id"])]
    if "jämförelse_namn" not in own:
        return not own.empty
    return any(not name for name in own["jämförelse_namn"])


def goals_html(data: UnitData, section: SectionSpec) -> Markup:
    """Every goal of the section's level, under its goal area when it has one."""
    labels = data.labels(section)
    goals = data.goals[data.goals["nivå"] == section.level]
    if goals.empty:
        return html('<p class="wb-empty">{}</p>', labels("mål.inga_mål"))
    areas = data.table("malomraden")
    by_area = goals["område"] if "område" in goals else pd.Series("", index=goals.index)
    before = None
    if read_log.active():
        # What a goal would read lazily, once for all (the comparison groups, when an indicator
        # has no comparison name of its own), read now: then it is among ``before``.
        if _needs_comparison_groups(data, goals):
            _ = data.comparison_groups
        before = read_log.snapshot()
    parts = [area_html(data, section, None, goals[by_area == ""], labels, before)]
    for _, area in areas.iterrows():
        own = goals[by_area == area["område_id"]]
        if not own.empty:
            parts.append(area_html(data, section, area, own, labels, before))
    return join(parts)


__all__ = [
    "comparison_name",
    "goal_html",
    "goals_html",
    "indicator_cell",
    "indicator_decimals",
]
