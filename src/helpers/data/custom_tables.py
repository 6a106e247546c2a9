"""The unit's own tables, read by custom sections (kind ``egen``): each declared by a schema.

A custom table is a file in the unit-year's data folder (``vantetider.csv`` or ``.xlsx``) with a
schema beside it (``vantetider.schema.yaml``) that names its columns and their kinds — the same
kinds the workbook's own tables use (``schema.Column``), in Swedish::

    rubrik: Väntetid till särskilt boende per månad   # the table's caption (optional)
    nyckel: [månad]                                    # columns that identify a row (optional)
    kolumner:
      - {namn: månad, typ: text, obligatorisk: ja}
      - {namn: ansökningar, typ: heltal}
      - {namn: väntetid_dagar, typ: tal, decimaler: 0, rubrik: Väntetid, enhet: dagar}

The schema becomes a ``TableSpec``, so ``validate`` checks the file cell by cell (file, row,
column) with the same reading the report uses. Problems in the schema itself (an unknown kind or
key, a typo) name the schema file, line and key.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.core.errors import DataError, Problem, display_path
from helpers.core.paths import Project, read_input
from helpers.core.schema import SPECS, Column, ColumnKind, TableSpec
from helpers.data.definition.located import Located, read_located
from helpers.data.definition.reader import SECTION_ID, Reader
from helpers.data.readers import find_table, table_files
from helpers.data.unit_data import LINE_COLUMN, read_spec_table

SCHEMA_SUFFIX = ".schema.yaml"

# The analyst's names of the column kinds (the built-in kind names are accepted as well).
KIND_NAMES: dict[str, ColumnKind] = {
    "text": "text",
    "id": "id",
    "heltal": "int",
    "tal": "number",
    "år": "year",
    "period": "period",
    "datum": "date",
    "val": "choice",
}
KIND_ALIASES: dict[str, ColumnKind] = {
    "int": "int",
    "number": "number",
    "year": "year",
    "date": "date",
    "choice": "choice",
}
SCHEMA_KEYS = ("rubrik", "nyckel", "kolumner")
COLUMN_KEYS = ("namn", "typ", "rubrik", "obligatorisk", "värden", "procent", "decimaler", "enhet")

# Keys in DataFrame.attrs of a loaded custom table, read by the display helpers.
CAPTION = "workbook_caption"
DECIMALS = "workbook_decimals"  # column → decimals
UNITS = "workbook_units"  # column → unit shown after numbers (dagar, %, tkr)
HEADINGS = "workbook_headings"  # column → its heading in the report


@dataclass(frozen=True)
class CustomTable:
    """A custom table's schema: the spec the file is read with, and how it is shown."""

    spec: TableSpec
    schema_file: str  # as shown to the analyst
    caption: str | None = None
    decimals: dict[str, int] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    headings: dict[str, str] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return self.spec.stem


def schema_path(folder: Path, stem: str) -> Path:
    return folder / f"{stem}{SCHEMA_SUFFIX}"


def schema_stems(folder: Path) -> list[str]:
    """The stems of every schema file in a unit-year's data folder, sorted."""
    if not folder.is_dir():
        return []
    return sorted(
        path.name.removesuffix(SCHEMA_SUFFIX)
        for path in folder.iterdir()
        if path.name.endswith(SCHEMA_SUFFIX)
    )


def read_schema(path: Path, project: Project) -> tuple[CustomTable | None, list[Problem]]:
    """A schema file as a :class:`CustomTable`, or None and every problem found in it."""
    shown = display_path(path, project.root)
    stem = path.name.removesuffix(SCHEMA_SUFFIX)
    reader = Reader(shown)
    if not SECTION_ID.fullmatch(stem) or stem in SPECS:
        taken = " (workbook har redan en tabell med det namnet)" if stem in SPECS else ""
        reader.problems.append(
            Problem(
                shown,
                f"'{stem}' går inte att använda som namn på en egen tabell{taken}",
                hint="döp om tabellen och schemat, t.ex. vantetider.csv och "
                "vantetider.schema.yaml (små bokstäver a–z, siffror och _)",
            )
        )
        return None, reader.problems
    try:
        root = read_located(read_input(path, project.root), shown)
    except DataError as exc:
        return None, exc.problems
    top = reader.mapping(root, "schemat")
    if root is None or not top:
        reader.problems.append(
            Problem(shown, "schemat är tomt", hint="skriv kolumner: (se docs/analytiker.md)")
        )
        return None, reader.problems
    reader.known_keys(top, SCHEMA_KEYS, "schemat")
    caption = reader.text(top.get("rubrik"), "rubrik")
    columns: list[Column] = []
    decimals: dict[str, int] = {}
    units: dict[str, str] = {}
    headings: dict[str, str] = {}
    items = reader.sequence(top.get("kolumner"), "kolumner")
    if not items:
        reader.problem(
            top.get("kolumner") or Located(None, root.line, ("kolumner",)),
            "schemat har inga kolumner",
            hint="lista kolumnerna under kolumner: med namn: och typ:",
        )
    for item in items:
        column = _read_column(reader, item, decimals, units, headings)
        if column is None:
            continue
        if column.name in {c.name for c in columns}:
            reader.problem(item, f"kolumnen '{column.name}' finns redan i schemat")
            continue
        columns.append(column)
    names = [c.name for c in columns]
    key: list[str] = []
    where = top.get("nyckel")
    key_items = [where] if where is not None and isinstance(where.value, str) else None
    for item in key_items or reader.sequence(where, "nyckel"):
        name = reader.text(item, "nyckel")
        if name is None:
            continue
        if name not in names:
            close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            reader.problem(
                item,
                f"nyckelkolumnen '{name}' finns inte bland kolumnerna"
                + (f" (menade du '{close[0]}'?)" if close else ""),
                hint="kolumnerna är: " + ", ".join(names),
            )
        else:
            key.append(name)
    if reader.problems:
        return None, reader.problems
    spec = TableSpec(stem, tuple(columns), key=tuple(key))
    return CustomTable(spec, shown, caption, decimals, units, headings), []


def _read_column(
    reader: Reader,
    item: Located,
    decimals: dict[str, int],
    units: dict[str, str],
    headings: dict[str, str],
) -> Column | None:
    mapping = reader.mapping(item, "en kolumn")
    if not mapping:
        return None
    reader.known_keys(mapping, COLUMN_KEYS, "kolumnen")
    name = reader.text(mapping.get("namn"), "namn", required=item)
    kind_text = reader.text(mapping.get("typ"), "typ", required=item)
    kind: ColumnKind | None = None
    if kind_text is not None:
        kind = KIND_NAMES.get(kind_text.lower()) or KIND_ALIASES.get(kind_text.lower())
        if kind is None:
            close = difflib.get_close_matches(kind_text.lower(), list(KIND_NAMES), n=1, cutoff=0.5)
            reader.problem(
                mapping["typ"],
                f"typen '{kind_text}' finns inte"
                + (f" (menade du '{close[0]}'?)" if close else ""),
                hint="typerna är: " + ", ".join(KIND_NAMES),
            )
    choices: list[str] = []
    for value in reader.sequence(mapping.get("värden"), "värden"):
        text = reader.text(value, "värden")
        if text is not None:
            choices.append(text)
    if kind == "choice" and not choices:
        reader.problem(
            mapping.get("typ", item),
            "en kolumn av typen val behöver värden:",
            hint="skriv de tillåtna värdena, t.ex. värden: [ja, nej]",
        )
    elif choices and kind != "choice":
        reader.problem(mapping["värden"], "värden: gäller bara kolumner av typen val")
    percent = reader.flag(mapping.get("procent"), "procent")
    if percent and kind != "number":
        reader.problem(mapping["procent"], "procent: gäller bara kolumner av typen tal")
    if "decimaler" in mapping and name is not None:
        text = reader.text(mapping["decimaler"], "decimaler") or ""
        if text.isdigit() and int(text) <= 6:
            decimals[name] = int(text)
        else:
            reader.problem(mapping["decimaler"], "decimaler: ska vara ett heltal 0–6")
    if "rubrik" in mapping and name is not None:
        heading = reader.text(mapping["rubrik"], "rubrik")
        if heading:
            headings[name] = heading
    if "enhet" in mapping and name is not None:
        unit = reader.text(mapping["enhet"], "enhet")
        if unit:
            units[name] = unit
    if name is None or kind is None:
        return None
    if name.startswith("_"):
        reader.problem(mapping["namn"], f"kolumnnamnet '{name}' får inte börja med _")
        return None
    required = reader.flag(mapping.get("obligatorisk"), "obligatorisk")
    return Column(
        name,
        kind,
        required=required,
        choices=tuple(choices),
        percent=percent,
        unit=units.get(name),
    )


def custom_tables(
    folder: Path, project: Project, wanted: Sequence[str] = ()
) -> tuple[dict[str, CustomTable], list[Problem]]:
    """Every schema in ``folder`` read, and problems: bad schemas, a schema without its table,
    and a table in ``wanted`` (a custom section's ``tabeller:``) without a schema."""
    tables: dict[str, CustomTable] = {}
    problems: list[Problem] = []
    for stem in schema_stems(folder):
        table, found = read_schema(schema_path(folder, stem), project)
        problems += found
        if table is not None:
            tables[stem] = table
            if not table_files(folder, stem):
                problems.append(
                    Problem(
                        display_path(folder / f"{stem}.csv", project.root),
                        "filen saknas (schemat finns)",
                        hint=f"skapa {stem}.csv med kolumnerna i {table.schema_file}, "
                        "eller ta bort schemat",
                    )
                )
    for stem in wanted:
        path = schema_path(folder, stem)
        if stem not in tables and not os.path.lexists(path):
            problems.append(
                Problem(
                    display_path(path, project.root),
                    f"schemat för tabellen '{stem}' saknas",
                    hint="varje egen tabell behöver ett schema bredvid sig som säger vilka "
                    "kolumner den har (se docs/analytiker.md, Egna avsnitt)",
                )
            )
    return tables, problems


def load_custom_table(folder: Path, stem: str, project: Project) -> pd.DataFrame:
    """A custom table as typed columns (numbers as floats, missing as NaN), in the file's row
    order; ``attrs`` carry its caption, decimals and units for the display helpers.

    Raises ``DataError`` (file, row, column) when the schema or a cell is wrong, or either file
    is missing.
    """
    path = schema_path(folder, stem)
    if not os.path.lexists(path):
        _, problems = custom_tables(folder, project, [stem])
        raise DataError([p for p in problems if p.file == display_path(path, project.root)])
    table, problems = read_schema(path, project)
    if table is None:
        raise DataError(problems)
    if find_table(folder, stem) is None:
        raise DataError(custom_tables(folder, project)[1])
    frame, problems = read_spec_table(folder, table.spec, project)
    if problems:
        raise DataError(problems)
    frame = frame.drop(columns=[LINE_COLUMN]).reset_index(drop=True)
    for column in table.spec.columns:
        if column.kind in ("int", "year"):
            frame[column.name] = pd.array(frame[column.name], dtype="Int64")
    frame.attrs[CAPTION] = table.caption
    frame.attrs[DECIMALS] = dict(table.decimals)
    frame.attrs[UNITS] = dict(table.units)
    frame.attrs[HEADINGS] = dict(table.headings)
    return frame
