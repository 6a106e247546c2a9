"""``workbook validate``: every problem in the data, before any section runs.

``validate_unit`` checks one unit-year; ``reports_problems`` is the one list of several reports'
problems (and their years' project-wide ones), sorted by file and row, each once: what
``command`` prints, what ``workbook build`` refuses with, what ``workbook status`` counts for
its exit status and ``workbook klar`` refuses to mark a section ready over.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from helpers.building.arguments import period_argument, year_argument
from helpers.core.errors import DataError, ParameterError, Problem, WorkbookError, display_path
from helpers.core.paths import (
    CONSOLIDATED,
    YEAR_END,
    Project,
    check_period,
    check_unit,
    check_year,
    period_order,
    periods_of_unit,
    read_input,
    readable_file,
)
from helpers.core.schema import SHARED_TABLES, TableSpec, unit_specs
from helpers.core.yaml_text import with_lines
from helpers.data.definition import read_definition
from helpers.data.params import (
    available_units,
    available_years,
    create_unit_command,
    read_report_params,
    units_of_year,
)
from helpers.data.readers import decode_text, second_file_problems, table_files
from helpers.data.signoff import signoff_problems

if TYPE_CHECKING:  # the checks import pandas: only a validation pays for it, not `--help`
    from helpers.checks.data_checks import LoadedTable


def validate_unit(project: Project, year: int, unit: str) -> list[Problem]:
    """Every problem found in one unit-year's params, report definition and data, sorted; empty
    when it is clean.

    Raises ``ParameterError`` only when ``year`` or ``unit`` is not a valid id (e.g. ``../x``);
    everything wrong in the files comes back as problems. Only the tables and texts of the
    sections the unit's report has are required and checked.
    """
    from helpers.checks import custom_checks, data_checks, definition_checks

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
        return sorted_problems(problems, project)
    if definition is None:  # without the vocabularies and sections the data cannot be judged
        return sorted_problems(problems, project)
    if not os.path.lexists(project.params_file(year, unit)):
        return sorted_problems(problems, project)  # no such report: its data would only be measured
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
        problems += data_checks.formula_text_problems(table)
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
    problems = in_file_order(problems, [*shared.values(), *tables.values()])
    return sorted_problems(problems, project)


def _load_tables(
    project: Project, folder: Path, specs: Iterable[TableSpec], optional: Iterable[str] = ()
) -> tuple[dict[str, LoadedTable], list[Problem]]:
    """Typed tables that could be read with all their columns; and every problem on the way.

    A table missing, unreadable, without a required column or with an unknown one (a misspelt
    ``överordnad`` would make every sub-unit look unlisted) is left out of the result, so that
    rules comparing tables do not pile follow-up errors onto the one that matters. A table in
    ``optional`` may be missing without a problem.
    """
    from helpers.checks.data_checks import LoadedTable
    from helpers.data.unit_data import read_spec_table, read_typed, unknown_names

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
        except DataError as exc:
            problems += exc.problems
            continue
        typed = read_typed(files[0], shown, spec)  # the loader's reading, once per content
        problems += typed.problems
        if typed.columns is None:  # unreadable: its problems say why
            continue
        complete = all(c.name in typed.columns or c.optional_column for c in spec.columns)
        if complete and not unknown_names(spec, typed.columns):  # a misspelt column: values lost
            tables[spec.stem] = LoadedTable.of(spec, typed)
    return tables, problems


def _shared_rules(shared: dict[str, LoadedTable]) -> list[Problem]:
    from helpers.checks import data_checks

    problems: list[Problem] = []
    for table in shared.values():
        problems += data_checks.duplicate_keys(table)
        problems += data_checks.dangling_references(table, shared)
        problems += data_checks.formula_text_problems(table)
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


def in_file_order(problems: list[Problem], tables: Iterable[LoadedTable]) -> list[Problem]:
    """``problems`` with the place of their column in its file's header (``Problem.place``),
    for each problem about a column of one of ``tables``: ``sorted_problems`` then lists a
    row's problems in the file's column order (``utfall_fg_år, utfall, budget, prognos``), as
    the analyst reads it, whichever list the problems are sorted into later."""
    from helpers.data.unit_data import FILE_ORDER

    places = {
        table.shown_as: {name: i for i, name in enumerate(table.frame.attrs.get(FILE_ORDER, ()))}
        for table in tables
    }
    placed = []
    for problem in problems:
        place = places.get(problem.file, {}).get(problem.column or "")
        placed.append(problem if place is None else replace(problem, place=place))
    return placed


def sorted_problems(problems: Iterable[Problem], project: Project | None = None) -> list[Problem]:
    """Problems by file, row and column, each once (shared files are checked per unit); with
    ``project``, each about a key of a YAML file with the line of its value (``yaml_lines``).

    A row's columns come in the file's order where the problem knows its place
    (``in_file_order``), before them any without (the whole row's, then by name)."""
    unique = list(dict.fromkeys(problems))
    if project is not None:
        unique = list(dict.fromkeys(yaml_lines(project, unique)))
    return sorted(unique, key=_order)


def _order(problem: Problem) -> tuple[str, int, int, str, str]:
    place = -1 if problem.place is None else problem.place
    return problem.file, problem.row or 0, place, problem.column or "", problem.message


def yaml_lines(project: Project, problems: list[Problem]) -> list[Problem]:
    """Every problem that names a key of one of the project's YAML files (``column``:
    ``prognosdatum``, ``perioder.delar.namn``) but no line, with the line of that key
    (``yaml_text.with_lines``), whichever check found it: what validate prints names file, line
    and key. A file that cannot be read leaves its problems as they are (its own problem says
    why)."""
    files = {
        p.file
        for p in problems
        if p.row is None and p.column and p.file.lower().endswith((".yaml", ".yml"))
    }
    for shown in sorted(files):
        try:
            text = decode_text(read_input(project.root / shown, project.root), shown, table=False)
        except (WorkbookError, OSError):
            continue
        problems = with_lines(problems, text, shown)
    return problems


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
        "--period",
        type=period_argument,
        metavar="PERIOD",
        help="en period, t.ex. delar (utan: alla perioder)",
    )


def project_problems(project: Project, years: Iterable[int]) -> list[Problem]:
    """What is wrong for every report of ``years`` at once: the comparison groups
    (``jämförelsegrupper:``), the Kolada mapping ``data/kolada.csv`` (whose comparisons the
    reports name) and period folders of ``params/<år>/`` that ``perioder:`` does not name. Part
    of every check: ``validate``, ``build``, ``status`` and ``klar``."""
    from helpers.data.kolada_groups import mapping_problems, read_groups
    from helpers.data.periods import undefined_period

    problems = list(read_groups(project)[1]) + mapping_problems(project)
    for year in years:
        problems += undefined_period(project, year)
    return problems


def report_problems(project: Project, year: int, unit: str) -> list[Problem]:
    """One report's problems in the project's period: a unit's (``validate_unit``) or, for
    ``kommun``, the consolidated report's."""
    if unit == CONSOLIDATED:
        from helpers.checks.kommun_checks import validate_consolidated

        return validate_consolidated(project, year)
    return validate_unit(project, year, unit)


ReportKey = tuple[str, int, str]  # (period, year, unit): ``UnitPlan.key``


def reports_problems(
    project: Project, reports: Iterable[ReportKey], years: Iterable[int]
) -> list[Problem]:
    """Every problem of ``reports`` and of their ``years`` (``project_problems``), sorted by
    file, row and column and each once: the one list ``validate`` prints and ``build`` refuses
    with, so both name the same problems in the same order. The consolidated report is built
    from every unit's data, so its problems include each unit's of that year and period: a
    kommun report is not passed (or signed off with ``klar``) while a unit's data would fail
    its build."""
    return reports_problems_each(project, reports, years)[0]


def reports_problems_each(
    project: Project, reports: Iterable[ReportKey], years: Iterable[int]
) -> tuple[list[Problem], dict[ReportKey, list[Problem]]]:
    """``reports_problems``'s list, and beside it each report's own problems (its unit's; the
    consolidated report's: its own and every unit's of its year and period; not the problems of
    files every report reads, which are only in the list)."""
    problems = project_problems(project, years)
    found: dict[ReportKey, list[Problem]] = {}
    each: dict[ReportKey, list[Problem]] = {}

    def problems_of(key: ReportKey) -> list[Problem]:
        if key not in found:  # a unit is checked once, however many reports read it
            period, year, unit = key
            found[key] = report_problems(project.for_period(period), year, unit)
        return found[key]

    for key in reports:
        own = list(problems_of(key))
        period, year, unit = key
        if unit == CONSOLIDATED:  # built from every unit's data: their problems are its own
            try:
                units = units_of_year(year, project.for_period(period))
            except WorkbookError:
                units = []  # no unit this year or period: the consolidated check says so
            for other in units:
                own += problems_of((period, year, other))
        each[key] = own
        problems += own
    return sorted_problems(problems, project), each


def selected_reports(
    project: Project,
    years: list[int],
    unit: str | None,
    periods: list[str],
    *,
    consolidated: bool = True,
) -> tuple[list[ReportKey], list[Problem]]:
    """The reports a check of ``years`` × ``periods`` covers (``unit``: that unit's, ``kommun``:
    only the consolidated reports; ``consolidated``: without a unit, each year-period's
    consolidated report too), and the problems found while choosing them (params files that
    are no valid unit id). With several periods, a year without a period is passed over; with a
    unit, so are the years without its params (unless none has them: then the missing file is
    reported). Raises ``ParameterError`` when a year or period has no params at all."""
    only_consolidated = unit == CONSOLIDATED
    unit = None if only_consolidated else unit
    if unit is not None:
        _refuse_a_misspelt_unit(project, years, unit, periods)
    reports: list[ReportKey] = []
    problems: list[Problem] = []
    for period in periods:
        seen = project.for_period(period)
        in_period = [y for y in years if len(periods) == 1 or period in seen.periods_of_year(y)]
        if unit is not None:
            with_unit = [y for y in in_period if os.path.lexists(seen.params_file(y, unit))]
            in_period = with_unit or in_period
        for year in in_period:
            if only_consolidated:
                units_of_year(year, seen)  # raises, naming the year or period, when it has none
                reports.append((period, year, CONSOLIDATED))
                continue
            selected, found = selected_unit_years(seen, str(year), unit)
            problems += found
            reports += [(period, each_year, each_unit) for each_year, each_unit in selected]
            if unit is None and consolidated:
                reports.append((period, year, CONSOLIDATED))
    return reports, problems


def _refuse_a_misspelt_unit(
    project: Project, years: list[int], unit: str, periods: list[str]
) -> None:
    """``ParameterError`` asking "menade du …?" (``params.missing_unit_message``) when ``unit``
    has params in none of ``periods`` × ``years`` and is close to a unit that has: a slip of
    the keyboard is answered as ``build``, ``status`` and ``klar`` answer it, not with the
    problems of a unit that does not exist."""
    from helpers.data.params import missing_unit_message, unit_guess

    for period in periods:
        seen = project.for_period(period)
        if any(os.path.lexists(seen.params_file(y, unit)) for y in years):
            return
    seen = project.for_period(periods[0]) if periods else project
    if unit_guess(seen, years, unit) is not None:
        raise ParameterError(missing_unit_message(seen, years, unit))


def selection_problems(
    project: Project,
    years: list[int],
    unit: str | None,
    periods: list[str],
    *,
    consolidated: bool = True,
) -> tuple[list[Problem], list[ReportKey]]:
    """Every problem of the reports ``selected_reports`` chooses, as ``reports_problems``
    sorts them; and those reports."""
    reports, found = selected_reports(project, years, unit, periods, consolidated=consolidated)
    return sorted_problems(found + reports_problems(project, reports, years), project), reports


def command_periods(
    project: Project, years: list[int], unit: str | None, period: str | None
) -> list[str]:
    """The periods a command checks or builds: ``--period``'s, else every period the years have
    params for (helår when none), narrowed to those ``unit`` has (``periods_of_unit``)."""
    if period is not None:
        return [check_period(period)]
    periods = period_order({p for y in years for p in project.periods_of_year(y)}) or [YEAR_END]
    return periods_of_unit(project, years, unit, periods)


def command(args: argparse.Namespace) -> int:
    """Check the selected unit-years of every period (or ``--period``'s), and each
    year-period's consolidated report; print every problem; 0 when clean, 2 (bad input, as from
    every command) otherwise."""
    from helpers.building.settings import check_build_settings

    project = Project.current()
    check_build_settings()  # what build would refuse before reading any data
    # --unit kommun: the consolidated report of each year and period, as build --unit kommun
    only_consolidated = args.unit == CONSOLIDATED
    years = [check_year(args.year)] if args.year is not None else available_years(project)
    if not years:
        selected_unit_years(project, None, args.unit)  # raises: no years to check
    periods = command_periods(project, years, None if only_consolidated else args.unit, args.period)
    problems, reports = selection_problems(project, years, args.unit, periods)
    checked = ", ".join(
        f"{unit} {year}" + ("" if period == YEAR_END else f" {period}")
        for period, year, unit in reports
        if unit != CONSOLIDATED or only_consolidated
    )
    if args.unit is None:  # a unit of data/enheter.csv without params: checked by no one
        from helpers.data.params import unreported_notices

        for notice in unreported_notices(project, years):
            print(notice)
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
