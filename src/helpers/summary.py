"""Sammanfattning: the page a board member reads if they read nothing else, computed from data."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from helpers.budget import compute_statement
from helpers.goals import STATUS_LABELS, goal_anchor
from helpers.numbers import format_number, format_with_unit
from helpers.schema import ACTIVITY_STATUSES, ASSESSMENTS
from helpers.unit_data import UnitData, period_start


@dataclass(frozen=True)
class Movement:
    indicator: str
    goal_id: str
    earlier: tuple[str, float]
    latest: tuple[str, float]
    unit: str


@dataclass(frozen=True)
class Summary:
    goals_by_assessment: dict[str, int]
    activities_by_status: dict[str, int]
    result: float
    deviation: float
    forecast_result: float
    wrong_direction: list[Movement]


def wrong_direction(data: UnitData) -> list[Movement]:
    """Indicators whose latest measurement moved against their desired direction."""
    moves = []
    values = data.table("indikatorvarden")
    for _, indicator in data.table("indikatorer").iterrows():
        direction = indicator["önskad_riktning"]
        if not direction:
            continue
        own = values[
            (values["indikator_id"] == indicator["indikator_id"]) & values["värde"].notna()
        ]
        own = own.sort_values("period", key=lambda s: s.map(period_start))
        if len(own) < 2:
            continue
        before, last = own.iloc[-2], own.iloc[-1]
        change = last["värde"] - before["värde"]
        if (direction == "ökande" and change < 0) or (direction == "minskande" and change > 0):
            moves.append(
                Movement(
                    indicator["indikator"].rstrip("."),
                    indicator["mal_id"],
                    (before["period"], float(before["värde"])),
                    (last["period"], float(last["värde"])),
                    indicator["enhet"],
                )
            )
    return moves


def summarise(data: UnitData) -> Summary:
    goals = Counter(g or "ej bedömt" for g in data.goals["bedömning"])
    activities = Counter(data.table("aktiviteter")["status"])
    statement = compute_statement(data.table("drift"))
    return Summary(
        {k: goals.get(k, 0) for k in (*ASSESSMENTS, "ej bedömt")},
        {k: activities.get(k, 0) for k in ACTIVITY_STATUSES},
        statement.result,
        statement.deviation,
        statement.forecast_result,
        wrong_direction(data),
    )


def _count_list(counts: dict[str, int], labels: dict[str, str]) -> str:
    items = [
        f"<li>{html.escape(labels.get(k, k.capitalize()))}: <strong>{n}</strong></li>"
        for k, n in counts.items()
        if n
    ]
    return "<ul>" + "".join(items) + "</ul>" if items else "<p>Inga.</p>"


def summary_html(data: UnitData) -> str:
    s = summarise(data)
    n_goals = sum(s.goals_by_assessment.values())
    n_activities = sum(s.activities_by_status.values())
    result_word = "överskott" if s.result >= 0 else "underskott"
    parts = [
        '<h2 id="sammanfattning">Sammanfattning</h2>',
        '<div class="wb-summary">',
        '<section class="wb-summary-card" aria-labelledby="sammanfattning-ekonomi">',
        '<h3 id="sammanfattning-ekonomi">Ekonomi</h3>',
        f"<p>Resultat mot tilldelad ram: <strong>{format_number(s.result, signed=True)}\u00a0tkr</strong> "
        f"({result_word}). Avvikelse mot budget: {format_number(s.deviation, signed=True)}\u00a0tkr. "
        f"Prognosen per {html.escape(data.params.forecast_date or 'delår')} var "
        f"{format_number(s.forecast_result, signed=True)}\u00a0tkr.</p>",
        "</section>",
        '<section class="wb-summary-card" aria-labelledby="sammanfattning-mal">',
        f'<h3 id="sammanfattning-mal">Mål ({n_goals})</h3>',
        _count_list(s.goals_by_assessment, {"ej bedömt": "Ingen bedömning angiven"}),
        "</section>",
        '<section class="wb-summary-card" aria-labelledby="sammanfattning-aktiviteter">',
        f'<h3 id="sammanfattning-aktiviteter">Aktiviteter ({n_activities})</h3>',
        _count_list(s.activities_by_status, STATUS_LABELS),
        "</section>",
        '<section class="wb-summary-card" aria-labelledby="sammanfattning-indikatorer">',
        '<h3 id="sammanfattning-indikatorer">Indikatorer som gått åt fel håll</h3>',
    ]
    if s.wrong_direction:
        parts.append("<ul>")
        for m in s.wrong_direction:
            parts.append(
                f'<li><a href="#{goal_anchor(m.goal_id)}">{html.escape(m.indicator)}</a>: '
                f"{format_with_unit(m.earlier[1], m.unit, 0 if m.earlier[1].is_integer() else 1)} ({m.earlier[0]}) → "
                f"{format_with_unit(m.latest[1], m.unit, 0 if m.latest[1].is_integer() else 1)} ({m.latest[0]})</li>"
            )
        parts.append("</ul>")
    else:
        parts.append("<p>Inga indikatorer har gått åt fel håll sedan förra mätningen.</p>")
    parts += ["</section>", "</div>"]
    return "".join(parts)


def summary_counts_frame(summaries: dict[str, Summary]) -> pd.DataFrame:
    """One row per unit: for the index page."""
    rows = []
    for unit, s in summaries.items():
        rows.append({"enhet": unit, "resultat": s.result, **s.goals_by_assessment})
    return pd.DataFrame(rows)
