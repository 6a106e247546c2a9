"""Kolada's open API v3: fetching KPI values, following pages, caching every answer on disk.

API shape (v3): ``GET {base}/data/kpi/{kpi}/municipality/{municipality}/year/{y1,y2,...}``
returns ``{"count": n, "values": [{"kpi", "municipality", "period", "values": [{"gender",
"count", "status", "value"}]}], "next_url": ...}``. ``gender`` ``T`` is the total (``K``/``M``
are women/men); a missing value is ``null``. Further pages are followed via ``next_url`` (the
name v3 uses; ``next_page``, v2's name, is accepted too); ``per_page`` asks for large pages and
at most 25 years are requested at a time.

Every API response is cached under ``<project root>/.cache/kolada/`` (one JSON file per URL, with
its retrieval date). The cache is used whenever present, so the command works offline once the
answers have been fetched; ``refresh`` fetches again. ``requests`` is imported only when a
request is actually sent.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol, cast

from helpers.core.errors import WorkbookError

BASE_URL = "https://api.kolada.se/v3"
TOTAL = "T"  # gender code of the total; K and M are women and men
TIMEOUT = (10.0, 30.0)  # connect, read (seconds)
PER_PAGE = 5000
YEARS_PER_REQUEST = 25  # the API refuses longer year lists
MAX_PAGES = 200
# No KPI comes near this (the largest are kronor for a whole municipality, ~1e11): a value beyond
# it, or NaN/Infinity, is a broken answer and is refused before anything is written.
MAX_ABS_VALUE = 1e13
USER_AGENT = "workbook-verksamhetsuppfoljning (+https://api.kolada.se)"

_SINGLE_YEAR = re.compile(r"^[0-9]{4}$")


class KoladaError(WorkbookError):
    """Kolada answered, but not with data the workbook can use (HTTP error, broken JSON)."""


class KoladaUnavailable(KoladaError):
    """Kolada could not be reached (no network, timeout) and no saved answer exists."""


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
    missing (``None``): a missing value is never turned into 0. A number that is not finite
    (``NaN``, ``Infinity``) or absurdly large (``1e308``) raises ``KoladaError``: the answer is
    broken, and the command changes nothing.
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
                if value is not None and not plausible(value):
                    raise KoladaError(
                        f"Kolada svarade med värdet {entry.get('value')!r} för "
                        f"{item.get('kpi', '?')}, {item.get('municipality', '?')} år {period}: "
                        "inget rimligt tal (inte ändligt eller större än "
                        f"{MAX_ABS_VALUE:.0e}). Försök igen senare med --refresh."
                    )
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


def plausible(value: float) -> bool:
    """A finite number no larger than any Kolada KPI can be (``MAX_ABS_VALUE``)."""
    return math.isfinite(value) and abs(value) <= MAX_ABS_VALUE


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
        import requests  # only here: importing helpers.kolada.kolada must stay cheap

        if self._session is None:
            self._session = cast(SessionLike, requests.Session())
        session = self._session
        where = _short_url(url)
        what_to_do = (
            " Det finns sparade svar: kör utan --refresh för att använda dem."
            if cached_exists
            else " Det finns inga sparade svar för den frågan; anslut datorn till internet och "
            "kör kommandot igen."
        )
        try:
            response = session.get(
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
