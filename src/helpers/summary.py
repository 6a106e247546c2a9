"""Sammanfattning: the page a board member reads if they read nothing else, computed from data."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass

from helpers import markup
from helpers.budget import MISSING_RESULT, Statement, result_word, statement_of
from helpers.budget_view import against_what, result_words
from helpers.goals import (
    ASSESSMENT_SYMBOLS,
    STATUS_LABELS,
    assessment_slug,
    goal_anchor,
    indicator_decimals,
)
from helpers.markup import Markup
from helpers.numbers import MISSING, format_with_unit, is_missing
from helpers.schema import ACTIVITY_STATUSES, ASSESSMENTS
from helpers.tables import Cell, TableSpecHtml, render_table
from helpers.unit_data import UnitData, period_start

GOAL_SHORT_LEVEL = {"kommunfullmäktige": "KF-mål", "kommunstyrelsen": "KS-mål"}
NO_ASSESSMENT = "ej bedömt"
PLURAL = {
    "uppfyllt": "uppfyllda",
    "delvis uppfyllt": "delvis uppfyllda",
    "ej uppfyllt": "ej uppfyllda",
}


@dataclass(frozen=True)
class Movement:
    """An indicator whose latest measurement moved against its desired direction."""

    indicator: str
    goal_id: str
    earlier: tuple[str, float]
    latest: tuple[str, float]
    unit: str
    direction: str = ""
    decimals: int = 0  # the indicator's, so the summary shows values as its table does


@dataclass(frozen=True)
class Summary:
    """The figures of the summary page, computed from a unit-year's data."""

    goals_by_assessment: dict[str, int]
    activities_by_status: dict[str, int]
    result: float  # against the frame (tilldelad ram), or against budget without one
    deviation: float  # against budget
    forecast_result: float  # NaN when the statement has no forecast column
    wrong_direction: list[Movement]
    statement: Statement | None = None


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
                    direction,
                    indicator_decimals(values[values["indikator_id"] == indicator["indikator_id"]]),
                )
            )
    return moves


def summarise(data: UnitData) -> Summary:
    goals = Counter(g or NO_ASSESSMENT for g in data.goals["bedömning"])
    activities = Counter(data.table("aktiviteter")["status"])
    statement = statement_of(data)
    return Summary(
        {k: goals.get(k, 0) for k in (*ASSESSMENTS, NO_ASSESSMENT)},
        {k: activities.get(k, 0) for k in ACTIVITY_STATUSES},
        statement.result,
        statement.deviation,
        statement.forecast_result,
        wrong_direction(data),
        statement,
    )


def _signed_amount(value: float, statement: Statement) -> Markup:
    """``+76 tkr`` / ``−362 tkr``: a deficit marked by its minus sign and the ``neg`` class.

    Sign and colour follow the value as shown: −0,4 tkr shown without decimals is ``0 tkr``.
    """
    amounts = statement.format
    if is_missing(value):
        return markup.html("<strong>{}</strong>", MISSING)
    text = f"{amounts.text(value, signed=True)}\u00a0{amounts.unit}"
    if amounts.sign(value) < 0:
        return markup.html('<strong class="neg">{}</strong>', text)
    return markup.html("<strong>{}</strong>", text)


def economy_card(data: UnitData, s: Summary) -> Markup:
    """Result, deviation against budget and forecast, as the kommun keeps its statement."""
    statement = s.statement or statement_of(data)
    word = result_word(s.result, statement.format)
    entries = []
    if statement.has_frame:
        entries.append(
            markup.html(
                "<dt>Resultat mot {}</dt><dd>{}{}</dd>",
                against_what(statement),
                _signed_amount(s.result, statement),
                f" ({word})" if word else "",
            )
        )
        entries.append(
            markup.html(
                "<dt>Avvikelse mot budget</dt><dd>{}</dd>", _signed_amount(s.deviation, statement)
            )
        )
    else:
        entries.append(
            markup.html(
                "<dt>Avvikelse mot budget</dt><dd>{}{}</dd>",
                _signed_amount(s.deviation, statement),
                f" ({word})" if word else "",
            )
        )
    if "prognos" in statement.columns:
        entries.append(
            markup.html(
                "<dt>Prognos per {}</dt><dd>{}</dd>",
                data.params.forecast_date or "delår",
                _signed_amount(s.forecast_result, statement),
            )
        )
    return markup.html(
        '<section class="wb-summary-card" aria-labelledby="sammanfattning-ekonomi">'
        '<h3 id="sammanfattning-ekonomi">Ekonomi</h3><dl class="wb-keyfigures">{}</dl></section>',
        markup.join(entries),
    )


def _goal_counts(counts: dict[str, int]) -> str:
    """Every assessment with its symbol and word (never colour alone), zeros included."""
    items = []
    for key, n in counts.items():
        if key == NO_ASSESSMENT:
            if not n:
                continue
            label = '<span class="wb-assessment--none">Ingen bedömning angiven</span>'
        else:
            slug = assessment_slug(key)
            label = (
                f'<span class="wb-assessment--{slug}"><span class="wb-symbol" aria-hidden="true">'
                f"{ASSESSMENT_SYMBOLS[key]}</span> {html.escape(key.capitalize())}</span>"
            )
        items.append(f"<li><span>{label}:</span> <strong>{n}</strong></li>")
    return '<ul class="wb-counts">' + "".join(items) + "</ul>"


def _status_counts(counts: dict[str, int]) -> str:
    items = [
        f"<li><span>{html.escape(STATUS_LABELS.get(k, k.capitalize()))}:</span> "
        f"<strong>{n}</strong></li>"
        for k, n in counts.items()
        if n
    ]
    return '<ul class="wb-counts">' + "".join(items) + "</ul>" if items else "<p>Inga.</p>"


def _measurement(point: tuple[str, float], move: Movement) -> str:
    return f"{format_with_unit(point[1], move.unit, move.decimals)} ({point[0]})"


def movements_table(data: UnitData, moves: list[Movement]) -> str:
    """The indicators that moved the wrong way, each linked to its goal."""
    goals = data.goals.set_index("mal_id")
    table = TableSpecHtml(
        caption="Indikatorer vars senaste mätning gått åt fel håll",
        columns=["Indikator", "Önskad riktning", "Föregående mätning", "Senaste mätning", "Mål"],
        numeric_columns=frozenset({2, 3}),
        caption_hidden=True,
    )
    for move in moves:
        goal = goals.loc[move.goal_id] if move.goal_id in goals.index else None
        goal_text = (
            f"{GOAL_SHORT_LEVEL.get(goal['nivå'], 'Mål')}\u00a0{goal['nummer']}"
            if goal is not None
            else move.goal_id
        )
        table.add(
            move.indicator,
            [
                Cell(move.direction.capitalize() or MISSING),
                Cell(_measurement(move.earlier, move), ("num",)),
                Cell(_measurement(move.latest, move), ("num", "worse")),
                Cell(goal_text, ("nowrap",), link=f"#{goal_anchor(move.goal_id)}"),
            ],
        )
    return render_table(table)


def lead_text(data: UnitData, s: Summary) -> str:
    """The summary in three sentences, for the reader who reads nothing else."""
    n_goals = sum(s.goals_by_assessment.values())
    n_activities = sum(s.activities_by_status.values())
    statement = s.statement or statement_of(data)
    words = result_words(data, statement)
    sentences = [f"{words}." if words else MISSING_RESULT]
    assessed = [
        f"{n} som {key if n == 1 else PLURAL[key]}"
        for key, n in s.goals_by_assessment.items()
        if n and key != NO_ASSESSMENT
    ]
    goal_sentence = f"Av {n_goals} mål bedöms " + (_join(assessed) if assessed else "inget ännu")
    missing = s.goals_by_assessment.get(NO_ASSESSMENT, 0)
    if missing:
        goal_sentence += f"; {missing} saknar bedömning"
    sentences.append(goal_sentence + ".")
    done = s.activities_by_status.get("genomförd", 0)
    sentences.append(f"{done} av {n_activities} aktiviteter är genomförda.")
    n_wrong = len(s.wrong_direction)
    sentences.append(
        f"{n_wrong} {'indikator har' if n_wrong == 1 else 'indikatorer har'} gått åt fel håll "
        "sedan föregående mätning."
        if n_wrong
        else "Ingen indikator har gått åt fel håll sedan föregående mätning."
    )
    return markup.html('<p class="wb-lead">{}</p>', " ".join(sentences))


def drafts_notice(data: UnitData) -> str:
    """For a report still being written: which narrative files hold only an instruction."""
    from helpers.new_unit import placeholder_files

    drafts = placeholder_files(data.folder)
    if not drafts:
        return ""
    items = "".join(
        f"<li><code>{html.escape(path.relative_to(data.folder).as_posix())}</code></li>"
        for path in drafts
    )
    count = f"{len(drafts)} text" if len(drafts) == 1 else f"{len(drafts)} texter"
    folder = f"data/{data.year}/{html.escape(data.info.unit)}/"
    return (
        '<div class="wb-todo" role="note"><p><strong>Utkast:</strong> '
        f"{count} är inte skrivna ännu (i <code>{folder}</code>):</p><ul>{items}</ul></div>"
    )


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def summary_html(data: UnitData) -> str:
    s = summarise(data)
    n_goals = sum(s.goals_by_assessment.values())
    n_activities = sum(s.activities_by_status.values())
    parts = [
        '<section class="wb-summary-page" aria-labelledby="sammanfattning">',
        '<h2 id="sammanfattning">Sammanfattning</h2>',
        lead_text(data, s),
        drafts_notice(data),
        '<div class="wb-summary">',
        economy_card(data, s),
        '<section class="wb-summary-card" aria-labelledby="sammanfattning-mal">',
        f'<h3 id="sammanfattning-mal">Mål efter bedömning ({n_goals})</h3>',
        _goal_counts(s.goals_by_assessment),
        "</section>",
        '<section class="wb-summary-card" aria-labelledby="sammanfattning-aktiviteter">',
        f'<h3 id="sammanfattning-aktiviteter">Aktiviteter efter status ({n_activities})</h3>',
        _status_counts(s.activities_by_status),
        "</section>",
        '<section class="wb-summary-card wb-summary-card--wide" '
        'aria-labelledby="sammanfattning-indikatorer">',
        '<h3 id="sammanfattning-indikatorer">Indikatorer som gått åt fel håll</h3>',
        movements_table(data, s.wrong_direction)
        if s.wrong_direction
        else "<p>Inga indikatorer har gått åt fel håll sedan förra mätningen.</p>",
        "</section>",
        "</div>",
        "</section>",
    ]
    return "".join(parts)
