"""``workbook new-period``: scaffold a period's reports from another period of the same year.

The operator's year: the delår reports are written first (``params/<år>/delar/``); after year
end, ``workbook new-period helar --from delar --year 2016`` scaffolds the year-end reports from
them. For every unit with params in the source period (or one ``--unit``):

- **params**: carried, with the period set (``period``/``periodslut`` removed for helår, where
  the cut-off is 31 December; ``--slut`` gives another period's) and the title taken from the
  period (``--titel``, else the source's with its period word left for the analyst to change);
- **tables**: carried as they are — goals, activities, indicators, key figures, and the unit's
  own tables of custom sections with their schemas — except that
  goal assessments are cleared (the year's assessment is made anew; until then the report says
  so) and the operating statement keeps budget and forecast but empties ``utfall``, which the
  new period must fill in;
- **texts**: every narrative file is carried to be revised, with one line at the top that begins
  ``PLACEHOLDER_MARK`` (``Text saknas – skriv här``), so the report lists it among the drafts
  until the analyst has revised it and removed the line.

Everything is prepared in memory first and written with exclusive create: a target period that
exists is never overwritten, and the source period is only read.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path

from helpers.building.arguments import year_argument
from helpers.chores.new_unit import PLACEHOLDER_MARK, csv_text
from helpers.chores.new_year import checked_end, refuse_taken, unit_files, write_planned
from helpers.core.errors import ParameterError, counted, display_path
from helpers.core.paths import (
    CONSOLIDATED,
    YEAR_END,
    Project,
    check_period,
    check_unit,
    check_year,
    input_files,
)
from helpers.core.schema import SPECS
from helpers.core.yaml_text import dump_yaml
from helpers.data.params import read_params_file, units_of_year
from helpers.data.periods import check_defined_period, period_spec
from helpers.data.readers import find_table, read_table

ASSESSMENT_COLUMNS = ("mal_id", "bedömning", "motivering")  # bedomningar.csv (docs/data-format.md)

REVISE_LINE = (
    f"> {PLACEHOLDER_MARK}: den här texten är kopierad från perioden {{source}} — uppdatera den "
    "till perioden {target} och ta sedan bort den här raden."
)


@dataclass
class UnitPeriod:
    unit: str
    created: list[Path] = field(default_factory=list)
    to_revise: list[Path] = field(default_factory=list)


def next_params(
    raw: dict, target: Project, end: str | None, title: str | None
) -> dict[str, object]:
    params = {k: v for k, v in raw.items() if k not in ("period", "periodslut", "påhittad")}
    if not target.is_year_end:
        params["period"] = target.period
        if end:
            params["periodslut"] = end
    if title:
        params["titel"] = title
    if raw.get("påhittad"):
        params["påhittad"] = raw["påhittad"]
    return params


def _named(project: Project, period: str) -> str:
    """A period as readers call it (``perioder:``'s ``namn``, e.g. Helår), not its id."""
    return period_spec(project, period).name


def with_revise_line(text: str, line: str) -> str:
    """The text with ``line`` first — under its ``#`` heading (kept exactly as written), which
    stays the section's heading."""
    from helpers.parts.narrative import split_heading  # markdown-it: not for `--help`

    heading, _ = split_heading(text)
    if heading is None:
        return f"{line}\n\n{text}"
    first, _, rest = text.lstrip("\ufeff\n ").partition("\n")
    return f"{first}\n\n{line}\n\n{rest.lstrip(chr(10))}"


def carried_rows(stem: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    if stem == "mal":
        return [{**row, "bedömning": ""} for row in rows]
    if stem == "drift":
        return [{**row, "utfall": ""} for row in rows]
    return [dict(row) for row in rows]


def new_period(
    year: int,
    target: str,
    source: str,
    unit: str | None = None,
    project: Project | None = None,
    *,
    end: str | None = None,
    title: str | None = None,
) -> list[UnitPeriod]:
    """Scaffold period ``target`` of ``year`` from period ``source``; see the module docstring.

    Raises ``ParameterError`` for a bad, unknown or equal period, a bad ``end`` (``checked_end``:
    required and ``ÅÅÅÅ-MM-DD`` in ``year`` but for helår), or a target that exists;
    ``DataError`` when the source period's data is not valid.
    """
    from helpers.chores.custom_scaffold import scaffold_custom_tables  # pandas: not for `--help`
    from helpers.data.unit_data import load_unit, read_text_file

    base = project or Project.current()
    year = check_year(year)
    source_project = base.for_period(check_period(source))
    target_project = base.for_period(check_period(target))
    if source == target:
        raise ParameterError("Perioden du skapar och perioden du utgår från är samma.")
    check_defined_period(base, target)  # first: an unknown period needs no --slut
    end = checked_end(end, year, target_project)
    units = [check_unit(unit)] if unit else units_of_year(year, source_project)
    refuse_taken(unit_files(target_project, year, units), base.root, "Perioden", "new-period")
    planned: list[tuple[UnitPeriod, dict[Path, str]]] = []
    for u in units:
        load_unit(year, u, source_project)  # the source must be valid
        files: dict[Path, str] = {}
        params_path = source_project.params_file(year, u)
        raw = read_params_file(params_path, display_path(params_path, base.root), base.root)
        files[target_project.params_file(year, u)] = dump_yaml(
            next_params(raw, target_project, end, title)
        )
        source_folder = source_project.unit_data(year, u)
        folder = target_project.unit_data(year, u)
        result = UnitPeriod(u)
        for stem in SPECS:
            path = find_table(source_folder, stem)
            if path is None:
                continue
            table = read_table(path, display_path(path, base.root), SPECS[stem].names)
            columns = [c for c in table.columns if c]
            files[folder / f"{stem}.csv"] = csv_text(
                columns, carried_rows(stem, table.rows), like=table
            )
        own = scaffold_custom_tables(source_project, u, year, keep_values=True)
        for name, text in own.items():
            files[folder / name] = text
        text_folder = source_folder / "text"
        for path in input_files(text_folder, base.root, suffix=".md"):
            text = read_text_file(path, display_path(path, base.root), base.root)
            line = REVISE_LINE.format(source=_named(base, source), target=_named(base, target))
            relative = path.relative_to(text_folder)
            files[folder / "text" / relative] = with_revise_line(text, line)
            result.to_revise.append(folder / "text" / relative)
        planned.append((result, files))
    if unit is None:  # the whole period: the consolidated report's own data comes along
        kommun = _kommun_files(base, year, source_project, target_project, source, target)
        if kommun is not None:
            planned.append(kommun)
    return write_planned(planned)


def _kommun_files(
    base: Project, year: int, source_project: Project, target_project: Project, source: str,
    target: str,
) -> tuple[UnitPeriod, dict[Path, str]] | None:  # fmt: skip
    """The consolidated report's own data for the new period (``data/<år>/[<period>/]kommun/``),
    from the source period's: its assessments with ``bedömning`` and ``motivering`` emptied (the
    period's assessment is made anew, as the units' goals'), its texts with the revise line.
    None when the source has none, or the target has its own already (never overwritten)."""
    from helpers.data.unit_data import read_text_file
    from helpers.parts.kommun_data import ASSESSMENTS_STEM

    source_folder = source_project.unit_data(year, CONSOLIDATED)
    folder = target_project.unit_data(year, CONSOLIDATED)
    if not source_folder.is_dir() or os.path.lexists(folder):
        return None
    result = UnitPeriod(CONSOLIDATED)
    files: dict[Path, str] = {}
    path = find_table(source_folder, ASSESSMENTS_STEM)
    if path is not None:
        table = read_table(path, display_path(path, base.root), ASSESSMENT_COLUMNS)
        rows = [{**row, "bedömning": "", "motivering": ""} for row in table.rows]
        files[folder / f"{ASSESSMENTS_STEM}.csv"] = csv_text(
            [c for c in table.columns if c], rows, like=table
        )
    text_folder = source_folder / "text"
    line = REVISE_LINE.format(source=_named(base, source), target=_named(base, target))
    for text_path in input_files(text_folder, base.root, suffix=".md"):
        text = read_text_file(text_path, display_path(text_path, base.root), base.root)
        relative = text_path.relative_to(text_folder)
        files[folder / "text" / relative] = with_revise_line(text, line)
        result.to_revise.append(folder / "text" / relative)
    return result, files


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("period", metavar="PERIOD", help=f"perioden att skapa, t.ex. {YEAR_END}")
    parser.add_argument(
        "--from", dest="source", required=True, metavar="PERIOD", help="t.ex. delar"
    )
    parser.add_argument("--year", type=year_argument, required=True, metavar="ÅR")
    parser.add_argument("--unit", help="en enhet (utan: alla enheter med params för perioden)")
    parser.add_argument("--slut", metavar="ÅÅÅÅ-MM-DD", help="periodens slutdatum (inte helår)")
    parser.add_argument("--titel", help="rapporternas titel, t.ex. 'Årsredovisning 2016'")


def command(args: argparse.Namespace) -> int:
    from helpers.building.validate import validate_unit
    from helpers.parts.kommun_data import ASSESSMENTS_STEM

    project = Project.current()
    results = new_period(
        args.year, args.period, args.source, args.unit, project, end=args.slut, title=args.titel
    )
    target = project.for_period(args.period)
    for result in results:
        folder = display_path(target.unit_data(args.year, result.unit), project.root)
        print(f"{result.unit}: {folder}/ ({counted(len(result.created), 'fil', 'filer')}).")
        count = len(result.to_revise)
        revise = f"  Texter att se över ({count} st, rader med '{PLACEHOLDER_MARK}')."
        if result.unit == CONSOLIDATED:
            print(f"  Att fylla i: kommunens bedömningar i {ASSESSMENTS_STEM}.csv.")
            print(revise)
            continue
        print("  Att fylla i: utfall i drift.csv, bedömning i mal.csv, status i aktiviteter.csv,")
        print("  periodens värden för indikatorer och nyckeltal; titel och rubriker i params.")
        print(revise)
        for problem in validate_unit(target, args.year, result.unit):
            print(f"  Kontroll: {problem}")
    print(f"Bygg utkastet med: workbook build --year {args.year} --period {args.period}")
    return 0
