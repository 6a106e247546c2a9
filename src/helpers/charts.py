"""Charts for the report. Each function returns an ``alt.Chart``; none saves or displays.

Colours are the kommun-neutral blue and a dark grey with a dashed line, so the comparison series is
told apart by line style as well as colour (WCAG 1.4.1).
"""

from __future__ import annotations

from typing import TypeVar

import altair as alt
import pandas as pd

UNIT_COLOUR = "#1f5a96"
COMPARISON_COLOUR = "#4d4d4d"
BUDGET_COLOUR = "#8a8a8a"  # 3.5:1 against white (WCAG 1.4.11), unlike the old light blue
FONT = "Helvetica, Arial, sans-serif"
# Sized for the report's text column (46rem) and an A4 page: scaled down, never up.
WIDTH = 520
HEIGHT = 200
# Each chart function returns the kind of chart it built, configured alike.
_Chart = TypeVar("_Chart", alt.Chart, alt.LayerChart)
LEGEND = alt.Legend(orient="bottom", title=None, symbolSize=100, symbolStrokeWidth=0)


def _configured(chart: _Chart) -> _Chart:
    return (
        chart.configure(font=FONT)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelColor="#222", titleColor="#222")
        .configure_legend(labelFontSize=12, titleFontSize=12, labelColor="#222")
        .configure_title(fontSize=14, anchor="start", color="#222")
        .configure_view(strokeWidth=0)
    )


def indicator_chart(
    series: pd.DataFrame, title: str, unit: str = "", *, own_label: str, comparison_label: str
) -> alt.LayerChart:
    """One indicator over time: the unit's value and, where there is one, the comparison.

    ``series`` has columns ``period``, ``värde`` and ``jämförelse`` (NaN where missing); a
    missing measurement is a gap in the line, never a zero. ``own_label`` names the kommun's
    series in the legend (from the report definition, e.g. the kommun's name) and
    ``comparison_label`` the comparison (e.g. ``Jämförelse (medel)``).
    """
    long = series.melt(
        id_vars=["period"], value_vars=["värde", "jämförelse"], var_name="serie", value_name="y"
    )
    long["serie"] = long["serie"].map({"värde": own_label, "jämförelse": comparison_label})
    long = long.astype({"y": "float64"})
    has_comparison = series["jämförelse"].notna().any()
    if not has_comparison:
        long = long[long["serie"] == own_label]
    domain = [own_label, comparison_label] if has_comparison else [own_label]
    colours = [UNIT_COLOUR, COMPARISON_COLOUR][: len(domain)]
    base = alt.Chart(long).encode(
        x=alt.X("period:O", sort=list(series["period"]), title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("y:Q", title=unit or None, scale=alt.Scale(zero=False)),
        color=alt.Color("serie:N", scale=alt.Scale(domain=domain, range=colours), legend=LEGEND),
    )
    # One legend (colour and marker shape); the line style only repeats the distinction.
    line = base.mark_line(strokeWidth=2.5, invalid="break-paths-show-domains").encode(
        strokeDash=alt.StrokeDash(
            "serie:N",
            scale=alt.Scale(domain=domain, range=[[1, 0], [5, 3]][: len(domain)]),
            legend=None,
        )
    )
    points = base.mark_point(filled=True, size=60, opacity=1).encode(
        shape=alt.Shape(
            "serie:N",
            scale=alt.Scale(domain=domain, range=["circle", "square"][: len(domain)]),
            legend=LEGEND,
        )
    )
    layered = alt.layer(line, points).properties(
        width=WIDTH, height=HEIGHT, title=alt.Title(title, limit=WIDTH + 60)
    )
    assert isinstance(layered, alt.LayerChart)  # a layer's properties keep it a layer
    return _configured(layered)


def budget_chart(
    rows: pd.DataFrame,
    *,
    title: str,
    labels: tuple[str, str],
    unit: str = "tkr",
    decimals: int = 0,
) -> alt.Chart:
    """Budget against outcome per part of the unit, side by side, in ``unit`` (kr, tkr, mkr).

    ``rows`` has columns ``post``, ``budget`` and ``utfall`` (floats, None where missing), values
    signed as the kommun writes them; ``title`` and ``labels`` (the two series, e.g.
    ``Budget 2016``, ``Utfall 2016``) are the report definition's. Axis numbers get ``decimals``
    decimals when the amounts have them.
    """
    budget_label, outcome_label = labels
    long = rows.rename(columns={"budget": budget_label, "utfall": outcome_label}).melt(
        id_vars=["post"], value_vars=[budget_label, outcome_label],
        var_name="mått", value_name="belopp",
    )  # fmt: skip
    long = long.astype({"belopp": "float64"})
    order = list(rows["post"])
    axis_format = ",d" if decimals == 0 else f",.{decimals}f"
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("post:N", sort=order, title=None),
            yOffset=alt.YOffset("mått:N", sort=[budget_label, outcome_label]),
            x=alt.X("belopp:Q", title=unit, axis=alt.Axis(format=axis_format)),
            color=alt.Color(
                "mått:N",
                scale=alt.Scale(
                    domain=[budget_label, outcome_label], range=[BUDGET_COLOUR, UNIT_COLOUR]
                ),
                legend=LEGEND,
            ),
        )
        .properties(
            width=WIDTH,
            height=alt.Step(14),
            title=title,
        )
    )
    return _configured(chart)
