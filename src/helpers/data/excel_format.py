"""What an Excel number format does to the number it shows: percent, scaling, hiding.

Excel stores 0,7 and shows "70 %" under the format ``0%``; ``#,##0,`` shows 41 575 000 as
"41 575"; ``;;;`` shows nothing at all. Reading the stored number would make a report 100 or
1 000 times wrong, or publish a value the analyst cannot see. So a cell is read as Excel shows
it: :func:`display_of` says by what the stored number is multiplied, and :func:`number_text`
writes the result without losing digits (``0.07`` under ``0%`` is exactly ``7``).

Format codes in an .xlsx are written in Excel's invariant (en-US) syntax whatever language the
Excel that saved it speaks (Swedish ``0,00 %`` is stored as ``0.00\\ %``): ``.`` is the decimal
point, ``,`` the thousands separator — or, after the last digit, a division by 1 000 — and ``%``
multiplies by 100. Text in quotes, characters after ``\\``, ``_`` and ``*``, and ``[...]``
blocks (colours, locales, conditions) are not format characters.
Source: ECMA-376 Part 1, §18.8.31 (numFmts), and Excel's "Number format codes" documentation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

_DIGITS = "0#?"


@dataclass(frozen=True)
class Display:
    """How Excel shows a number: ``shown = stored × factor``; or not at all (``hidden``); or
    differently by a condition we cannot be sure of (``conditional``)."""

    factor: Decimal = Decimal(1)
    percent: bool = False
    hidden: bool = False
    conditional: bool = False


@lru_cache(maxsize=512)
def _sections(code: str) -> tuple[tuple[str, bool], ...]:
    """Each ``;``-separated section's format characters, and whether it has a condition."""
    sections: list[tuple[str, bool]] = []
    chars: list[str] = []
    condition = False
    i = 0
    while i < len(code):
        char = code[i]
        if char == '"':
            end = code.find('"', i + 1)
            i = len(code) if end < 0 else end + 1
            continue
        if char in "\\_*":
            i += 2
            continue
        if char == "[":
            end = code.find("]", i + 1)
            block = code[i + 1 : len(code) if end < 0 else end]
            condition = condition or block[:1] in ("<", ">", "=")
            i = len(code) if end < 0 else end + 1
            continue
        if char == ";":
            sections.append(("".join(chars), condition))
            chars, condition = [], False
        else:
            chars.append(char)
        i += 1
    sections.append(("".join(chars), condition))
    return tuple(sections)


def _effect(skeleton: str) -> Display:
    if not skeleton.strip():
        return Display(hidden=True)
    percent = skeleton.count("%")
    last_digit = max((skeleton.rfind(d) for d in _DIGITS), default=-1)
    scaling = 0
    if last_digit >= 0:
        after = skeleton[last_digit + 1 :]
        scaling = len(after) - len(after.lstrip(","))
    factor = Decimal(100) ** percent / Decimal(1000) ** scaling
    return Display(factor=factor, percent=percent > 0)


def display_of(code: str | None, value: float | int) -> Display:
    """How the format ``code`` shows the number ``value`` (see the module docstring).

    A zero that a format shows as blank or as a dash (accounting formats do) reads as 0.
    """
    if not code or code.strip().lower() == "general":
        return Display()
    shown = _display(code, value)
    return Display() if shown.hidden and value == 0 else shown


def _display(code: str, value: float | int) -> Display:
    sections = _sections(code)
    numeric = sections[:3]
    if any(condition for _, condition in numeric):
        effects = {_effect(skeleton) for skeleton, _ in numeric if skeleton.strip()}
        return effects.pop() if len(effects) == 1 else Display(conditional=True)
    if value < 0 and len(numeric) >= 2:
        return _effect(numeric[1][0])
    if value == 0 and len(numeric) >= 3:
        return _effect(numeric[2][0])
    return _effect(numeric[0][0])


def number_text(value: float | int, factor: Decimal = Decimal(1)) -> str:
    """``value × factor`` as plain decimal digits: ``0.7`` × 100 → ``70``, ``1e-05`` → ``0.00001``.

    The shortest repr of a float is the number the analyst typed, so no binary noise appears.
    """
    number = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
    shown = (number * factor).normalize()
    text = format(shown, "f")
    return "0" if text in ("-0", "0") else text


def date_text(value: dt.datetime | dt.date | dt.time | dt.timedelta, code: str | None) -> str:
    """A date or time as text: ISO ``2016-08-31`` (with ``08:30`` when the format shows time),
    ``2016-11`` for a format without a day (``mmm yyyy``), ``08:30`` for a time of day."""
    lowered = (code or "").lower()
    skeleton = "".join(skeleton for skeleton, _ in _sections(lowered))
    if isinstance(value, dt.timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, dt.datetime):
        has_time = any(c in skeleton for c in "hs") and (value.hour or value.minute)
        if has_time:
            return value.strftime("%Y-%m-%d %H:%M")
        value = value.date()
    if skeleton and "d" not in skeleton and "y" in skeleton:
        return value.strftime("%Y-%m") if "m" in skeleton else str(value.year)
    return value.isoformat()
