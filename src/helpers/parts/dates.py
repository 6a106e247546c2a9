"""Dates in report text, the Swedish way: ``31 augusti 2016``.

Dates are held as ISO text (``2016-08-31``: params' ``prognosdatum`` and ``periodslut``, a
table's ``date`` column such as ``kolada_hämtad``) or ``datetime.date``; that form stays where a
machine reads it (``<time datetime="…">``, file names, CSV). Wherever a date enters a sentence, a
heading, a caption or a printed page's foot, it goes through :func:`format_date` (Babel's long
Swedish form), so every date a reader sees is written the same way; :func:`date_markup` wraps
it in ``<time datetime="2016-08-31">`` where the text is HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from babel.dates import format_date as babel_format_date

from helpers.core.labels import Labels
from helpers.core.markup import Markup, html
from helpers.parts.numbers import is_missing

LOCALE = "sv_SE"


def as_date(value: str | dt.date | None) -> dt.date | None:
    """``value`` as a date: a ``date`` as it is, ISO text (``ÅÅÅÅ-MM-DD``) read; None for None
    and for text that is no ISO date (free text such as ``Löpande`` is no date)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def format_date(value: str | dt.date | None) -> str:
    """A date as a Swedish reader expects it in running text: ``31 augusti 2016`` (Babel's
    long form for sv_SE; no leading zero, the month's name in lower case).

    Text that is no ISO date is returned unchanged: a label never loses what the data says;
    no date (None) is "".
    """
    date = as_date(value)
    if date is None:
        return "" if value is None else str(value)
    return str(babel_format_date(date, format="long", locale=LOCALE))


def date_markup(value: str | dt.date | None) -> Markup:
    """The date as :func:`format_date` shows it, in ``<time datetime="ÅÅÅÅ-MM-DD">`` so a
    machine reads it as a date; text that is no date is only escaped."""
    date = as_date(value)
    if date is None:
        return html("{}", format_date(value))
    return html('<time datetime="{}">{}</time>', date.isoformat(), format_date(date))


def dates_listed(dates: Iterable[object], labels: Labels) -> str:
    """Distinct dates (ISO text; empty and missing cells skipped), oldest first, each as
    :func:`format_date` shows it, listed by the template ``rapport.uppräkning``: the
    ``{datum}`` of ``indikatorer.kolada`` and ``nyckeltal.kolada`` (``Källa: Kolada, hämtad
    2 maj 2024``)."""
    known = sorted({str(d) for d in dates if d and not is_missing(d)})
    return labels.joined("rapport.uppräkning", (format_date(d) for d in known))
