"""What a section notebook calls: load a unit-year and get each part of the report to display.

Every function returns an ``IPython.display.HTML`` object, so JupyterLab shows exactly what the
exported report shows.
"""

from __future__ import annotations

import html

from IPython.display import HTML

from helpers import budget_view, goals, sections, summary
from helpers.unit_data import UnitData, load_unit

__all__ = ["load", "title", "summary_page", "text", "narrative", "goals_of", "priorities",
           "internal_control", "key_figures", "budget"]  # fmt: skip


def load(year: int, unit: str) -> UnitData:
    """All data of the report for ``unit`` in ``year``."""
    return load_unit(year, unit)


def title(data: UnitData) -> HTML:
    """The report's cover: unit, municipality and year (the page ``<h1>`` comes from the export)."""
    return HTML(
        f'<p class="wb-cover">{html.escape(data.info.display_name)} · '
        f"{html.escape(data.info.municipality)} · {data.year}</p>"
    )


def summary_page(data: UnitData) -> HTML:
    return HTML(summary.summary_html(data))


def text(data: UnitData, name: str) -> HTML:
    """A narrative section file (``uppdrag.md``, ``framtid.md`` …) with its heading."""
    return HTML(sections.text_section(data, name))


def narrative(data: UnitData, name: str) -> HTML:
    """A narrative file shown without a section heading of its own."""
    return HTML(sections.narrative_only(data, name))


def goals_of(data: UnitData, level: str) -> HTML:
    """Every goal of a level: ``kommunfullmäktige`` or ``kommunstyrelsen``."""
    return HTML(goals.goals_html(data, level))


def priorities(data: UnitData) -> HTML:
    return HTML(sections.priorities_html(data))


def internal_control(data: UnitData) -> HTML:
    return HTML(sections.internal_control_html(data))


def key_figures(data: UnitData) -> HTML:
    return HTML(sections.key_figures_html(data))


def budget(data: UnitData) -> HTML:
    return HTML(budget_view.budget_html(data))
