"""``workbook new-year``: scaffold next year's params and data from a year that exists.

For every unit with params in the source year (or one ``--unit``): the tables its report's
sections use are carried over — goals and activity plans (assessments cleared, statuses reset to
the definition's first status, end dates kept for review), indicator and key-figure histories
with an empty cell for the new year, the operating statement with its amounts emptied. Every
carried value keeps its real period: last year's ``utfall`` becomes ``utfall_fg_år`` only when
the new year follows the source year directly; across a gap (``2019 --from 2016``) the previous
year's outcome is unknown, so the column is left empty and the command says so. The sections'
texts are carried with the years of their heading moved, except those the definition marks
``ny_varje_år``, which get a short Swedish instruction (see
``helpers.chores.new_unit.PLACEHOLDER_MARK``) under the moved heading. Without ``--unit`` the
consolidated report's own data (``data/<år>[/<period>]/kommun/``) comes along as new-period
carries it. ``påhittad`` is not carried (the new year's data is the analyst's; the command says
so); ``prognosdatum`` moves a year with ``periodslut``, or becomes a new cut-off before it.
The source year is only read. A target year that exists is never overwritten, and the writes are
all or nothing: a failed write removes every file and folder the command created.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from helpers.building.arguments import period_argument, year_argument
from helpers.chores.new_unit import (
    ITEM_TEMPLATES,
    PLACEHOLDER_MARK,
    all_or_nothing,
    csv_text,
    section_template,
    template_text,
    write_new,
)
from helpers.core.errors import ParameterError, Problem, counted, display_path
from helpers.core.paths import (
    CONSOLIDATED,
    YEAR_END,
    Project,
    check_unit,
    check_year,
    readable_file,
)
from helpers.core.schema import BUDGET_AMOUNT_COLUMNS, SPECS
from helpers.core.yaml_text import dump_yaml
from helpers.data.cell_values import formula_problem, looks_like_formula
from helpers.data.params import (
    available_years,
    checked_period_end,
    create_unit_command,
    marked_invented,
    read_params_file,
    units_of_year,
)
from helpers.data.periods import check_defined_period, period_spec
from helpers.data.readers import Table, find_table, read_table

if TYPE_CHECKING:  # pandas and markdown-it: imported where used, not for `--help`
    from helpers.data.unit_data import UnitData

_YEAR = re.compile(r"\b(19[9]\d|20\d\d)\b")


class _Created(Protocol):
    created: list[Path]


Planned = TypeVar("Planned", bound=_Created)  # a chore's result per unit (UnitYear, UnitPeriod)


class _Reported(Protocol):
    """What a chore's output reads of its result per unit (``UnitYear``, ``UnitPeriod``)."""

    unit: str
    created: list[Path]
    notes: list[str]
    to_fill: list[str]
    kept: bool


@dataclass
class UnitYear:
    """What ``new_year`` created for one unit, and what the analyst must know about it."""

    unit: str
    created: list[Path] = field(default_factory=list)
    to_write: list[Path] = field(default_factory=list)
    # Copied text cells that Excel would run as a formula (kept as written, see formula_cells).
    formulas: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Values the new year must have that nothing can carry (last year's diarienummer).
    to_fill: list[str] = field(default_factory=list)
    # The new year had this folder already (the consolidated report's data): left as it is.
    kept: bool = False


def shift_years(text: str, delta: int) -> str:
    """Every year in ``text`` moved by ``delta`` (``Plan 2016 utifrån 2015`` → 2017, 2016)."""
    return _YEAR.sub(lambda m: str(int(m.group(1)) + delta), text)


def next_date(value: Any, delta: int) -> dt.date | None:
    """A date moved ``delta`` years (29 February becomes 28 February)."""
    if value is None or value == "":
        return None
    date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    try:
        return date.replace(year=date.year + delta)
    except ValueError:
        return date.replace(year=date.year + delta, day=28)


def next_params(raw: dict[str, Any], source: int, target: int) -> dict[str, Any]:
    """The params mapping for the target year: år, titel and prognosdatum moved; diarienummer
    emptied (the new year's report gets its own case number: ``diary_note`` says so);
    ``påhittad`` left out (the new year's data is the analyst's to fill in: ``invented_note``
    says so)."""
    delta = target - source
    params = {key: value for key, value in raw.items() if key != "påhittad"}
    params["år"] = target
    title = str(raw.get("titel") or "").strip()
    params["titel"] = (
        title.replace(str(source), str(target))
        if str(source) in title
        else f"Verksamhetsuppföljning {target}"
    )
    if "prognosdatum" in raw:
        params["prognosdatum"] = next_date(raw["prognosdatum"], delta)
    if "diarienummer" in raw:  # each year's report is its own case: never last year's number
        params["diarienummer"] = ""
    return params


def diary_note(raw: dict[str, Any], source: str, target: str, shown: str) -> str | None:
    """What to write where the source report's ``diarienummer`` was (``next_params`` and
    ``new_period.next_params`` empty it): ``source`` and ``target`` name the two reports as a
    reader would (``2016``, ``Delår 2016``); ``shown`` is the new params file. None when the
    source had none."""
    value = raw.get("diarienummer")
    written = " ".join(str(value).split()) if value is not None else ""
    if not written:
        return None
    return (
        f"diarienummer i {shown} är tomt: skriv diarienumret för {target} där "
        f"(för {source} var det '{written[:60]}'); tomt visas inget i sidfoten"
    )


def invented_note(raw: dict[str, Any], shown: str) -> str | None:
    """What to say when the source params were marked ``påhittad: ja`` (an invented example):
    the new report's params (``shown``) leave the mark out, since its data is the analyst's to
    fill in. None when the source was not marked."""
    if not marked_invented(raw):
        return None
    return (
        f"påhittad: ja togs inte med till {shown}: den nya rapportens siffror är era att fylla "
        "i. Skriv påhittad: ja där om även den ska vara ett påhittat exempel."
    )


def forecast_at_cut_off(
    params: dict[str, Any],
    source_date: Any,
    cut_off: Any,
    source: str,
    shown: str,
    source_end: Any = None,
) -> str | None:
    """Set the new report's ``prognosdatum`` to its cut-off date ``cut_off`` (``periodslut``)
    when the source report had one (``source_date``) and ``params`` holds another date, and say
    so for "Att fylla i" (``source`` names the source report as a reader would, ``shown`` the
    new params file). None when nothing changed, and for helår (``cut_off`` None): a year-end
    statement shows the forecast an earlier period made (the real KLK 2016 one: ``Prognos per
    2016-08-31``), so the date is kept.

    ``source_end`` (new-year: the source report's own cut-off): the date in ``params`` is the
    source's moved with the year and is kept — unless the source's forecast was made at its
    cut-off (then the new one's is, too) or the moved date falls after the new cut-off."""
    if source_date is None or source_date == "":
        return None
    new_end = next_date(cut_off, 0)
    current = next_date(params.get("prognosdatum"), 0)
    if new_end is None or current == new_end:
        return None
    at_end = source_end is not None and next_date(source_date, 0) == next_date(source_end, 0)
    if source_end is not None and current is not None and current < new_end and not at_end:
        return None
    params["prognosdatum"] = new_end
    return (
        f"prognosdatum i {shown} är satt till periodens slut, {new_end.isoformat()} (för "
        f"{source} var det {next_date(source_date, 0)}): ändra det om prognosen i drift.csv "
        "gäller ett annat datum"
    )


def _read(folder: Path, stem: str, project: Project) -> Table | None:
    path = find_table(folder, stem)
    if path is None:
        return None
    readable_file(path, project.root)
    return read_table(path, display_path(path, project.root), SPECS[stem].names)


def _columns(table: Table, stem: str) -> list[str]:
    """The table's own columns (extra ones kept), with every schema column present."""
    columns = list(table.columns)
    columns += [
        c.name for c in SPECS[stem].columns if c.name not in columns and not c.optional_column
    ]
    return [c for c in columns if c]


def carry_goals(table: Table) -> list[dict[str, str]]:
    return [{**row, "bedömning": ""} for row in table.rows]


def carry_activities(table: Table, first_status: str) -> list[dict[str, str]]:
    return [{**row, "status": first_status, "statuskommentar": ""} for row in table.rows]


def with_new_period(
    table: Table, key: str, period_column: str, ids: list[str], target: int
) -> list[dict[str, str]]:
    """A long-format history plus an empty row for ``target`` for each id that lacks one."""
    rows = [dict(row) for row in table.rows]
    present = {(row[key], row[period_column]) for row in rows}
    for item in ids:
        if (item, str(target)) not in present:
            rows.append({key: item, period_column: str(target)})
    return rows


def carry_budget(table: Table, delta: int = 1) -> list[dict[str, str]]:
    """The statement's rows, structure and columns kept, every amount to be filled in anew.

    Last year's ``utfall`` becomes ``utfall_fg_år`` when the file has that column and the new
    year is the next one; across a gap it stays empty rather than carry a wrong year's outcome.
    Typed totals and deviations are amounts too: they are cleared (and computed until retyped).
    """
    amounts = [c for c in (*BUDGET_AMOUNT_COLUMNS, "avvikelse") if c in table.columns]
    carry = "utfall_fg_år" in table.columns and delta == 1
    rows = []
    for row in table.rows:
        new = {**row, **dict.fromkeys(amounts, "")}
        if carry:
            new["utfall_fg_år"] = row.get("utfall", "")
        rows.append(new)
    return rows


def formula_cells(
    project: Project, folder: Path, stem: str, columns: list[str], rows: list[dict[str, str]]
) -> list[Problem]:
    """Text cells of a new table that Excel would run as a formula when the file is opened.

    They are copied as written — changing an analyst's text silently would be data loss, and a
    leading apostrophe would show in the report — and reported, so the analyst rewrites them.
    Amounts with a sign (``-1954``) are numbers, not formulas.
    """
    shown = display_path(folder / f"{stem}.csv", project.root)
    problems = []
    for line, row in enumerate(rows, start=2):
        for column in columns:
            text = row.get(column) or ""
            if looks_like_formula(text):
                problems.append(formula_problem(shown, text, line, column))
    return problems


def scaffold_tables(
    project: Project,
    data: UnitData,
    source: int,
    target: int,
    warnings: list[Problem] | None = None,
) -> dict[str, str]:
    """The new year's tables as CSV text, by file stem: those the report's sections use;
    formula-like cells go to ``warnings``."""
    folder = project.unit_data(source, data.info.unit)
    required, optional = data.definition.tables()
    tables = {
        stem: table
        for stem in sorted(required | optional)
        if (table := _read(folder, stem, project)) is not None
    }
    rows = {stem: [dict(row) for row in table.rows] for stem, table in tables.items()}
    if "mal" in tables:
        rows["mal"] = carry_goals(tables["mal"])
        first_status = next(iter(data.definition.statuses))
        rows["aktiviteter"] = carry_activities(tables["aktiviteter"], first_status)
        indicators = [row["indikator_id"] for row in tables["indikatorer"].rows]
        rows["indikatorvarden"] = with_new_period(
            tables["indikatorvarden"], "indikator_id", "period", indicators, target
        )
    if "nyckeltal" in tables:
        figures = [r["nyckeltal_id"] for r in tables["nyckeltal"].rows if not r.get("beräkning")]
        rows["nyckeltalsvarden"] = with_new_period(
            tables["nyckeltalsvarden"], "nyckeltal_id", "år", figures, target
        )
    if "drift" in tables:
        rows["drift"] = carry_budget(tables["drift"], target - source)
    if warnings is not None:
        target_folder = project.unit_data(target, data.info.unit)
        for stem in tables:
            warnings += formula_cells(
                project, target_folder, stem, _columns(tables[stem], stem), rows[stem]
            )
    return {
        stem: csv_text(_columns(tables[stem], stem), rows[stem], like=tables[stem])
        for stem in tables
    }


def gap_notes(data: UnitData, source: int, target: int) -> list[str]:
    """What the analyst must know when the new year does not follow the source year."""
    from helpers.data.unit_data import FILE_COLUMNS

    has_previous = "utfall_fg_år" in data.table("drift").attrs.get(FILE_COLUMNS, ())
    if target == source + 1 or not data.definition.of_kind("drift") or not has_previous:
        return []
    return [
        f"utfall_fg_år i drift.csv är tom: {source} års utfall är inte {target - 1} års. "
        f"Fyll i {target - 1} års utfall."
    ]


def heading_moved(markdown: str, delta: int) -> str:
    """A text with the years of its leading ``#`` heading moved; the body is kept as it is."""
    lines = markdown.split("\n")
    for index, line in enumerate(lines):
        if line.strip():
            if re.match(r"\ufeff?#(?!#)", line):
                lines[index] = shift_years(line, delta)
            break
    return "\n".join(lines)


def instruction_text(source_text: str | None, template: str, delta: int) -> str:
    """The source file's heading (years moved) above the template's instruction."""
    from helpers.parts.narrative import split_heading

    heading = split_heading(source_text)[0] if source_text else None
    instruction = template
    template_heading, template_body = split_heading(template)
    if template_heading is not None:
        heading = heading or template_heading
        instruction = template_body.lstrip("\n")
    if heading is None:
        return instruction
    return f"# {shift_years(heading, delta)}\n\n{instruction}"


def scaffold_texts(
    project: Project, data: UnitData, source: int, target: int
) -> tuple[dict[str, str], list[str]]:
    """The new year's narrative files by relative path, and which of them must be written."""
    from helpers.data.unit_data import read_text_file

    delta = target - source
    unit_name = data.info.name
    source_text = project.unit_data(source, data.info.unit) / "text"

    def read(name: str) -> str | None:
        path = source_text / name
        if not os.path.lexists(path):
            return None
        return read_text_file(path, display_path(path, project.root), project.root)

    texts: dict[str, str] = {}
    to_write: list[str] = []
    for section in data.definition.sections:
        for ref in section.texts:
            old = read(ref.file)
            template = template_text(section_template(ref.file), target, unit_name)
            if ref.yearly:
                texts[ref.file] = instruction_text(old, template, delta)
                to_write.append(ref.file)
            elif old is None:
                texts[ref.file] = template
                to_write.append(ref.file)
            else:
                texts[ref.file] = heading_moved(old, delta)

    def item(name: str, template: str) -> None:
        texts[name] = template_text(ITEM_TEMPLATES[template], target, unit_name)
        to_write.append(name)

    def carry(name: str) -> None:
        old = read(name)
        if old is not None:
            texts[name] = old  # still true: why a goal matters, what an area is about

    for goal in data.goals["mal_id"]:
        item(f"mal/{goal}-arbete.md", "arbete")
        carry(f"mal/{goal}-motivering.md")
    for area in data.table("malomraden")["område_id"]:
        carry(f"malomraden/{area}.md")
    for priority in data.table("prioriteringar")["prioritering_id"]:
        item(f"prioriteringar/{priority}.md", "prioritering")
    for control in data.table("internkontroll")["kontroll_id"]:
        item(f"internkontroll/{control}.md", "uppfoljning")
    return texts, list(dict.fromkeys(to_write))


def refuse_taken(paths: Iterable[Path], root: Path, what: str, command: str) -> None:
    """Refuse before anything is written if any of ``paths`` exists: the yearly chores never
    overwrite. ``what`` names the thing in the message ("2017", "Perioden"). Raises
    ``ParameterError``."""
    taken = [path for path in paths if path.exists()]
    if taken:
        shown = ", ".join(display_path(p, root) for p in taken)
        raise ParameterError(
            f"{what} finns redan ({shown}). {command} skriver aldrig över något som finns — "
            "ändra i filerna direkt, eller ta bort dem först om du vill börja om."
        )


def unit_files(project: Project, year: int, units: list[str]) -> list[Path]:
    """Every unit's params file and data folder for ``year`` in ``project``'s period."""
    return [
        path
        for unit in units
        for path in (project.params_file(year, unit), project.unit_data(year, unit))
    ]


def checked_end(
    end: str | None, year: int, target: Project, period_given: str = "med --period"
) -> str | None:
    """The target period's ``--slut`` as ``periodslut`` (``params.checked_period_end``); None
    for helår, whose cut-off is 31 December. ``period_given`` says how the command is told the
    period to create (new-year: ``--period``; new-period: its first argument).

    Raises ``ParameterError`` for a date that is missing, not ``ÅÅÅÅ-MM-DD`` or outside
    ``year``, and for ``--slut`` given to helår — before anything is read or written."""
    if target.is_year_end:
        if end is not None:
            raise ParameterError(
                f"--slut gäller inte helåret: det slutar {year}-12-31. Ta bort --slut, eller "
                f"ange den period du menade {period_given}. Inget har skrivits."
            )
        return None
    return checked_period_end(end, year, target.period)


def _listed(items: list[str]) -> str:
    """``a``, ``a och b``, ``a, b och c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} och {items[-1]}"


def years_with_params(project: Project) -> dict[int, list[str]]:
    """Every year that has a params file in some period, with those periods (helår first)."""
    return {
        year: periods
        for year in available_years(project)
        if (periods := project.periods_of_year(year))
    }


def check_source(
    project: Project,
    year: int,
    unit: str | None,
    *,
    year_option: str,
    period_option: str,
    new_unit_year: int,
    creating: str | None = None,
) -> None:
    """Refuse, before anything is read, a source a chore cannot start from: ``year`` without
    params in ``project``'s period (no params at all, or not that period), or ``unit`` without
    its params file there. The message names what exists and the option that chooses it:
    ``year_option`` (new-year: ``--from``; new-period: ``--year``) and ``period_option``
    (``--from-period``; ``--from``). ``new_unit_year``: the year a unit that has no params
    anywhere would be started in (``new-unit --year``); ``creating``: the period being created
    in the same year (new-period), never suggested as the one to start from.

    Raises ``ParameterError``."""
    root, period = project.root, project.period
    there = years_with_params(project)
    # The years the command could start from instead: new-year only goes forward.
    usable_years = {
        y: ps for y, ps in there.items() if y != year and (creating or y < new_unit_year)
    }
    if unit == CONSOLIDATED:
        raise ParameterError(
            f"'{CONSOLIDATED}' är den sammanställda rapporten, ingen enhet: den har inga egna "
            "params och byggs ur enheternas. Ta bort --unit för att skapa alla enheters filer, "
            "eller ange en enhets id, t.ex. --unit klk."
        )
    periods = there.get(year, [])
    if not periods:
        params_folder = display_path(project.params / str(year), root) + "/"
        if (project.params / str(year)).is_dir():
            where = f"{params_folder} har ingen params-fil (<enhet>.yaml)"
        else:
            data_folder = project.data / str(year)
            where = f"{params_folder} saknas"
            if not data_folder.is_dir():
                where += f" (liksom {display_path(data_folder, root)}/)"
        if not there:
            raise ParameterError(
                f"Det finns inga enheter för {year} att utgå från: {where}, och inget annat år "
                f'har params. Skapa den första enheten med `workbook new-unit <id> --name "…"`.'
                + project.emptiness_note()
            )
        years = ", ".join(f"{y} ({', '.join(ps)})" for y, ps in there.items())
        same = [y for y, ps in usable_years.items() if period in ps]
        if same:
            choose = f"Ange ett av dem med {year_option}, t.ex. {year_option} {max(same)}."
        elif usable_years:
            latest = max(usable_years)
            choose = (
                f"Ange ett av dem med {year_option} och perioden med {period_option}, t.ex. "
                f"{year_option} {latest} {period_option} {usable_years[latest][0]}."
            )
        else:
            choose = (
                f"Inget av dem ligger före {new_unit_year}: new-year skapar ett senare år ur ett "
                "tidigare."
            )
        raise ParameterError(
            f"Det finns inga enheter för {year} att utgå från: {where}. År med params (och "
            f"deras perioder): {years}. {choose}"
        )
    if period not in periods:
        other_years = [str(y) for y, ps in usable_years.items() if period in ps]
        also = (
            f" (perioden {period} finns för {_listed(other_years)}: ange året med {year_option})"
            if other_years
            else ""
        )
        usable = [p for p in periods if p != creating]
        choose = (
            f"Ange perioden du utgår från med {period_option}, t.ex. {period_option} {usable[0]}"
            if usable
            else f"Det finns ingen annan period för {year} att utgå från"
        )
        raise ParameterError(
            f"{year} har ingen period {period} att utgå från: "
            f"{display_path(project.params_dir(year), root)}/ saknas eller har ingen "
            f"params-fil. För {year} finns: {', '.join(periods)}. {choose}{also}."
        )
    if unit is None or os.path.lexists(project.params_file(year, unit)):
        return
    shown = display_path(project.params_file(year, unit), root)
    own_periods = [
        p
        for p in periods
        if p not in (period, creating)
        and os.path.lexists(project.for_period(p).params_file(year, unit))
    ]
    own_years = [  # years of the period the command could start from instead
        y for y in usable_years if os.path.lexists(project.params_file(y, unit))
    ]
    anywhere = any(
        os.path.lexists(project.for_period(p).params_file(y, unit))
        for y, ps in there.items()
        for p in ps
    )
    if own_periods:
        hint = (
            f"För {year} har den params i: {', '.join(own_periods)}. Ange perioden du utgår "
            f"från med {period_option}, t.ex. {period_option} {own_periods[0]}."
        )
    elif own_years and creating is None:
        hint = (
            f"Perioden {period} har params för enheten {_listed([str(y) for y in own_years])}. "
            f"Ange året du utgår från med {year_option}, t.ex. {year_option} {max(own_years)}."
        )
    elif anywhere:
        hint = (
            f"Skapa först enhetens rapport för {year} (perioden {period}) med "
            f"{create_unit_command(project, year, unit)}, eller välj en annan enhet med --unit."
        )
    else:
        hint = (
            "Enheten har inga params något år: skapa den med "
            f'`workbook new-unit {unit} --name "…" --year {new_unit_year}`, eller välj en annan '
            "enhet med --unit."
        )
    raise ParameterError(
        f"Enheten {unit!r} har inget att utgå från för {year} (perioden {period}): {shown} "
        f"saknas. {hint}"
    )


def note_carried(
    result: _Reported, raw: dict[str, Any], source: str, target: str, shown: str,
    forecast: str | None,
) -> None:  # fmt: skip
    """What a chore's output says about the params it carried for one report: the diarienummer
    and the forecast date (``forecast``, already worded) to fill in, and an invented mark left
    behind — the same for new-year and new-period."""
    for item in (diary_note(raw, source, target, shown), forecast):
        if item is not None:
            result.to_fill.append(item)
    invented = invented_note(raw, shown)
    if invented is not None:
        result.notes.append(invented)


def print_written(result: _Reported, folder: Path, root: Path) -> bool:
    """Print what a chore did for ``result``'s report (its ``folder`` under ``root``): the
    files it wrote (``written_line``), or that the folder existed and was left alone; whether
    anything was written (the rest of its lines follow only then)."""
    if result.kept:
        shown = display_path(folder, root)
        print(f"{result.unit}: {shown}/ finns redan och lämnas som den är (inget skrevs).")
        return False
    print(written_line(result.unit, result.created, folder, root))
    return True


def written_line(unit: str, created: list[Path], folder: Path, root: Path) -> str:
    """What a chore wrote for ``unit``, as its command prints it: every file outside the unit's
    data ``folder`` by name (its params file), then the folder with how many files were
    written in it — ``klk: params/2017/klk.yaml och data/2017/klk/ (41 filer).``"""
    inside = sum(1 for path in created if path.is_relative_to(folder))
    named = [display_path(path, root) for path in created if not path.is_relative_to(folder)]
    files = counted(inside, "fil", "filer")
    return f"{unit}: {_listed([*named, f'{display_path(folder, root)}/ ({files})'])}."


def period_params(
    params: dict[str, Any],
    target: Project,
    delta: int,
    end: str | None = None,
    source_end: Any = None,
    year: int | None = None,
) -> dict[str, Any]:
    """``params`` for the target period: helår has no ``period``/``periodslut``; another period
    has its id and cut-off date (``end``, else the source's ``source_end`` moved ``delta``
    years; ``year``, the target year, gives the example date of the message).

    Raises ``ParameterError`` when a period other than helår gets no cut-off date.
    """
    params = {k: v for k, v in params.items() if k not in ("period", "periodslut")}
    if target.is_year_end:
        return params
    cut_off = end or (next_date(source_end, delta) if source_end else None)
    if cut_off is None:
        example = f"{year or params.get('år') or 2017}-08-31"
        raise ParameterError(
            f"Perioden {target.period} behöver sitt slutdatum: ange --slut ÅÅÅÅ-MM-DD, t.ex. "
            f"--slut {example}. Inget har skrivits."
        )
    return {**params, "period": target.period, "periodslut": cut_off}


def new_year(
    target: int,
    source: int,
    unit: str | None = None,
    project: Project | None = None,
    *,
    period: str | None = None,
    end: str | None = None,
) -> list[UnitYear]:
    """Scaffold ``target`` from ``source`` for one unit or every unit with params in ``source``.

    ``project`` is seen for the source period (helår unless given); ``period`` is the target's
    (default: the same period), e.g. next year's delår from this year's helår, with ``end`` its
    cut-off date (default: the source period's, moved to the new year). The command line takes
    the source period from ``--from-period``, else from ``--period`` (``source_period``).

    Raises ``ParameterError`` for a bad or unknown year, period or unit, a target year that is
    not after ``source``, a bad ``end``, a source with nothing to start from (``check_source``,
    naming what exists) or a target that exists; ``DataError`` when the source is not valid.
    """
    from helpers.chores.custom_scaffold import scaffold_custom_tables
    from helpers.data.unit_data import load_unit

    project = project or Project.current()
    target_project = project.for_period(period) if period else project
    target, source = check_year(target), check_year(source)
    check_defined_period(project, target_project.period)
    if target <= source:
        raise ParameterError(
            f"Det nya året ({target}) måste komma efter året du utgår från (--from {source}): "
            "new-year skapar ett senare år ur ett tidigare."
        )
    if end is not None or target_project.is_year_end or project.is_year_end:
        end = checked_end(end, target, target_project)  # else: the source's, moved a year
    check_source(
        project, source, check_unit(unit) if unit else None, year_option="--from",
        period_option="--from-period", new_unit_year=target,
    )  # fmt: skip
    units = [check_unit(unit)] if unit else units_of_year(source, project)
    refuse_taken(
        unit_files(target_project, target, units), target_project.root, str(target), "new-year"
    )
    loaded = {u: load_unit(source, u, project) for u in units}  # the source must be valid
    planned: list[tuple[UnitYear, dict[Path, str]]] = []
    for u, data in loaded.items():  # everything is prepared before the first file is written
        files: dict[Path, str] = {}
        raw = read_params_file(
            project.params_file(source, u),
            display_path(project.params_file(source, u), project.root),
            project.root,
        )
        moved = period_params(
            next_params(raw, source, target), target_project, target - source, end,
            raw.get("periodslut"), target,
        )  # fmt: skip
        target_params = target_project.params_file(target, u)
        shown = display_path(target_params, project.root)
        forecast = forecast_at_cut_off(
            moved, raw.get("prognosdatum"), moved.get("periodslut"),
            f"{period_name(project, project.period)} {source}", shown,
            source_end=raw.get("periodslut") or f"{source}-12-31",
        )  # fmt: skip
        files[target_params] = dump_yaml(moved)
        folder = target_project.unit_data(target, u)
        formulas: list[Problem] = []
        for stem, text in scaffold_tables(project, data, source, target, formulas).items():
            files[folder / f"{stem}.csv"] = text
        custom = scaffold_custom_tables(project, u, source)
        for name, text in custom.items():
            files[folder / name] = text
        texts, to_write = scaffold_texts(project, data, source, target)
        for name, text in texts.items():
            files[folder / "text" / name] = text
        result = UnitYear(u, to_write=[folder / "text" / n for n in to_write], formulas=formulas)
        result.notes = gap_notes(data, source, target)
        note_carried(result, raw, str(source), str(target), shown, forecast)
        own = [name for name in custom if name.endswith(".csv")]
        if own:
            result.notes.append(
                "egna tabeller att fylla i (nyckelkolumnerna följde med, övriga celler är "
                "tomma): " + ", ".join(own)
            )
        planned.append((result, files))
    if unit is None:  # every unit: the consolidated report's own data comes along
        kommun = _kommun_year(project, target_project, source, target)
        if kommun is not None:
            planned.append(kommun)
    return write_planned(planned)


def period_name(project: Project, period: str) -> str:
    """A period as readers call it (``perioder:``'s ``namn``, e.g. Helår), not its id."""
    return period_spec(project, period).name


def _kommun_year(
    project: Project, target_project: Project, source: int, target: int
) -> tuple[UnitYear, dict[Path, str]] | None:
    """The consolidated report's own data (``data/<år>[/<period>]/kommun/``) for the new year,
    carried as new-period carries it (``new_period.kommun_files``: assessments emptied, texts
    with the line to revise them, their headings' years moved). None when the source year has
    none; no files (``kept``) when the new year has its own already."""
    from helpers.chores.new_period import kommun_files  # new_period builds on this module

    carried = kommun_files(
        project, project.unit_data(source, CONSOLIDATED),
        target_project.unit_data(target, CONSOLIDATED),
        f"{period_name(project, project.period)} {source}",
        f"{period_name(project, target_project.period)} {target}", target - source,
    )  # fmt: skip
    if carried is None:
        return None
    result, files = carried
    return UnitYear(CONSOLIDATED, to_write=result.to_revise, kept=result.kept), files


def write_planned(planned: list[tuple[Planned, dict[Path, str]]]) -> list[Planned]:
    """Write every planned file (each new: ``write_new`` never overwrites), recording it in its
    result's ``created``; only called once everything has been read and checked.

    All or nothing (``all_or_nothing``): when a write fails (a folder that cannot be written, a
    full disk), every file and folder written so far is removed again and the ``OSError`` goes
    on to the command line (exit 2, naming the folder), so a rerun finds the target as it was;
    nothing that existed before is touched."""
    with all_or_nothing() as made:
        for result, files in planned:
            for path, text in files.items():
                write_new(path, text, made)
                result.created.append(path)
    return [result for result, _ in planned]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("year", type=year_argument, metavar="ÅR", help="det nya året, t.ex. 2017")
    parser.add_argument(
        "--from",
        dest="source",
        type=year_argument,
        required=True,
        metavar="ÅR",
        help="året att utgå från, t.ex. 2016",
    )
    parser.add_argument("--unit", help="en enhet (utan: alla enheter med params för året)")
    parser.add_argument(
        "--from-period",
        type=period_argument,
        metavar="PERIOD",
        help=f"perioden att utgå från (standard: samma som --period, annars {YEAR_END})",
    )
    parser.add_argument(
        "--period",
        type=period_argument,
        metavar="PERIOD",
        help=f"perioden att skapa, t.ex. delar (standard: samma som --from-period, annars "
        f"{YEAR_END})",
    )
    parser.add_argument(
        "--slut",
        metavar="ÅÅÅÅ-MM-DD",
        help="periodens slutdatum (inte helår; behövs när du utgår från helåret, annars "
        "flyttas det tidigare årets periodslut ett år fram)",
    )


def source_period(period: str | None, from_period: str | None) -> str:
    """The period ``new-year`` starts from: ``--from-period`` when given, else the period it
    creates (``--period delar`` copies the earlier year's delår), else helår."""
    return from_period or period or YEAR_END


def command(args: argparse.Namespace) -> int:
    from helpers.building.validate import validate_unit
    from helpers.parts.kommun_data import ASSESSMENTS_STEM

    project = Project.current(source_period(args.period, args.from_period))
    results = new_year(
        args.year, args.source, args.unit, project, period=args.period, end=args.slut
    )
    project = project.for_period(args.period) if args.period else project
    for result in results:
        if not print_written(result, project.unit_data(args.year, result.unit), project.root):
            continue
        if result.unit == CONSOLIDATED:
            print(f"  Att fylla i: kommunens bedömningar i {ASSESSMENTS_STEM}.csv.")
            print(
                f"  Texter att se över ({len(result.to_write)} st, rader med '{PLACEHOLDER_MARK}'):"
            )
            for path in result.to_write:
                print(f"    {display_path(path, project.root)}")
            continue
        print("  Att fylla i: belopp i drift.csv (utfall, budget, prognos), bedömning i mal.csv,")
        print(f"  status i aktiviteter.csv, {args.year} års värden för indikatorer och nyckeltal.")
        for item in result.to_fill:
            print(f"  Att fylla i: {item}")
        for note in result.notes:
            print(f"  Obs: {note}")
        print(f"  Texter att skriva ({len(result.to_write)} st, rader med '{PLACEHOLDER_MARK}'):")
        for path in result.to_write:
            print(f"    {display_path(path, project.root)}")
        for problem in result.formulas:
            print(f"  Varning: {problem}")
        problems = validate_unit(project, args.year, result.unit)
        for problem in problems:
            print(f"  Kontroll: {problem}")
    period = "" if project.is_year_end else f" --period {project.period}"
    print(f"Bygg utkastet med: workbook build --year {args.year}{period}")
    return 0
