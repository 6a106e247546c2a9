"""What a custom section shows: any DataFrame as the report's accessible table, any altair chart
as the report's figure (inline SVG, text alternative, its data as a table).

These are the helpers behind ``report.show_table`` and ``report.show_chart``, and behind the
IPython formatters (:func:`install_formatters`) that make a bare ``df`` or ``chart`` as a cell's
last line, or ``display(df)``, look the same — never pandas' default HTML, never a renderer that
loads scripts from a CDN. Numbers are written the Swedish way (``helpers.parts.numbers``); every
text from the data is escaped (``helpers.core.markup``).

altair is imported only where a chart is at hand (which means its notebook imported altair): the
formatter for charts is registered by the class's name, so a section that draws nothing does not
pay for the import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

import pandas as pd

from helpers.core.labels import Labels
from helpers.core.markup import Markup, html
from helpers.data.custom_tables import CAPTION, DECIMALS, HEADINGS, UNITS
from helpers.parts import charts
from helpers.parts.figures import figure_html, short_label
from helpers.parts.numbers import decimals_of, format_number, is_missing
from helpers.parts.tables import Cell, TableSpecHtml, render_table

if TYPE_CHECKING:
    import altair as alt

# The labels of the section being shown (set by ``report.section``): a bare DataFrame or chart
# has no section of its own to take its words from.
_current: list[Labels] = []


def use_labels(labels: Labels) -> None:
    """Show tables and charts with ``labels`` (the section's) from now on in this kernel."""
    _current[:] = [labels]


def current_labels() -> Labels:
    """The labels set by :func:`use_labels`; ValueError before any section is loaded."""
    if not _current:
        raise ValueError(
            "Ladda avsnittet först: part = report.section(year, unit, section, period)."
        )
    return _current[0]


def heading_of(name: object) -> str:
    """A column name as a heading: ``väntetid_dagar`` → ``Väntetid dagar``."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else ""


def _is_number_column(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def column_decimals(series: pd.Series, given: int | None = None) -> int:
    """The decimals a column is shown with: ``given``, else as many as its values need (≤ 2)."""
    if given is not None:
        return given
    return max((decimals_of(float(v)) for v in series if not is_missing(v) and v is not pd.NA),
               default=0)  # fmt: skip


def cell_text(value: object, labels: Labels, decimals: int = 0) -> str:
    """One value as the report writes it (``41 575``, ``0,7``, ``2016-03-31``, ``ja``), in the
    words of ``labels`` (``rapport.saknas``, ``egen.ja`` / ``egen.nej``)."""
    if value is None or value is pd.NA or is_missing(value):
        return labels("rapport.saknas")
    if isinstance(value, bool):
        return labels("egen.ja") if value else labels("egen.nej")
    if isinstance(value, int | float):
        return format_number(value, decimals, missing=labels("rapport.saknas"))
    if isinstance(value, pd.Timestamp | dt.date):
        return value.date().isoformat() if isinstance(value, pd.Timestamp) else value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return cell_text(value.item(), labels, decimals)
    return str(value)


def table_html(
    frame: pd.DataFrame,
    caption: str | None = None,
    *,
    decimals: Mapping[str, int] | None = None,
    units: Mapping[str, str] | None = None,
    caption_hidden: bool = False,
    labels: Labels | None = None,
) -> Markup:
    """``frame`` as the report's table: caption, column headers with ``scope``, the first column
    (or a named index) as row headers, numbers right-aligned in Swedish format.

    Column headings are the schema's ``rubrik:`` of each column, else the column's name
    (``väntetid_dagar`` → ``Väntetid dagar``), with its unit in brackets.
    ``caption`` defaults to the table's ``rubrik:`` in its schema, else the column headings;
    ``decimals`` and ``units`` (column → decimals, column → e.g. ``dagar``) default to the
    schema's; other number columns get as many decimals as their values need (at most 2).
    ``labels`` default to the section's (:func:`current_labels`).
    """
    labels = labels or current_labels()
    frame = frame.copy()
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
        frame = frame.reset_index()
    frame.columns = [
        " ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in frame.columns
    ]
    decimals = {**frame.attrs.get(DECIMALS, {}), **(decimals or {})}
    units = {**frame.attrs.get(UNITS, {}), **(units or {})}
    names = list(frame.columns)
    own = frame.attrs.get(HEADINGS, {})
    headers = []
    for name in names:
        header = own.get(name) or heading_of(name)
        unit = units.get(name)
        headers.append(f"{header} ({unit})" if unit and unit not in header else header)
    caption = caption or frame.attrs.get(CAPTION) or labels.joined("rapport.uppräkning", headers)
    numeric = {i for i, name in enumerate(names) if _is_number_column(frame[name])}
    shown_decimals = {
        name: column_decimals(frame[name], decimals.get(name))
        for i, name in enumerate(names)
        if i in numeric
    }
    table = TableSpecHtml(
        caption,
        headers,
        numeric_columns=frozenset(numeric),
        caption_hidden=caption_hidden,
        labels=labels,
    )
    for record in frame.itertuples(index=False, name=None):
        texts = [
            cell_text(value, labels, shown_decimals.get(name, 0))
            for name, value in zip(names, record, strict=True)
        ]
        cells = [
            Cell(text, ("num",) if index in numeric else ())
            for index, text in enumerate(texts[1:], 1)
        ]
        table.add(texts[0], cells)
    return render_table(table)


# ---------------------------------------------------------------------------------------- charts


def _unit_spec(spec: dict[str, Any]) -> dict[str, Any] | None:
    """The first single view of a (possibly layered) chart spec that has x and y."""
    if "encoding" in spec and {"x", "y"} <= set(spec["encoding"]):
        return spec
    for child in spec.get("layer", []):
        found = _unit_spec(child)
        if found is not None:
            return {"data": spec.get("data"), **{k: v for k, v in found.items() if v is not None}}
    return None


def _title(spec: dict[str, Any]) -> str | None:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title) if title else None


def _field(channel: dict[str, Any] | None) -> tuple[str | None, str]:
    """A channel's field name and the words naming it (its title, else the field)."""
    if not channel or "field" not in channel:
        return None, ""
    name = channel["field"]
    name = name.get("repeat") if isinstance(name, dict) else name
    title = channel.get("title")
    return str(name), str(title) if isinstance(title, str) and title else heading_of(name)


def chart_data(chart: alt.TopLevelMixin) -> tuple[pd.DataFrame, dict[str, Any], dict[str, Any]]:
    """The data a chart draws (as records of its dataset), its spec and its main view's spec."""
    spec = chart.to_dict()
    view = _unit_spec(spec) or spec
    data = view.get("data") or spec.get("data") or {}
    records = []
    if isinstance(data, dict) and "name" in data:
        records = spec.get("datasets", {}).get(data["name"], [])
    elif isinstance(data, dict) and "values" in data:
        records = data["values"]
    return pd.DataFrame.from_records(records), spec, view


AGGREGATES = {"sum": "sum", "mean": "mean", "average": "mean", "median": "median",
              "min": "min", "max": "max"}  # fmt: skip


def _aggregated(
    frame: pd.DataFrame, aggregate: object, field: str | None, by: list[str | None]
) -> pd.DataFrame:
    """The values a chart draws when its measure is aggregated in the encoding
    (``y="mean(väntetid):Q"``): one row per category (and series)."""
    keys = [k for k in by if k and k in frame.columns]
    if aggregate not in AGGREGATES or not field or field not in frame.columns or not keys:
        return frame
    values = frame.assign(**{field: pd.to_numeric(frame[field], errors="coerce")})
    grouped = values.groupby(keys, sort=False, dropna=False)[field]
    return grouped.agg(AGGREGATES[str(aggregate)]).reset_index()


def describe_chart(
    chart: alt.TopLevelMixin, labels: Labels | None = None
) -> tuple[str, TableSpecHtml]:
    """A text alternative for the chart, written from the data it draws, and that data as a
    table: ``"<title>. <measure> per <category>: från 21 (januari) till 14 (december); högst
    …"`` — one clause per series when a colour separates series. Its words are the labels
    ``egen.*`` (default: the section's, :func:`current_labels`)."""
    labels = labels or current_labels()
    frame, spec, view = chart_data(chart)
    encoding = view.get("encoding", {})
    x_field, x_words = _field(encoding.get("x"))
    y_field, y_words = _field(encoding.get("y"))
    series_field, series_words = _field(encoding.get("color"))
    if (
        encoding.get("x", {}).get("type") == "quantitative"
        and encoding.get("y", {}).get("type") != "quantitative"
    ):
        (x_field, x_words), (y_field, y_words) = (y_field, y_words), (x_field, x_words)
    measure = encoding.get("y" if y_field == _field(encoding.get("y"))[0] else "x", {})
    frame = _aggregated(frame, measure.get("aggregate"), y_field, [x_field, series_field])
    title = _title(spec) or _title(view)
    if title:
        sentences = [title]
    elif y_field:
        sentences = [labels("egen.diagram_per", mått=y_words, kategori=x_words)]
    else:
        sentences = [labels("egen.diagram")]
    usable = [f for f in (x_field, series_field, y_field) if f and f in frame.columns]
    if y_field in frame.columns and x_field in frame.columns and len(frame):
        values = pd.to_numeric(frame[y_field], errors="coerce")
        decimals = column_decimals(values)
        groups = (
            [(str(k), g) for k, g in frame.assign(_y=values).groupby(series_field, sort=False)]
            if series_field in frame.columns
            else [("", frame.assign(_y=values))]
        )
        clauses = []
        for name, group in groups:
            known = group[group["_y"].notna()]
            if known.empty:
                continue
            first, last = known.iloc[0], known.iloc[-1]
            high, low = known.loc[known["_y"].idxmax()], known.loc[known["_y"].idxmin()]

            def point(row: pd.Series) -> str:
                number = format_number(row["_y"], decimals, missing=labels("rapport.saknas"))
                return labels("egen.punkt", värde=number, kategori=cell_text(row[x_field], labels))

            clause = labels(
                "egen.förlopp",
                första=point(first),
                sista=point(last),
                högst=point(high),
                lägst=point(low),
            )
            clauses.append(labels("egen.serie", serie=name, förlopp=clause) if name else clause)
        if clauses:
            per = labels("egen.per", mått=y_words, kategori=x_words.lower())
            listed = labels.joined("rapport.uppräkning_delar", clauses)
            sentences.append(labels("egen.per_förlopp", per=per, förlopp=listed))
        missing = int(values.isna().sum())
        if missing:
            sentences.append(labels("egen.värden_saknas", antal=missing))
    description = ". ".join(s.rstrip(".") for s in sentences) + "."
    table_frame = frame[usable] if usable else frame
    name = title or y_words or labels("egen.diagrammet")
    table = TableSpecHtml(labels("egen.diagram_data", namn=name), [], labels=labels)
    table.columns = [
        {x_field: x_words, y_field: y_words, series_field: series_words}.get(c) or heading_of(c)
        for c in table_frame.columns
    ]
    numeric = {i for i, c in enumerate(table_frame.columns) if _is_number_column(table_frame[c])}
    table.numeric_columns = frozenset(numeric)
    shown = {c: column_decimals(table_frame[c]) if _is_number_column(table_frame[c]) else 0
             for c in table_frame.columns}  # fmt: skip
    for record in table_frame.itertuples(index=False, name=None):
        texts = [
            cell_text(v, labels, shown[c]) for c, v in zip(table_frame.columns, record, strict=True)
        ]
        table.add(
            texts[0],
            [Cell(t, ("num",) if i in numeric else ()) for i, t in enumerate(texts[1:], 1)],
        )
    return description, table


def styled(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart in the report's look (fonts, colours, size), unless it sets its own config."""
    import altair as alt

    if getattr(chart, "config", alt.Undefined) is not alt.Undefined:
        return chart
    return charts.configured(chart)


def draws_a_value(table: TableSpecHtml, labels: Labels) -> bool:
    """Whether the chart's data (as :func:`describe_chart` tabulates it) has at least one
    number to draw: a row whose numeric cell is not ``rapport.saknas``."""
    missing = labels("rapport.saknas")
    return any(
        cell.text != missing
        for _, cells in table.rows
        for column, cell in enumerate(cells, 1)
        if column in table.numeric_columns
    )


def figure(
    chart: alt.TopLevelMixin, description: str | None = None, labels: Labels | None = None
) -> Markup:
    """The chart as the report's figure: inline SVG named by its description, the description
    as caption and the chart's data as a table. ``description`` defaults to one written from the
    data drawn (:func:`describe_chart`)."""
    labels = labels or current_labels()
    generated, table = describe_chart(chart, labels)
    description = description or generated
    if not draws_a_value(table, labels):
        # An empty table (a new year's, say) draws an empty frame of axes: say instead that the
        # figures are missing, under the chart's own name.
        return html(
            '<figure class="wb-figure wb-figure--empty"><figcaption>{}</figcaption>'
            '<p class="wb-missing">{}</p></figure>',
            description,
            labels("rapport.saknas"),
        )
    # Each button names its chart (by the description's first sentence), so no two are alike.
    shown_as_table = labels("egen.visa_data", namn=short_label(description))
    return figure_html(styled(chart), description, table, data_label=shown_as_table)


# ------------------------------------------------------------------------------------ formatters


def _frame_html(frame: pd.DataFrame) -> str:
    return str(table_html(frame))


def _series_html(series: pd.Series) -> str:
    return str(table_html(series.to_frame()))


def _styler_html(styler: Any) -> str:
    # A Styler's own HTML has no scopes or row headers: its data is shown as the report's table.
    return str(table_html(styler.data))


def _chart_bundle(chart: alt.TopLevelMixin, include: Any = None, exclude: Any = None) -> dict:
    return {"text/html": str(figure(chart))}


def chart_class_name() -> tuple[str, str]:
    """The module and name of altair's ``TopLevelMixin`` (every chart is one), from the installed
    version, without importing altair: ``("altair.vegalite.v6.api", "TopLevelMixin")``."""
    major = version("altair").split(".", 1)[0]
    return f"altair.vegalite.v{major}.api", "TopLevelMixin"


def install_formatters(shell: Any = None) -> bool:
    """Make a bare DataFrame, Series, Styler or altair chart display as the report shows them,
    in the running IPython kernel (JupyterLab or a build's); False outside IPython.

    A formatter that raises is shown by IPython as an error output of the cell, which papermill
    turns into a failed section: nothing is dropped silently."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython is a dependency
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    html = shell.display_formatter.formatters["text/html"]
    html.for_type(pd.DataFrame, _frame_html)
    html.for_type(pd.Series, _series_html)
    html.for_type_by_name("pandas.io.formats.style", "Styler", _styler_html)
    # By name: IPython finds it among a chart's base classes once altair is imported.
    shell.display_formatter.mimebundle_formatter.for_type_by_name(
        *chart_class_name(), _chart_bundle
    )
    return True
