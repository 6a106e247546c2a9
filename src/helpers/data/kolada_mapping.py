"""The mapping file ``data/kolada.csv``: which Kolada KPI fills which indicator or key figure.

Columns (``schema.KOLADA_MAPPING``) ``typ`` (``indikator`` or ``nyckeltal``), ``id``, ``kpi``
(empty: documented as not in Kolada, never fetched), ``jämförelse`` (empty, ``riket``, a
municipality code or a group id ``G…``, whose value fills the ``jämförelse`` column),
``enheter`` (``*`` or unit ids) and ``kommentar``; a column missing or unknown is refused as in
every table (``unit_data.column_problems``). Every problem in the file is reported at once, as a
DataError.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from helpers.core.errors import DataError, ParameterError, Problem, quote
from helpers.core.paths import check_unit
from helpers.core.schema import KOLADA_MAPPING
from helpers.core.text_norm import clean_token
from helpers.data.readers import read_table

if TYPE_CHECKING:
    from helpers.data.kolada_groups import ComparisonGroup

NATION = "0000"  # Kolada's id for "riket", the whole country

MAPPING_FILE = "kolada.csv"

Kind = Literal["indikator", "nyckeltal"]

MUNICIPALITY_ID = re.compile(r"^[0-9]{4}$")
_KPI_ID = re.compile(r"^[A-Z][0-9]{5}$")
_GROUP_ID = re.compile(r"^G[0-9A-Za-z]+$")


@dataclass(frozen=True)
class MappingRow:
    """One line of ``data/kolada.csv``: which Kolada KPI fills which indicator or key figure."""

    kind: Kind
    item_id: str
    kpi: str
    comparison: str | None  # Kolada municipality/group id whose value fills 'jämförelse'
    units: frozenset[str] | None  # None: every unit
    line: int = 0

    def applies_to(self, unit: str) -> bool:
        return self.units is None or unit in self.units


def load_mapping(
    path: Path, shown_as: str, groups: Mapping[str, ComparisonGroup] | None = None
) -> list[MappingRow]:
    """The usable rows of the mapping file; rows with an empty ``kpi`` are documentation only.

    ``groups`` are the named comparison groups (``kolada_groups``): a ``jämförelse`` that names
    one (``liknande``) fetches the group's Kolada id."""
    if not path.is_file():
        raise ParameterError(
            f"Kolada-kopplingen {shown_as} saknas — skapa den med kolumnerna typ, id, kpi, "
            "jämförelse och enheter (se docs/data-format.md)."
        )
    from helpers.data.unit_data import column_problems, missing_columns

    table = read_table(path, shown_as, KOLADA_MAPPING.names)
    # The header as every table's: a column missing, or one no one reads (a misspelt
    # ``jämförelse`` would fetch no comparison, silently).
    problems: list[Problem] = column_problems(KOLADA_MAPPING, table)
    if missing_columns(KOLADA_MAPPING, table):
        raise DataError(problems)
    rows: list[MappingRow] = []
    for cells, line in zip(table.rows, table.lines, strict=True):
        # Read as the unit's own tables read ids: pasted spaces, dashes, invisible characters.
        kind = clean_token(cells.get("typ", "")).lower()
        item_id = clean_token(cells.get("id", ""))
        kpi = clean_token(cells.get("kpi", "")).upper()
        if kind not in ("indikator", "nyckeltal"):
            problems.append(
                Problem(
                    shown_as,
                    f"typen '{quote(kind)}' är okänd",
                    line,
                    "typ",
                    "skriv indikator eller nyckeltal",
                )
            )
            continue
        if not item_id:
            problems.append(Problem(shown_as, "id saknas", line, "id"))
            continue
        if not kpi:
            continue  # documented as not (yet) in Kolada
        if not _KPI_ID.match(kpi):
            problems.append(
                Problem(
                    shown_as,
                    f"'{quote(kpi)}' är inget Kolada-id",
                    line,
                    "kpi",
                    "ett KPI-id är en bokstav och fem siffror, t.ex. N01951",
                )
            )
            continue
        comparison, problem = _parse_comparison(
            cells.get("jämförelse", ""), shown_as, line, groups or {}
        )
        if problem is not None:
            problems.append(problem)
            continue
        units, problem = _parse_units(cells.get("enheter", ""), shown_as, line)
        if problem is not None:
            problems.append(problem)
            continue
        clash = next(
            (
                other
                for other in rows
                if other.kind == kind
                and other.item_id == item_id
                and (other.units is None or units is None or other.units & units)
            ),
            None,
        )
        if clash is not None:
            problems.append(
                Problem(
                    shown_as,
                    f"{kind} {item_id} kopplas redan på rad {clash.line} för samma enhet",
                    line,
                    "id",
                    "ta bort den ena raden eller dela upp enheterna",
                )
            )
            continue
        rows.append(MappingRow(cast(Kind, kind), item_id, kpi, comparison, units, line))
    if problems:
        raise DataError(problems)
    return rows


def _parse_comparison(
    text: str, shown_as: str, line: int, groups: Mapping[str, ComparisonGroup]
) -> tuple[str | None, Problem | None]:
    text = text.strip()
    if not text:
        return None, None
    if text in groups:
        return groups[text].kolada, None
    if text.lower() == "riket":
        return NATION, None
    if MUNICIPALITY_ID.match(text) or _GROUP_ID.match(text):
        return text, None
    return None, Problem(
        shown_as,
        f"jämförelsen {text!r} går inte att hämta",
        line,
        "jämförelse",
        "lämna tom, skriv riket, en grupp under jämförelsegrupper: i data/rapport.yaml, en "
        "kommunkod (fyra siffror) eller ett kommungrupps-id (G…)",
    )


def _parse_units(
    text: str, shown_as: str, line: int
) -> tuple[frozenset[str] | None, Problem | None]:
    parts = [p for p in re.split(r"[\s,;]+", text.strip()) if p]
    if not parts or parts == ["*"]:
        return None, None
    try:
        return frozenset(check_unit(p) for p in parts), None
    except ParameterError:
        return None, Problem(
            shown_as,
            f"enheterna {text!r} går inte att läsa",
            line,
            "enheter",
            "skriv * för alla enheter, eller enhets-id:n åtskilda med blanksteg (t.ex. klk)",
        )
