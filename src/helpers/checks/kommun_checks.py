"""Validating the consolidated report's own data, before any section runs.

The definition (``sammanställning:``), the kommun's ``klarmarkering.csv`` (as a unit's), its
``bedomningar.csv``: allowed assessments, one row per goal, and every ``mal_id`` a goal of the
top level that some unit of the year and period reports (an assessment of a goal nobody reports
is a typo, not a goal); and its Markdown — ``text/*.md`` and the ``motivering`` cells — held to
the units' narrative rules (``data_checks.narrative_problems``, ``markdown_cell_problems``).

A goal of the top level (kommunfullmäktige's) is the kommun's, shared by every unit that works
towards it: the consolidated report shows it once, under its id. Two units giving one id
different titles or numbers would be merged silently under the first, so that is refused,
naming both files and rows (``shared_goal_problems``).
"""

from __future__ import annotations

from dataclasses import dataclass

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
from helpers.data.unit_data import LINE_COLUMN, read_spec_table
from helpers.parts.kommun_data import assessments_spec, kommun_folder, read_assessments


@dataclass(frozen=True)
class TopLevelGoal:
    """One row of a unit's ``mal.csv`` on the top goal level."""

    goal_id: str
    number: str
    title: str
    file: str  # as shown in messages
    row: int  # 1-based line of the file, header included


def _top_level_goals(project: Project, year: int, units: list[str], top: str) -> list[TopLevelGoal]:
    """Every unit's goals of level ``top``, in unit order (files that cannot be read give none:
    the unit's own validation reports them)."""
    found = []
    for unit in units:
        unit_definition, _ = read_definition(project, year, unit)
        if unit_definition is None:
            continue
        specs = {
            s.stem: s
            for s in unit_specs(unit_definition.vocabularies(), unit_definition.drift.unit)
        }
        folder = project.unit_data(year, unit)
        mal, _ = read_spec_table(folder, specs["mal"], project)
        path = find_table(folder, specs["mal"].stem)
        shown = display_path(path, project.root) if path else specs["mal"].stem
        for row in mal[mal["nivå"] == top].to_dict("records"):
            found.append(
                TopLevelGoal(
                    str(row["mal_id"]), str(row["nummer"]), str(row["titel"]), shown,
                    int(row[LINE_COLUMN]),
                )
            )  # fmt: skip
    return found


def shared_goal_problems(goals: list[TopLevelGoal]) -> list[Problem]:
    """A problem for each top-level goal whose id an earlier unit gives another title or
    number: one id is one goal of the kommun, shown once in the consolidated report.

    Titles are compared with runs of white space made one space (a line break or a double space
    is not another goal)."""
    first: dict[str, TopLevelGoal] = {}
    problems = []
    for goal in goals:
        earlier = first.setdefault(goal.goal_id, goal)
        if earlier is goal:
            continue
        for column, mine, theirs in (
            ("titel", _words(goal.title), _words(earlier.title)),
            ("nummer", goal.number, earlier.number),
        ):
            if mine != theirs:
                problems.append(
                    Problem(
                        goal.file,
                        f"målet '{goal.goal_id}' har {column} '{mine}' här men '{theirs}' i "
                        f"{earlier.file} (rad {earlier.row}); ett mål på den översta nivån är "
                        "kommunens och visas en gång i den sammanställda rapporten",
                        row=goal.row,
                        column=column,
                        hint="skriv samma titel och nummer som i den andra filen om det är samma "
                        "mål, annars ge målet ett eget id (och döp om dess texter i text/mal/)",
                    )
                )
    return problems


def _words(text: str) -> str:
    return " ".join(text.split())


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
    # The kommun's own texts as a unit's: every Markdown file readable and free of HTML and
    # images the report would drop (none is required: without an introduction there is none).
    text_folder = kommun_folder(project, year) / "text"
    problems += data_checks.narrative_problems(text_folder, (), project.root)
    top = next(iter(kommun_definition.levels))
    shared = _top_level_goals(project, year, units, top)
    problems += shared_goal_problems(shared)
    if frame.empty:  # no file (nothing assessed yet), or one that could not be read
        return problems
    spec = assessments_spec(list(kommun_definition.assessments))
    path = find_table(kommun_folder(project, year), spec.stem)
    shown = display_path(path, project.root) if path else spec.stem
    problems += data_checks.duplicate_keys(LoadedTable(spec, frame, shown))
    problems += data_checks.markdown_cell_problems(LoadedTable(spec, frame, shown))
    goals = {goal.goal_id for goal in shared}
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
