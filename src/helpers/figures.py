"""A chart as an accessible, self-contained figure: inline SVG, caption and its data as a table.

The SVG is rendered by vl-convert, so the report needs no script and no network to show it, and
the same input gives the same bytes.
"""

from __future__ import annotations

import re
from typing import Final

import altair as alt
import vl_convert as vlc

from helpers.markup import Markup, html
from helpers.tables import TableSpecHtml, render_table

LOCALE: Final = "sv-SE"


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG string, labelled for assistive technology by its description."""
    # Swedish numbers on the axes (9 050, 0,7); no data may be fetched from anywhere.
    svg = vlc.vegalite_to_svg(chart.to_dict(), format_locale=LOCALE, allowed_base_urls=[])
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    # Scale to the page width; the intrinsic size stays the maximum.
    return re.sub(
        r'<svg ([^>]*?)width="([\d.]+)" height="([\d.]+)"',
        r'<svg \1width="\2" height="\3" style="max-width:100%;height:auto"',
        svg,
        count=1,
    )


def short_label(description: str) -> str:
    """The first sentence of a description: the chart's name for assistive technology."""
    match = re.match(r"(.+?[.;])(?:\s|$)", description)
    return (match.group(1) if match else description).rstrip(".;")


def accessible_svg(svg: str, label: str) -> Markup:
    """The SVG as one labelled image: ``role="img"`` and ``aria-label`` on the root only.

    vega labels its marks and groups with ARIA roles and labels of its own; inside an image they
    are presentational, and ``aria-label`` on an element without a role is an ARIA error.
    """
    svg = re.sub(r'\s(?:role|aria-label|aria-roledescription)="[^"]*"', "", svg)
    opening = html('<svg role="img" aria-label="{}" ', label)
    # vega writes the SVG and escapes the chart's texts in it; the label is escaped above.
    return Markup(svg.replace("<svg ", str(opening), 1))


def figure_html(
    chart: alt.TopLevelMixin,
    description: str,
    data_table: TableSpecHtml,
    data_label: str,
    narrow_chart: alt.TopLevelMixin | None = None,
) -> Markup:
    """``<figure>``: the SVG (an image named by the description's first sentence), the whole
    description as caption, and the data behind the chart as a table behind ``data_label`` (a
    label of the report definition, naming the chart so every such button has its own name).

    ``narrow_chart`` is the same chart drawn narrower for phones: the stylesheet shows it instead
    of the wide one on small screens (no script), so chart text stays at least 11 px where the
    wide one would be scaled down to 6–8 px. The hidden one is ``display: none``, out of the
    accessibility tree and the printed PDF.
    """
    label = short_label(description)
    charts = html('<div class="wb-chart">{}</div>', accessible_svg(chart_svg(chart), label))
    if narrow_chart is not None:
        charts = html(
            '<div class="wb-chart wb-chart--wide">{}</div>'
            '<div class="wb-chart wb-chart--narrow">{}</div>',
            accessible_svg(chart_svg(chart), label),
            accessible_svg(chart_svg(narrow_chart), label),
        )
    return html(
        '<figure class="wb-figure">{}'
        "<figcaption>{}</figcaption>"
        '<details class="wb-chart-data"><summary>{}</summary>'
        "{}</details></figure>",
        charts,
        description,
        data_label,
        render_table(data_table),
    )
