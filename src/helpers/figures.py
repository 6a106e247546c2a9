"""A chart as an accessible, self-contained figure: inline SVG, caption and its data as a table.

The SVG is rendered by vl-convert, so the report needs no script and no network to show it, and
the same input gives the same bytes.
"""

from __future__ import annotations

import html
import re

import altair as alt
import vl_convert as vlc

from helpers.tables import TableSpecHtml, render_table


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG string, labelled for assistive technology by its description."""
    svg = vlc.vegalite_to_svg(chart.to_dict())
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    # Scale to the page width; the intrinsic size stays the maximum.
    return re.sub(r'<svg ([^>]*?)width="([\d.]+)" height="([\d.]+)"',
                  r'<svg \1width="\2" height="\3" style="max-width:100%;height:auto"', svg, count=1)  # fmt: skip


def figure_html(chart: alt.TopLevelMixin, description: str, data_table: TableSpecHtml) -> str:
    """``<figure>`` with the SVG (role img, labelled), a caption and the data behind it."""
    svg = chart_svg(chart)
    label = html.escape(description, quote=True)
    svg = re.sub(r"<svg ", f'<svg role="img" aria-label="{label}" ', svg, count=1)
    # Inside role="img" the parts are presentational; vega's own roles would only add noise.
    svg = re.sub(r'\srole="graphics-[a-z]+"', "", svg)
    svg = re.sub(r'\saria-roledescription="[^"]*"', "", svg)
    return (
        '<figure class="wb-figure">'
        f'<div class="wb-chart">{svg}</div>'
        f"<figcaption>{html.escape(description)}</figcaption>"
        '<details class="wb-chart-data"><summary>Visa diagrammets data som tabell</summary>'
        f"{render_table(data_table)}</details>"
        "</figure>"
    )
