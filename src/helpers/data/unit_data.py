"""Loading one unit-year's data into typed tables and narrative, ready for the sections.

Everything a report shows comes through ``load_unit``: the params, the merged report definition
(``helpers.data.definition``), the unit's reference data and the tables its sections need (a table
no section uses is neither required nor read). Cells are converted according to ``schema`` with
the kommun's vocabularies; a cell that cannot be converted is a ``DataError`` naming file, row
and column.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import pandas as pd

from helpers.core import read_log
from helpers.core.errors import DataError, Problem, display_path, quote
from helpers.core.labels import Labels
from helpers.core.paths import Project, read_input, readable_file
from helpers.core.schema import SHARED_TABLES, SPECS, TableSpec, unit_specs
from helpers.data.cell_values import PERIOD, ambiguous_thousands, convert_cell
from helpers.data.definition import ReportDefinition, SectionSpec, load_definition
from helpers.data.params import ReportParams, load_params
from helpers.data.readers import (
    TABLE_SUFFIXES,
    Table,
    decode_text,
    find_table,
    near_misses,
    parse_table,
    table_content,
)
from helpers.data.table_cache import LINE_COLUMN, TableMemo, TypedTable, table_key

FILE_COLUMNS = "file_columns"  # key in DataFrame.attrs: the schema columns the file has
FILE_ORDER = "file_order"  # key in DataFrame.attrs: the file's header, in the file's order


@dataclass(frozen=True)
class UnitInfo:
    unit: str
    name: str
    short_name: str
    municipality: str
    invented: bool = False  # enheter.csv says the unit is an invented example

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


class Tables(dict):
    """The unit-year's typed tables by stem, each read on first use (``lazy``) and read again
    when its file has changed since (a JupyterLab cell re-run shows the table as it is now).

    A table no section of the report uses is an empty frame. A table that cannot be read raises
    its own ``DataError`` when used, so one broken table does not stop a section that does not
    read it (the build validates everything before any section runs anyway).
    """

    def __init__(self, folder: Path, project: Project, specs: dict[str, TableSpec]):
        super().__init__()
        self.folder = folder
        self.project = project
        self.specs = specs  # the tables the report uses
        self._signatures: dict[str, tuple[str, int, int] | None] = {}

    def _signature(self, stem: str) -> tuple[str, int, int] | None:
        path = find_table(self.folder, stem)
        if path is None:
            return None
        info = path.stat()
        return (path.name, info.st_mtime_ns, info.st_size)

    def __getitem__(self, stem: str) -> pd.DataFrame:
        spec = self.specs.get(stem)
        if spec is None:  # a table no section uses, or one set directly
            if dict.__contains__(self, stem):
                return dict.__getitem__(self, stem)
            return pd.DataFrame(columns=[LINE_COLUMN, *SPECS[stem].names])
        signature = self._signature(stem)
        if dict.__contains__(self, stem) and self._signatures.get(stem) == signature:
            if read_log.active():  # what the section sees must be in its read set
                path = find_table(self.folder, stem)
                if path is not None:
                    read_log.record_file(path)
            return dict.__getitem__(self, stem)
        frame, problems = read_spec_table(self.folder, spec, self.project)
        if problems:
            raise DataError(problems)
        dict.__setitem__(self, stem, frame)
        self._signatures[stem] = signature
        return frame

    def load_all(self) -> list[Problem]:
        """Read every table the report uses; every problem found."""
        problems: list[Problem] = []
        for stem, spec in self.specs.items():
            frame, found = read_spec_table(self.folder, spec, self.project)
            dict.__setitem__(self, stem, frame)
            self._signatures[stem] = self._signature(stem)
            problems += found
        return problems


@dataclass
class UnitData:
    """All data of one report: params, unit, typed tables and narrative."""

    project: Project
    params: ReportParams
    info: UnitInfo
    subunits: list[str]
    folder: Path
    definition: ReportDefinition
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.params.year

    def labels(self, section: SectionSpec | None = None) -> Labels:
        """The report's fixed texts (with the section's own, if given), {år}, {enhet} and
        {kommun} filled in."""
        common = {"år": str(self.year), "enhet": self.info.name, "kommun": self.info.municipality}
        return self.definition.label_set(common, section)

    def table(self, stem: str) -> pd.DataFrame:
        return self.tables[stem]

    def text(self, name: str) -> str | None:
        """The Markdown of ``text/<name>``, or None when the file does not exist."""
        path = self.folder / "text" / name
        if not os.path.lexists(path):
            read_log.record_absent(path)
            return None
        return read_text_file(path, display_path(path, self.project.root), self.project.root)

    @property
    def goals(self) -> pd.DataFrame:
        return self.tables["mal"]

    @cached_property
    def comparison_groups(self) -> dict[str, str]:
        """Indicator id → the name of the Kolada group its comparison is fetched for."""
        from helpers.data.kolada_groups import comparison_names

        return comparison_names(self.project, self.info.unit)


def read_text_file(path: Path, shown_as: str, root: Path | None = None) -> str:
    """A narrative file's text; a ``DataError`` naming the file when it lies outside the project
    (``root``, see ``paths.read_input``), cannot be read, or is not UTF-8 (naming the line)."""
    root = root if root is not None else Project.current().root
    return decode_text(read_input(path, root), shown_as, table=False).replace("\r\n", "\n")


def period_start(period: str) -> int:
    """First year of a period label (``2016`` → 2016, ``2010-2013`` → 2010)."""
    match = PERIOD.fullmatch(period)
    if not match:
        raise ValueError(period)
    return int(match.group(1))


def period_end(period: str) -> int:
    """Last year of a period label (``2016`` → 2016, ``2010-2013`` → 2013)."""
    match = PERIOD.fullmatch(period)
    if not match:
        raise ValueError(period)
    return int(match.group(2) or match.group(1))


def missing_columns(spec: TableSpec, table: Table) -> list[str]:
    """The columns of ``spec`` the table must have and the header lacks."""
    return [c.name for c in spec.columns if c.name not in table.columns and not c.optional_column]


def column_problems(spec: TableSpec, table: Table) -> list[Problem]:
    """What is wrong with a table's header against its schema, each on the header row: a
    column missing (``kolumnen 'prognos' saknas``, with the header that was likely meant for
    it), one no longer read (``retired_columns``), one the schema does not have
    (``unknown_column_problem``). The one header check of every table: the unit's, the shared
    ones, custom ones and ``data/kolada.csv`` (``kolada_mapping``)."""
    problems: list[Problem] = []
    missing = missing_columns(spec, table)
    unknown = unknown_columns(spec, table)
    named_as_missing: set[str] = set()
    for name in missing:
        close = difflib.get_close_matches(name, unknown, n=1, cutoff=0.6)
        found = f" (rubriken '{quote(close[0], 40)}' ska heta '{name}'?)" if close else ""
        named_as_missing.update(close)
        problems.append(
            Problem(
                table.shown_as,
                f"kolumnen '{name}' saknas{found}",
                row=table.header_line,
                column=name,
                hint="skriv kolumnnamnet exakt som i docs/data-format.md, i rubrikraden",
            )
        )
    for name, hint in spec.retired_columns.items():
        if name in table.columns:
            problems.append(
                Problem(
                    table.shown_as,
                    f"kolumnen '{name}' används inte längre",
                    row=table.header_line,
                    column=name,
                    hint=hint,
                )
            )
    problems += [
        unknown_column_problem(spec, table, name)
        for name in unknown
        if name not in named_as_missing
    ]
    return problems


def typed_frame(spec: TableSpec, table: Table) -> tuple[pd.DataFrame, list[Problem]]:
    """Convert a read table to a DataFrame of typed columns, collecting every problem."""
    problems = column_problems(spec, table)
    if missing_columns(spec, table):
        return pd.DataFrame(columns=spec.names), problems
    ambiguous = _ambiguous_numbers(spec, table)
    records: list[dict[str, object]] = []
    for row, line in zip(table.rows, table.lines, strict=True):
        record: dict[str, object] = {LINE_COLUMN: line}
        for column in spec.columns:
            text = row.get(column.name, "")
            try:
                value = convert_cell(column, text)
            except ValueError as exc:
                problems.append(Problem(table.shown_as, str(exc), row=line, column=column.name))
                value = None
            else:
                if column.required and value in ("", None):
                    problems.append(
                        Problem(
                            table.shown_as,
                            "cellen är tom men måste fyllas i",
                            row=line,
                            column=column.name,
                        )
                    )
            if (line, column.name) in ambiguous:
                problems.append(ambiguous[line, column.name])
                value = None
            record[column.name] = value
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=[LINE_COLUMN, *spec.names])
    for column in spec.columns:
        if column.kind == "number":
            frame[column.name] = pd.to_numeric(frame[column.name], errors="coerce").astype(
                "float64"
            )
    # Every schema column is in the frame (empty where the file lacks an optional one); which
    # columns the file really has tells a column the analyst left out from one left empty.
    frame.attrs[FILE_COLUMNS] = tuple(name for name in spec.names if name in table.columns)
    frame.attrs[FILE_ORDER] = tuple(table.columns)
    return frame, problems


def unknown_columns(spec: TableSpec, table: Table) -> list[str]:
    """The header's named columns the table's schema does not have (a column no longer read,
    ``retired_columns``, has its own message; an unnamed column is the reader's to judge).

    Every table the workbook defines lists all its columns, the unit's own tables (kind
    ``egen``) in their ``.schema.yaml``: a column outside it would be read by nothing, and is
    nearly always a misspelt one (``progonos``) whose values would silently go missing.
    """
    return unknown_names(spec, table.columns)


def unknown_names(spec: TableSpec, columns: Sequence[str]) -> list[str]:
    """``unknown_columns`` of a header given as its column names."""
    return [
        name
        for name in columns
        if name and name not in spec.names and name not in spec.retired_columns
    ]


def unknown_column_problem(spec: TableSpec, table: Table, name: str) -> Problem:
    """``okänd kolumn 'progonos' (menade du 'prognos'?)``, naming the header row."""
    free = [known for known in spec.names if known not in table.columns]
    close = difflib.get_close_matches(name.casefold(), free, n=1, cutoff=0.6)
    meant = f" (menade du '{close[0]}'?)" if close else ""
    hint = (
        f"döp om rubriken till '{close[0]}'"
        if close
        else "rätta rubriken eller ta bort kolumnen (kolumnerna är: " + ", ".join(spec.names) + ")"
    )
    return Problem(
        table.shown_as,
        f"okänd kolumn '{quote(name, 40)}'{meant}: den läses inte, och dess värden skulle "
        "inte synas i rapporten",
        row=table.header_line,
        column=name,
        hint=hint,
    )


def _ambiguous_numbers(spec: TableSpec, table: Table) -> dict[tuple[int, str], Problem]:
    """Typed-in number cells that read as thousands in one Excel and decimals in another."""
    cells = [
        (line, column.name, row.get(column.name, ""))
        for row, line in zip(table.rows, table.lines, strict=True)
        for column in spec.columns
        if column.kind == "number" and (line, column.name) not in table.exact
    ]
    reasons = ambiguous_thousands([text for _, _, text in cells])
    return {
        (line, name): Problem(
            table.shown_as,
            f'"{quote(text)}": {reasons[text][0]}',
            row=line,
            column=name,
            hint=reasons[text][1],
        )
        for line, name, text in cells
        if text in reasons
    }


def near_miss_hint(miss: Path, stem: str) -> str:
    """What to do with ``miss``, a file that looks like the table ``stem`` but is not read
    (``readers.near_misses``): a name in the wrong case (``Drift.csv``, ``drift.XLSX``) is
    renamed; a spreadsheet in another format (``drift.xls``, ``.ods``, ``.numbers``) is saved
    again from its program — renaming it to ``.csv`` would leave a file no one can read; a
    ``.txt`` (often a CSV under another name) is renamed or saved as CSV."""
    suffix = miss.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return f"det finns '{miss.name}' — döp om den till {stem}{suffix}"
    if suffix == ".txt":
        return f"det finns '{miss.name}' — döp om den till {stem}.csv om den är en CSV-fil"
    return (
        f"det finns '{miss.name}', men det formatet läses inte — öppna den i kalkylprogrammet "
        f"och spara den som {stem}.xlsx (Excel-arbetsbok) eller som CSV (UTF-8), {stem}.csv"
    )


def read_spec_table(
    folder: Path, spec: TableSpec, project: Project
) -> tuple[pd.DataFrame, list[Problem]]:
    """The table ``spec.stem`` of ``folder`` typed (``read_typed``: parsed once per content),
    the caller's own frame, and every problem: a missing file (none when ``spec`` does not
    require it), one outside the project or unreadable, and its cells'. Never raises for bad
    data; the frame is empty (the spec's columns) when the file cannot be read."""
    path = find_table(folder, spec.stem)
    if path is None:
        shown = display_path(folder / f"{spec.stem}.csv", project.root)
        if not spec.required_file:
            return pd.DataFrame(columns=[LINE_COLUMN, *spec.names]), []
        hint = "skapa den som CSV eller .xlsx (se docs/data-format.md)"
        misses = near_misses(folder, spec.stem)
        if misses:
            hint = near_miss_hint(misses[0], spec.stem)
        return pd.DataFrame(columns=[LINE_COLUMN, *spec.names]), [
            Problem(shown, "filen saknas", hint=hint)
        ]
    shown = display_path(path, project.root)
    try:
        readable_file(path, project.root)
    except DataError as exc:
        return pd.DataFrame(columns=[LINE_COLUMN, *spec.names]), exc.problems
    typed = read_typed(path, shown, spec)
    return typed.frame, list(typed.problems)


# Every table file read and typed, by content (``table_cache``): validation's, the loader's, a
# warm kernel's and the preview's readings of an unchanged file are one parse per process.
_TYPED = TableMemo()


def read_typed(path: Path, shown_as: str, spec: TableSpec) -> TypedTable:
    """The table file ``path`` (CSV or .xlsx) read and typed against ``spec``
    (``typed_frame``), named ``shown_as`` in its problems; the caller's own copy.

    Its bytes are read on every call; they are parsed once per content, name, ``shown_as`` and
    spec (``table_cache.table_key``). A file that cannot be read is a ``TypedTable`` without
    ``columns`` whose problems say why (never raises ``DataError``). The caller checks the path
    first (``paths.readable_file``: inside the project, a regular file, in the read set)."""
    try:
        raw = table_content(path, shown_as)
    except DataError as exc:
        return TypedTable(_empty(spec), tuple(exc.problems), shown_as, None)
    key = table_key(raw, path.name, shown_as, spec)
    found = _TYPED.get(key)
    if found is None:
        try:
            table = parse_table(raw, path, shown_as, spec.names)
        except DataError as exc:
            found = TypedTable(_empty(spec), tuple(exc.problems), shown_as, None)
        else:
            frame, problems = typed_frame(spec, table)
            found = TypedTable(frame, tuple(problems), table.shown_as, tuple(table.columns))
        _TYPED.put(key, found, len(raw))
    return found.copy()


def _empty(spec: TableSpec) -> pd.DataFrame:
    return pd.DataFrame(columns=[LINE_COLUMN, *spec.names])


def load_unit_info(
    unit: str, project: Project, municipality: str = ""
) -> tuple[UnitInfo, list[str]]:
    """The unit's name and sub-units from the shared reference tables; ``municipality`` is the
    kommun's name from the report definition."""
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for spec in SHARED_TABLES:
        frame, found = read_spec_table(project.data, spec, project)
        frames[spec.stem] = frame
        problems += found
    if problems:
        raise DataError(problems)
    units = frames["enheter"]
    match = units[units["enhet"] == unit]
    if match.empty:
        path = find_table(project.data, "enheter") or project.data / "enheter.csv"
        raise DataError(
            [
                Problem(
                    display_path(path, project.root),
                    f"enheten '{unit}' finns inte i listan över enheter",
                    column="enhet",
                    hint="lägg till en rad för enheten (eller kör `workbook new-unit`)",
                )
            ]
        )
    first = match.iloc[0]
    info = UnitInfo(
        unit, first["namn"], first["förkortning"], municipality, first.get("påhittad") == "ja"
    )
    subs = frames["delverksamheter"]
    return info, list(subs.loc[subs["enhet"] == unit, "delverksamhet"])


def load_unit(
    year: int | str, unit: str, project: Project | None = None, *, lazy: bool = False
) -> UnitData:
    """Load a unit-year; raises DataError listing every cell that could not be read.

    ``lazy``: tables are read when a section first uses them (and again when their file
    changed); a broken table raises its ``DataError`` then, not here. Section notebooks load
    lazily, so a section's read set (``read_log``) holds only the tables it shows.
    """
    project = project or Project.current()
    params = load_params(year, unit, project)
    definition = load_definition(project, params.year, params.unit)
    info, subunits = load_unit_info(params.unit, project, definition.municipality.name)
    if params.invented:  # a real unit's report with invented figures (e.g. an example delår)
        info = replace(info, invented=True)
    folder = project.unit_data(params.year, params.unit)
    required, optional = definition.tables()
    specs = {}
    for spec in unit_specs(definition.vocabularies(), definition.drift.unit):
        if spec.stem in required | optional:
            specs[spec.stem] = replace(spec, required_file=False) if spec.stem in optional else spec
    tables = Tables(folder, project, specs)
    data = UnitData(project, params, info, subunits, folder, definition, tables)
    if not lazy:
        problems = tables.load_all()
        if problems:
            raise DataError(problems)
    return data


__all__ = [
    "FILE_COLUMNS",
    "FILE_ORDER",
    "LINE_COLUMN",
    "SPECS",
    "UnitData",
    "UnitInfo",
    "convert_cell",
    "load_unit",
    "period_end",
    "period_start",
    "typed_frame",
    "column_problems",
    "missing_columns",
    "unknown_columns",
]
