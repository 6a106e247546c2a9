"""Validating the consolidated report's own data, before any section runs.

The definition (``sammanställning:``), the kommun's ``klarmarkering.csv`` (as a unit's) and its
``bedomningar.csv``: allowed assessments, one row per goal, and every ``mal_id`` a goal of the
top level that some unit of the year and period reports (an assessment of a goal nobody reports
is a typo, not a goal).
"""

from __future__ import annotations

from helpers.checks import data_checks
from helpers.checks.table_checks import LoadedTable
from helpers.core.errors import Problem, WorkbookError, display_path
from helpers.core.paths import CONSOLIDATED, Project
from helpers.core.schema import unit_specs
from helpers.data.definition import read_definition
from helpers.data.kommun_definition import read_consolidated
from helpers.data.params import units_of_year
from helpers.data.readers import find_table
from helpers.data.signoff import signoff_problems
from helpers.data.unit_data import read_spec_table
from helpers.parts.kommun_data import assessments_spec, kommun_folder, read_assessments


def validate_consolidated(project: Project, year: int) -> list[Problem]:
    """Every problem with the year-period's consolidated report (none without one)."""
    definition, problems = read_consolidated(project)
    try:
        units = units_of_year(year, project)
    except WorkbookError:  # no units, or badly named params files: validate reports those
        return problems
    if definition is None:
        return problems
    kommun_definition, found = read_definition(project)
    if kommun_definition is None:
        return problems + found
    sections = [s.id for s in definition.sections]
    problems += signoff_problems(project, year, CONSOLIDATED, sections)
    frame, found = read_assessments(project, year, kommun_definition)
    problems += found
    if frame.empty:  # no file (nothing assessed yet), or one that could not be read
        return problems
    spec = assessments_spec(list(kommun_definition.assessments))
    path = find_table(kommun_folder(project, year), spec.stem)
    shown = display_path(path, project.root) if path else spec.stem
    problems += data_checks.duplicate_keys(LoadedTable(spec, frame, shown))
    top = next(iter(kommun_definition.levels))
    goals: set[str] = set()
    for unit in units:
        unit_definition, _ = read_definition(project, year, unit)
        if unit_definition is None:
            continue
        specs = {s.stem: s for s in unit_specs(unit_definition.vocabularies())}
        mal, _ = read_spec_table(project.unit_data(year, unit), specs["mal"], project)
        goals |= set(mal.loc[mal["nivå"] == top, "mal_id"])
    for _, row in frame.iterrows():
        if row["mal_id"] and row["mal_id"] not in goals:
            problems.append(
                Problem(
                    shown,
                    f"målet '{row['mal_id']}' finns inte hos någon enhet {year} på nivån {top}",
                    row=int(row["_rad"]),
                    column="mal_id",
                    hint="rätta id:t så att det är samma som i enheternas mal.csv, eller ta bort "
                    "raden",
                )
            )
    return problems
