"""Which cells of a unit's value files Kolada fills, what would change, and writing it.

``plan_unit`` turns the mapping into target cells of ``indikatorvarden.csv`` and
``nyckeltalsvarden.csv``; ``compute_changes`` compares them with the fetched values;
``apply_changes`` writes the accepted changes back:

* only the years the unit's files already have a row for (indicators: periods that are a single
  year; key figures: ``år``); rows are never added or removed;
* a value Kolada does not have (``null``, or no row) stays missing: nothing is written, never 0;
* a value typed by hand counts as unchanged when Kolada's value, at the precision it was typed
  with, is the same number; otherwise the change ``overwrites`` it (the command asks first);
* every row that received a value gets the retrieval date in the optional ``kolada_hämtad``
  column, which the report turns into *Källa: Kolada, hämtad ÅÅÅÅ-MM-DD*;
* files are rewritten through ``helpers.kolada.kolada_csv``, so cells that do not change keep their
  exact bytes and the new file is written aside and moved into place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from helpers.core.errors import DataError, Problem, display_path
from helpers.core.paths import Project, readable_file
from helpers.core.schema import SPECS
from helpers.data.kolada_mapping import Kind, MappingRow
from helpers.data.readers import find_table, parse_number, read_table
from helpers.kolada.kolada_api import KoladaError, KoladaValue
from helpers.kolada.kolada_csv import (
    encode_field,
    parse_fields,
    raw_fields,
    read_document,
    record_body,
    record_ending,
    record_lines,
    write_atomically,
)

FETCHED_COLUMN = "kolada_hämtad"
VALUE_COLUMN = "värde"

_SINGLE_YEAR = re.compile(r"^[0-9]{4}$")


@dataclass(frozen=True)
class Target:
    """One cell of a unit's value file that a Kolada value may fill."""

    path: Path
    record: int  # index of the record in the file (see CsvDocument.records)
    line: int  # physical line in the file, for messages
    column: str  # 'värde' or 'jämförelse'
    kind: Kind
    item_id: str
    year: int
    old: str
    kpi: str
    municipality: str
    decimal_comma: bool = False


@dataclass(frozen=True)
class Change:
    """A Kolada value for a target cell that differs from what the cell holds."""

    target: Target
    new: str
    retrieved: date

    @property
    def overwrites(self) -> bool:
        """True when the cell holds a value typed by hand (not merely empty)."""
        return bool(self.target.old.strip())


@dataclass(frozen=True)
class ValueFileSpec:
    kind: Kind
    stem: str
    id_column: str
    year_column: str
    comparison_column: str | None


VALUE_FILES: tuple[ValueFileSpec, ...] = (
    ValueFileSpec("indikator", "indikatorvarden", "indikator_id", "period", "jämförelse"),
    ValueFileSpec("nyckeltal", "nyckeltalsvarden", "nyckeltal_id", "år", None),
)


def plan_unit(
    project: Project,
    year: int,
    unit: str,
    mapping: Sequence[MappingRow],
    municipality: str,
) -> tuple[list[Target], list[str]]:
    """The cells of one unit-year that mapped Kolada values may fill, and notes for the user."""
    folder = project.unit_data(year, unit)
    targets: list[Target] = []
    notes: list[str] = []
    computed = _computed_key_figures(folder, project.root)
    for spec in VALUE_FILES:
        rows = [m for m in mapping if m.kind == spec.kind and m.applies_to(unit)]
        if not rows:
            continue
        path = folder / f"{spec.stem}.csv"
        shown = display_path(path, project.root)
        if not path.is_file():
            other = find_table(folder, spec.stem)
            notes.append(
                f"{unit}: {display_path(other, project.root)} är en Excel-fil; workbook kolada "
                "skriver bara CSV — spara den som CSV UTF-8 för att fylla den från Kolada."
                if other is not None
                else f"{unit}: {shown} finns inte — inga {spec.kind}svärden att fylla."
            )
            continue
        readable_file(path, project.root)
        document = read_document(path, shown, SPECS[spec.stem].names)
        missing = [
            c for c in (spec.id_column, spec.year_column, VALUE_COLUMN) if c not in document.columns
        ]
        if missing:
            raise DataError([Problem(shown, f"kolumnen {name} saknas", row=1) for name in missing])
        data = document.data_rows()
        value_columns = [VALUE_COLUMN]
        if spec.comparison_column and spec.comparison_column in document.columns:
            value_columns.append(spec.comparison_column)
        decimal_comma = _uses_decimal_comma(
            (cells[c] for _, cells in data for c in value_columns), document.delimiter
        )
        present = {cells[spec.id_column].strip() for _, cells in data}
        lines = record_lines(document.records)
        for row in rows:
            if row.item_id not in present:
                notes.append(
                    f"{unit}: {spec.kind} {row.item_id} finns inte i {shown} — hoppas "
                    "över (kontrollera id:t i data/kolada.csv)."
                )
                continue
            if spec.kind == "nyckeltal" and row.item_id in computed:
                notes.append(
                    f"{unit}: nyckeltal {row.item_id} räknas ut ({computed[row.item_id]})"
                    " och hämtas därför inte från Kolada."
                )
                continue
            if row.comparison and spec.comparison_column not in document.columns:
                notes.append(
                    f"{unit}: {shown} saknar kolumnen jämförelse — jämförelsevärden för "
                    f"{row.item_id} hoppas över."
                )
            for index, cells in data:
                if cells[spec.id_column].strip() != row.item_id:
                    continue
                period = cells[spec.year_column].strip()
                if not _SINGLE_YEAR.match(period):
                    continue  # periods such as 2010-2013 are not single Kolada years
                targets.append(
                    Target(
                        path=path,
                        record=index,
                        line=lines[index],
                        column=VALUE_COLUMN,
                        kind=spec.kind,
                        item_id=row.item_id,
                        year=int(period),
                        old=cells[VALUE_COLUMN],
                        kpi=row.kpi,
                        municipality=municipality,
                        decimal_comma=decimal_comma,
                    )
                )
                if row.comparison and spec.comparison_column in document.columns:
                    targets.append(
                        replace(
                            targets[-1],
                            column=spec.comparison_column,
                            old=cells[spec.comparison_column],
                            municipality=row.comparison,
                        )
                    )
    return targets, notes


def _computed_key_figures(folder: Path, root: Path) -> dict[str, str]:
    path = find_table(folder, "nyckeltal")
    if path is None:
        return {}
    try:
        readable_file(path, root)
        table = read_table(path, display_path(path, root), SPECS["nyckeltal"].names)
    except DataError:
        return {}
    return {
        row.get("nyckeltal_id", ""): row["beräkning"]
        for row in table.rows
        if row.get("beräkning", "").strip()
    }


def _uses_decimal_comma(values: Iterable[str], delimiter: str) -> bool:
    comma = point = 0
    for value in values:
        if re.search(r"\d,\d", value):
            comma += 1
        elif re.search(r"\d\.\d", value):
            point += 1
    if comma != point:
        return comma > point
    return delimiter == ";"


def compute_changes(
    targets: Iterable[Target],
    values: Mapping[tuple[str, str, int], KoladaValue],
) -> list[Change]:
    """The cells whose Kolada value is known and differs from what the cell holds.

    ``values`` is keyed by (kpi, municipality, year). A missing Kolada value never produces a
    change. A typed value counts as equal when Kolada's value, rounded to the number of decimals
    the value was typed with, is the same number (``5.1`` typed, ``5.13`` in Kolada: no change).
    A comparison cell (any column but ``värde``) is only filled on a row that has a value, or
    gets one now: an average next to "Ingen mätning gjordes" would compare with nothing.
    """
    targets = list(targets)
    changes: list[Change] = []
    for target in targets:
        found = values.get((target.kpi, target.municipality, target.year))
        if found is None or found.value is None:
            continue
        if _same_number(target.old, found.value):
            continue
        changes.append(
            Change(
                target,
                format_number(found.value, decimal_comma=target.decimal_comma),
                found.retrieved or date.today(),
            )
        )
    with_value = {
        (t.path, t.record) for t in targets if t.column == VALUE_COLUMN and t.old.strip()
    } | {(c.target.path, c.target.record) for c in changes if c.target.column == VALUE_COLUMN}
    return [
        c
        for c in changes
        if c.target.column == VALUE_COLUMN or (c.target.path, c.target.record) in with_value
    ]


def format_number(value: float, *, decimal_comma: bool = False) -> str:
    """A Kolada number as it is written into a data file: no thousands separator, no ``.0``."""
    if float(value).is_integer():
        text = str(int(value))
    else:
        text = repr(float(value))
        if "e" in text or "E" in text:
            text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if decimal_comma else text


def _same_number(typed: str, value: float) -> bool:
    if not typed.strip():
        return False
    try:
        number = parse_number(typed)
    except ValueError:
        return False
    if number is None:
        return False
    match = re.search(r"[.,](\d+)\s*$", typed.strip())
    decimals = len(match.group(1)) if match else 0
    return abs(round(value, decimals) - round(number, decimals)) < 1e-9


def apply_changes(path: Path, changes: Sequence[Change], shown_as: str | None = None) -> None:
    """Write changes into one CSV file, setting ``kolada_hämtad`` on every changed row.

    The file is re-read first; if a target cell no longer holds what it held when the changes
    were computed (someone edited the file meanwhile), nothing is written and KoladaError says so.
    Untouched records keep their bytes; the result is written aside and moved into place.
    """
    shown = shown_as or path.name
    document = read_document(path, shown, SPECS[path.stem].names if path.stem in SPECS else ())
    columns = list(document.columns)
    records = list(document.records)
    delimiter = document.delimiter
    by_record: dict[int, list[Change]] = {}
    for change in changes:
        if change.target.path != path:
            raise ValueError(f"change for {change.target.path} applied to {path}")
        by_record.setdefault(change.target.record, []).append(change)

    current = dict(document.data_rows())
    for index, record_changes in by_record.items():
        cells = current.get(index)
        for change in record_changes:
            target = change.target
            if (
                cells is None
                or cells.get(target.column, "").strip() != target.old.strip()
                or cells.get(_id_column(target.kind), "").strip() != target.item_id
            ):
                raise KoladaError(
                    f"{shown} ändrades medan kommandot kördes (rad {target.line}); ingenting "
                    "skrevs till den filen. Kör workbook kolada igen."
                )

    if FETCHED_COLUMN not in columns:
        header = records[document.header_index]
        records[document.header_index] = (
            record_body(header) + delimiter + FETCHED_COLUMN + record_ending(header)
        )
        for index in range(document.header_index + 1, len(records)):
            record = records[index]
            body = record_body(record)
            if not body.strip():
                continue
            present = len(raw_fields(body, delimiter))
            padding = delimiter * (max(len(columns) - present, 0) + 1)
            records[index] = body + padding + record_ending(record)
        columns.append(FETCHED_COLUMN)
    fetched_at = columns.index(FETCHED_COLUMN)

    for index, record_changes in by_record.items():
        record = records[index]
        body = record_body(record)
        fields = raw_fields(body, delimiter)
        if len(fields) != len(parse_fields(body, delimiter)):  # unusual quoting: rewrite the row
            fields = [encode_field(f, delimiter) for f in parse_fields(body, delimiter)]
        fields += [""] * (len(columns) - len(fields))
        for change in record_changes:
            fields[columns.index(change.target.column)] = encode_field(change.new, delimiter)
        newest = max(change.retrieved for change in record_changes)
        fields[fetched_at] = newest.isoformat()
        records[index] = delimiter.join(fields) + record_ending(record)

    document.records = records
    write_atomically(path, document.encode())


def _id_column(kind: Kind) -> str:
    return "indikator_id" if kind == "indikator" else "nyckeltal_id"
