"""What a section notebook calls: load "this section" of a unit-year's report and get each part
of it to display.

A notebook renders one *kind* of section (``helpers.core.kinds``); papermill gives it ``year``,
``unit`` and ``section`` (the section's id in the report definition), and
:func:`section` returns the section with the unit's data, so heading, texts, goal level and
labels all come from the definition. Every other function returns an ``IPython.display.HTML``
object, so JupyterLab shows exactly what the exported report shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from IPython.display import HTML

from helpers.core.markup import html
from helpers.core.paths import YEAR_END, Project
from helpers.data.custom_tables import load_custom_table
from helpers.data.definition import SectionSpec
from helpers.data.unit_data import UnitData, load_unit
from helpers.parts import budget_view, custom_view, goals, sections, summary

__all__ = ["Section", "section", "load", "cover", "heading", "closing", "summary_page",
           "goals_of", "priorities", "internal_control", "key_figures", "budget",
           "table", "show_table", "show_chart", "narrative"]  # fmt: skip


@dataclass(frozen=True)
class Section:
    """One section of a report: the unit-year's data and the section's definition."""

    data: UnitData
    spec: SectionSpec

    @property
    def id(self) -> str:
        return self.spec.id


def load(year: int, unit: str) -> UnitData:
    """All data of the report for ``unit`` in ``year``."""
    return load_unit(year, unit)


def section(year: int, unit: str, section: str, period: str = YEAR_END) -> Section:
    """The section ``section`` (its id in the report definition) of the unit-year's report for
    ``period`` (``helar``, ``delar`` …).

    Opened in JupyterLab, the year, unit and period chosen in ``workbook.local.yaml``
    (``workbook lab``, see ``helpers.season.lab``) replace the parameters cell's defaults, and the
    cell says so; in a build papermill's parameters decide. Tables are read when first shown and
    again when their file changed, so re-running any cell shows the data as it is now.
    """
    from helpers.season.lab import preview_choice

    chosen = preview_choice(year, unit, section, period)
    if chosen != (year, unit, section, period):
        year, unit, section, period = chosen
        print(f"Visar {unit} {year} ({period}), avsnitt {section} (valt i workbook.local.yaml).")
    data = load_unit(year, unit, Project.current(period), lazy=True)
    part = Section(data, data.definition.section(section))
    # A custom section's tables and charts (and bare DataFrames) take this section's words.
    custom_view.use_labels(data.labels(part.spec))
    return part


def cover(part: Section) -> HTML:
    """The report's cover line: unit, municipality and year (the page ``<h1>`` comes from the
    export; in the report the line is hidden, JupyterLab shows it)."""
    data = part.data
    labels = data.labels(part.spec)
    text = labels("rapport.omslag", enhetsnamn=data.info.display_name)
    return HTML(html('<p class="wb-cover">{}</p>', text))


def heading(part: Section) -> HTML:
    """The section's ``<h2>`` and its own text."""
    return HTML(sections.intro_html(part.data, part.spec))


def closing(part: Section) -> HTML:
    """The section's closing text (``eftertext``), if it has one."""
    return HTML(sections.closing_html(part.data, part.spec))


def summary_page(part: Section) -> HTML:
    return HTML(summary.summary_html(part.data, part.spec))


def goals_of(part: Section) -> HTML:
    """Every goal of the section's level (``nivå`` in the definition)."""
    return HTML(goals.goals_html(part.data, part.spec))


def priorities(part: Section) -> HTML:
    return HTML(sections.priorities_html(part.data, part.spec))


def internal_control(part: Section) -> HTML:
    return HTML(sections.internal_control_html(part.data, part.spec))


def key_figures(part: Section) -> HTML:
    return HTML(sections.key_figures_html(part.data, part.spec))


def budget(part: Section) -> HTML:
    return HTML(budget_view.budget_html(part.data, part.spec))


# ------------------------------------------------------------------ custom sections (kind egen)


def table(part: Section, name: str) -> pd.DataFrame:
    """The unit-year's own table ``name`` (``<name>.csv`` or ``.xlsx`` beside its
    ``<name>.schema.yaml`` in the unit's data folder), typed by its schema: numbers as floats
    (NaN where empty), whole numbers as ``Int64``, text as text, in the file's row order.

    Raises ``DataError`` (file, row, column) for a bad cell, schema or missing file — the same
    problems ``workbook validate`` lists.
    """
    return load_custom_table(part.data.folder, name, part.data.project)


def show_table(
    frame: pd.DataFrame,
    caption: str | None = None,
    *,
    decimals: dict[str, int] | None = None,
    units: dict[str, str] | None = None,
) -> HTML:
    """A DataFrame as the report's table (caption, row headers, Swedish numbers); see
    ``custom_view.table_html``. A bare ``frame`` as a cell's last line looks the same."""
    return HTML(custom_view.table_html(frame, caption, decimals=decimals, units=units))


def show_chart(chart: Any, description: str | None = None) -> HTML:
    """An altair chart as the report's figure: inline SVG, a text alternative written from the
    data drawn (or ``description``) and the data as a table. A bare chart looks the same."""
    return HTML(custom_view.figure(chart, description))


def narrative(part: Section, name: str) -> HTML:
    """The Markdown file ``text/<name>`` of the unit-year as the report's text (headings under
    the section's, sanitized); an instruction to write it when the file is missing."""
    markdown = part.data.text(name)
    if markdown is None:
        return HTML(sections.todo_html(f"text/{name}"))
    stem = name.removesuffix(".md").replace("/", "-")
    labels = part.data.labels(part.spec)
    return HTML(sections.narrative_html(markdown, labels, id_prefix=f"{part.spec.id}-{stem}-"))


# A bare DataFrame or chart in a section shows as the report does (in a kernel only).
custom_view.install_formatters()
