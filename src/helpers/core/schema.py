"""What each table of a unit-year must contain: columns, types and allowed values.

The single source for loading (``unit_data``) and checking (``validate``). Column names are the
analyst's Swedish ones; see docs/data-format.md. The vocabularies of goal levels, assessments and
activity statuses are the kommun's: they come from the report definition (``data/rapport.yaml``)
through :func:`unit_specs`, never from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

ColumnKind = Literal["text", "id", "int", "number", "year", "period", "date", "choice"]

# Columns whose allowed values the report definition gives: (table, column) → definition list.
DEFINED_CHOICES = {
    ("mal", "nivå"): "nivåer",
    ("mal", "bedömning"): "bedömningar",
    ("aktiviteter", "status"): "statusar",
}
DIRECTIONS = ("ökande", "minskande")
BUDGET_ROW_TYPES = (
    "intäkter",
    "kostnader",
    "ram",
    "delverksamhet",
    "summa",
    # Figures the statement computes, typed only to show them as published (and be checked).
    "nettokostnader",
    "resultat",
)
# The amount columns of drift.csv, in the order a report shows them by default. Only ``utfall`` and
# ``budget`` must be in the file; a kommun that does not publish the others leaves them out.
BUDGET_AMOUNT_COLUMNS = ("utfall_fg_år", "utfall", "budget", "prognos")
OPTIONAL_BUDGET_COLUMNS = ("utfall_fg_år", "prognos")

# How far back a value may reach before it is taken for a typing error (e.g. 1016 for 2016).
HISTORY_YEARS = 30


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    optional_column: bool = False
    # A number column that may hold percentages ("70 %", or an Excel cell formatted as percent).
    percent: bool = False
    # A one-line text (a person's name) in a file analysts open in Excel: refused when it
    # starts like a spreadsheet formula (= + - @, tab, CR; OWASP "CSV injection").
    one_line_plain: bool = False
    # A text the report renders as Markdown (``bedomningar.csv``'s ``motivering``): checked for
    # HTML and images as a narrative file is (``data_checks.markdown_cell_problems``).
    markdown: bool = False
    # The unit a number column's values are in (``tkr``, ``mkr``, ``dagar``), for messages: the
    # drift amounts take ``drift: belopp`` (``unit_specs``), a custom column its ``enhet:``.
    unit: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """One table: its file stem, columns, unique key and references to other tables."""

    stem: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    references: dict[str, tuple[str, str]] = field(default_factory=dict)
    required_file: bool = True
    # Columns that are no longer read, with what to do instead (a problem when present).
    retired_columns: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


UNIT_TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "mal",
        (
            Column("mal_id", "id", required=True),
            Column("nivå", "choice", required=True),
            Column("nummer", "int", required=True),
            Column("titel", required=True),
            Column("bedömning", "choice"),
            Column("adressat"),
            Column("område", "id", optional_column=True),
        ),
        key=("mal_id",),
        references={"område": ("malomraden", "område_id")},
    ),
    TableSpec(
        "malomraden",
        (
            Column("område_id", "id", required=True),
            Column("rubrik", required=True),
        ),
        key=("område_id",),
        required_file=False,
    ),
    TableSpec(
        "aktiviteter",
        (
            Column("mal_id", "id", required=True),
            Column("aktivitet", required=True),
            Column("beskrivning"),
            Column("slutdatum"),
            Column("ansvarig"),
            Column("status", "choice", required=True),
            Column("statuskommentar"),
        ),
        references={"mal_id": ("mal", "mal_id")},
    ),
    TableSpec(
        "indikatorer",
        (
            Column("indikator_id", "id", required=True),
            Column("mal_id", "id", required=True),
            Column("indikator", required=True),
            Column("källa"),
            Column("enhet", "choice", choices=("%",)),
            Column("önskad_riktning", "choice", choices=DIRECTIONS),
            Column("jämförelse_namn", optional_column=True),
            # The name of the indicator's own line in its chart (empty: the unit's, or the
            # kommun's for values fetched from Kolada; ``indicators.own_series_name``).
            Column("serie_namn", optional_column=True),
        ),
        key=("indikator_id",),
        references={"mal_id": ("mal", "mal_id")},
    ),
    TableSpec(
        "indikatorvarden",
        (
            Column("indikator_id", "id", required=True),
            Column("period", "period", required=True),
            Column("värde", "number", percent=True),
            Column("jämförelse", "number", percent=True),
            Column("notering"),
            Column("kolada_hämtad", "date", optional_column=True),
            Column("målvärde", "number", percent=True, optional_column=True),
        ),
        key=("indikator_id", "period"),
        references={"indikator_id": ("indikatorer", "indikator_id")},
    ),
    TableSpec(
        "nyckeltal",
        (
            Column("nyckeltal_id", "id", required=True),
            Column("nyckeltal", required=True),
            Column("decimaler", "int"),
            Column("överordnad", "id"),
            Column("beräkning"),
            Column("grupp", optional_column=True),
        ),
        key=("nyckeltal_id",),
        references={"överordnad": ("nyckeltal", "nyckeltal_id")},
    ),
    TableSpec(
        "nyckeltalsvarden",
        (
            Column("nyckeltal_id", "id", required=True),
            Column("år", "year", required=True),
            Column("värde", "number", percent=True),
            Column("kolada_hämtad", "date", optional_column=True),
        ),
        key=("nyckeltal_id", "år"),
        references={"nyckeltal_id": ("nyckeltal", "nyckeltal_id")},
    ),
    TableSpec(
        "drift",
        (
            Column("post", required=True),
            Column("typ", "choice", required=True, choices=BUDGET_ROW_TYPES),
            Column("överordnad", optional_column=True),
            *(
                Column(name, "number", optional_column=name in OPTIONAL_BUDGET_COLUMNS)
                for name in BUDGET_AMOUNT_COLUMNS
            ),
            # A published deviation, typed as the kommun printed it: checked against the computed.
            Column("avvikelse", "number", optional_column=True),
        ),
        key=("post",),
    ),
    TableSpec(
        "internkontroll",
        (
            Column("kontroll_id", "id", required=True),
            Column("område", required=True),
            Column("kontroll", required=True),
        ),
        key=("kontroll_id",),
    ),
    TableSpec(
        "internkontroll_atgarder",
        (
            Column("kontroll_id", "id", required=True),
            Column("åtgärd", required=True),
            Column("ansvarig"),
            Column("klart"),
        ),
        references={"kontroll_id": ("internkontroll", "kontroll_id")},
    ),
    TableSpec(
        "prioriteringar",
        (
            Column("prioritering_id", "id", required=True),
            Column("rubrik", required=True),
        ),
        key=("prioritering_id",),
    ),
)

SHARED_TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "enheter",
        (
            Column("enhet", "id", required=True),
            Column("namn", required=True),
            Column("förkortning"),
            Column("påhittad", "choice", choices=("ja", "nej"), optional_column=True),
        ),
        key=("enhet",),
        retired_columns={
            "kommun": "kommunens namn står i data/rapport.yaml (kommun: namn:) — ta bort kolumnen"
        },
    ),
    TableSpec(
        "delverksamheter",
        (
            Column("enhet", "id", required=True),
            Column("delverksamhet", required=True),
        ),
        key=("enhet", "delverksamhet"),
        references={"enhet": ("enheter", "enhet")},
    ),
)

SPECS: dict[str, TableSpec] = {spec.stem: spec for spec in UNIT_TABLES + SHARED_TABLES}

# ``data/kolada.csv``: which Kolada KPI fills which indicator or key figure
# (``kolada_mapping``, which reads the cells; its header is held to this as every table's is).
KOLADA_MAPPING = TableSpec(
    "kolada",
    (
        Column("typ", "choice", required=True, choices=("indikator", "nyckeltal")),
        Column("id", "id", required=True),
        Column("kpi"),
        Column("jämförelse", optional_column=True),
        Column("enheter", optional_column=True),
        Column("kommentar", optional_column=True),
    ),
    required_file=False,
)


def unit_specs(
    vocabularies: Mapping[str, Sequence[str]], amount_unit: str | None = None
) -> tuple[TableSpec, ...]:
    """The unit-year tables with the kommun's vocabularies as allowed values.

    ``vocabularies`` maps a definition list (``nivåer``, ``bedömningar``, ``statusar``) to its
    values, e.g. ``{"bedömningar": ["uppfyllt", "delvis uppfyllt", "ej uppfyllt"]}``;
    ``amount_unit`` is the unit of drift.csv's amounts (``drift: belopp``: kr, tkr, mkr),
    named when a cell holds a unit.
    """
    specs = []
    for spec in UNIT_TABLES:
        columns = tuple(
            replace(column, choices=tuple(vocabularies.get(source, ())))
            if (source := DEFINED_CHOICES.get((spec.stem, column.name)))
            else replace(column, unit=amount_unit)
            if spec.stem == "drift" and column.kind == "number"
            else column
            for column in spec.columns
        )
        specs.append(replace(spec, columns=columns))
    return tuple(specs)
