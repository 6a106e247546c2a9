"""A goal's indicators as the report shows them: the table, a chart per indicator and its words.

Every sentence about a chart is computed from exactly what the chart draws: the series present,
the lowest, highest and latest value, the change since the previous measurement, the latest
comparison and target values, whether the axis is reversed and whether periods are missing. Every
fixed text is a label of the definition (``indikatorer.*``).

Target values (``målvärde`` in indikatorvarden.csv, optional) are reached when the value is at
least the target, or at most the target for an indicator whose desired direction is
``minskande`` (lower is better, e.g. a ranking).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.core.labels import Labels
from helpers.data.unit_data import UnitData, period_start
from helpers.parts.charts import NARROW_WIDTH, WIDTH, indicator_chart
from helpers.parts.dates import dates_listed
from helpers.parts.figures import ChartRecipe, figure_html
from helpers.parts.numbers import decimals_of, format_number, format_with_unit, is_missing
from helpers.parts.tables import Cell, TableSpecHtml, render_table

LOWER_IS_BETTER = "minskande"


def comparison_name(data: UnitData, indicator: pd.Series) -> str:
    """What the comparison series is (``medel``, ``riket`` …): the indicator's own
    ``jämförelse_namn``, else the name of the Kolada group ``data/kolada.csv`` fetches its
    comparison for (``jämförelsegrupper:``), else the definition's ``jämförelse``."""
    own = indicator.get("jämförelse_namn")
    if own:
        return own
    group = data.comparison_groups.get(indicator["indikator_id"])
    return group or data.definition.comparison


KOMMUN_SERIES = "indikatorer.kommunserie"


def own_series_name(indicator: pd.Series, own: pd.DataFrame, labels: Labels) -> str:
    """The name of an indicator's own line (legend, caption, text alternative): what the data
    says (``serie_namn`` in indikatorer.csv), else the kommun's name
    (``indikatorer.kommunserie``) when its values were fetched from Kolada — which fetches the
    kommun's values — else the unit's (``indikatorer.serie``, ``{enhet}`` in the example).
    ``own`` is the indicator's rows of indikatorvarden.csv."""
    named = indicator.get("serie_namn")
    if isinstance(named, str) and named.strip():
        return named.strip()
    fetched = own.get("kolada_hämtad", ())
    if KOMMUN_SERIES in labels.values and any(v and not is_missing(v) for v in fetched):
        return labels(KOMMUN_SERIES)
    return labels("indikatorer.serie")


def target_reached(value: float, target: float, direction: str) -> bool | None:
    """Whether ``value`` reaches ``target`` (None when either is missing): at most the target
    when lower is better (``minskande``), at least the target otherwise."""
    if is_missing(value) or is_missing(target):
        return None
    return value <= target if direction == LOWER_IS_BETTER else value >= target


def target_outcome(labels: Labels, reached: bool | None) -> str:
    """``✔ nått`` / ``✘ inte nått`` / ``ingen mätning``: symbol and word, never colour alone."""
    if reached is None:
        return labels("indikatorer.mål_ej_mätt")
    key = "mål_nått" if reached else "mål_ej_nått"
    return f"{labels(f'indikatorer.symbol_{key}')} {labels(f'indikatorer.{key}')}"


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


def _targets(values: pd.DataFrame) -> pd.Series:
    if "målvärde" in values:
        return values["målvärde"]
    return pd.Series(float("nan"), index=values.index, dtype="float64")


def indicator_decimals(values: pd.DataFrame) -> int:
    """The decimals an indicator's values need: the most any of its values, comparisons or
    targets has."""
    numbers = [*values["värde"], *values["jämförelse"], *_targets(values)]
    return max((decimals_of(v) for v in numbers if not is_missing(v)), default=0)


def _periods(values: pd.DataFrame) -> list[str]:
    return sorted(values["period"].unique(), key=lambda p: (period_start(p), p))


def _with_target(
    text: str, row: pd.Series, indicator: pd.Series, decimals: int, labels: Labels
) -> str:
    target = row.get("målvärde")
    if is_missing(target):
        return text
    reached = target_reached(row["värde"], target, indicator["önskad_riktning"])
    return labels(
        "indikatorer.med_målvärde",
        värde=text,
        målvärde=format_with_unit(
            target, indicator["enhet"], decimals, missing=labels("rapport.saknas")
        ),
        utfall=target_outcome(labels, reached),
    )


def _target_cell(row: pd.Series, indicator: pd.Series, decimals: int, labels: Labels) -> str:
    """``50: ✔ nått`` for the chart's data table; the label ``indikatorer.inget_målvärde``
    for a period without a target."""
    target = row.get("målvärde")
    if is_missing(target):
        return labels("indikatorer.inget_målvärde")
    reached = target_reached(row["värde"], target, indicator["önskad_riktning"])
    return labels(
        "indikatorer.målvärde_utfall",
        målvärde=format_with_unit(
            target, indicator["enhet"], decimals, missing=labels("rapport.saknas")
        ),
        utfall=target_outcome(labels, reached),
    )


def indicator_table(
    data: UnitData,
    indicators: pd.DataFrame,
    values: pd.DataFrame,
    labels: Labels,
    context: str = "",
) -> str:
    """The goal's indicators, one row each and a column per period: value, comparison and,
    where the data gives one, the target and whether it was reached. ``context`` (the goal's
    short form) makes the table's region name unique in the report."""
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
        region_label=(
            labels("rapport.tabell_i_sammanhang", rubrik=caption, sammanhang=context)
            if context
            else None
        ),
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
                text = _with_target(text, row, indicator, decimals, labels)
                # "53 (medel 57)" may break before its comparison.
                cells.append(Cell(text, ("num", "wrap")))
                if row.get("kolada_hämtad"):
                    fetched.add(str(row["kolada_hämtad"]))
            else:
                cells.append(Cell(labels("rapport.saknas"), ("num", "wrap")))
        table.add(indicator["indikator"], cells)
    if fetched:
        table.note = labels("indikatorer.kolada", datum=dates_listed(fetched, labels))
    return render_table(table)


@dataclass(frozen=True)
class Drawn:
    """What an indicator's chart draws: the measured rows in period order and which series."""

    rows: pd.DataFrame  # period, värde, jämförelse, målvärde, notering; sorted by period
    comparison: bool
    target: bool
    lower_is_better: bool


def drawn_series(own: pd.DataFrame, direction: str) -> Drawn:
    rows = own.sort_values("period", key=lambda s: s.map(period_start)).copy()
    rows["målvärde"] = _targets(rows)
    return Drawn(
        rows,
        bool(rows["jämförelse"].notna().any()),
        bool(rows["målvärde"].notna().any()),
        direction == LOWER_IS_BETTER,
    )


def _difference(change: float, unit: str, decimals: int, labels: Labels) -> str:
    text = format_number(change, decimals, signed=True, missing=labels("rapport.saknas"))
    suffix = labels("indikatorer.procentenheter") if unit == "%" else unit
    return f"{text}\u00a0{suffix}" if suffix else text


def chart_description(
    name: str,
    drawn: Drawn,
    unit: str,
    decimals: int,
    labels: Labels,
    *,
    own_series: str,
    comparison_series: str,
    direction: str,
) -> str:
    """The chart's caption and text alternative, from exactly what it draws."""

    missing = labels("rapport.saknas")

    def at(row: pd.Series, column: str = "värde") -> str:
        return f"{format_with_unit(row[column], unit, decimals, missing=missing)} ({row['period']})"

    rows = drawn.rows
    measured = rows[rows["värde"].notna()]
    first, last = measured.iloc[0], measured.iloc[-1]
    series = [labels("indikatorer.markering_egen", serie=own_series)]
    if drawn.comparison:
        series.append(labels("indikatorer.markering_jämförelse", serie=comparison_series))
    if drawn.target:
        series.append(labels("indikatorer.markering_mål", serie=labels("indikatorer.målserie")))
    sentences = [
        labels(
            "indikatorer.diagram",
            namn=name,
            från=first["period"],
            till=last["period"],
            serier=labels.joined("rapport.uppräkning_delar", series),
        ),
        labels(
            "indikatorer.diagram_värden",
            lägst=at(measured.loc[measured["värde"].idxmin()]),
            högst=at(measured.loc[measured["värde"].idxmax()]),
            senaste=at(last),
        ),
    ]
    previous = measured.iloc[-2]
    sentences.append(
        labels(
            "indikatorer.diagram_förändring",
            förändring=_difference(last["värde"] - previous["värde"], unit, decimals, labels),
            period=previous["period"],
        )
    )
    if drawn.comparison:
        latest = rows[rows["jämförelse"].notna()].iloc[-1]
        sentences.append(
            labels(
                "indikatorer.diagram_jämförelse",
                jämförelse=comparison_series,
                senaste=at(latest, "jämförelse"),
            )
        )
    if drawn.target:
        latest = rows[rows["målvärde"].notna()].iloc[-1]
        sentences.append(
            labels(
                "indikatorer.diagram_mål",
                målvärde=at(latest, "målvärde"),
                utfall=target_outcome(
                    labels, target_reached(latest["värde"], latest["målvärde"], direction)
                ),
            )
        )
    sentences.append(
        labels("indikatorer.diagram_omvänd")
        if drawn.lower_is_better
        else labels("indikatorer.diagram_noll")
    )
    if _has_gaps(rows):
        sentences.append(labels("indikatorer.diagram_luckor"))
    return " ".join(sentences)


def _has_gaps(rows: pd.DataFrame) -> bool:
    """Whether a period between the first and the last measurement has no value (a gap)."""
    positions = [i for i, v in enumerate(rows["värde"]) if not is_missing(v)]
    return any(is_missing(v) for v in list(rows["värde"])[positions[0] : positions[-1] + 1])


def _chart(
    drawn: Drawn,
    name: str,
    unit: str,
    labels: Labels,
    own_series: str,
    comparison_series: str,
    width: int,
) -> ChartRecipe:
    """The indicator's chart, drawn (or found drawn, ``figures``) when the figure needs it."""
    return ChartRecipe(
        indicator_chart,
        (drawn.rows[["period", "värde", "jämförelse", "målvärde"]], name, unit),
        {
            "own_label": own_series,
            "comparison_label": comparison_series,
            "target_label": labels("indikatorer.målserie"),
            "lower_is_better": drawn.lower_is_better,
            "reversed_note": labels("indikatorer.axel_omvänd"),
            "width": width,
        },
    )


def indicator_figures(
    data: UnitData, indicators: pd.DataFrame, values: pd.DataFrame, labels: Labels
) -> list[str]:
    """A chart for each indicator with at least two measurements."""
    figures: list[str] = []
    for _, indicator in indicators.iterrows():
        own = values[values["indikator_id"] == indicator["indikator_id"]]
        if own["värde"].notna().sum() < 2:
            continue
        direction = indicator["önskad_riktning"]
        drawn = drawn_series(own, direction)
        name = indicator["indikator"].rstrip(".")
        unit = indicator["enhet"]
        compared_with = comparison_name(data, indicator)
        own_series = own_series_name(indicator, own, labels)
        comparison_series = labels("indikatorer.jämförelseserie", jämförelse=compared_with)
        decimals = indicator_decimals(own)

        description = chart_description(
            name,
            drawn,
            unit,
            decimals,
            labels,
            own_series=own_series,
            comparison_series=comparison_series,
            direction=direction,
        )
        columns = [labels("indikatorer.period"), labels("indikatorer.värde"), comparison_series]
        if drawn.target:
            columns.append(labels("indikatorer.målserie"))
        table = TableSpecHtml(
            caption=labels("indikatorer.diagram_data", namn=name),
            columns=columns,
            numeric_columns=frozenset(range(1, len(columns))),
            labels=labels,
        )
        missing = labels("rapport.saknas")
        for _, row in drawn.rows.iterrows():
            comparison = (
                format_with_unit(row["jämförelse"], unit, decimals, missing=missing)
                if not is_missing(row["jämförelse"])
                else labels("indikatorer.ingen_jämförelse")
            )
            cells = [
                Cell(
                    indicator_cell(
                        row["värde"], float("nan"), row["notering"], unit, decimals, labels=labels
                    ),
                    ("num",),
                ),
                Cell(comparison, ("num",)),
            ]
            if drawn.target:
                cells.append(Cell(_target_cell(row, indicator, decimals, labels), ("num",)))
            table.add(row["period"], cells)
        figures.append(
            figure_html(
                _chart(drawn, name, unit, labels, own_series, comparison_series, WIDTH),
                description,
                table,
                data_label=labels("indikatorer.visa_data", namn=name),
                narrow_chart=_chart(
                    drawn, name, unit, labels, own_series, comparison_series, NARROW_WIDTH
                ),
            )
        )
    return figures
