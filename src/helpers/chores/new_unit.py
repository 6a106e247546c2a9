"""``workbook new-unit``: scaffold a unit from the documented template in ``templates/unit/``.

Adds the unit to ``data/enheter.csv`` and creates ``params/<år>/<id>.yaml`` and
``data/<år>/<id>/`` with the tables and narrative files the kommun's report definition
(``data/rapport.yaml``) asks for: empty tables, and texts that say what to write. The template
helpers here (filling ``{år}``, placeholder detection, never-overwrite writes) are shared with
``helpers.chores.new_year``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import html
import io
import os
from collections.abc import Iterator
from pathlib import Path

from helpers.building.arguments import year_argument
from helpers.core.errors import DataError, ParameterError, Problem, counted, display_path
from helpers.core.paths import (
    CONSOLIDATED,
    PACKAGE_DIR,
    Project,
    check_unit,
    check_year,
    readable_file,
)
from helpers.core.placeholders import PLACEHOLDER_MARK as PLACEHOLDER_MARK
from helpers.core.placeholders import is_placeholder as is_placeholder
from helpers.core.placeholders import placeholder_files as placeholder_files
from helpers.core.schema import SHARED_TABLES, SPECS
from helpers.core.yaml_text import dump_yaml, load_yaml
from helpers.data.cell_values import looks_like_formula as looks_like_formula
from helpers.data.definition import read_definition
from helpers.data.definition.model import ReportDefinition, SectionSpec, TextRef
from helpers.data.kommun_definition import read_consolidated
from helpers.data.params import available_years, create_unit_command
from helpers.data.readers import Table, find_table, read_table

TEMPLATE_DIR = PACKAGE_DIR / "templates" / "unit"


# Files that are templates for per-item texts (a goal, a priority, a control), not unit texts.
ITEM_TEMPLATES = {
    "arbete": "text/mal/_arbete.md",
    "bedomning": "text/mal/_bedomning.md",
    "motivering": "text/mal/_motivering.md",
    "prioritering": "text/prioriteringar/_prioritering.md",
    "uppfoljning": "text/internkontroll/_uppfoljning.md",
}


def fill(text: str, year: int, unit_name: str = "enheten", unit_id: str = "") -> str:
    """Replace the template tokens ``{år}``, ``{enhet}`` and ``{id}``."""
    return text.replace("{år}", str(year)).replace("{enhet}", unit_name).replace("{id}", unit_id)


def template_text(relative: str, year: int, unit_name: str = "enheten") -> str:
    """A Markdown template (relative to ``templates/unit/``) with its tokens filled; the unit's
    name as text, its ``<``, ``>`` and ``&`` written as entities, which Markdown shows as the
    characters (``--name '<b>Kultur</b>'`` stays those letters, never markup the text checks
    refuse)."""
    text = (TEMPLATE_DIR / relative).read_text(encoding="utf-8")
    return fill(text, year, html.escape(unit_name, quote=False))


# The instruction for a section text the template has no file of its own for.
GENERIC_TEXT = "text/_avsnitt.md"


def section_template(file: str) -> str:
    """The template (relative to ``templates/unit/``) for a section's text file."""
    own = f"text/{file}"
    return own if (TEMPLATE_DIR / own).is_file() else GENERIC_TEXT


def section_text(
    section: SectionSpec, ref: TextRef, year: int, unit_name: str, title: str | None = None
) -> str:
    """A new section text: the template's, with a ``#`` heading when the section takes its
    heading from the text (no ``rubrik:``) and the template has none: ``title`` (what the
    definition calls the section elsewhere, ``section_titles``), else its id in words."""
    from helpers.parts.narrative import split_heading  # markdown-it: not for `--help`

    text = template_text(section_template(ref.file), year, unit_name)
    if ref is section.text and section.heading is None and split_heading(text)[0] is None:
        heading = title or section.id.replace("_", " ").capitalize()
        text = f"# {heading}\n\n{text}"
    return text


def section_titles(project: Project, year: int, definition: ReportDefinition) -> dict[str, str]:
    """What ``data/rapport.yaml`` calls each section where a unit's section has no
    ``rubrik:``: the consolidated report's section of the same id (``sammanställning:
    avsnitt:``, e.g. ``kf_mal`` → ``Kommunfullmäktiges mål``), its ``{år}`` and ``{kommun}``
    filled; a title with any other placeholder, or a definition without one, gives none."""
    consolidated, _ = read_consolidated(project)
    if consolidated is None:
        return {}
    titles = {}
    for section in consolidated.sections:
        title = section.heading.replace("{år}", str(year))
        title = title.replace("{kommun}", definition.municipality.name).strip()
        if title and "{" not in title:
            titles[section.id] = title
    return titles


def params_text(year: int, unit: str, name: str) -> str:
    """The template's ``params.yaml`` filled in, written so that every value reads back as the
    text it is (``enhet: 'on'``, not the boolean ``on``); the year stays a number."""
    template = (TEMPLATE_DIR / "params.yaml").read_text(encoding="utf-8")
    params = load_yaml(fill(template, year, name, unit), "params.yaml")
    params.update({"år": year, "enhet": unit})  # the id as text, whatever it looks like
    return dump_yaml(params)


def strip_example_rows(csv_text: str) -> str:
    """A template table without its commented example rows (lines starting with ``#``)."""
    lines = [line for line in csv_text.splitlines() if not line.lstrip().startswith("#")]
    return "\n".join(lines) + "\n"


def write_new(path: Path, text: str, made: NewFiles | None = None) -> None:
    """Create a file that must not exist yet (never overwrites), with its folders; ``made``
    records the file and every folder created for it (see ``all_or_nothing``).

    Raises ``OSError`` naming ``path`` (a full disk is reported on the write, without a file
    name: it is added, so the command line can say where)."""
    if made is None:
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        made.folder(path.parent)
    handle = path.open("x", encoding="utf-8", newline="\n")
    if made is not None:
        made.paths.append(path)  # created: removed again if the write below fails
    try:
        with handle:
            handle.write(text)
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from exc


class NewFiles:
    """The files and folders a chore has created so far (oldest first), so that a chore that
    fails can remove exactly them — never anything that existed before it ran."""

    def __init__(self) -> None:
        self.paths: list[Path] = []

    def folder(self, path: Path) -> None:
        """Create folder ``path`` and the missing folders above it, recording each one made."""
        missing = []
        while not os.path.lexists(path) and path.parent != path:
            missing.append(path)
            path = path.parent
        for folder in reversed(missing):
            folder.mkdir()
            self.paths.append(folder)

    def undo(self) -> None:
        """Remove every recorded file and folder, newest first (folders only when empty)."""
        for path in reversed(self.paths):
            with contextlib.suppress(OSError):
                if path.is_dir() and not path.is_symlink():
                    path.rmdir()
                else:
                    path.unlink()
        self.paths.clear()


@contextlib.contextmanager
def all_or_nothing() -> Iterator[NewFiles]:
    """Record what a chore creates (pass the ``NewFiles`` to ``write_new``); when the block
    raises (a folder that cannot be written, a full disk, an interrupt), remove all of it and
    re-raise, so that a rerun finds the target as it was before."""
    made = NewFiles()
    try:
        yield made
    except BaseException:
        made.undo()
        raise


def csv_text(columns: list[str], rows: list[dict[str, str]], like: Table | None = None) -> str:
    """A table as UTF-8 CSV text, quoted where needed: written as the file ``like`` was read
    (its separator, its ``sep=`` line: an analyst's semicolon file stays one), else with
    commas."""
    buffer = io.StringIO()
    delimiter = (like.delimiter if like is not None else None) or ","
    if like is not None and like.sep_line:
        buffer.write(f"sep={delimiter}\n")
    writer = csv.DictWriter(
        buffer,
        fieldnames=columns,
        delimiter=delimiter,
        lineterminator="\n",
        extrasaction="ignore",
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def read_units(project: Project) -> tuple[Path, list[dict[str, str]]]:
    """``data/enheter.csv`` and its rows (the shared list of units)."""
    path = find_table(project.data, "enheter")
    if path is None:
        return project.data / "enheter.csv", []
    if path.suffix != ".csv":
        raise ParameterError(
            f"{display_path(path, project.root)} är en Excel-fil — lägg till enheten där för hand "
            "eller spara listan som enheter.csv och kör kommandot igen."
        )
    readable_file(path, project.root)
    return path, read_table(path, display_path(path, project.root), SPECS["enheter"].names).rows


def append_unit_row(path: Path, values: dict[str, str], made: NewFiles | None = None) -> None:
    """Append one row to ``enheter.csv`` under its own header, keeping its delimiter and line
    endings; columns the row has no value for stay empty. A file created here is recorded in
    ``made``; an append that fails leaves the file as it was."""
    if not path.exists():
        columns = [c.name for c in SHARED_TABLES[0].columns if not c.optional_column]
        write_new(path, csv_text(columns, []), made)
    raw = path.read_bytes().decode("utf-8-sig")
    first_line = raw.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    newline = "\r\n" if "\r\n" in raw else "\n"
    header = next(csv.reader([first_line.rstrip("\r")], delimiter=delimiter))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerow(
        [values.get(column, "") for column in header]
    )
    prefix = "" if raw.endswith(("\n", "\r")) or not raw else newline
    size = path.stat().st_size
    try:
        with path.open("a", encoding="utf-8", newline="") as handle:
            handle.write(prefix + buffer.getvalue())
    except BaseException:
        with contextlib.suppress(OSError):
            os.truncate(path, size)  # the list as it was: no half row
        raise


def kommun_definition(project: Project) -> ReportDefinition:
    """The kommun's report definition (without any unit's changes); DataError when wrong."""
    definition, problems = read_definition(project)
    if problems or definition is None:
        raise DataError(problems)
    return definition


def scaffold_unit_year(
    project: Project,
    year: int,
    unit: str,
    name: str,
    definition: ReportDefinition,
    made: NewFiles | None = None,
) -> list[Path]:
    """Create ``params/<år>/<id>.yaml`` and ``data/<år>/<id>/`` from the template, with the tables
    and texts the definition's sections use; the files created (and, in ``made``, every file
    and folder, for ``all_or_nothing``)."""
    created: list[Path] = []
    made = made if made is not None else NewFiles()

    def create(path: Path, text: str) -> None:
        write_new(path, text, made)
        created.append(path)

    create(project.params_file(year, unit), params_text(year, unit, name))
    folder = project.unit_data(year, unit)
    required, _ = definition.tables()
    for stem in sorted(required):
        template = (TEMPLATE_DIR / f"{stem}.csv").read_text(encoding="utf-8")
        create(folder / f"{stem}.csv", strip_example_rows(fill(template, year, name, unit)))
    titles = section_titles(project, year, definition)
    for section in definition.sections:
        for ref in section.texts:
            if not (folder / "text" / ref.file).exists():
                text = section_text(section, ref, year, name, titles.get(section.id))
                create(folder / "text" / ref.file, text)
    for sub in ("mal", "prioriteringar", "internkontroll"):
        if sub in required:
            made.folder(folder / "text" / sub)
    return created


def new_unit(
    unit: str,
    name: str,
    year: int | None = None,
    short: str = "",
    project: Project | None = None,
    custom_section: str | None = None,
) -> list[Path]:
    """Add a unit to the shared list and scaffold its first year; the files created.

    The kommun comes from ``data/rapport.yaml``; a unit of another kommun belongs in that
    kommun's own project (its own ``data/``). ``custom_section`` (an id) adds a custom section
    (kind ``egen``) from the template: notebook, table, schema and text (``--eget-avsnitt``).
    """
    project = project or Project.current()
    unit = check_unit(unit)
    if unit == CONSOLIDATED:
        raise ParameterError(
            f"'{CONSOLIDATED}' är namnet på den sammanställda rapporten och kan inte vara en "
            "enhet — ge enheten ett annat id, t.ex. kommunstyrelsen eller ks."
        )
    name = name.strip()
    if year is None:
        years = available_years(project)
        year = years[-1] if years else dt.date.today().year
    year = check_year(year)
    units_path, rows = read_units(project)
    shown = display_path(units_path, project.root)
    listed = next((row for row in rows if row.get("enhet") == unit), None)
    if listed is not None and _has_any_report(project, unit):
        raise ParameterError(
            f"Enheten {unit!r} finns redan i {shown} och har rapporter — välj ett annat id för "
            f"en ny enhet. {_next_report_hint(project, year, unit)}."
        )
    if listed is not None:  # listed, but no report in any year yet: scaffold it, keep its row
        listed_name = (listed.get("namn") or "").strip()
        if name and listed_name and name != listed_name:
            raise ParameterError(
                f"Enheten {unit!r} står redan i {shown} med namnet {listed_name!r} — utelämna "
                "--name, eller ändra namnet i listan först."
            )
        listed_short = (listed.get("förkortning") or "").strip()
        if short.strip() and short.strip() != listed_short:
            has = f"förkortningen {listed_short!r}" if listed_short else "utan förkortning"
            raise ParameterError(
                f"Enheten {unit!r} står redan i {shown}, {has}, och new-unit ändrar inte "
                "raden — utelämna --short, eller ändra förkortningen i listan först."
            )
        name = name or listed_name
    if not name:
        raise ParameterError('Ange enhetens namn med --name, t.ex. --name "Socialförvaltningen".')
    for existing in (project.params_file(year, unit), project.unit_data(year, unit)):
        if existing.exists():
            raise ParameterError(
                f"{display_path(existing, project.root)} finns redan — new-unit skriver aldrig "
                "över befintliga filer."
            )
    if any(c in name for c in "\n\r"):
        raise DataError([Problem(shown, "namnet får inte innehålla radbrytningar", column="namn")])
    for option, value in (("--name", name), ("--short", short)):
        if looks_like_formula(value.strip()):
            raise ParameterError(
                f"{option} {value!r} börjar med {value.strip()[0]!r}: Excel skulle köra texten som "
                f"en formel när {shown} öppnas. Skriv texten utan det första tecknet."
            )
    from helpers.chores.custom_scaffold import planned_custom_section, with_custom_section

    definition = kommun_definition(project)
    extra: dict[Path, str] = {}
    if custom_section is not None:
        extra = planned_custom_section(project, year, unit, custom_section, definition)
    with all_or_nothing() as made:  # a failed write leaves nothing behind: a rerun works
        created = scaffold_unit_year(project, year, unit, name, definition, made)
        if custom_section is not None:
            params = project.params_file(year, unit)
            text = params.read_text(encoding="utf-8")
            params.write_text(
                with_custom_section(text, definition, custom_section), encoding="utf-8"
            )
            for path, text in extra.items():
                write_new(path, text, made)
                created.append(path)
        if listed is not None:
            return created
        row = {"enhet": unit, "namn": name, "förkortning": short.strip()}
        append_unit_row(units_path, row, made)
    return [units_path, *created]


def _next_report_hint(project: Project, year: int, unit: str) -> str:
    """How to make ``unit``'s report for ``year`` when the unit has reports already (new-unit
    starts units, it does not add years): ``new-year`` or ``new-period`` from what exists."""
    params = project.params_file(year, unit)
    shown = display_path(params, project.root)
    if os.path.lexists(params):
        return (
            f"Enhetens rapport för {year} finns redan ({shown}: ändra i den); ett senare år "
            f"skapas med `workbook new-year {year + 1} --from {year} --unit {unit}`"
        )
    command = create_unit_command(project, year, unit, listed=True)
    if "new-unit" in command:  # only later years: new-year goes forward only
        return (
            f"Enhetens rapport för {year} skapas för hand ({shown} och "
            f"{display_path(project.unit_data(year, unit), project.root)}/, se "
            "docs/data-format.md): new-year skapar bara ett senare år ur ett tidigare"
        )
    return f"Enhetens rapport för {year} skapas med {command}"


def _has_any_report(project: Project, unit: str) -> bool:
    """``unit`` has a params file in some year and period (its next report is ``new-year``'s or
    ``new-period``'s to make, not ``new-unit``'s)."""
    return any(
        os.path.lexists(project.for_period(period).params_file(year, unit))
        for year in available_years(project)
        for period in project.periods_of_year(year)
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "unit", metavar="ID", help="enhetens id: små bokstäver, siffror, bindestreck"
    )
    parser.add_argument(
        "--name",
        default="",
        help='enhetens namn, t.ex. "Socialförvaltningen" (utan: namnet i data/enheter.csv, '
        "för en enhet som redan står där)",
    )
    parser.add_argument(
        "--year",
        type=year_argument,
        metavar="ÅR",
        help="första året (utan: det senaste året som finns)",
    )
    parser.add_argument(
        "--short",
        default="",
        help="förkortning, t.ex. SOC (för en enhet som redan står i data/enheter.csv: den som "
        "står där)",
    )
    parser.add_argument(
        "--eget-avsnitt",
        dest="custom_section",
        metavar="ID",
        help="lägg till ett eget avsnitt (typ egen) från mallen: notebook, tabell, schema, text",
    )


def command(args: argparse.Namespace) -> int:
    project = Project.current()
    created = new_unit(
        args.unit, args.name, args.year, args.short, project=project,
        custom_section=args.custom_section,
    )  # fmt: skip
    unit = check_unit(args.unit)
    params_file = next(p for p in created if p.suffix == ".yaml")
    year = int(params_file.parent.name)
    units_path, rows = read_units(project)
    name = next(row.get("namn", "") for row in rows if row.get("enhet") == unit)
    print(f"Enheten {unit} ({name}) är skapad för {year}:")
    new_row = units_path in created
    shown = display_path(units_path, project.root)
    print(f"  {shown} (ny rad)" if new_row else f"  {shown} (stod redan där)")
    print(f"  {display_path(params_file, project.root)}")
    files = len(created) - 1 - new_row
    shown = display_path(project.unit_data(year, unit), project.root)
    print(f"  {shown}/ ({counted(files, 'fil', 'filer')})")
    print("Nästa steg (se docs/analytiker.md):")
    print("  1. Fyll i tabellerna (mal.csv, aktiviteter.csv, drift.csv …) – exempel finns i")
    print("     src/helpers/templates/unit/.")
    print("  2. Skriv texterna i text/ – ersätt raderna som börjar med 'Text saknas – skriv här'.")
    print("  3. Lägg till enhetens delverksamheter i data/delverksamheter.csv.")
    print(f"  4. Kontrollera och bygg: workbook validate --year {year} --unit {unit}")
    print(f"                            workbook build --year {year} --unit {unit}")
    return 0
