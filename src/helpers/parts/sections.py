"""The parts every section has (heading, introduction, closing text) and the simpler kinds:
narrative pages, priorities, internal control, key figures.

A section's heading is, in this order: the ``rubrik:`` the unit gives it in its params, the
``# heading`` of the section's text file, the ``rubrik:`` of ``data/rapport.yaml``. Its ``<h2>``
carries the section id as anchor, so links stay stable when a heading changes with the year.
"""

from __future__ import annotations

import pandas as pd

from helpers.core.labels import Labels, fill
from helpers.core.markup import Markup, html, join
from helpers.data.definition import SectionSpec
from helpers.data.formulas import parse_formula
from helpers.data.unit_data import UnitData
from helpers.parts.dates import dates_listed
from helpers.parts.narrative import markdown_to_html, slugify, split_heading
from helpers.parts.numbers import format_number, is_missing
from helpers.parts.tables import Cell, TableSpecHtml, render_table


def todo_html(path: str) -> Markup:
    """What the reader sees where text is still to be written (never an empty gap)."""
    return html('<p class="wb-todo">Text saknas – skriv den i <code>{}</code>.</p>', path)


def _narrative(
    markdown: str, labels: Labels, top_level: int = 3, id_prefix: str = "text-"
) -> Markup:
    # markdown_to_html sanitizes what it returns: safe to embed as it is.
    return Markup(
        markdown_to_html(markdown, labels=labels, top_level=top_level, id_prefix=id_prefix)
    )


def narrative_html(markdown: str, labels: Labels, id_prefix: str) -> Markup:
    """A text file's Markdown (its ``#`` heading included, as a sub-heading) as sanitized HTML
    under a section's ``<h2>``."""
    return _narrative(markdown, labels, top_level=3, id_prefix=id_prefix)


def heading_and_body(data: UnitData, section: SectionSpec) -> tuple[str | None, str | None]:
    """The section's heading (see the module docstring) and the rest of its text file (None
    when it has no text, or the file is missing)."""
    markdown = data.text(section.text.file) if section.text else None
    file_heading, body = split_heading(markdown) if markdown is not None else (None, None)
    heading = file_heading
    if section.heading is not None and (section.heading_from_unit or file_heading is None):
        common = {"år": str(data.year), "enhet": data.info.name, "kommun": data.info.municipality}
        heading = fill(section.heading, common)
    return heading, body


def intro_html(data: UnitData, section: SectionSpec) -> Markup:
    """``<h2>`` and the section's own text under it."""
    heading, body = heading_and_body(data, section)
    parts: list[Markup] = []
    if heading:
        parts.append(html('<h2 id="{}">{}</h2>', section.id, heading))
    if section.text is not None and body is None:
        parts.append(todo_html(f"text/{section.text.file}"))
    elif body and body.strip():
        parts.append(
            _narrative(body, data.labels(section), top_level=3, id_prefix=section.id + "-")
        )
    return join(parts)


def closing_html(data: UnitData, section: SectionSpec) -> Markup:
    """The section's closing text (``eftertext``, e.g. the analysis under the budget)."""
    if section.after is None:
        return Markup("")
    markdown = data.text(section.after.file)
    if markdown is None:
        return todo_html(f"text/{section.after.file}")
    body = split_heading(markdown)[1]
    return _narrative(body, data.labels(section), top_level=3, id_prefix=section.id + "-")


def priorities_html(data: UnitData, section: SectionSpec) -> Markup:
    parts = []
    for _, row in data.table("prioriteringar").iterrows():
        anchor = "prioritering-" + slugify(row["prioritering_id"])
        parts.append(html('<h3 id="{}">{}</h3>', anchor, row["rubrik"]))
        name = f"prioriteringar/{row['prioritering_id']}.md"
        text = data.text(name)
        shown = _narrative(text, data.labels(section), top_level=4) if text else None
        parts.append(shown or todo_html(f"text/{name}"))
    return join(parts)


def internal_control_html(data: UnitData, section: SectionSpec) -> Markup:
    labels = data.labels(section)
    controls = data.table("internkontroll")
    actions = data.table("internkontroll_atgarder")
    parts = []
    for _, control in controls.iterrows():
        control_id = control["kontroll_id"]
        title = labels(
            "internkontroll.rubrik", område=control["område"], kontroll=control["kontroll"]
        )
        parts.append(html('<h3 id="internkontroll-{}">{}</h3>', slugify(control_id), title))
        own = actions[actions["kontroll_id"] == control_id]
        if own.empty:
            parts.append(html('<p class="wb-empty">{}</p>', labels("internkontroll.inga_åtgärder")))
        else:
            table = TableSpecHtml(
                caption=labels("internkontroll.tabell", kontroll=control["kontroll"]),
                columns=[
                    labels(f"internkontroll.{key}") for key in ("åtgärd", "ansvarig", "klart")
                ],
                labels=labels,
            )
            missing = labels("rapport.saknas")
            for _, action in own.iterrows():
                table.add(
                    action["åtgärd"],
                    [Cell(action["ansvarig"] or missing), Cell(action["klart"] or missing)],
                )
            parts.append(Markup(render_table(table)))
        follow_up = data.text(f"internkontroll/{control_id}.md")
        parts.append(html("<h4>{}</h4>", labels("internkontroll.uppföljning")))
        parts.append(
            _narrative(follow_up, labels, top_level=5)
            if follow_up
            else html('<p class="wb-missing">{}</p>', labels("internkontroll.ingen_uppföljning"))
        )
    return join(parts)


def key_figure_values(data: UnitData) -> pd.DataFrame:
    """Key figures as a wide frame (a row per figure, a column per year), computed rows filled."""
    figures = data.table("nyckeltal")
    values = data.table("nyckeltalsvarden")
    wide = values.pivot_table(
        index="nyckeltal_id", columns="år", values="värde", aggfunc="first", dropna=False
    )
    years = sorted(values["år"].unique())
    wide = wide.reindex(index=list(figures["nyckeltal_id"]), columns=years)
    for _, figure in figures.iterrows():
        formula = figure["beräkning"]
        if formula:
            left, right = parse_formula(formula)
            wide.loc[figure["nyckeltal_id"]] = wide.loc[left] - wide.loc[right]
    return wide


def shown_figures(data: UnitData, section: SectionSpec) -> pd.DataFrame:
    """The key figures a section shows: all, or those of its ``grupp``."""
    figures = data.table("nyckeltal")
    if section.group is None:
        return figures
    return figures[figures["grupp"] == section.group]


def key_figures_html(data: UnitData, section: SectionSpec) -> Markup:
    """The section's key figures as a table; nothing when it has none (``nyckeltal.csv`` is
    optional, or its ``grupp`` has no figures): an empty table would only be a focus stop."""
    labels = data.labels(section)
    shown = shown_figures(data, section)
    if shown.empty:
        return Markup("")
    figures = shown.set_index("nyckeltal_id")
    values = data.table("nyckeltalsvarden")
    own_values = values[values["nyckeltal_id"].isin(figures.index)]
    wide = key_figure_values(data).loc[list(figures.index)]
    years = [y for y in wide.columns if y in set(own_values["år"]) or wide[y].notna().any()]
    table = TableSpecHtml(
        caption=labels("nyckeltal.tabell"),
        columns=[labels("nyckeltal.nyckeltal"), *[str(int(y)) for y in years]],
        numeric_columns=frozenset(range(1, len(years) + 1)),
        labels=labels,
    )
    column = own_values.get("kolada_hämtad", pd.Series(dtype=str))
    fetched = dates_listed(column, labels)
    for figure_id, row in wide.iterrows():
        figure = figures.loc[figure_id]
        decimals = 0 if is_missing(figure["decimaler"]) else int(figure["decimaler"])
        missing = labels("rapport.saknas")
        cells = [Cell(format_number(row[y], decimals, missing=missing), ("num",)) for y in years]
        classes = ("wb-subrow",) if figure["överordnad"] else ()
        table.add(figure["nyckeltal"], cells, classes)
    if fetched:
        table.note = labels("nyckeltal.kolada", datum=fetched)
    return Markup(render_table(table))
