"""The report's simpler sections: narrative pages, priorities, internal control, key figures."""

from __future__ import annotations

import html

import pandas as pd

from helpers.formulas import parse_formula
from helpers.narrative import markdown_to_html, slugify, split_heading
from helpers.numbers import MISSING, format_number, is_missing
from helpers.tables import Cell, TableSpecHtml, render_table
from helpers.unit_data import UnitData


def todo_html(path: str) -> str:
    """What the reader sees where text is still to be written (never an empty gap)."""
    return f'<p class="wb-todo">Text saknas – skriv den i <code>{html.escape(path)}</code>.</p>'


def section_heading(text: str) -> str:
    return f'<h2 id="{slugify(text)}">{html.escape(text)}</h2>'


def text_section(data: UnitData, name: str) -> str:
    """A narrative file: its ``#`` heading becomes the section's ``<h2>``, the rest follows."""
    markdown = data.text(name)
    if markdown is None:
        return todo_html(f"text/{name}")
    heading, body = split_heading(markdown)
    parts = [section_heading(heading)] if heading else []
    if body.strip():
        parts.append(markdown_to_html(body, top_level=3, id_prefix=slugify(heading or name) + "-"))
    return "".join(parts)


def narrative_only(data: UnitData, name: str, top_level: int = 3) -> str:
    """A narrative file without a section heading of its own (e.g. the budget analysis)."""
    markdown = data.text(name)
    if markdown is None:
        return todo_html(f"text/{name}")
    return markdown_to_html(split_heading(markdown)[1], top_level=top_level)


def priorities_html(data: UnitData) -> str:
    parts = []
    for _, row in data.table("prioriteringar").iterrows():
        anchor = "prioritering-" + slugify(row["prioritering_id"])
        parts.append(f'<h3 id="{anchor}">{html.escape(row["rubrik"])}</h3>')
        text = data.text(f"prioriteringar/{row['prioritering_id']}.md")
        parts.append(
            markdown_to_html(text, top_level=4)
            if text
            else todo_html(f"text/prioriteringar/{row['prioritering_id']}.md")
        )
    return "".join(parts)


def internal_control_html(data: UnitData) -> str:
    controls = data.table("internkontroll")
    actions = data.table("internkontroll_atgarder")
    parts = []
    for _, control in controls.iterrows():
        control_id = control["kontroll_id"]
        title = f"Internkontroll: {control['område']} / {control['kontroll']}"
        parts.append(f'<h3 id="internkontroll-{slugify(control_id)}">{html.escape(title)}</h3>')
        own = actions[actions["kontroll_id"] == control_id]
        if own.empty:
            parts.append('<p class="wb-empty">Inga åtgärder angivna.</p>')
        else:
            table = TableSpecHtml(
                caption=f"Åtgärder: {control['kontroll']}", columns=["Åtgärd", "Ansvarig", "Klart"]
            )
            for _, action in own.iterrows():
                table.add(
                    action["åtgärd"],
                    [Cell(action["ansvarig"] or MISSING), Cell(action["klart"] or MISSING)],
                )
            parts.append(render_table(table))
        follow_up = data.text(f"internkontroll/{control_id}.md")
        parts.append("<h4>Uppföljning</h4>")
        parts.append(
            markdown_to_html(follow_up, top_level=5)
            if follow_up
            else '<p class="wb-missing">Ingen uppföljning redovisad.</p>'
        )
    return "".join(parts)


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


def key_figures_html(data: UnitData) -> str:
    figures = data.table("nyckeltal").set_index("nyckeltal_id")
    wide = key_figure_values(data)
    years = [int(y) for y in wide.columns]
    table = TableSpecHtml(
        caption="Nyckeltal",
        columns=["Nyckeltal", *[str(y) for y in years]],
        numeric_columns=frozenset(range(1, len(years) + 1)),
    )
    values = data.table("nyckeltalsvarden")
    fetched = sorted({str(d) for d in values.get("kolada_hämtad", pd.Series(dtype=str)) if d})
    for figure_id, row in wide.iterrows():
        figure = figures.loc[figure_id]
        decimals = 0 if is_missing(figure["decimaler"]) else int(figure["decimaler"])
        cells = [Cell(format_number(row[y], decimals), ("num",)) for y in wide.columns]
        classes = ("wb-subrow",) if figure["överordnad"] else ()
        table.add(figure["nyckeltal"], cells, classes)
    if fetched:
        table.note = "Källa: Kolada, hämtad " + ", ".join(fetched)
    return render_table(table)
