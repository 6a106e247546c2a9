"""Charts for the report. Each function returns an ``alt.Chart``; none saves or displays.

Colours are the kommun-neutral blue and a dark grey with a dashed line, so the comparison series is
told apart by line style as well as colour (WCAG 1.4.1).

altair is imported by the functions, not by the module: importing it costs ~2 s per process, and
a section whose charts all come from the store (``figures.ChartRecipe``) never draws one.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

if TYPE_CHECKING:
    import altair as alt

UNIT_COLOUR = "#1f5a96"
COMPARISON_COLOUR = "#4d4d4d"
TARGET_COLOUR = "#1e6b34"  # the report's "good" green, 6.6:1 on white
BUDGET_COLOUR = "#8a8a8a"  # 3.5:1 against white (WCAG 1.4.11), unlike the old light blue
FONT = "Helvetica, Arial, sans-serif"
# Sized for the report's text column (46rem) and an A4 page: scaled down, never up.
WIDTH = 520
# For phones: drawn narrower so its 12 px text is at least 11 px on a 320 px screen.
NARROW_WIDTH = 220
NARROW_BAR_WIDTH = 160  # a bar chart's names need their own room beside the bars
HEIGHT = 200
# Series colours for charts drawn in custom sections: each at least 3:1 against white (WCAG 1.4.11).
PALETTE = [UNIT_COLOUR, COMPARISON_COLOUR, "#b35900", "#2e7d32", "#7b3294", "#8c2d04"]
# Each chart function returns the kind of chart it built, configured alike.
_Chart = TypeVar("_Chart", bound="alt.TopLevelMixin")
# The legend of a chart: under it, no title, symbols the size of a point without outline.
LEGEND_PROPERTIES: dict[str, Any] = {
    "orient": "bottom",
    "title": None,
    "symbolSize": 100,
    "symbolStrokeWidth": 0,
}


def _configured(chart: _Chart) -> _Chart:
    return (
        chart.configure(font=FONT)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelColor="#222", titleColor="#222")
        .configure_legend(labelFontSize=12, titleFontSize=12, labelColor="#222")
        .configure_title(fontSize=14, subtitleFontSize=12, anchor="start", color="#222")
        .configure_view(strokeWidth=0)
    )


def configured(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """A chart drawn elsewhere (a custom section) in the report's look: fonts, the palette and,
    where the chart sets no size, the size of the built-in charts."""
    return (
        _configured(chart)
        .configure_range(category=PALETTE)
        .configure_view(strokeWidth=0, continuousWidth=WIDTH, continuousHeight=HEIGHT)
    )


def indicator_chart(
    series: pd.DataFrame,
    title: str,
    unit: str = "",
    *,
    own_label: str,
    comparison_label: str,
    target_label: str = "",
    lower_is_better: bool = False,
    reversed_note: str = "",
    width: int = WIDTH,
) -> alt.LayerChart:
    """One indicator over time: the unit's value, the comparison and the target where present.

    ``series`` has columns ``period``, ``värde``, ``jämförelse`` and optionally ``målvärde``
    (NaN where missing); a missing measurement is a gap in the line, never a zero. Only series
    with at least one value are drawn (and put in the legend). ``own_label`` names the
    indicator's own series (``indicators.own_series_name``: the unit's name, the kommun's for
    values fetched from Kolada, or what the data says), ``comparison_label`` the comparison
    (``Jämförelse (medel)``), ``target_label`` the target values (``Målvärde``).

    Honest by construction: the value axis always includes zero; an indicator where lower is
    better (a ranking) is drawn on a reversed axis, so better is up, and ``reversed_note`` says
    so under the title. The unit's own points are drawn last, smaller than the comparison's
    squares and with a white outline, so no point hides another. ``width`` is the plot width in
    px (a narrower chart for phones keeps its text readable).
    """
    import altair as alt

    has_comparison = bool(series["jämförelse"].notna().any())
    has_target = "målvärde" in series and bool(series["målvärde"].notna().any())
    columns = {"värde": own_label}
    if has_comparison:
        columns["jämförelse"] = comparison_label
    if has_target:
        columns["målvärde"] = target_label
    long = series.melt(
        id_vars=["period"], value_vars=list(columns), var_name="serie", value_name="y"
    )
    long["serie"] = long["serie"].map(columns)
    long = long.astype({"y": "float64"})
    domain = list(columns.values())
    palette = {own_label: UNIT_COLOUR, comparison_label: COMPARISON_COLOUR}
    palette[target_label] = TARGET_COLOUR
    shapes = {own_label: "circle", comparison_label: "square", target_label: "triangle-up"}
    sizes = {own_label: 55, comparison_label: 110, target_label: 120}
    legend = alt.Legend(**LEGEND_PROPERTIES)
    if width < WIDTH:
        # A phone's chart lists its series one under the other, each label as wide as the
        # plot: a unit's own name beside the comparison would widen the chart past the screen,
        # and the whole chart, its text too, would be drawn smaller.
        legend = alt.Legend(**LEGEND_PROPERTIES, columns=1, labelLimit=width)
    y_axis = alt.Y(
        "y:Q",
        title=unit or None,
        scale=alt.Scale(zero=True, reverse=lower_is_better, nice=True),
        axis=alt.Axis(tickCount=5),
    )
    x_axis = alt.X("period:O", sort=list(series["period"]), title=None, axis=alt.Axis(labelAngle=0))
    colour = alt.Color(
        "serie:N",
        scale=alt.Scale(domain=domain, range=[palette[d] for d in domain]),
        legend=legend,
    )
    shape = alt.Shape(
        "serie:N",
        scale=alt.Scale(domain=domain, range=[shapes[d] for d in domain]),
        legend=legend,
    )
    layers = []
    # Drawn back to front: target, comparison, then the unit's own series on top.
    for name in reversed(domain):
        part = alt.Chart(long[long["serie"] == name]).encode(x=x_axis, y=y_axis, color=colour)
        if name != target_label:
            layers.append(
                part.mark_line(
                    strokeWidth=2.5 if name == own_label else 2,
                    strokeDash=[1, 0] if name == own_label else [5, 3],
                    invalid="break-paths-show-domains",
                )
            )
        layers.append(
            part.mark_point(
                filled=True,
                opacity=1,
                size=sizes[name],
                stroke="white",
                strokeWidth=1.5 if name == own_label else 1,
            ).encode(shape=shape)
        )
    # Wrapped, not cut: a long indicator name keeps every word on a narrow chart.
    lines = textwrap.wrap(title, width=max(20, width // 8)) or [title]
    chart_title = alt.Title(lines, limit=width + 60)
    if lower_is_better and reversed_note:
        chart_title = alt.Title(
            lines,
            subtitle=textwrap.wrap(reversed_note, width=max(24, width // 6)),
            limit=width + 60,
            subtitleColor="#222",
        )
    layered = alt.layer(*layers).properties(width=width, height=HEIGHT, title=chart_title)
    assert isinstance(layered, alt.LayerChart)  # a layer's properties keep it a layer
    return _configured(layered)


LABEL_LINES = 3
LABEL_PX_PER_CHAR = 7  # a wide-ish character of an 11 px axis label: lines fit their room
LABEL_LINE_PX = 13  # an axis label's line height


def _label_lines(name: str, room: int, max_lines: int | None = LABEL_LINES) -> str:
    """``name`` broken into lines (joined by a line break) that fit ``room`` px: at most
    ``max_lines``, the last ending in … when the name is longer. White space in the name (line
    breaks too) is one space: only these breaks are where its label breaks."""
    text = " ".join(name.split())
    lines = textwrap.wrap(
        text,
        width=max(8, room // LABEL_PX_PER_CHAR),
        max_lines=max_lines,
        placeholder=" …",
        break_long_words=False,  # a word longer than a line is cut (…) by the axis, not split
    )
    return "\n".join(lines or [text])


def wrapped_labels(names: list[str], room: int) -> list[str]:
    """Each name as its axis label (``_label_lines``), one label per name: names that would be
    cut to the same label keep all their lines, and names that would still be one label stay
    as they are (two bars are never drawn as one)."""
    for max_lines in (LABEL_LINES, None):
        labels = [_label_lines(name, room, max_lines) for name in names]
        if len(set(labels)) == len(set(names)):
            return labels
    return names


def budget_chart(
    rows: pd.DataFrame,
    *,
    title: str,
    labels: tuple[str, str],
    unit: str = "tkr",
    decimals: int = 0,
    width: int = WIDTH,
) -> alt.Chart:
    """Budget against outcome per part of the unit, side by side, in ``unit`` (kr, tkr, mkr).

    ``rows`` has columns ``post``, ``budget`` and ``utfall`` (floats, None where missing), values
    signed as the kommun writes them; ``title`` and ``labels`` (the two series, e.g.
    ``Budget 2016``, ``Utfall 2016``) are the report definition's. Axis numbers get ``decimals``
    decimals when the amounts have them. Bars start at zero; ``width`` is the plot width in px.
    """
    import altair as alt

    budget_label, outcome_label = labels
    narrow = width < WIDTH
    label_room = 110 if narrow else 200
    # A long name stands on up to LABEL_LINES lines beside its bars instead of being cut short
    # (the data table has every name whole); only what is past the last line is cut (…).
    wrapped = rows.assign(post=wrapped_labels([str(name) for name in rows["post"]], label_room))
    long = wrapped.rename(columns={"budget": budget_label, "utfall": outcome_label}).melt(
        id_vars=["post"], value_vars=[budget_label, outcome_label],
        var_name="mått", value_name="belopp",
    )  # fmt: skip
    long = long.astype({"belopp": "float64"})
    order = list(wrapped["post"])
    most_lines = max((label.count("\n") + 1 for label in order), default=1)
    axis_format = ",d" if decimals == 0 else f",.{decimals}f"
    # On a narrow chart the legend's entries stand one under the other and the title wraps, so
    # neither makes the drawing wider than the bars and their names (its text stays >= 11 px).
    legend = (
        alt.Legend(**LEGEND_PROPERTIES, direction="vertical")
        if narrow
        else alt.Legend(**LEGEND_PROPERTIES)
    )
    lines = textwrap.wrap(title, width=max(20, (width + label_room) // 8)) if narrow else [title]
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y(
                "post:N",
                sort=order,
                title=None,
                axis=alt.Axis(labelLimit=label_room, labelExpr="split(datum.label, '\\n')"),
            ),
            yOffset=alt.YOffset("mått:N", sort=[budget_label, outcome_label]),
            x=alt.X("belopp:Q", title=unit, axis=alt.Axis(format=axis_format)),
            color=alt.Color(
                "mått:N",
                scale=alt.Scale(
                    domain=[budget_label, outcome_label], range=[BUDGET_COLOUR, UNIT_COLOUR]
                ),
                legend=legend,
            ),
        )
        .properties(
            width=width,
            # Each name's two bars are as tall as its label's lines, at least 14 px each.
            height=alt.Step(max(14, -(-most_lines * LABEL_LINE_PX // 2) + 1)),
            title=alt.Title(lines or [title], limit=width + label_room),
        )
    )
    return _configured(chart)
