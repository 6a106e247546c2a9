"""Indicator and key-figure values from Kolada, written into a unit's data files.

``workbook kolada --year 2016 [--unit klk] [--yes] [--refresh]`` reads the mapping
``data/kolada.csv`` (which indicator or key figure is which Kolada KPI), fetches the
municipality's values, and, where the mapping names one, a comparison value (``riket`` or a
municipality group) from Kolada's open API v3, and writes them into ``indikatorvarden.csv`` and
``nyckeltalsvarden.csv`` of each unit:

* only the years the unit's files already have a row for (indicators: periods that are a single
  year; key figures: ``år``); rows are never added or removed;
* empty cells are filled without asking; a value typed by hand that differs from Kolada's (at the
  precision it was typed with) is overwritten only after a yes on a terminal, or with ``--yes``;
* a value Kolada does not have (``null``, or no row) stays missing: nothing is written, never 0;
* every row that received a value gets the retrieval date in the optional ``kolada_hämtad``
  column, which the report turns into *Källa: Kolada, hämtad ÅÅÅÅ-MM-DD*;
* files are rewritten with the same delimiter, column and row order, line endings and BOM; cells
  that do not change keep their exact bytes; the new file is written aside and moved into place.

Every API response is cached under ``<project root>/.cache/kolada/`` (one JSON file per URL, with
its retrieval date). The cache is used whenever present, so the command works offline once the
answers have been fetched; ``--refresh`` fetches again. All fetching happens before anything is
written: if Kolada cannot be reached and nothing is cached, the command says so and changes nothing.

API shape (v3): ``GET {base}/data/kpi/{kpi}/municipality/{municipality}/year/{y1,y2,...}``
returns ``{"count": n, "values": [{"kpi", "municipality", "period", "values": [{"gender",
"count", "status", "value"}]}], "next_url": ...}``. ``gender`` ``T`` is the total (``K``/``M``
are women/men); a missing value is ``null``. Further pages are followed via ``next_url`` (the
name v3 uses; ``next_page``, v2's name, is accepted too); ``per_page`` asks for large pages and
at most 25 years are requested at a time.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol, TextIO, cast

import requests
from rich.console import Console
from rich.table import Table as RichTable

from helpers.errors import DataError, ParameterError, Problem, WorkbookError, display_path
from helpers.params import available_units
from helpers.paths import Project, check_unit, check_year
from helpers.readers import find_table, parse_number, read_table

BASE_URL = "https://api.kolada.se/v3"
DEFAULT_MUNICIPALITY = "1497"  # Hjo kommun
NATION = "0000"  # Kolada's id for "riket", the whole country
TOTAL = "T"  # gender code of the total; K and M are women and men
MAPPING_FILE = "kolada.csv"
FETCHED_COLUMN = "kolada_hämtad"
VALUE_COLUMN = "värde"
TIMEOUT = (10.0, 30.0)  # connect, read (seconds)
PER_PAGE = 5000
YEARS_PER_REQUEST = 25  # the API refuses longer year lists
MAX_PAGES = 200
USER_AGENT = "workbook-verksamhetsuppfoljning (+https://api.kolada.se)"

Kind = Literal["indikator", "nyckeltal"]

_KPI_ID = re.compile(r"^[A-Z][0-9]{5}$")
_MUNICIPALITY_ID = re.compile(r"^[0-9]{4}$")
_GROUP_ID = re.compile(r"^G[0-9A-Za-z]+$")
_SINGLE_YEAR = re.compile(r"^[0-9]{4}$")


class KoladaError(WorkbookError):
    """Kolada answered, but not with data the workbook can use (HTTP error, broken JSON)."""


class KoladaUnavailable(KoladaError):
    """Kolada could not be reached (no network, timeout) and no saved answer exists."""


# --------------------------------------------------------------------------- API and cache


class ResponseLike(Protocol):
    """The part of ``requests.Response`` the client uses."""

    status_code: int

    def json(self) -> Any: ...


class SessionLike(Protocol):
    """The part of ``requests.Session`` the client uses; tests pass a fake that serves files."""

    def get(self, url: str, **kwargs: Any) -> ResponseLike: ...


@dataclass(frozen=True)
class KoladaValue:
    """One value of one KPI for one municipality (or group) and year; ``None`` means missing."""

    kpi: str
    municipality: str
    period: int
    value: float | None
    retrieved: date | None = None


def parse_response(body: object, gender: str = TOTAL) -> list[KoladaValue]:
    """The values of one data response, for one gender (the total unless told otherwise).

    A ``null`` value, a period without the gender, or a value that is not a number are all
    missing (``None``): a missing value is never turned into 0.
    """
    if not isinstance(body, dict) or not isinstance(body.get("values"), list):
        raise KoladaError(
            "Kolada svarade i ett oväntat format (listan 'values' saknas). Försök igen senare; "
            "om felet består kan Koladas API ha ändrats."
        )
    result: list[KoladaValue] = []
    for item in body["values"]:
        if not isinstance(item, dict):
            continue
        period = _as_year(item.get("period"))
        if period is None:
            continue
        value: float | None = None
        for entry in item.get("values") or []:
            if isinstance(entry, dict) and entry.get("gender") == gender:
                value = _as_float(entry.get("value"))
                break
        result.append(
            KoladaValue(
                kpi=str(item.get("kpi", "")),
                municipality=str(item.get("municipality", "")),
                period=period,
                value=value,
            )
        )
    return result


def next_page_url(body: object) -> str | None:
    """The URL of the next page of a response, if there is one."""
    if not isinstance(body, dict):
        return None
    for key in ("next_url", "next_page"):
        link = body.get(key)
        if isinstance(link, str) and link.strip():
            return link.strip()
    return None


def _as_year(value: object) -> int | None:
    text = str(value).strip() if value is not None else ""
    return int(text) if _SINGLE_YEAR.match(text) else None


def _as_float(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return None


class Client:
    """Fetches KPI values from Kolada, with every response cached on disk.

    ``session`` is anything with ``get(url, timeout=..., headers=...)`` returning an object with
    ``status_code`` and ``json()``; by default a ``requests.Session``. With ``refresh`` False a
    cached response is used whenever one exists, so nothing goes over the network.
    """

    def __init__(
        self,
        cache_dir: Path,
        *,
        session: SessionLike | None = None,
        base_url: str = BASE_URL,
        refresh: bool = False,
        today: date | None = None,
        timeout: float | tuple[float, float] = TIMEOUT,
    ) -> None:
        self.cache_dir = cache_dir
        self.base_url = base_url.rstrip("/")
        self.refresh = refresh
        self.today = today or date.today()
        self.timeout = timeout
        self._session = session

    def data_url(self, kpi: str, municipality: str, years: Iterable[int]) -> str:
        """The first-page URL for a KPI, a municipality (or group) and some years."""
        year_list = ",".join(str(y) for y in sorted(set(years)))
        return (
            f"{self.base_url}/data/kpi/{kpi}/municipality/{municipality}/year/{year_list}"
            f"?per_page={PER_PAGE}"
        )

    def fetch(self, kpi: str, municipality: str, years: Iterable[int]) -> dict[int, KoladaValue]:
        """The values of one KPI for one municipality, by year, following every page.

        Years Kolada has no row for are absent; years it has as ``null`` map to a value of None.
        """
        wanted = sorted(set(years))
        result: dict[int, KoladaValue] = {}
        for start in range(0, len(wanted), YEARS_PER_REQUEST):
            block = wanted[start : start + YEARS_PER_REQUEST]
            url: str | None = self.data_url(kpi, municipality, block)
            seen: set[str] = set()
            while url is not None:
                if url in seen or len(seen) >= MAX_PAGES:
                    raise KoladaError(
                        f"Kolada skickade sidor i en slinga för {kpi} ({url}). Försök igen "
                        "senare med --refresh."
                    )
                seen.add(url)
                body, retrieved = self._get_json(url)
                for item in parse_response(body):
                    if (
                        item.kpi == kpi
                        and item.municipality == municipality
                        and (item.period in block)
                    ):
                        result[item.period] = replace(item, retrieved=retrieved)
                url = next_page_url(body)
        return result

    def cache_path(self, url: str) -> Path:
        """Where the response for a URL is cached."""
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:40]
        return self.cache_dir / f"{digest}.json"

    def _get_json(self, url: str) -> tuple[object, date]:
        path = self.cache_path(url)
        if not self.refresh:
            cached = self._read_cache(path, url)
            if cached is not None:
                return cached
        body = self._download(url, cached_exists=path.is_file())
        self._write_cache(path, url, body)
        return body, self.today

    def _download(self, url: str, *, cached_exists: bool) -> object:
        if self._session is None:
            self._session = requests.Session()
        where = _short_url(url)
        what_to_do = (
            " Det finns sparade svar: kör utan --refresh för att använda dem."
            if cached_exists
            else " Det finns inga sparade svar för den frågan; anslut datorn till internet och "
            "kör kommandot igen."
        )
        try:
            response = self._session.get(
                url,
                timeout=self.timeout,
                headers={"Accept": "application/json", "User-Agent": USER_AGENT},
            )
        except requests.Timeout:
            raise KoladaUnavailable(
                f"Kolada kunde inte nås: inget svar inom tidsgränsen ({where})." + what_to_do
            ) from None
        except requests.RequestException as exc:
            raise KoladaUnavailable(
                f"Kolada kunde inte nås ({type(exc).__name__}, {where})." + what_to_do
            ) from None
        status = int(getattr(response, "status_code", 0))
        if status != 200:
            hint = (
                "kontrollera KPI-id:t i data/kolada.csv"
                if 400 <= status < 500
                else "Kolada har problem just nu, försök igen senare"
            )
            raise KoladaError(f"Kolada svarade med fel {status} för {where} — {hint}.")
        try:
            return response.json()
        except ValueError:
            raise KoladaError(
                f"Kolada svarade inte med JSON för {where} — försök igen senare."
            ) from None

    def _read_cache(self, path: Path, url: str) -> tuple[object, date] | None:
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            if saved.get("url") != url:
                return None
            return saved["svar"], date.fromisoformat(saved["hämtad"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def _write_cache(self, path: Path, url: str, body: object) -> None:
        record = {"url": url, "hämtad": self.today.isoformat(), "svar": body}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            aside = path.with_name(path.name + ".tmp")
            aside.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(aside, path)
        except OSError:
            pass  # a cache that cannot be written only costs a fetch next time


def _short_url(url: str) -> str:
    return url.split("?", 1)[0]


# --------------------------------------------------------------------------- the mapping


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


def load_mapping(path: Path, shown_as: str) -> list[MappingRow]:
    """The usable rows of the mapping file; rows with an empty ``kpi`` are documentation only."""
    if not path.is_file():
        raise ParameterError(
            f"Kolada-kopplingen {shown_as} saknas — skapa den med kolumnerna typ, id, kpi, "
            "jämförelse och enheter (se docs/data-format.md)."
        )
    table = read_table(path, shown_as)
    missing = [c for c in ("typ", "id", "kpi") if c not in table.columns]
    if missing:
        raise DataError(
            [
                Problem(
                    shown_as,
                    f"kolumnen {name} saknas",
                    row=1,
                    hint="rubrikraden ska vara typ,id,kpi,jämförelse,enheter,kommentar",
                )
                for name in missing
            ]
        )
    problems: list[Problem] = []
    rows: list[MappingRow] = []
    for cells, line in zip(table.rows, table.lines, strict=True):
        kind = cells.get("typ", "").lower()
        item_id = cells.get("id", "")
        kpi = cells.get("kpi", "").upper()
        if kind not in ("indikator", "nyckeltal"):
            problems.append(
                Problem(
                    shown_as,
                    f"typen {kind!r} är okänd",
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
                    f"{kpi!r} är inget Kolada-id",
                    line,
                    "kpi",
                    "ett KPI-id är en bokstav och fem siffror, t.ex. N01951",
                )
            )
            continue
        comparison, problem = _parse_comparison(cells.get("jämförelse", ""), shown_as, line)
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


def _parse_comparison(text: str, shown_as: str, line: int) -> tuple[str | None, Problem | None]:
    text = text.strip()
    if not text:
        return None, None
    if text.lower() == "riket":
        return NATION, None
    if _MUNICIPALITY_ID.match(text) or _GROUP_ID.match(text):
        return text, None
    return None, Problem(
        shown_as,
        f"jämförelsen {text!r} går inte att hämta",
        line,
        "jämförelse",
        "lämna tom, skriv riket, en kommunkod (fyra siffror) eller ett kommungrupps-id (G…)",
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


# --------------------------------------------------------------------------- CSV documents


@dataclass
class CsvDocument:
    """A CSV file kept as its raw records, so that untouched bytes can be written back as-is."""

    path: Path
    raw: bytes
    bom: bool
    delimiter: str
    records: list[str]  # each with its own line ending; quoted newlines stay inside a record
    header_index: int
    columns: list[str]

    def data_rows(self) -> list[tuple[int, dict[str, str]]]:
        """(record index, cells by column name) for each non-blank record after the header."""
        rows: list[tuple[int, dict[str, str]]] = []
        for index in range(self.header_index + 1, len(self.records)):
            body = _record_body(self.records[index])
            if not body.strip():
                continue
            cells = _parse_fields(body, self.delimiter)
            cells += [""] * (len(self.columns) - len(cells))
            rows.append((index, {name: cells[i] for i, name in enumerate(self.columns)}))
        return rows

    def encode(self) -> bytes:
        text = "".join(self.records)
        return ("\ufeff" if self.bom else "").encode("utf-8") + text.encode("utf-8")


def read_document(path: Path, shown_as: str) -> CsvDocument:
    """Read a CSV file as raw records; DataError when it is not UTF-8 or has no header."""
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw[3:].decode("utf-8") if bom else raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError(
            [
                Problem(
                    shown_as,
                    "filen är inte sparad som UTF-8",
                    hint="spara om filen som 'CSV UTF-8 (kommaavgränsad)' i Excel",
                )
            ]
        ) from None
    records = _split_records(text)
    header_index = next((i for i, r in enumerate(records) if _record_body(r).strip()), None)
    if header_index is None:
        raise DataError([Problem(shown_as, "filen är tom", hint="lägg till rubrikraden")])
    first = _record_body(records[header_index])
    delimiter = ";" if first.count(";") > first.count(",") else ","
    columns = [c.strip() for c in _parse_fields(first, delimiter)]
    return CsvDocument(path, raw, bom, delimiter, records, header_index, columns)


def _split_records(text: str) -> list[str]:
    pieces = text.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    records: list[str] = []
    pending = ""
    for line in lines:
        pending += line
        if pending.count('"') % 2 == 0:  # a record ends where no quoted field is open
            records.append(pending)
            pending = ""
    if pending:
        records.append(pending)
    return records


def _record_body(record: str) -> str:
    return record.rstrip("\r\n")


def _record_ending(record: str) -> str:
    return record[len(_record_body(record)) :]


def _parse_fields(body: str, delimiter: str) -> list[str]:
    return next(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter), [])


def _raw_fields(body: str, delimiter: str) -> list[str]:
    """The fields of a record exactly as written (quotes included)."""
    fields: list[str] = []
    current: list[str] = []
    quoted = False
    for char in body:
        if char == '"':
            quoted = not quoted
        if char == delimiter and not quoted:
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
    fields.append("".join(current))
    return fields


def _encode_field(text: str, delimiter: str) -> str:
    if any(c in text for c in (delimiter, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


# --------------------------------------------------------------------------- planning


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
        document = read_document(path, shown)
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
        lines = _record_lines(document.records)
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
        table = read_table(path, display_path(path, root))
    except DataError:
        return {}
    return {
        row.get("nyckeltal_id", ""): row["beräkning"]
        for row in table.rows
        if row.get("beräkning", "").strip()
    }


def _record_lines(records: Sequence[str]) -> list[int]:
    lines: list[int] = []
    line = 1
    for record in records:
        lines.append(line)
        line += record.count("\n")
    return lines


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


# --------------------------------------------------------------------------- changes


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
    document = read_document(path, shown)
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
            _record_body(header) + delimiter + FETCHED_COLUMN + _record_ending(header)
        )
        for index in range(document.header_index + 1, len(records)):
            record = records[index]
            body = _record_body(record)
            if not body.strip():
                continue
            present = len(_raw_fields(body, delimiter))
            padding = delimiter * (max(len(columns) - present, 0) + 1)
            records[index] = body + padding + _record_ending(record)
        columns.append(FETCHED_COLUMN)
    fetched_at = columns.index(FETCHED_COLUMN)

    for index, record_changes in by_record.items():
        record = records[index]
        body = _record_body(record)
        fields = _raw_fields(body, delimiter)
        if len(fields) != len(_parse_fields(body, delimiter)):  # unusual quoting: rewrite the row
            fields = [_encode_field(f, delimiter) for f in _parse_fields(body, delimiter)]
        fields += [""] * (len(columns) - len(fields))
        for change in record_changes:
            fields[columns.index(change.target.column)] = _encode_field(change.new, delimiter)
        newest = max(change.retrieved for change in record_changes)
        fields[fetched_at] = newest.isoformat()
        records[index] = delimiter.join(fields) + _record_ending(record)

    document.records = records
    _write_atomically(path, document.encode())


def _id_column(kind: Kind) -> str:
    return "indikator_id" if kind == "indikator" else "nyckeltal_id"


def _write_atomically(path: Path, content: bytes) -> None:
    aside = path.with_name(f".{path.name}.kolada-tmp")
    try:
        aside.write_bytes(content)
        shutil.copymode(path, aside)
        os.replace(aside, path)
    finally:
        if aside.exists():
            aside.unlink()


# --------------------------------------------------------------------------- the command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``workbook kolada``."""
    parser.add_argument("--year", required=True, help="rapportåret, t.ex. 2016")
    parser.add_argument(
        "--unit", help="enhetens id, t.ex. klk (utan: alla enheter med params för året)"
    )
    parser.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help="skriv över värden som skrivits in för hand utan att fråga",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="hämta från Kolada igen även om sparade svar finns i .cache/kolada/",
    )
    parser.add_argument(
        "--kommun",
        default=DEFAULT_MUNICIPALITY,
        help=f"kommunens kod i Kolada (standard {DEFAULT_MUNICIPALITY}, Hjo kommun)",
    )


def command(args: argparse.Namespace) -> int:
    """Run ``workbook kolada``; 0 when done (also when nothing needed changing).

    Anything the user can fix (no network and no cache, an HTTP error, a bad mapping, an
    unknown unit) raises a WorkbookError with a Swedish message, which ``workbook`` prints
    without a traceback and turns into a non-zero exit status. Nothing is written in that case.
    """
    return run(args)


def run(
    args: argparse.Namespace,
    *,
    session: SessionLike | None = None,
    stdin: TextIO | None = None,
    console: Console | None = None,
    today: date | None = None,
) -> int:
    """The command itself; raises WorkbookError for anything the user can fix."""
    console = console or Console(highlight=False)
    stdin = stdin if stdin is not None else sys.stdin
    project = Project.current()
    year = check_year(args.year)
    municipality = str(getattr(args, "kommun", DEFAULT_MUNICIPALITY) or DEFAULT_MUNICIPALITY)
    if not _MUNICIPALITY_ID.match(municipality):
        raise ParameterError(
            f"Kommunkoden {municipality!r} är ingen kommunkod — ange fyra siffror, t.ex. 1497."
        )
    units = _select_units(project, year, getattr(args, "unit", None))
    mapping_path = project.data / MAPPING_FILE
    mapping = load_mapping(mapping_path, display_path(mapping_path, project.root))

    targets: list[Target] = []
    for unit in units:
        unit_targets, notes = plan_unit(project, year, unit, mapping, municipality)
        targets += unit_targets
        for note in notes:
            _say(console, note)
    if not targets:
        _say(console, "Inga värden att hämta: inget i data/kolada.csv matchar enheternas filer.")
        return 0

    wanted: dict[tuple[str, str], set[int]] = {}
    for target in targets:
        wanted.setdefault((target.kpi, target.municipality), set()).add(target.year)
    client = Client(
        project.root / ".cache" / "kolada",
        session=session,
        refresh=bool(getattr(args, "refresh", False)),
        today=today,
    )
    values: dict[tuple[str, str, int], KoladaValue] = {}
    try:
        for (kpi, where), years in sorted(wanted.items()):
            for period, value in client.fetch(kpi, where, years).items():
                values[(kpi, where, period)] = value
    except KoladaError as exc:
        raise type(exc)(f"{exc} Ingenting ändrades i datafilerna.") from None

    changes = compute_changes(targets, values)
    if not changes:
        _say(
            console,
            f"Inga ändringar: datafilerna för {', '.join(units)} {year} stämmer redan med Kolada.",
        )
        return 0
    _print_changes(console, changes, project.root)

    accepted = [c for c in changes if not c.overwrites]
    overwrites = [c for c in changes if c.overwrites]
    if overwrites:
        if getattr(args, "yes", False):
            accepted += overwrites
        elif _is_terminal(stdin):
            if _ask(console, stdin, len(overwrites)):
                accepted += overwrites
            else:
                _say(console, f"{len(overwrites)} inskrivna värden lämnades orörda.")
        else:
            _say(
                console,
                f"{len(overwrites)} värden som skrivits in för hand skrevs inte över: ingen kunde "
                "tillfrågas (indata kommer inte från en terminal). Kör med --yes för att skriva "
                "över dem.",
            )

    by_file: dict[Path, list[Change]] = {}
    for change in accepted:
        by_file.setdefault(change.target.path, []).append(change)
    for path, file_changes in by_file.items():
        shown = display_path(path, project.root)
        apply_changes(path, file_changes, shown)
        _say(console, f"Skrev {len(file_changes)} värden från Kolada till {shown}.")
    if not by_file:
        _say(console, "Ingenting skrevs.")
    return 0


def _select_units(project: Project, year: int, unit: str | None) -> list[str]:
    if unit:
        unit = check_unit(unit)
        if not project.unit_data(year, unit).is_dir():
            shown = display_path(project.unit_data(year, unit), project.root)
            raise ParameterError(
                f"Enheten {unit} har ingen data för {year} ({shown} saknas) — kontrollera år och "
                "enhet."
            )
        return [unit]
    units = [u for u in available_units(year, project) if project.unit_data(year, u).is_dir()]
    if not units:
        raise ParameterError(
            f"Inga enheter har både params/{year}/<enhet>.yaml och data/{year}/<enhet>/ — ange "
            "--unit eller lägg till enheternas filer."
        )
    return units


def _print_changes(console: Console, changes: Sequence[Change], root: Path) -> None:
    by_file: dict[Path, list[Change]] = {}
    for change in changes:
        by_file.setdefault(change.target.path, []).append(change)
    for path, file_changes in by_file.items():
        dates = sorted({c.retrieved.isoformat() for c in file_changes})
        table = RichTable(
            title=f"{display_path(path, root)} (Kolada, hämtad {', '.join(dates)})",
            title_justify="left",
        )
        for name in ("Id", "År", "Kolumn", "Gammalt", "Nytt", ""):
            table.add_column(name, overflow="fold")
        for change in file_changes:
            target = change.target
            table.add_row(
                target.item_id,
                str(target.year),
                target.column,
                target.old.strip() or "(tom)",
                change.new,
                "skrivs över" if change.overwrites else "fylls i",
            )
        console.print(table)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _ask(console: Console, stdin: TextIO, count: int) -> bool:
    console.print(
        f"Skriva över {count} värden som skrivits in för hand? [j/n] ",
        end="",
        markup=False,
        highlight=False,
    )
    answer = stdin.readline().strip().lower()
    return answer in ("j", "ja", "y", "yes")


def _say(console: Console, text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)
