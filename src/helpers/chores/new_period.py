"""``workbook new-period``: scaffold a period's reports from another period of the same year.

The operator's year: the delår reports are written first (``params/<år>/delar/``); after year
end, ``workbook new-period helar --from delar --year 2016`` scaffolds the year-end reports from
them. For every unit with params in the source period (or one ``--unit``):

- **params**: carried, with the period set (``period``/``periodslut`` removed for helår, where
  the cut-off is 31 December; ``--slut`` gives another period's), the title taken from the
  period (``--titel``, else the source's with its period word left for the analyst to change;
  an empty ``--titel`` is refused) and ``diarienummer`` emptied (a case number belongs to one
  report: the command lists it to fill in, with the source's for reference); ``prognosdatum``
  set to the new ``periodslut`` (helår keeps the source's forecast date; listed to fill in);
  ``påhittad`` not carried (the command says so);
- **tables**: carried as they are — goals, activities, indicators, key figures, and the unit's
  own tables of custom sections with their schemas — except that
  goal assessments are cleared (the year's assessment is made anew; until then the report says
  so) and the operating statement keeps budget and forecast but empties ``utfall``, which the
  new period must fill in;
- **texts**: every narrative file is carried to be revised, with one line at the top that begins
  ``PLACEHOLDER_MARK`` (``Text saknas – skriv här``), so the report lists it among the drafts
  until the analyst has revised it and removed the line.

Everything is prepared in memory first and written with exclusive create, all or nothing
(``new_year.write_planned``): a target period that exists is never overwritten, a failed write
leaves nothing behind, and the source period is only read.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path

from helpers.building.arguments import period_argument, year_argument
from helpers.chores.new_unit import PLACEHOLDER_MARK, csv_text
from helpers.chores.new_year import (
    check_source,
    checked_end,
    forecast_at_cut_off,
    heading_moved,
    note_carried,
    period_name,
    print_written,
    refuse_taken,
    unit_files,
    write_planned,
)
from helpers.core.errors import ParameterError, display_path
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
from helpers.core.text_norm import control_character
from helpers.core.yaml_text import dump_yaml
from helpers.data.params import read_params_file, units_of_year
from helpers.data.periods import check_defined_period
from helpers.data.readers import find_table, read_table

ASSESSMENT_COLUMNS = ("mal_id", "bedömning", "motivering")  # bedomningar.csv (docs/data-format.md)

REVISE_LINE = (
    f"> {PLACEHOLDER_MARK}: den här texten är kopierad från perioden {{source}} — uppdatera den "
    "till perioden {target} och ta sedan bort den här raden."
)


# How the command is told the period it creates: its first argument (for checked_end's message).
PERIOD_GIVEN = "som kommandots första argument (`workbook new-period PERIOD --from …`)"


@dataclass
class UnitPeriod:
    """What ``new_period`` created for one unit (or the consolidated report's own data)."""

    unit: str
    created: list[Path] = field(default_factory=list)
    to_revise: list[Path] = field(default_factory=list)
    # Values the new period's report must have that nothing can carry (the diarienummer).
    to_fill: list[str] = field(default_factory=list)
    # The target had this folder already (the consolidated report's data): left as it is.
    kept: bool = False
    notes: list[str] = field(default_factory=list)


def checked_title(title: str | None, year: int) -> str | None:
    """``--titel`` as the params file will hold it: None when not given; stripped otherwise.

    Raises ``ParameterError`` for a title that is empty or blank (a report needs one: the
    source's is kept only when ``--titel`` is left out) or that holds a line break or another
    character a title may not (``params_problems`` would refuse the file)."""
    if title is None:
        return None
    text = title.strip()
    example = f"--titel 'Årsredovisning {year}'"
    if not text:
        raise ParameterError(
            f"--titel är tom: en rapport behöver en titel. Skriv titeln, t.ex. {example}, eller "
            "utelämna --titel för att behålla titeln från perioden du utgår från (och ändra den "
            "i params-filen). Inget har skrivits."
        )
    control = control_character(text, one_line=True)
    if control is not None:
        raise ParameterError(
            f"--titel ska stå på en rad men innehåller tecknet {control[1]}: skriv titeln på en "
            f"rad utan radbrytningar och styrtecken, t.ex. {example}. Inget har skrivits."
        )
    return text


def next_params(
    raw: dict, target: Project, end: str | None, title: str | None
) -> dict[str, object]:
    """The params mapping for the target period: its ``period`` and ``periodslut`` (none for
    helår), ``title`` when given (else the source's), ``diarienummer`` emptied where there was
    one (each report is its own case: ``diary_note`` says what to write there), ``påhittad``
    left out (the new report's data is the analyst's to fill in: ``invented_note`` says so).
    ``prognosdatum`` is set by ``forecast_at_cut_off``."""
    params = {k: v for k, v in raw.items() if k not in ("period", "periodslut", "påhittad")}
    if not target.is_year_end:
        params["period"] = target.period
        if end:
            params["periodslut"] = end
    if title:
        params["titel"] = title
    if "diarienummer" in raw:  # the source period's case number is not this report's
        params["diarienummer"] = ""
    return params


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
    required and ``ÅÅÅÅ-MM-DD`` in ``year`` but for helår), an empty ``title``
    (``checked_title``), a source with nothing to start from (``check_source``, naming what
    exists), or a target that exists; ``DataError`` when the source period's data is not valid.
    """
    from helpers.chores.custom_scaffold import scaffold_custom_tables  # pandas: not for `--help`
    from helpers.data.unit_data import load_unit, read_text_file

    base = project or Project.current()
    year = check_year(year)
    source_project = base.for_period(check_period(source))
    target_project = base.for_period(check_period(target))
    if source == target:
        others = [p for p in base.periods_of_year(year) if p != target]
        example = f", t.ex. --from {others[0]}" if others else ""
        raise ParameterError(
            f"Perioden du skapar och perioden du utgår från (--from) är samma ({target}): ange "
            f"en annan period att utgå från med --from{example}."
        )
    check_defined_period(base, target)  # first: an unknown period needs no --slut
    end = checked_end(end, year, target_project, PERIOD_GIVEN)
    title = checked_title(title, year)
    check_source(
        source_project, year, check_unit(unit) if unit else None, year_option="--year",
        period_option="--from", new_unit_year=year, creating=target,
    )  # fmt: skip
    units = [check_unit(unit)] if unit else units_of_year(year, source_project)
    refuse_taken(unit_files(target_project, year, units), base.root, "Perioden", "new-period")
    planned: list[tuple[UnitPeriod, dict[Path, str]]] = []
    for u in units:
        load_unit(year, u, source_project)  # the source must be valid
        files: dict[Path, str] = {}
        params_path = source_project.params_file(year, u)
        raw = read_params_file(params_path, display_path(params_path, base.root), base.root)
        target_params = target_project.params_file(year, u)
        shown = display_path(target_params, base.root)
        params = next_params(raw, target_project, end, title)
        result = UnitPeriod(u)
        source_name, target_name = (
            f"{period_name(base, source)} {year}",
            f"{period_name(base, target)} {year}",
        )
        forecast = forecast_at_cut_off(params, raw.get("prognosdatum"), end, source_name, shown)
        files[target_params] = dump_yaml(params)
        source_folder = source_project.unit_data(year, u)
        folder = target_project.unit_data(year, u)
        note_carried(result, raw, source_name, target_name, shown, forecast)
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
            line = REVISE_LINE.format(
                source=period_name(base, source), target=period_name(base, target)
            )
            relative = path.relative_to(text_folder)
            files[folder / "text" / relative] = with_revise_line(text, line)
            result.to_revise.append(folder / "text" / relative)
        planned.append((result, files))
    if unit is None:  # the whole period: the consolidated report's own data comes along
        kommun = kommun_files(
            base, source_project.unit_data(year, CONSOLIDATED),
            target_project.unit_data(year, CONSOLIDATED),
            period_name(base, source), period_name(base, target),
        )  # fmt: skip
        if kommun is not None:
            planned.append(kommun)
    return write_planned(planned)


def kommun_files(
    base: Project, source_folder: Path, folder: Path, source: str, target: str, delta: int = 0
) -> tuple[UnitPeriod, dict[Path, str]] | None:
    """The consolidated report's own data for a new report (``data/<år>/[<period>/]kommun/``,
    ``folder``) from another report's (``source_folder``): its assessments with ``bedömning``
    and ``motivering`` emptied (the assessment is made anew, as the units' goals'), its texts
    with the revise line (``source`` and ``target`` name the two reports as a reader would:
    ``Delår``, ``Helår 2016``) and, for a new year, the years of their heading moved ``delta``
    years. None when the source has none; no files (``kept``) when the target has its own
    already (never overwritten, and the command says so). Used by new-period and new-year."""
    from helpers.data.unit_data import read_text_file
    from helpers.parts.kommun_data import ASSESSMENTS_STEM

    if not source_folder.is_dir():
        return None
    if os.path.lexists(folder):
        return UnitPeriod(CONSOLIDATED, kept=True), {}
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
    line = REVISE_LINE.format(source=source, target=target)
    for text_path in input_files(text_folder, base.root, suffix=".md"):
        text = read_text_file(text_path, display_path(text_path, base.root), base.root)
        relative = text_path.relative_to(text_folder)
        files[folder / "text" / relative] = with_revise_line(
            heading_moved(text, delta) if delta else text, line
        )
        result.to_revise.append(folder / "text" / relative)
    return result, files


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "period",
        type=period_argument,
        metavar="PERIOD",
        help=f"perioden att skapa, t.ex. {YEAR_END}",
    )
    parser.add_argument(
        "--from",
        dest="source",
        type=period_argument,
        required=True,
        metavar="PERIOD",
        help="perioden att utgå från, t.ex. delar",
    )
    parser.add_argument(
        "--year", type=year_argument, required=True, metavar="ÅR", help="året, t.ex. 2016"
    )
    parser.add_argument("--unit", help="en enhet (utan: alla enheter med params för perioden)")
    parser.add_argument("--slut", metavar="ÅÅÅÅ-MM-DD", help="periodens slutdatum (inte helår)")
    parser.add_argument(
        "--titel",
        help="rapporternas titel, t.ex. 'Årsredovisning 2016' (utan: titeln från perioden du "
        "utgår från; tom går inte)",
    )


def command(args: argparse.Namespace) -> int:
    from helpers.building.validate import validate_unit
    from helpers.parts.kommun_data import ASSESSMENTS_STEM

    project = Project.current()
    results = new_period(
        args.year, args.period, args.source, args.unit, project, end=args.slut, title=args.titel
    )
    target = project.for_period(args.period)
    for result in results:
        if not print_written(result, target.unit_data(args.year, result.unit), project.root):
            continue
        if result.unit == CONSOLIDATED:
            print(f"  Att fylla i: kommunens bedömningar i {ASSESSMENTS_STEM}.csv.")
        else:
            print(
                "  Att fylla i: utfall i drift.csv, bedömning i mal.csv, status i aktiviteter.csv,"
            )
            what = "rubriker" if args.titel is not None else "titel och rubriker"
            print(f"  periodens värden för indikatorer och nyckeltal; {what} i params.")
        for item in result.to_fill:
            print(f"  Att fylla i: {item}")
        for note in result.notes:
            print(f"  Obs: {note}")
        count = len(result.to_revise)
        print(f"  Texter att se över ({count} st, rader med '{PLACEHOLDER_MARK}'):")
        for path in result.to_revise:
            print(f"    {display_path(path, project.root)}")
        if result.unit == CONSOLIDATED:
            continue
        for problem in validate_unit(target, args.year, result.unit):
            print(f"  Kontroll: {problem}")
    print(f"Bygg utkastet med: workbook build --year {args.year} --period {args.period}")
    return 0
