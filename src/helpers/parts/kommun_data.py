"""The consolidated report's input: every unit of a year and period, and the kommun's own data.

Each unit is read as its own report reads it (params, the unit's definition, the same table
specs and converters), but only the tables a consolidated section needs: a section loads what
its kind declares (``definition.CONSOLIDATED_KINDS``), so what it reads and what its
fingerprint covers are the same files. The kommun's own data lives where a unit's would:
``data/<år>/kommun/`` (helår) or ``data/<år>/<period>/kommun/``:

- ``bedomningar.csv`` — the kommun-level assessment of kommunfullmäktige's goals (``mal_id``,
  ``bedömning``, ``motivering``), written by the analyst; a goal without one is not assessed;
- ``text/inledning.md`` — the consolidated report's introduction (optional).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from helpers.core.errors import DataError, Problem, display_path
from helpers.core.labels import Labels, join_with
from helpers.core.paths import CONSOLIDATED, Project
from helpers.core.schema import Column, TableSpec, unit_specs
from helpers.data.definition import ReportDefinition, load_definition, read_definition
from helpers.data.kommun_definition import (
    ConsolidatedDefinition,
    ConsolidatedSection,
    read_consolidated,
)
from helpers.data.params import ReportParams, load_params, units_of_year
from helpers.data.periods import PeriodSpec, period_spec
from helpers.data.unit_data import UnitInfo, load_unit_info, read_spec_table, read_text_file
from helpers.parts.budget import Statement, compute_statement

ASSESSMENTS_STEM = "bedomningar"
INTRO_FILE = "inledning.md"


def assessments_spec(values: list[str]) -> TableSpec:
    """``bedomningar.csv``: the kommun's own assessment of each kommunfullmäktige goal."""
    return TableSpec(
        ASSESSMENTS_STEM,
        (
            Column("mal_id", "id", required=True),
            Column("bedömning", "choice", choices=tuple(values)),
            Column("motivering", markdown=True),
        ),
        key=("mal_id",),
        required_file=False,
    )


@dataclass
class UnitPart:
    """One unit as the consolidated report reads it."""

    unit: str
    params: ReportParams
    info: UnitInfo
    definition: ReportDefinition
    folder: Path
    project: Project
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    statement: Statement | None = None

    @property
    def comparison_groups(self) -> dict[str, str]:
        """As ``UnitData.comparison_groups``: indicator id → its Kolada comparison group."""
        from helpers.data.kolada_groups import comparison_names

        return comparison_names(self.project, self.unit)

    def text(self, project: Project, name: str) -> str | None:
        path = self.folder / "text" / name
        if not os.path.lexists(path):
            return None
        return read_text_file(path, display_path(path, project.root), project.root)


@dataclass
class KommunData:
    """A year-period's units and the kommun's own data, for one consolidated section."""

    project: Project
    year: int
    period: PeriodSpec
    definition: ConsolidatedDefinition
    kommun_definition: ReportDefinition  # the kommun's (rapport.yaml without unit changes)
    units: list[UnitPart]
    assessments: pd.DataFrame
    intro: str | None

    @property
    def municipality(self) -> str:
        return self.kommun_definition.municipality.name

    def label(self, key: str, **values: object) -> str:
        common = {"år": self.year, "kommun": self.municipality, "period": self.period.name}
        return self.definition.label(key, **common, **values)

    def joined(self, key: str, items: Iterable[str]) -> str:
        """``items`` put together pair by pair with the template ``key`` (``uppräkning``:
        ``{lista}, {nästa}``)."""
        return join_with(lambda so_far, item: self.label(key, lista=so_far, nästa=item), items)

    def report_labels(self) -> Labels:
        """The kommun's report labels (``etiketter:`` of rapport.yaml): the words every report
        shares — tables, missing values, navigation, print — with no unit of its own."""
        common = {"år": str(self.year), "enhet": "", "kommun": self.municipality}
        return self.kommun_definition.label_set(common)

    @property
    def title(self) -> str:
        return self.definition.title.format_map(
            {"år": self.year, "kommun": self.municipality, "period": self.period.name}
        )

    def heading(self, section: ConsolidatedSection) -> str:
        return section.heading.format_map(
            {"år": self.year, "kommun": self.municipality, "period": self.period.name}
        )


def kommun_folder(project: Project, year: int) -> Path:
    return project.unit_data(year, CONSOLIDATED)


def load_kommun(
    year: int, project: Project | None = None, tables: tuple[str, ...] = (), drift: bool = False
) -> KommunData:
    """The units of ``year`` in the project's period with the ``tables`` (stems) each section
    needs, their operating statements when ``drift``, and the kommun's own data.

    Raises ``DataError`` listing every problem (a unit's tables, the kommun's assessments).
    """
    project = project or Project.current()
    definition, problems = read_consolidated(project)
    if definition is None:
        raise DataError(problems or [Problem("data/rapport.yaml", "'sammanställning' saknas",
                                             column="sammanställning")])  # fmt: skip
    kommun_definition, found = read_definition(project)
    if kommun_definition is None:
        raise DataError(found)
    units: list[UnitPart] = []
    for unit in units_of_year(year, project):
        params = load_params(year, unit, project)
        unit_definition = load_definition(project, year, unit)
        info, _ = load_unit_info(unit, project, unit_definition.municipality.name)
        if params.invented:  # as load_unit: this report's figures are an invented example
            info = replace(info, invented=True)
        part = UnitPart(unit, params, info, unit_definition, project.unit_data(year, unit), project)
        specs = {
            s.stem: s
            for s in unit_specs(unit_definition.vocabularies(), unit_definition.drift.unit)
        }
        for stem in tables:
            frame, found = read_spec_table(part.folder, _optional(specs[stem]), project)
            part.tables[stem] = frame
            problems += found
        if drift:
            settings = unit_definition.drift  # the unit's own drift: settings (definition)
            if "drift" not in part.tables:
                frame, found = read_spec_table(part.folder, specs["drift"], project)
                part.tables["drift"] = frame
                problems += found
            if not found:
                part.statement = compute_statement(part.tables["drift"], settings)
        units.append(part)
    assessments, found = read_assessments(project, year, kommun_definition)
    problems += found
    if problems:
        raise DataError(problems)
    folder = kommun_folder(project, year)
    intro_path = folder / "text" / INTRO_FILE
    intro = (
        read_text_file(intro_path, display_path(intro_path, project.root), project.root)
        if os.path.lexists(intro_path)
        else None
    )
    return KommunData(
        project,
        year,
        period_spec(project, project.period),
        definition,
        kommun_definition,
        units,
        assessments,
        intro,
    )


def _optional(spec: TableSpec) -> TableSpec:
    """A table a unit need not have for the consolidated report (its own report may not use
    it): missing means empty."""
    return replace(spec, required_file=False)


def read_assessments(
    project: Project, year: int, kommun_definition: ReportDefinition
) -> tuple[pd.DataFrame, list[Problem]]:
    """The kommun's ``bedomningar.csv`` (empty when there is none) and its problems."""
    spec = assessments_spec(list(kommun_definition.assessments))
    return read_spec_table(kommun_folder(project, year), spec, project)
