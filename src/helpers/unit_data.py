"""Loading one unit-year's data into typed tables and narrative, ready for the sections.

Everything a report shows comes through ``load_unit``. Cells are converted according to
``schema``; a cell that cannot be converted is a ``DataError`` naming file, row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from helpers.errors import DataError, Problem, display_path
from helpers.params import ReportParams, load_params
from helpers.paths import Project
from helpers.readers import Table, find_table, parse_number, read_table
from helpers.schema import SHARED_TABLES, SPECS, UNIT_TABLES, Column, TableSpec

LINE_COLUMN = "_rad"
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


@dataclass(frozen=True)
class UnitInfo:
    unit: str
    name: str
    short_name: str
    municipality: str

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


@dataclass
class UnitData:
    """All data of one report: params, unit, typed tables and narrative."""

    project: Project
    params: ReportParams
    info: UnitInfo
    subunits: list[str]
    folder: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.params.year

    def table(self, stem: str) -> pd.DataFrame:
        return self.tables[stem]

    def text(self, name: str) -> str | None:
        """The Markdown of ``text/<name>``, or None when the file does not exist."""
        path = self.folder / "text" / name
        if not path.is_file():
            return None
        return read_text_file(path, display_path(path, self.project.root))

    @cached_property
    def goals(self) -> pd.DataFrame:
        return self.tables["mal"]


def read_text_file(path: Path, shown_as: str) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise DataError(
            [Problem(shown_as, "filen är inte sparad som UTF-8", hint="spara om den som UTF-8")]
        ) from None


def period_start(period: str) -> int:
    """First year of a period label (``2016`` → 2016, ``2010-2013`` → 2010)."""
    match = _PERIOD.match(period)
    if not match:
        raise ValueError(period)
    return int(match.group(1))


def convert_cell(column: Column, text: str) -> object:
    """One cell as its typed value; raises ValueError with a Swedish explanation."""
    if text == "":
        if column.kind in ("number", "int"):
            return None
        return ""
    if column.kind == "number":
        try:
            return parse_number(text)
        except ValueError:
            raise ValueError(
                f'"{text}" är inget tal — skriv bara siffror, t.ex. 4307 eller 0,7'
            ) from None
    if column.kind in ("int", "year"):
        try:
            value = parse_number(text)
        except ValueError:
            value = None
        if value is None or not float(value).is_integer():
            raise ValueError(f'"{text}" är inget heltal — skriv bara siffror')
        if column.kind == "year" and not 1900 <= value <= 2100:
            raise ValueError(f'"{text}" är inget rimligt år — skriv fyra siffror, t.ex. 2016')
        return int(value)
    if column.kind == "period":
        match = _PERIOD.match(text)
        if not match or (match.group(2) and int(match.group(2)) <= int(match.group(1))):
            raise ValueError(
                f'"{text}" är ingen period — skriv ett år (2016) eller ett intervall (2010-2013)'
            )
        return text
    if column.kind == "date":
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(f'"{text}" är inget datum — skriv ÅÅÅÅ-MM-DD') from None
    if column.kind == "choice" and text.lower() not in column.choices:
        allowed = ", ".join(f"'{c}'" for c in column.choices)
        raise ValueError(f'"{text}" är inget tillåtet värde — använd {allowed} eller lämna tom')
    if column.kind == "choice":
        return text.lower()
    if column.kind == "id" and not re.fullmatch(r"[A-Za-z0-9_\-.]+", text):
        raise ValueError(f'"{text}" är inget giltigt id — använd bokstäver a–z, siffror, _ och -')
    return text


def typed_frame(spec: TableSpec, table: Table) -> tuple[pd.DataFrame, list[Problem]]:
    """Convert a read table to a DataFrame of typed columns, collecting every problem."""
    problems: list[Problem] = []
    missing = [
        c.name for c in spec.columns if c.name not in table.columns and not c.optional_column
    ]
    for name in missing:
        problems.append(
            Problem(
                table.shown_as,
                f"kolumnen '{name}' saknas",
                row=1,
                column=name,
                hint="lägg till den i rubrikraden (se docs/data-format.md)",
            )
        )
    if missing:
        return pd.DataFrame(columns=spec.names), problems
    records: list[dict[str, object]] = []
    for row, line in zip(table.rows, table.lines, strict=True):
        record: dict[str, object] = {LINE_COLUMN: line}
        for column in spec.columns:
            text = row.get(column.name, "")
            if column.required and text == "":
                problems.append(
                    Problem(
                        table.shown_as,
                        "cellen är tom men måste fyllas i",
                        row=line,
                        column=column.name,
                    )
                )
            try:
                record[column.name] = convert_cell(column, text)
            except ValueError as exc:
                problems.append(Problem(table.shown_as, str(exc), row=line, column=column.name))
                record[column.name] = None
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=[LINE_COLUMN, *spec.names])
    for column in spec.columns:
        if column.kind == "number":
            frame[column.name] = pd.to_numeric(frame[column.name], errors="coerce").astype(
                "float64"
            )
    return frame, problems


def read_spec_table(
    folder: Path, spec: TableSpec, project: Project
) -> tuple[pd.DataFrame, list[Problem]]:
    path = find_table(folder, spec.stem)
    if path is None:
        shown = display_path(folder / f"{spec.stem}.csv", project.root)
        if not spec.required_file:
            return pd.DataFrame(columns=[LINE_COLUMN, *spec.names]), []
        return pd.DataFrame(columns=[LINE_COLUMN, *spec.names]), [
            Problem(shown, "filen saknas", hint="skapa den (se docs/data-format.md)")
        ]
    try:
        table = read_table(path, display_path(path, project.root))
    except DataError as exc:
        return pd.DataFrame(columns=[LINE_COLUMN, *spec.names]), exc.problems
    return typed_frame(spec, table)


def load_unit_info(unit: str, project: Project) -> tuple[UnitInfo, list[str]]:
    """The unit's name and sub-units from the shared reference tables."""
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
    info = UnitInfo(unit, first["namn"], first["förkortning"], first["kommun"])
    subs = frames["delverksamheter"]
    return info, list(subs.loc[subs["enhet"] == unit, "delverksamhet"])


def load_unit(year: int | str, unit: str, project: Project | None = None) -> UnitData:
    """Load a unit-year; raises DataError listing every cell that could not be read."""
    project = project or Project.current()
    params = load_params(year, unit, project)
    info, subunits = load_unit_info(params.unit, project)
    folder = project.unit_data(params.year, params.unit)
    data = UnitData(project, params, info, subunits, folder)
    problems: list[Problem] = []
    for spec in UNIT_TABLES:
        frame, found = read_spec_table(folder, spec, project)
        data.tables[spec.stem] = frame
        problems += found
    if problems:
        raise DataError(problems)
    return data


__all__ = ["SPECS", "UnitData", "UnitInfo", "load_unit", "period_start"]
