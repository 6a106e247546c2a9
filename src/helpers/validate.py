"""``workbook validate``: every problem in the data, before any kernel starts. (Stub: issue 4.)"""

from __future__ import annotations

import argparse

from helpers.errors import Problem
from helpers.paths import Project


def validate_unit(project: Project, year: int, unit: str) -> list[Problem]:
    """Every problem found in one unit-year's params and data; empty when it is clean."""
    from helpers.errors import DataError, WorkbookError
    from helpers.unit_data import load_unit

    try:
        load_unit(year, unit, project)
    except DataError as exc:
        return exc.problems
    except WorkbookError as exc:
        return [Problem(f"params/{year}/{unit}.yaml", str(exc))]
    return []


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int)
    parser.add_argument("--unit")


def command(args: argparse.Namespace) -> int:
    from helpers.params import available_units, available_years

    project = Project.current()
    problems: list[Problem] = []
    for year in [args.year] if args.year else available_years(project):
        for unit in [args.unit] if args.unit else available_units(year, project):
            problems += validate_unit(project, year, unit)
    for problem in problems:
        print(problem)
    return 1 if problems else 0
