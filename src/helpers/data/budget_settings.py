"""How a kommun keeps its operating statement: the ``drift:`` settings of a report definition.

The kommun's report definition (``data/rapport.yaml``) may hold a ``drift:`` mapping, and a unit's
params (``params/<år>/<enhet>.yaml``) a ``drift:`` mapping that overrides it key by key::

    drift:
      belopp: mkr            # kr, tkr (default) or mkr: the unit of every amount in drift.csv
      decimaler: 1           # decimals shown; default: as many as the amounts in drift.csv carry
      kostnader: negativa    # positiva (default: costs +, income −) or negativa (costs −, income +)
      kolumner: [utfall_fg_år, budget, utfall, avvikelse]   # which columns, in which order
      rubriker:              # labels; {år}, {fg_år}, {enhet}, {kommun}, {prognosdatum},
                             # {periodslut} filled in
        summa: Totalt

The report-definition loader (``helpers.data.definition.load``) reads both files, merges them and
calls :func:`parse_drift_settings`, which turns the merged mapping into :class:`DriftSettings`
and Swedish problems naming file, row and key. The labels' wording is the definition's
(``etiketter: drift:`` in rapport.yaml); ``rubriker`` changes single labels. Scalars may arrive
as the text typed (``"1"``) or as YAML values (``1``); both mean the same.
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from helpers.core.errors import Problem
from helpers.core.schema import BUDGET_AMOUNT_COLUMNS

AMOUNT_UNITS = ("kr", "tkr", "mkr")
MAX_DECIMALS = 3
SIGN_WORDS = {"positiva": 1, "positiv": 1, "negativa": -1, "negativ": -1}
# Columns the statement computes; each is ``sign × (first − second)`` of two amount columns.
DERIVED_COLUMNS: dict[str, tuple[str, str]] = {
    "avvikelse": ("budget", "utfall"),
    "avvikelse_prognos": ("budget", "prognos"),  # a delår's deviation: the year's forecast
}
KNOWN_COLUMNS = (*BUDGET_AMOUNT_COLUMNS, *DERIVED_COLUMNS)
# The columns a report shows when ``kolumner`` is not set (those the file has, in this order).
STANDARD_COLUMNS = ("utfall_fg_år", "utfall", "budget", "avvikelse", "prognos")
# A derived column is shown only when ``kolumner`` asks for it (the year-end default stays as it
# was); a period's ``drift:`` in rapport.yaml chooses it for a delår.

# The labels a statement uses: ``etiketter: drift:`` in the report definition (helpers.core.labels).
LABEL_KEYS = (
    "post",
    "utfall_fg_år",
    "utfall",
    "budget",
    "avvikelse",
    "prognos",
    "prognos_utan_datum",
    "avvikelse_prognos",
    "nettokostnader",
    "resultat",
    "summa",
    "delverksamhet",
)
PLACEHOLDERS = ("år", "fg_år", "enhet", "kommun", "prognosdatum", "periodslut")
KEYS = ("belopp", "decimaler", "kostnader", "kolumner", "rubriker")
RAPPORT_FILE = "rapport.yaml"


@dataclass(frozen=True)
class Origin:
    """Where a setting was written: the file as the analyst knows it, and the line."""

    file: str
    line: int | None = None


@dataclass(frozen=True)
class DriftSettings:
    """The operating statement's settings (defaults reproduce a tkr statement, costs positive).

    ``decimals`` None means: as many as the amounts in drift.csv carry, so none is rounded away.
    ``columns`` None means: every column the file has, in :data:`STANDARD_COLUMNS` order.
    ``cost_sign`` is +1 when costs are written positive (income negative), −1 the other way.
    ``defaults`` are the definition's labels (``etiketter: drift:``), ``labels`` those with
    ``rubriker`` laid over them.
    """

    unit: str = "tkr"
    decimals: int | None = None
    cost_sign: int = 1
    columns: tuple[str, ...] | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    origins: Mapping[str, Origin] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)

    def origin(self, key: str) -> Origin:
        """Where ``key`` (``kolumner``, ``rubriker.summa`` …) was set; the report file if unset."""
        return _origin(self.origins, key)

    def label(self, key: str, **values: object) -> str:
        """A label with its placeholders filled in. With ``{prognosdatum}`` unknown the
        definition's ``prognos`` label gives way to its ``prognos_utan_datum``. KeyError for a
        label the definition lacks (the definition loader reports that first)."""
        template = self.labels.get(key, key)
        unknown_date = values.get("prognosdatum") is None
        if key == "prognos" and unknown_date and template == self.defaults.get("prognos"):
            template = self.labels.get("prognos_utan_datum", key)
        filled = {name: "" if values.get(name) is None else values[name] for name in PLACEHOLDERS}
        return template.format_map(filled).strip()


def _origin(origins: Mapping[str, Origin], key: str) -> Origin:
    while key:
        if key in origins:
            return origins[key]
        key = key.rpartition(".")[0]
    return origins.get("", Origin(f"data/{RAPPORT_FILE}"))


def _problem(origins: Mapping[str, Origin], key: str, message: str, hint: str) -> Problem:
    where = _origin(origins, key)
    column = f"drift.{key}" if key else "drift"
    return Problem(where.file, message, row=where.line, column=column, hint=hint)


def _text(value: Any) -> str | None:
    """A scalar as text (YAML may have typed it); None for a list, mapping or nothing."""
    if value is None or isinstance(value, (list, dict)):
        return None
    if isinstance(value, bool):  # YAML 1.1 reads ja/nej, yes/no, on/off as booleans
        return None
    return str(value).strip()


def _suggestion(word: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word.lower(), allowed, n=1, cutoff=0.6)
    return f" (menade du '{close[0]}'?)" if close else ""


def parse_drift_settings(
    merged: Mapping[str, Any] | None,
    origins: Mapping[str, Origin] | None = None,
    labels: Mapping[str, str] | None = None,
) -> tuple[DriftSettings, list[Problem]]:
    """The settings of a ``drift:`` mapping and every problem in it.

    ``merged`` is the kommun's mapping with the unit's keys laid over it; ``origins`` says where
    each key (``belopp``, ``rubriker.summa``; ``""`` for the mapping itself) was written;
    ``labels`` are the definition's ``etiketter: drift:`` (key → text). A bad value is reported
    and its default used, so every problem is found in one pass. Never raises.
    """
    origins = dict(origins or {})
    defaults = {k: v for k, v in (labels or {}).items() if k in LABEL_KEYS}
    problems: list[Problem] = []
    if merged is None:
        return DriftSettings(labels=defaults, origins=origins, defaults=defaults), problems
    if not isinstance(merged, Mapping):
        problems.append(
            _problem(origins, "", "'drift:' ska innehålla nycklar", "skriv t.ex. 'belopp: tkr' "
                     "på en egen rad under 'drift:', indragen två mellanslag")
        )  # fmt: skip
        return DriftSettings(labels=defaults, origins=origins, defaults=defaults), problems
    for key in merged:
        if key not in KEYS:
            problems.append(
                _problem(
                    origins,
                    str(key),
                    f"nyckeln '{key}' finns inte under 'drift:'{_suggestion(str(key), KEYS)}",
                    f"använd {', '.join(KEYS)} (se docs/data-format.md)",
                )
            )
    unit = _parse_unit(merged.get("belopp"), origins, problems)
    decimals = _parse_decimals(merged.get("decimaler"), origins, problems)
    cost_sign = _parse_sign(merged.get("kostnader"), origins, problems)
    columns = _parse_columns(merged.get("kolumner"), origins, problems)
    shown = _parse_labels(merged.get("rubriker"), defaults, origins, problems)
    return DriftSettings(unit, decimals, cost_sign, columns, shown, origins, defaults), problems


def _parse_unit(value: Any, origins: Mapping[str, Origin], problems: list[Problem]) -> str:
    if value is None:
        return "tkr"
    text = _text(value)
    if text is not None and text.lower() in AMOUNT_UNITS:
        return text.lower()
    shown = text if text is not None else str(value)
    problems.append(
        _problem(
            origins,
            "belopp",
            f"'{shown}' är ingen beloppsenhet{_suggestion(shown, AMOUNT_UNITS)}",
            "skriv kr, tkr eller mkr: den enhet beloppen i drift.csv har",
        )
    )
    return "tkr"


def _parse_decimals(
    value: Any, origins: Mapping[str, Origin], problems: list[Problem]
) -> int | None:
    if value is None:
        return None
    text = _text(value)
    if text is not None and text.isdigit() and int(text) <= MAX_DECIMALS:
        return int(text)
    problems.append(
        _problem(
            origins,
            "decimaler",
            f"'{text if text is not None else value}' går inte att använda som antal decimaler",
            f"skriv ett heltal från 0 till {MAX_DECIMALS}, t.ex. decimaler: 1 för 12,3 mkr, "
            "eller ta bort raden (då visas så många decimaler som beloppen har)",
        )
    )
    return None


def _parse_sign(value: Any, origins: Mapping[str, Origin], problems: list[Problem]) -> int:
    if value is None:
        return 1
    text = _text(value)
    if text is not None and text.lower() in SIGN_WORDS:
        return SIGN_WORDS[text.lower()]
    shown = text if text is not None else str(value)
    problems.append(
        _problem(
            origins,
            "kostnader",
            f"'{shown}' säger inte hur kostnader skrivs"
            + _suggestion(shown, ("positiva", "negativa")),
            "skriv kostnader: positiva (kostnader utan minustecken, intäkter med) eller "
            "kostnader: negativa (kostnader med minustecken, intäkter utan)",
        )
    )
    return 1


def _parse_columns(
    value: Any, origins: Mapping[str, Origin], problems: list[Problem]
) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = value if isinstance(value, list) else None
    if items is None or not items:
        problems.append(
            _problem(
                origins,
                "kolumner",
                "'kolumner' ska vara en lista med kolumnnamn",
                "skriv t.ex. kolumner: [utfall, budget, avvikelse]",
            )
        )
        return None
    columns: list[str] = []
    for item in items:
        name = _text(item) or ""
        if name not in KNOWN_COLUMNS:
            problems.append(
                _problem(
                    origins,
                    "kolumner",
                    f"kolumnen '{name}' finns inte i driftredovisningen"
                    + _suggestion(name, KNOWN_COLUMNS),
                    f"använd {', '.join(KNOWN_COLUMNS)}",
                )
            )
        elif name in columns:
            problems.append(
                _problem(
                    origins,
                    "kolumner",
                    f"kolumnen '{name}' står två gånger",
                    "ta bort den ena",
                )
            )
        else:
            columns.append(name)
    return tuple(columns) or None


def _parse_labels(
    value: Any, defaults: Mapping[str, str], origins: Mapping[str, Origin], problems: list[Problem]
) -> dict[str, str]:
    labels = dict(defaults)
    if value is None:
        return labels
    if not isinstance(value, Mapping):
        problems.append(
            _problem(
                origins,
                "rubriker",
                "'rubriker' ska innehålla nycklar",
                "skriv t.ex. 'summa: Totalt' på en egen rad under 'rubriker:'",
            )
        )
        return labels
    allowed = LABEL_KEYS
    for key, label in value.items():
        where = f"rubriker.{key}"
        if key not in LABEL_KEYS:
            problems.append(
                _problem(
                    origins,
                    where,
                    f"rubriken '{key}' finns inte{_suggestion(str(key), allowed)}",
                    f"använd {', '.join(allowed)}",
                )
            )
            continue
        text = _text(label)
        if not text:
            problems.append(
                _problem(origins, where, "rubriken är tom", "skriv rubriken eller ta bort raden")
            )
            continue
        unknown = _unknown_placeholders(text)
        if unknown is not None:
            problems.append(
                _problem(
                    origins,
                    where,
                    f"rubriken '{text}' innehåller {unknown}, som inte kan fyllas i",
                    "använd {år}, {fg_år}, {enhet}, {kommun}, {prognosdatum} eller {periodslut} "
                    "(med klammerparenteser)",
                )
            )
            continue
        labels[str(key)] = text
    return labels


def _unknown_placeholders(text: str) -> str | None:
    """The first placeholder of ``text`` that is not one we fill in, or a stray brace."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError:
        return "en ensam { eller }"
    for name in fields:
        if name not in PLACEHOLDERS:
            return "{" + name + "}"
    return None
