"""``workbook validate``: every problem in the data, before any section runs.

``validate_unit`` is what ``workbook build`` runs first; ``command`` checks every selected
unit-year and prints all problems at once, sorted by file and row.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from pathlib import Path

from helpers.building.arguments import year_argument
from helpers.checks import custom_checks, data_checks, definition_checks
from helpers.checks.data_checks import LoadedTable
from helpers.core.errors import DataError, ParameterError, Problem, display_path
from helpers.core.paths import (
    CONSOLIDATED,
    YEAR_END,
    Project,
    check_period,
    check_unit,
    check_year,
    period_order,
    periods_of_unit,
    readable_file,
)
from helpers.core.schema import SHARED_TABLES, TableSpec, unit_specs
from helpers.data.definition import read_definition
from helpers.data.params import (
    available_units,
    available_years,
    create_unit_command,
    read_report_params,
    units_of_year,
)
from helpers.data.readers import read_table, second_file_problems, table_files
from helpers.data.signoff import signoff_problems
from helpers.data.unit_data import read_spec_table, typed_frame


def validate_unit(project: Project, year: int, unit: str) -> list[Problem]:
    """Every problem found in one unit-year's params, report definition and data, sorted; empty
    when it is clean.

    Raises ``ParameterError`` only when ``year`` or ``unit`` is not a valid id (e.g. ``../x``);
    everything wrong in the files comes back as problems. Only the tables and texts of the
    sections the unit's report has are required and checked.
    """
    year, unit = check_year(year), check_unit(unit)
    params, problems = read_report_params(year, unit, project)
    definition, definition_problems = read_definition(project, year, unit)
    problems += definition_problems
    drift_settings = definition.drift if definition is not None else None
    shared, shared_problems = _load_tables(project, project.data, SHARED_TABLES)
    problems += shared_problems + _shared_rules(shared)
    subunits = _unit_reference(project, unit, shared, problems)
    folder = project.unit_data(year, unit)
    if not folder.is_dir():
        problems.append(
            Problem(
                display_path(folder, project.root) + "/",
                "mappen med enhetens data saknas",
                hint=f"skapa den med {create_unit_command(project, year, unit)}",
            )
        )
        return sorted_problems(problems)
    if definition is None:  # without the vocabularies and sections the data cannot be judged
        return sorted_problems(problems)
    if not os.path.lexists(project.params_file(year, unit)):
        return sorted_problems(problems)  # no such report: its data would only be measured
        # against the sections of a report it does not have
    required, optional = definition.tables()
    specs = [
        s
        for s in unit_specs(definition.vocabularies(), definition.drift.unit)
        if s.stem in required | optional
    ]
    tables, table_problems = _load_tables(project, folder, specs, optional=optional)
    problems += table_problems
    for table in tables.values():
        problems += data_checks.duplicate_keys(table)
        problems += data_checks.dangling_references(table, tables)
    if "nyckeltal" in tables:
        problems += data_checks.formula_problems(tables["nyckeltal"])
        problems += data_checks.decimals_problems(tables["nyckeltal"])
    if "mal" in tables:
        problems += data_checks.goal_number_problems(tables["mal"])
    problems += data_checks.year_problems(tables, year)
    if "drift" in tables:
        subunits_file = shared["delverksamheter"].shown_as if "delverksamheter" in shared else ""
        problems += data_checks.budget_problems(
            tables["drift"],
            subunits,
            unit,
            subunits_file,
            drift_settings,
            params.forecast_date if params is not None else None,
        )
    problems += definition_checks.data_problems(definition, tables, folder, project.root)
    problems += custom_checks.custom_problems(project, definition, folder)
    required_texts = definition_checks.required_texts(definition, tables)
    problems += data_checks.narrative_problems(folder / "text", required_texts, project.root)
    problems += signoff_problems(project, year, unit, [s.id for s in definition.sections])
    return sorted_problems(problems)


def _load_tables(
    project: Project, folder: Path, specs: Iterable[TableSpec], optional: Iterable[str] = ()
) -> tuple[dict[str, LoadedTable], list[Problem]]:
    """Typed tables that could be read with all their columns; and every problem on the way.

    A table missing, unreadable or without a required column is left out of the result, so that
    rules comparing tables do not pile follow-up errors onto the one that matters. A table in
    ``optional`` may be missing without a problem.
    """
    tables: dict[str, LoadedTable] = {}
    problems: list[Problem] = []
    for spec in specs:
        files = table_files(folder, spec.stem)
        problems += second_file_problems(files, project.root)
        if not files:
            if spec.stem not in optional:
                problems += read_spec_table(folder, spec, project)[1]
            continue
        shown = display_path(files[0], project.root)
        try:
            readable_file(files[0], project.root)
            table = read_table(files[0], shown, spec.names)
        except DataError as exc:
            problems += exc.problems
            continue
        frame, found = typed_frame(spec, table)
        problems += found
        if all(c.name in table.columns or c.optional_column for c in spec.columns):
            tables[spec.stem] = LoadedTable(spec, frame, table.shown_as)
    return tables, problems


def _shared_rules(shared: dict[str, LoadedTable]) -> list[Problem]:
    problems: list[Problem] = []
    for table in shared.values():
        problems += data_checks.duplicate_keys(table)
        problems += data_checks.dangling_references(table, shared)
    return problems


def _unit_reference(
    project: Project, unit: str, shared: dict[str, LoadedTable], problems: list[Problem]
) -> list[str] | None:
    """The unit's sub-units from delverksamheter.csv (None if unreadable); flags unknown units."""
    units = shared.get("enheter")
    if units is not None and unit not in set(units.frame["enhet"]):
        problems.append(
            Problem(
                units.shown_as,
                f"enheten '{unit}' finns inte i listan över enheter",
                column="enhet",
                hint=f"lägg till en rad för '{unit}' (eller kör `workbook new-unit`), "
                "eller rätta enhetens id",
            )
        )
    subunits = shared.get("delverksamheter")
    if subunits is None:
        return None
    frame = subunits.frame
    return [str(name) for name in frame.loc[frame["enhet"] == unit, "delverksamhet"]]


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems by file, row and column, each once (shared files are checked per unit)."""
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (p.file, p.row or 0, p.column or "", p.message))


def selected_unit_years(
    project: Project, year: str | None, unit: str | None
) -> tuple[list[tuple[int, str]], list[Problem]]:
    """The unit-years to check, and problems with params files that are no valid unit id."""
    chosen_unit = check_unit(unit) if unit is not None else None
    years = [check_year(year)] if year is not None else available_years(project)
    if chosen_unit is not None and year is None:
        with_unit = [y for y in years if os.path.lexists(project.params_file(y, chosen_unit))]
        years = with_unit or years
    if not years:
        raise ParameterError(
            f"Det finns inga år att kontrollera: {display_path(project.params, project.root)}/ "
            "saknar mappar som 2016/. Skapa parametrar (se docs/data-format.md)."
            + project.emptiness_note()
        )
    selected: list[tuple[int, str]] = []
    problems: list[Problem] = []
    for each_year in years:
        if chosen_unit is not None:
            selected.append((each_year, chosen_unit))
            continue
        try:
            units = units_of_year(each_year, project)
        except DataError as exc:  # badly named params files: listed with the other problems
            problems += exc.problems
            units = [u for u in available_units(each_year, project) if _is_unit_id(u)]
        selected += [(each_year, name) for name in units]
    return selected, problems


def _is_unit_id(name: str) -> bool:
    try:
        check_unit(name)
    except ParameterError:
        return False
    return True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--year", type=year_argument, metavar="ÅR", help="år, t.ex. 2016 (utan: alla år)"
    )
    parser.add_argument("--unit", metavar="ENHET", help="enhetens id, t.ex. klk (utan: alla)")
    parser.add_argument(
        "--period", metavar="PERIOD", help="en period, t.ex. delar (utan: alla perioder)"
    )


def command(args: argparse.Namespace) -> int:
    """Check the selected unit-years of every period (or ``--period``'s), and each
    year-period's consolidated report; print every problem; 0 when clean, 2 (bad input, as from
    every command) otherwise."""
    from helpers.building.settings import check_build_settings
    from helpers.checks.kommun_checks import validate_consolidated
    from helpers.data.kolada_groups import read_groups
    from helpers.data.periods import undefined_period

    project = Project.current()
    check_build_settings()  # what build would refuse before reading any data
    # --unit kommun: the consolidated report of each year and period, as build --unit kommun
    only_consolidated = args.unit == CONSOLIDATED
    unit = None if only_consolidated else args.unit
    years = [check_year(args.year)] if args.year is not None else available_years(project)
    if not years:
        selected_unit_years(project, None, unit)  # raises: no years to check
    if args.period is not None:
        periods = [check_period(args.period)]
    else:
        periods = period_order({p for y in years for p in project.periods_of_year(y)}) or [YEAR_END]
        periods = periods_of_unit(project, years, unit, periods)
    problems: list[Problem] = []
    checked_names: list[str] = []
    problems += read_groups(project)[1]
    for year in years:
        problems += undefined_period(project, year)
    for period in periods:
        seen = project.for_period(period)
        in_period = [y for y in years if len(periods) == 1 or period in seen.periods_of_year(y)]
        if not in_period:
            continue
        if unit is not None and args.year is None:
            with_unit = [y for y in in_period if os.path.lexists(seen.params_file(y, unit))]
            in_period = with_unit or in_period
        for year in in_period:
            suffix = "" if seen.is_year_end else f" {period}"
            if only_consolidated:
                units_of_year(year, seen)  # raises, naming the year or period, when it has none
                problems += validate_consolidated(seen, int(year))
                checked_names.append(f"{CONSOLIDATED} {year}{suffix}")
                continue
            selected, found = selected_unit_years(seen, str(year), unit)
            problems += found
            for each_year, each_unit in selected:
                problems += validate_unit(seen, each_year, each_unit)
                checked_names.append(f"{each_unit} {each_year}{suffix}")
            if unit is None:
                problems += validate_consolidated(seen, int(year))
    problems = sorted_problems(problems)
    checked = ", ".join(checked_names)
    for problem in problems:
        print(problem)
    if problems:
        print(
            f"\n{len(problems)} fel i underlaget ({checked or 'inga enheter'}). Rätta dem och "
            "kör igen."
        )
        return 2
    print(f"Underlaget är i ordning ({checked}).")
    return 0
