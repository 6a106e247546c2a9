"""A chart as an accessible, self-contained figure: inline SVG, caption and its data as a table.

The SVG is rendered by vl-convert, so the report needs no script and no network to show it, and
the same input gives the same bytes.

**Drawing once.** Validating a chart against the Vega-Lite schema and rendering it cost ~0.2 s a
chart; a goal section has dozens, and an edit to a text changes none of them. So each SVG is kept
in a content-addressed store (``render_cache``, ``build/.cache/diagram/``), looked up twice:

1. by what the chart is drawn *from*, when it is given as a :class:`ChartRecipe` (the function
   that draws it and its exact arguments, with the helpers code, altair, pandas and vl-convert
   versions, and altair's active theme and data transformer): a hit does not even build the chart;
2. by the exact Vega-Lite spec it produces (and the vl-convert version and locale).

A miss draws as before: the spec validated by altair, the SVG rendered by vl-convert. Only a
validated spec's SVG is ever stored, so the store never turns an invalid chart into a figure.

**altair only to draw.** Importing altair costs ~2 s per process (kernel, worker). A recipe's key
needs only the installed versions (package metadata) and altair's active theme and data
transformer — which are altair's defaults while it is not imported (``ALTAIR_DEFAULTS``) — so a
section whose charts are all in the store never imports altair, nor vl-convert.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from helpers.core.markup import Markup, html
from helpers.data import render_cache
from helpers.parts.tables import TableSpecHtml, render_table

if TYPE_CHECKING:
    import altair as alt

LOCALE: Final = "sv-SE"
STORE: Final = "diagram"
# altair's active theme and data transformer as a fresh ``import altair`` sets them.
ALTAIR_DEFAULTS: Final = ("default", "default")


@lru_cache(maxsize=1)
def library_versions() -> tuple[str, str, str, str]:
    """altair, pandas, numpy and vl-convert as installed: part of every cached SVG's key (a new
    version may draw otherwise). Read from the packages' metadata, so nothing is imported."""
    return (version("altair"), pd.__version__, np.__version__, version("vl-convert-python"))


def altair_settings() -> tuple[str, str]:
    """altair's active theme and data transformer (a theme changes what a chart draws);
    ``ALTAIR_DEFAULTS`` while altair is not imported in this process."""
    altair = sys.modules.get("altair")
    if altair is None:
        return ALTAIR_DEFAULTS
    return (str(altair.theme.active), str(altair.data_transformers.active))


@dataclass(frozen=True)
class ChartRecipe:
    """A chart not drawn yet: ``draw(*args, **kwargs)`` returns it. ``draw`` must be a pure
    function of its arguments (the workbook's chart functions in ``charts`` are)."""

    draw: Callable[..., alt.TopLevelMixin]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def chart(self) -> alt.TopLevelMixin:
        return self.draw(*self.args, **self.kwargs)

    def key(self) -> str | None:
        """What the SVG depends on, hashed; None when an argument has no exact encoding."""
        try:
            arguments = canonical([list(self.args), self.kwargs])
        except TypeError:
            return None
        return render_cache.key_of(
            "recipe",
            f"{self.draw.__module__}.{self.draw.__qualname__}",
            arguments,
            render_cache.loaded_code(),
            [*library_versions(), LOCALE],
            list(altair_settings()),
        )


def canonical(value: Any) -> Any:
    """``value`` as JSON that tells apart every two values a chart function could draw
    differently: types, exact floats (``repr``), frames with their columns, dtypes and index.
    ``TypeError`` for anything else."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return {"int": str(value), "type": type(value).__name__}
    if isinstance(value, (float, np.floating)):
        return {"float": float.__repr__(float(value)), "type": type(value).__name__}
    if isinstance(value, decimal.Decimal):
        return {"decimal": str(value)}
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return {"time": value.isoformat(), "type": type(value).__name__}
    if value is pd.NA or value is pd.NaT:
        return {"missing": repr(value)}
    if isinstance(value, (list, tuple)):
        return {type(value).__name__: [canonical(v) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("dict keys must be text")
        return {"dict": {k: canonical(v) for k, v in value.items()}}
    if isinstance(value, pd.DataFrame):
        return {
            "frame": [
                [canonical(name), str(column.dtype), [canonical(v) for v in column.tolist()]]
                for name, column in value.items()
            ],
            "index": canonical(value.index),
            "attrs": canonical(value.attrs),
        }
    if isinstance(value, pd.Series):
        return {
            "series": [canonical(value.name), str(value.dtype)],
            "values": [canonical(v) for v in value.tolist()],
            "index": canonical(value.index),
        }
    if isinstance(value, pd.Index):
        return {
            "index": [type(value).__name__, str(value.dtype), canonical(list(value.names))],
            "values": [canonical(v) for v in value.tolist()],
        }
    raise TypeError(f"no exact encoding for {type(value).__name__}")


def chart_svg(chart: alt.TopLevelMixin | ChartRecipe) -> str:
    """The chart as an SVG string (see the module for the store it is kept in)."""
    store = render_cache.store(STORE)
    key = chart.key() if isinstance(chart, ChartRecipe) and store is not None else None
    if key is not None and store is not None:
        svg = store.get(key)
        if svg is not None:
            return svg
    svg = _spec_svg(chart.chart() if isinstance(chart, ChartRecipe) else chart, store)
    if key is not None and store is not None:
        store.put(key, svg)
    return svg


def _spec_svg(chart: alt.TopLevelMixin, store: render_cache.ContentCache | None) -> str:
    key = None
    if store is not None:
        spec = chart.to_dict(validate=False)  # the exact spec, to look it up
        key = render_cache.key_of("spec", spec, library_versions()[3], LOCALE)
        svg = store.get(key)
        if svg is not None:
            return svg
    svg = render_svg(chart)
    if store is not None and key is not None:
        store.put(key, svg)
    return svg


def render_svg(chart: alt.TopLevelMixin) -> str:
    """The chart rendered by vl-convert (its spec validated by altair first), scaled to the page
    width. Raises what altair raises for an invalid spec."""
    import vl_convert as vlc

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
    chart: alt.TopLevelMixin | ChartRecipe,
    description: str,
    data_table: TableSpecHtml,
    data_label: str,
    narrow_chart: alt.TopLevelMixin | ChartRecipe | None = None,
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
    wide = accessible_svg(chart_svg(chart), label)
    charts = html('<div class="wb-chart">{}</div>', wide)
    if narrow_chart is not None:
        charts = html(
            '<div class="wb-chart wb-chart--wide">{}</div>'
            '<div class="wb-chart wb-chart--narrow">{}</div>',
            wide,
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
