"""``validate``'s rules for custom sections (kind ``egen``): their notebooks and own tables.

Run before any section runs, like every other rule: a custom section's notebook must exist under
``notebooks/egna/``, every table it lists (``tabeller:``) must have a schema and a file, every
schema in the unit's folder must be valid, and every cell of the tables must read as its column's
kind says (file, row, column), with the schema's key unique.
"""

from __future__ import annotations

from pathlib import Path

from helpers.checks.table_checks import LoadedTable, duplicate_keys
from helpers.core.errors import DataError, Problem, display_path
from helpers.core.paths import Project, readable_file
from helpers.data.custom_tables import custom_tables
from helpers.data.definition import ReportDefinition
from helpers.data.readers import second_file_problems, table_files
from helpers.data.unit_data import read_typed


def notebook_problems(project: Project, definition: ReportDefinition) -> list[Problem]:
    """A section whose notebook is missing: a custom section's under ``notebooks/egna/``, or a
    kind's own ``notebooks/<kind>.ipynb`` (the same rule as ``build_plan.kind_notebook``, so
    ``validate`` and ``build`` agree)."""
    problems = []
    for section in definition.sections:
        path = project.notebooks / section.notebook_path
        if section.notebook is None:
            if not path.is_file():
                shown = display_path(path, project.root)
                problems.append(
                    Problem(
                        shown,
                        f"notebooken för avsnittstypen '{section.kind}' (avsnittet "
                        f"'{section.id}') saknas",
                        hint="hämta tillbaka filen (t.ex. `git checkout -- "
                        f"{shown}`); varje avsnittstyp har sin notebook i notebooks/",
                    )
                )
            continue
        if not path.is_file():
            file, line = section.source
            problems.append(
                Problem(
                    file,
                    f"avsnittet '{section.id}': notebooken {display_path(path, project.root)} "
                    "finns inte",
                    row=line or None,
                    column="notebook",
                    hint="skapa den (kopiera en notebook i notebooks/egna/ och ändra den, se "
                    "docs/analytiker.md, 4b. Egna avsnitt) eller rätta notebook: (namnet utan "
                    ".ipynb)",
                )
            )
    return problems


def custom_table_problems(
    project: Project, definition: ReportDefinition, folder: Path
) -> list[Problem]:
    """Every problem in the unit-year's own tables and their schemas."""
    tables, problems = custom_tables(folder, project, definition.custom_tables)
    for stem, table in tables.items():
        files = table_files(folder, stem)
        if not files:
            continue  # reported by custom_tables
        problems += second_file_problems(files, project.root)
        shown = display_path(files[0], project.root)
        try:
            readable_file(files[0], project.root)
        except DataError as exc:
            problems += exc.problems
            continue
        typed = read_typed(files[0], shown, table.spec)  # the report's reading of it
        problems += typed.problems
        if typed.columns is not None and all(n in typed.columns for n in table.spec.names):
            problems += duplicate_keys(LoadedTable(table.spec, typed.frame, shown))
    return problems


def custom_problems(project: Project, definition: ReportDefinition, folder: Path) -> list[Problem]:
    return notebook_problems(project, definition) + custom_table_problems(
        project, definition, folder
    )
