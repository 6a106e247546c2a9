"""Sammanfattning: the page a board member reads if they read nothing else, computed from data.

It summarises the other sections of the report: the economy card only when the report has an
operating statement (a ``drift`` section), goals, activities and indicators only when it has
goal sections. Counts follow the kommun's vocabularies (assessments, statuses: which count as
done) and every sentence is a label of the definition.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from helpers.core.errors import display_path
from helpers.core.labels import Labels
from helpers.core.markup import Markup, html, join
from helpers.data.definition import SectionSpec
from helpers.data.unit_data import UnitData, period_start
from helpers.parts.budget import Statement, result_phrase, result_word, statement_of
from helpers.parts.budget_view import against_what, forecasts
from helpers.parts.dates import date_markup
from helpers.parts.goals import (
    assessment_badge,
    goal_anchor,
    goal_heading,
    goal_short,
    indicator_decimals,
)
from helpers.parts.indicators import target_outcome, target_reached
from helpers.parts.numbers import decimals_of, format_with_unit, is_missing
from helpers.parts.tables import Cell, TableSpecHtml, render_table

NO_ASSESSMENT = ""  # the key counting goals without an assessment


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
    """The figures of the summary page, computed from a unit-year's data.

    ``goals_by_assessment`` counts every assessment of the definition (zeros included) and,
    under :data:`NO_ASSESSMENT`, the goals without one; ``activities_by_status`` every status.
    """

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
    # Each indicator's rows, in file order, found once (not one scan of the table each).
    rows = {key: group for key, group in values.groupby("indikator_id", sort=False)}
    for _, indicator in data.table("indikatorer").iterrows():
        direction = indicator["önskad_riktning"]
        if not direction:
            continue
        mine = rows.get(indicator["indikator_id"], values.iloc[:0])
        own = mine[mine["värde"].notna()]
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
                    indicator_decimals(mine),
                )
            )
    return moves


def forecast_deviation(statement: Statement) -> float:
    value = statement.deviation_of("prognos")
    return float("nan") if value is None else float(value)


def summarise(data: UnitData) -> Summary:
    definition = data.definition
    goals = Counter(g or NO_ASSESSMENT for g in data.goals["bedömning"])
    activities = Counter(data.table("aktiviteter")["status"])
    nan = float("nan")
    statement = statement_of(data) if definition.of_kind("drift") else None
    economy = (
        (statement.result, statement.deviation, statement.forecast_result)
        if statement is not None
        else (nan, nan, nan)
    )
    if statement is not None and forecasts(data, statement):
        # A delår: the outcome so far is no result; the year's forecast is.
        economy = (statement.forecast_result, forecast_deviation(statement), nan)
    return Summary(
        {k: goals.get(k, 0) for k in (*definition.assessments, NO_ASSESSMENT)},
        {k: activities.get(k, 0) for k in definition.statuses},
        *economy,
        wrong_direction(data),
        statement,
    )


def _signed_amount(value: float, statement: Statement) -> Markup:
    """``+76 tkr`` / ``−362 tkr``: a deficit marked by its minus sign and the ``neg`` class.

    Sign and colour follow the value as shown: −0,4 tkr shown without decimals is ``0 tkr``.
    """
    amounts = statement.format
    if is_missing(value):
        return html("<strong>{}</strong>", amounts.missing)
    text = f"{amounts.text(value, signed=True)}\u00a0{amounts.unit}"
    if amounts.sign(value) < 0:
        return html('<strong class="neg">{}</strong>', text)
    return html("<strong>{}</strong>", text)


def _forecast_label(data: UnitData, labels: Labels) -> Markup:
    """``Prognos per 31 augusti 2016`` (``sammanfattning.prognos``, the date in ``<time>``), or
    ``sammanfattning.prognos_utan_datum`` when the params give no forecast date."""
    if data.params.forecast_date:
        return labels.markup("sammanfattning.prognos", datum=date_markup(data.params.forecast_date))
    return html("{}", labels("sammanfattning.prognos_utan_datum"))


def _forecast_result_label(data: UnitData, statement: Statement, labels: Labels) -> Markup:
    """The label of a delår's forecast result against the frame: ``Prognos per 31 augusti
    2016: resultat mot tilldelad ram`` (``sammanfattning.prognos_resultat``, the forecast date
    or else the cut-off date); a definition without that optional label keeps
    ``sammanfattning.prognos``."""
    if FORECAST_RESULT not in labels.values:
        return _forecast_label(data, labels)
    date = date_markup(data.params.forecast_date or data.params.period_end)
    return labels.markup(FORECAST_RESULT, datum=date, mot=against_what(statement, labels))


FORECAST_RESULT = "sammanfattning.prognos_resultat"


def economy_card(data: UnitData, s: Summary, labels: Labels, section_id: str) -> Markup:
    """Result, deviation against budget and forecast, as the kommun keeps its statement; each
    figure once, under the label that says what it is.

    At year end: the result against the frame (with its word) and the deviation against budget,
    or without a frame only the deviation (it is the result), then the forecast made during the
    year where the statement has one. In a delår with a forecast the same for the year's
    forecast: its result against the frame and its deviation against budget, or without a frame
    only the deviation (the forecast result *is* that deviation: it was shown twice).
    """
    statement = s.statement or statement_of(data)
    word = result_word(s.result, statement.format, labels)

    def worded(amount: Markup) -> Markup:
        """The result with its word (``resultat.med_ord``), when the result has one."""
        return labels.markup("resultat.med_ord", belopp=amount, ord=word) if word else amount

    def entry(label: Markup | str, value: Markup) -> Markup:
        return html("<dt>{}</dt><dd>{}</dd>", label, value)

    entries = []
    if forecasts(data, statement):
        deviation = labels("sammanfattning.avvikelse_prognos")
        if statement.has_frame:
            label = _forecast_result_label(data, statement, labels)
            entries.append(entry(label, worded(_signed_amount(s.result, statement))))
            entries.append(entry(deviation, _signed_amount(s.deviation, statement)))
        else:
            entries.append(entry(deviation, worded(_signed_amount(s.deviation, statement))))
    elif statement.has_frame:
        against = labels("sammanfattning.resultat", mot=against_what(statement, labels))
        entries.append(entry(against, worded(_signed_amount(s.result, statement))))
        deviation = labels("sammanfattning.avvikelse")
        entries.append(entry(deviation, _signed_amount(s.deviation, statement)))
    else:
        deviation = labels("sammanfattning.avvikelse")
        entries.append(entry(deviation, worded(_signed_amount(s.deviation, statement))))
    if "prognos" in statement.columns and not forecasts(data, statement):
        forecast = _forecast_label(data, labels)
        entries.append(entry(forecast, _signed_amount(s.forecast_result, statement)))
    body = html('<dl class="wb-keyfigures">{}</dl>', join(entries))
    return _card(section_id, "ekonomi", labels("sammanfattning.ekonomi"), body)


def _goal_counts(data: UnitData, counts: dict[str, int], labels: Labels) -> Markup:
    """Every assessment with its symbol and word (never colour alone), zeros included."""
    items = []
    for key, n in counts.items():
        if key == NO_ASSESSMENT:
            if not n:
                continue
            label = html(
                '<span class="wb-assessment--none">{}</span>', labels("mål.ingen_bedömning")
            )
        else:
            assessment = data.definition.assessments[key]
            label = html(
                '<span class="wb-assessment--{}"><span class="wb-symbol" aria-hidden="true">{}'
                "</span> {}</span>",
                assessment.tone,
                assessment.symbol,
                assessment.text,
            )
        items.append(
            html(
                "<li><span>{}</span> <strong>{}</strong></li>",
                labels.markup("sammanfattning.före_antal", namn=label),
                n,
            )
        )
    return html('<ul class="wb-counts">{}</ul>', join(items))


def _status_counts(data: UnitData, counts: dict[str, int], labels: Labels) -> Markup:
    """Each status with its count; the count opens the list of its activities, each linked to
    its goal, so every number traces to the rows it counts."""
    statuses = data.definition.statuses
    activities = data.table("aktiviteter")
    goals = data.goals.set_index("mal_id")
    items = []
    for key, n in counts.items():
        if not n:
            continue
        rows = []
        for _, activity in activities[activities["status"] == key].iterrows():
            goal_id = activity["mal_id"]
            short = goal_id
            if goal_id in goals.index:
                goal = goals.loc[goal_id].copy()
                goal["mal_id"] = goal_id
                short = goal_short(data, goal)
            link = html('<a href="#{}">{}</a>', goal_anchor(goal_id), activity["aktivitet"])
            rows.append(
                html(
                    "<li>{}</li>",
                    labels.markup("sammanfattning.aktivitet_i_mål", aktivitet=link, mål=short),
                )
            )
        items.append(
            html(
                '<li><details class="wb-trace"><summary><span>{}</span> <strong>{}</strong>'
                "</summary><ul>{}</ul></details></li>",
                labels.markup("sammanfattning.före_antal", namn=statuses[key].text),
                n,
                join(rows),
            )
        )
    if not items:
        return html("<p>{}</p>", labels("sammanfattning.inga_aktiviteter"))
    return html('<ul class="wb-counts wb-counts--traced">{}</ul>', join(items))


def _development(data: UnitData, indicator: pd.Series, labels: Labels) -> str:
    """``Sjukfrånvaro: ▼ sämre`` — how the indicator moved since its previous measurement,
    judged by its desired direction (or only up/down without one); without two values, the
    definition's ``sammanfattning.ingen_utveckling``."""
    values = data.table("indikatorvarden")
    own = values[(values["indikator_id"] == indicator["indikator_id"]) & values["värde"].notna()]
    own = own.sort_values("period", key=lambda s: s.map(period_start))
    name = indicator["indikator"].rstrip(".")
    if len(own) < 2:
        return labels(
            "sammanfattning.utveckling",
            indikator=name,
            utveckling=labels("sammanfattning.ingen_utveckling"),
        )
    change = own.iloc[-1]["värde"] - own.iloc[-2]["värde"]
    direction = indicator["önskad_riktning"]
    if change == 0:
        key = "oförändrat"
    elif direction:
        key = "bättre" if (change > 0) == (direction == "ökande") else "sämre"
    else:
        key = "ökat" if change > 0 else "minskat"
    return labels(
        "sammanfattning.utveckling",
        indikator=name,
        utveckling=bound_symbol(labels(f"sammanfattning.{key}", period=own.iloc[-2]["period"])),
    )


def bound_symbol(text: str) -> str:
    """``text`` with a leading symbol (``▲``, ``↓``, ``=`` …: one character that is no letter or
    digit) bound to the word after it by a no-break space, so that a narrow column never leaves
    the symbol alone at a line's end."""
    if len(text) > 2 and not text[0].isalnum() and text[1] == " ":
        return f"{text[0]}\u00a0{text[2:]}"
    return text


def _target_outcomes(data: UnitData, indicator: pd.Series, labels: Labels) -> str | None:
    """``Sjukfrånvaro 2016: ✘ inte nått`` for the latest period with a target, or None."""
    values = data.table("indikatorvarden")
    if "målvärde" not in values:
        return None
    own = values[(values["indikator_id"] == indicator["indikator_id"]) & values["målvärde"].notna()]
    if own.empty:
        return None
    latest = own.sort_values("period", key=lambda s: s.map(period_start)).iloc[-1]
    reached = target_reached(latest["värde"], latest["målvärde"], indicator["önskad_riktning"])
    return labels(
        "sammanfattning.målvärde",
        indikator=indicator["indikator"].rstrip("."),
        period=latest["period"],
        målvärde=format_with_unit(
            latest["målvärde"],
            indicator["enhet"],
            decimals_of(latest["målvärde"]),
            missing=labels("rapport.saknas"),
        ),
        utfall=target_outcome(labels, reached),
    )


def goal_overview(data: UnitData, labels: Labels) -> Markup:
    """Every goal in report order: its heading (level, number, title) linked to it, its
    assessment in word and symbol, how each of its indicators moved since the previous
    measurement and, where targets are given, whether the latest was reached."""
    indicators = data.table("indikatorer")
    developments: dict[str, list[str]] = {}
    targets: dict[str, list[str]] = {}
    for _, indicator in indicators.iterrows():
        developments.setdefault(indicator["mal_id"], []).append(
            _development(data, indicator, labels)
        )
        outcome = _target_outcomes(data, indicator, labels)
        if outcome:
            targets.setdefault(indicator["mal_id"], []).append(outcome)
    columns = [
        labels("sammanfattning.mål_kolumn"),
        labels("sammanfattning.kolumn_bedömning"),
        labels("sammanfattning.kolumn_indikatorer"),
    ]
    if targets:
        columns.append(labels("sammanfattning.kolumn_målvärden"))
    table = TableSpecHtml(
        caption=labels("sammanfattning.översikt_tabell"),
        columns=columns,
        caption_hidden=True,
        labels=labels,
    )
    order = [level for level in data.definition.levels]
    goals = data.goals.copy()
    goals["_order"] = goals["nivå"].map({level: i for i, level in enumerate(order)})
    for _, goal in goals.sort_values(["_order", "nummer"], kind="stable").iterrows():
        value = goal["bedömning"]
        if value:
            assessment = data.definition.assessments[value]
            judged = f"{assessment.symbol} {assessment.text}"
        else:
            judged = labels("mål.ingen_bedömning")
        moved = labels.joined("rapport.uppräkning_delar", developments.get(goal["mal_id"], []))
        cells = [
            Cell(judged),
            Cell(moved or labels("sammanfattning.inga_mål_indikatorer"), ("wrap",)),
        ]
        if targets:
            reached = labels.joined("rapport.uppräkning_delar", targets.get(goal["mal_id"], []))
            cells.append(Cell(reached or labels("indikatorer.inget_målvärde"), ("wrap",)))
        table.add(goal_heading(data, goal), cells, link=f"#{goal_anchor(goal['mal_id'])}")
    return Markup(render_table(table))


def _measurement(point: tuple[str, float], move: Movement, labels: Labels) -> str:
    """``75 % (2015)``: a measurement with its period (``sammanfattning.mätning``)."""
    shown = format_with_unit(point[1], move.unit, move.decimals, missing=labels("rapport.saknas"))
    return labels("sammanfattning.mätning", värde=shown, period=point[0])


def movements_table(data: UnitData, moves: list[Movement], labels: Labels) -> Markup:
    """The indicators that moved the wrong way, each linked to its goal."""
    goals = data.goals.set_index("mal_id")
    table = TableSpecHtml(
        caption=labels("sammanfattning.tabell"),
        columns=[
            labels(f"sammanfattning.{key}")
            for key in ("indikator", "riktning", "föregående", "senaste", "mål_kolumn")
        ],
        numeric_columns=frozenset({2, 3}),
        caption_hidden=True,
        labels=labels,
    )
    for move in moves:
        goal_text = move.goal_id
        if move.goal_id in goals.index:
            goal = goals.loc[move.goal_id].copy()
            goal["mal_id"] = move.goal_id
            goal_text = goal_short(data, goal)
        table.add(
            move.indicator,
            [
                Cell(move.direction.capitalize() or labels("rapport.saknas")),
                Cell(_measurement(move.earlier, move, labels), ("num",)),
                Cell(_measurement(move.latest, move, labels), ("num", "worse")),
                Cell(
                    goal_text.replace(" ", "\u00a0"),
                    ("nowrap",),
                    link=f"#{goal_anchor(move.goal_id)}",
                ),
            ],
        )
    return Markup(render_table(table))


def _and_join(parts: list[str], labels: Labels) -> str:
    if len(parts) == 1:
        return parts[0]
    listed = labels.joined("rapport.uppräkning", parts[:-1])
    return f"{listed} {labels('sammanfattning.och')} {parts[-1]}"


def lead_text(data: UnitData, s: Summary, labels: Labels) -> Markup:
    """The summary in a few sentences, for the reader who reads nothing else."""
    definition = data.definition
    sentences: list[Markup | str] = []
    if s.statement is not None:
        statement = s.statement
        against = against_what(statement, labels)
        if forecasts(data, statement):
            phrase = result_phrase(statement.result_of("prognos"), statement.format, labels)
            sentence = labels.markup(
                "sammanfattning.ingress_prognos",
                resultat=phrase,
                mot=against,
                datum=date_markup(data.params.forecast_date or data.params.period_end),
            )
        else:
            phrase = result_phrase(statement.result_of("utfall"), statement.format, labels)
            sentence = labels.markup(
                "sammanfattning.ingress_resultat", resultat=phrase, mot=against
            )
        sentences.append(sentence if phrase else html("{}", labels("resultat.saknas")))
    if definition.of_kind("mal"):
        n_goals = sum(s.goals_by_assessment.values())
        assessed = [
            labels(
                "sammanfattning.ingress_bedömda",
                antal=n,
                bedömning=definition.assessments[key].singular
                if n == 1
                else definition.assessments[key].plural,
            )
            for key, n in s.goals_by_assessment.items()
            if n and key != NO_ASSESSMENT
        ]
        judged = (
            _and_join(assessed, labels)
            if assessed
            else labels("sammanfattning.ingress_inget_bedömt")
        )
        missing = s.goals_by_assessment.get(NO_ASSESSMENT, 0)
        # A new unit without goals yet gets no sentence counting none ("Av 0 mål …").
        if n_goals and missing:
            sentences.append(
                labels(
                    "sammanfattning.ingress_mål_utan_bedömning",
                    antal=n_goals,
                    bedömningar=judged,
                    utan=missing,
                )
            )
        elif n_goals:
            sentences.append(
                labels("sammanfattning.ingress_mål", antal=n_goals, bedömningar=judged)
            )
        done = sum(s.activities_by_status.get(k, 0) for k in definition.done_statuses)
        n_activities = sum(s.activities_by_status.values())
        if n_activities:  # none yet: nothing to count ("0 av 0 …")
            sentences.append(
                labels("sammanfattning.ingress_aktiviteter", antal=n_activities, klara=done)
            )
        n_wrong = len(s.wrong_direction)
        sentences.append(
            labels("sammanfattning.ingress_fel_håll", antal=n_wrong)
            if n_wrong
            else labels("sammanfattning.ingress_inget_fel_håll")
        )
    if not sentences:
        return Markup("")
    return html('<p class="wb-lead">{}</p>', join(sentences, " "))


def drafts_notice(data: UnitData, labels: Labels) -> Markup:
    """For a report still being written: which of the texts the report uses hold only an
    instruction or do not exist yet (``placeholders.texts_to_write``), each named by its path in
    the project (the definition's words ``klarmarkering.utkast`` and
    ``klarmarkering.texter_ej_skrivna``)."""
    from helpers.core.placeholders import texts_to_write

    definition = data.definition
    drafts = texts_to_write(data.folder, definition.uses_text, definition.text_files)
    if not drafts:
        return Markup("")
    root = data.project.root
    items = join(
        html("<li><code>{}</code></li>", display_path(data.folder / path, root)) for path in drafts
    )
    return html(
        '<div class="wb-todo" role="note"><p><strong>{}</strong> {}</p><ul>{}</ul></div>',
        labels("klarmarkering.utkast"),
        labels("klarmarkering.texter_ej_skrivna", antal=len(drafts)),
        items,
    )


def invented_notice(data: UnitData, labels: Labels) -> Markup:
    """An invented example says so, where every reader sees it."""
    if not data.info.invented:
        return Markup("")
    return html('<p class="wb-invented" role="note">{}</p>', labels("rapport.påhittad"))


def _card(section_id: str, key: str, heading: str, body: Markup, wide: bool = False) -> Markup:
    return html(
        '<section class="wb-summary-card{}" aria-labelledby="{}-{}"><h3 id="{}-{}">{}</h3>{}'
        "</section>",
        " wb-summary-card--wide" if wide else "",
        section_id,
        key,
        section_id,
        key,
        heading,
        body,
    )


def summary_html(data: UnitData, section: SectionSpec | None = None) -> Markup:
    """The summary page; ``section`` is the summary section of the definition (its id is the
    heading's anchor)."""
    section = section or data.definition.of_kind("sammanfattning")[0]
    labels = data.labels(section)
    definition = data.definition
    s = summarise(data)
    sid = section.id
    cards: list[Markup] = []
    if s.statement is not None:
        cards.append(economy_card(data, s, labels, sid))
    if definition.of_kind("mal"):
        n_goals = sum(s.goals_by_assessment.values())
        n_activities = sum(s.activities_by_status.values())
        cards.append(
            _card(
                sid,
                "mal",
                labels("sammanfattning.mål", antal=n_goals),
                _goal_counts(data, s.goals_by_assessment, labels),
            )
        )
        cards.append(
            _card(
                sid,
                "aktiviteter",
                labels("sammanfattning.aktiviteter", antal=n_activities),
                _status_counts(data, s.activities_by_status, labels),
            )
        )
        moved = (
            movements_table(data, s.wrong_direction, labels)
            if s.wrong_direction
            else html("<p>{}</p>", labels("sammanfattning.inga_indikatorer"))
        )
        cards.append(
            _card(sid, "indikatorer", labels("sammanfattning.indikatorer"), moved, wide=True)
        )
        if n_goals:  # no goals: the count above says so; an overview would be a bare header
            cards.append(
                _card(
                    sid,
                    "oversikt",
                    labels("sammanfattning.översikt"),
                    goal_overview(data, labels),
                    wide=True,
                )
            )
    from helpers.parts.sections import heading_and_body

    heading = heading_and_body(data, section)[0] or ""
    return html(
        '<section class="wb-summary-page" aria-labelledby="{0}"><h2 id="{0}">{1}</h2>{2}{3}{4}'
        '<div class="wb-summary">{5}</div></section>',
        sid,
        heading,
        invented_notice(data, labels),
        lead_text(data, s, labels),
        drafts_notice(data, labels),
        join(cards),
    )


__all__ = ["assessment_badge", "summarise", "summary_html"]
