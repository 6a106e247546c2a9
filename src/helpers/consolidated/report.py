"""What a consolidated section notebook calls (``from helpers.consolidated import report``).

Papermill gives the notebook ``year``, ``period`` and ``section`` (``unit`` is always
``kommun``); :func:`section` loads what that section's kind reads — every unit of the year and
period, only the tables the kind declares — and each other function returns
``IPython.display.HTML``, so JupyterLab shows what the report shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from IPython.display import HTML

from helpers.core.errors import DataError
from helpers.core.markup import Markup, html, join
from helpers.core.paths import YEAR_END, Project
from helpers.data.kommun_definition import (
    CONSOLIDATED_KINDS,
    ConsolidatedSection,
    read_consolidated,
)
from helpers.parts import kommun_views as views
from helpers.parts.kommun_data import KommunData, load_kommun

__all__ = ["KommunSection", "section", "heading", "summary", "goals", "budget", "indicators",
           "reports"]  # fmt: skip

# The unit tables each kind loads (its ``reads`` globs name the same files).
KIND_TABLES: dict[str, tuple[str, ...]] = {
    "kommun_sammanfattning": ("mal",),
    "kommun_mal": ("mal",),
    "kommun_drift": (),
    "kommun_indikatorer": ("indikatorer", "indikatorvarden"),
    "kommun_rapporter": (),
}
KIND_DRIFT = {"kommun_sammanfattning", "kommun_drift"}


@dataclass(frozen=True)
class KommunSection:
    data: KommunData
    spec: ConsolidatedSection

    @property
    def id(self) -> str:
        return self.spec.id


def section(year: int, section: str, period: str = YEAR_END) -> KommunSection:
    """The consolidated section ``section`` of ``year`` and ``period``, with its data.

    Opened in JupyterLab, the year and period chosen in ``workbook.local.yaml`` (``workbook
    lab``) replace the parameters cell's defaults; in a build papermill's parameters decide."""
    from helpers.season.lab import preview_period_choice

    chosen = preview_period_choice(year, period)
    if chosen != (year, period):
        year, period = chosen
        print(f"Visar kommunens rapport {year} ({period}) (valt i workbook.local.yaml).")
    project = Project.current(period)
    definition, problems = read_consolidated(project)
    if definition is None:
        raise DataError(problems)
    spec = definition.section(section)
    assert spec.kind in CONSOLIDATED_KINDS
    data = load_kommun(year, project, tables=KIND_TABLES[spec.kind], drift=spec.kind in KIND_DRIFT)
    return KommunSection(data, spec)


def heading(part: KommunSection) -> HTML:
    return HTML(views.intro_html(part.data, part.id, part.data.heading(part.spec)))


def summary(part: KommunSection) -> HTML:
    """The summary page: the kommun's introduction, the result, goal counts per level and unit,
    and where units disagree."""
    data = part.data
    goals_section = next((s.id for s in data.definition.sections if s.kind == "kommun_mal"), None)
    return HTML(
        str(
            join(
                [
                    views.kommun_intro(data),
                    views.result_line(data),
                    views.counts_html(data),
                    views.disagreements_html(data, goals_section),
                    _invented(data),
                ]
            )
        )
    )


def _invented(data: KommunData) -> Markup | str:
    invented = views.invented_units(data)
    if not invented:
        return ""
    first = invented[0]
    tag = first.definition.label_set(
        {"år": str(data.year), "enhet": first.info.name, "kommun": data.municipality}
    )("rapport.påhittad_kort")
    names = data.joined("uppräkning", (p.info.display_name for p in invented))
    return html(
        '<p class="wb-invented-tag">{}</p>',
        data.label("påhittade", påhittad=tag.capitalize(), enheter=names),
    )


def goals(part: KommunSection) -> HTML:
    return HTML(str(views.goals_html(part.data, part.id)))


def budget(part: KommunSection) -> HTML:
    return HTML(str(views.drift_html(part.data)))


def indicators(part: KommunSection) -> HTML:
    return HTML(str(views.indicators_html(part.data)))


def reports(part: KommunSection) -> HTML:
    return HTML(str(views.reports_html(part.data)))
