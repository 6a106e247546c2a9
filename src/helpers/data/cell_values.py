"""One cell's text as its typed value, the one reading shared by validation and the report.

Every cell passes through here when a table is loaded (``unit_data.typed_frame``), whether
``workbook validate`` or a section notebook loads it. Compared values (ids, choices, periods,
formulas) are read with ``text_norm.clean_token`` — no-break and thin spaces, tabs, Office's
dashes and invisible characters count as what they look like — and shown texts with
``clean_text``. Errors are ``ValueError`` with a Swedish message that quotes the cell (bounded).

Numbers: ``readers.parse_number`` (bounded: 12 digits before the decimal sign, 15 significant
digits; ``NumberOutOfRange`` keeps its own message); a trailing ``%`` (``70 %``, as Excel's
CSV export writes a percent-formatted cell, and as the .xlsx reader renders one) is accepted in
columns that hold percentages (``Column.percent``) and refused elsewhere.
:func:`ambiguous_thousands` catches ``41,575`` typed by an English-language Excel, which would
otherwise read as 41,575.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence

from helpers.core.errors import Problem, quote
from helpers.core.schema import Column
from helpers.core.text_norm import (
    CONTROL_HINT,
    clean_text,
    clean_token,
    control_character,
    unusual_characters,
)
from helpers.data.readers import NumberOutOfRange, parse_number

PERIOD = re.compile(r"([0-9]{4})(?:-([0-9]{4}))?")
_YEAR = re.compile(r"[0-9]{4}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_PERCENT = re.compile(r"(.*?) ?%")
# 41,575 or 1.392: a thousands separator or a decimal sign with three decimals?
_AMBIGUOUS = re.compile(r"[+-]?[1-9][0-9]{0,2}([.,])[0-9]{3}")
_DECIMAL = re.compile(r"[+-]?[0-9 ]*([.,])[0-9]+")
# Excel's date serial numbers for 1980–2079, as a date cell shows when its format is lost.
_EXCEL_SERIAL = range(29_221, 65_745)


# What makes a spreadsheet (Excel, LibreOffice) take a cell for a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_START_NAMES = {"\t": "ett tabbtecken", "\r": "en radretur"}
SIGNS = ("+", "-", "＋", "－")
# What makes a signed cell a formula in a spreadsheet: another formula start, a function call
# (SUM(, HYPERLINK(), a cell reference (A1, $B$2, Blad1!A1) or arithmetic on numbers (2+3).
SIGNED_FORMULA = re.compile(
    r"[=@＝＠+\-]|[A-Za-z_][A-Za-z0-9_.]*\(|[A-Za-z0-9_]+!|\$?[A-Za-z]{1,3}\$?\d+\b"
    r"|[\d.,]+\s*[-+*/^&]"
)


def formula_start(text: str) -> str | None:
    """The formula-starting character ``text`` begins with (ignoring leading spaces), or None."""
    for candidate in (text, text.lstrip(" \u00a0")):
        if candidate[:1] in FORMULA_STARTS:
            return candidate[0]
    return None


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet (Excel, LibreOffice) would take the cell ``text`` for a formula
    when it opens the CSV file (OWASP "CSV injection"): the one rule of ``validate``'s text
    columns, ``new-year``'s warning, ``new-unit``'s names and ``klar --by``.

    It starts (after leading spaces) with a formula character (:data:`FORMULA_STARTS`) and is
    more than that one character (a lone ``-`` is a dash) and no number with a sign
    (``-1954``, ``- 6``, ``+3,5`` are data).
    """
    start = formula_start(text)
    if start is None or len(text.strip(" \u00a0")) < 2:
        return False
    try:
        if parse_number(text) is not None:
            return False
    except NumberOutOfRange:
        return False  # a number, too long for the workbook: its own problem where it is read
    except ValueError:
        pass
    if start in SIGNS:
        # A sign before words is how a list item or an aside is typed ("- Införa e-tjänster",
        # "+ nytt avtal"): text. A sign is a formula's only before what a formula holds.
        return SIGNED_FORMULA.match(text.lstrip(" \u00a0")[1:].lstrip(" \u00a0")) is not None
    return True


def formula_problem(shown: str, text: str, line: int, column: str) -> Problem:
    """The problem (``validate``) or warning (``new-year``) for a cell of file ``shown``, line
    ``line``, column ``column`` that :func:`looks_like_formula`."""
    start = formula_start(text) or text[:1]
    shown_start = _START_NAMES.get(start, f"'{start}'")
    return Problem(
        shown,
        f"texten börjar med {shown_start} och körs som en formel om filen öppnas i Excel",
        row=line,
        column=column,
        hint="skriv om texten så att den börjar med en bokstav eller siffra",
    )


def check_plain_text(text: str) -> str:
    """``text`` (a name) checked for a file that is opened in a spreadsheet: returned as read
    (``clean_text``); a ``ValueError`` when it holds a control character or line break or
    starts like a formula (:func:`looks_like_formula`: ``= + - @``, tab, CR — OWASP "CSV
    injection"; a lone ``-`` or a signed number such as ``-5`` is no formula)."""
    control = control_character(text, one_line=True)
    start = formula_start(text)
    if start is not None and looks_like_formula(text):
        shown = _START_NAMES.get(start, f"'{start}'")
        raise ValueError(
            f'"{quote(text)}" börjar med {shown} och skulle läsas som en formel i Excel — '
            f"skriv texten utan {shown} i början"
        )
    if control is not None:
        raise ValueError(f'"{quote(text)}" innehåller tecknet {control[1]} — {CONTROL_HINT}')
    return clean_text(text)


def convert_cell(column: Column, text: str) -> object:
    """One cell as its typed value; raises ValueError with a Swedish explanation.

    A control character (``text_norm.control_character``) is refused in every column; in a
    ``one_line_plain`` column also a line break, tab, and a formula's first character
    (:func:`check_plain_text`).
    """
    if column.one_line_plain:
        return check_plain_text(text)
    control = control_character(text)
    if control is not None:
        raise ValueError(f'"{quote(text)}" innehåller tecknet {control[1]} — {CONTROL_HINT}')
    token = clean_token(text)
    if token == "":
        return None if column.kind in ("number", "int", "year") else ""
    if column.kind == "number":
        return _convert_number(column, token, text)
    if column.kind == "int":
        try:
            value = parse_number(token)
        except NumberOutOfRange:
            raise
        except ValueError:
            value = None
        if value is None or not value.is_integer():
            advice = _lookalike_typo(token) or "skriv bara siffror, t.ex. 3"
            raise ValueError(f'"{quote(text)}" är inget heltal — {advice}')
        return int(value)
    if column.kind == "year":
        if not _YEAR.fullmatch(token) or not 1900 <= int(token) <= 2100:
            raise ValueError(f'"{quote(text)}" är inget år — skriv fyra siffror, t.ex. 2016')
        return int(token)
    if column.kind == "period":
        return _convert_period(token, text)
    if column.kind == "date":
        return _convert_date(token, text)
    if column.kind == "choice":
        return _convert_choice(column, token, text)
    if column.kind == "id":
        if not _ID.fullmatch(token):
            raise ValueError(
                f'"{quote(text)}" är inget giltigt id{_unusual(text)} — använd bokstäverna '
                "a–z, siffror, _ och - (inga mellanslag, å/ä/ö eller snedstreck)"
            )
        return token
    return clean_text(text)


def _unusual(text: str) -> str:
    found = unusual_characters(text)
    return f" (innehåller {', '.join(found)})" if found else ""


def _convert_number(column: Column, token: str, text: str) -> float | None:
    percent = _PERCENT.fullmatch(token)
    if percent:
        if not column.percent:
            raise ValueError(
                f'"{quote(text)}" är ett procenttal, men {column.name} tar inte procent — '
                "skriv bara talet (formatera inte cellen som procent i Excel)"
            )
        token = percent.group(1)
    try:
        return parse_number(token)
    except NumberOutOfRange:
        raise
    except ValueError:
        raise ValueError(
            f'"{quote(text)}" är inget tal — {_number_advice(token, column)}'
        ) from None


# Letters typed for the digits they look like (a slip on the keyboard or an OCR'd figure).
LOOKALIKE_DIGITS = {"o": "0", "O": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8"}
# The amount units analysts write after a number; with ``drift: belopp`` one of the first three.
_AMOUNT_WORDS = {"kr": "kr", "tkr": "tkr", "mkr": "mkr", "kkr": "tkr", "msek": "mkr", "sek": "kr"}


def _number_advice(token: str, column: Column) -> str:
    """What to do about a number cell that does not read as a number: a letter typed for a
    digit is called a typo, a unit after the number is named with the unit the column's
    numbers are in (``Column.unit``: drift.csv's ``drift: belopp``, a custom column's
    ``enhet:``), never a unit the file does not use."""
    if token.startswith("'"):
        return "ta bort apostrofen före talet"
    grouped = _GROUPED.fullmatch(token)
    if grouped and (grouped.group(3) is None or grouped.group(3) != grouped.group(1)):
        separator = grouped.group(1)
        return (
            f"'{separator}' används som tusentalsavgränsare, men {THOUSANDS_EXPECTED}: skriv "
            f"{thousands_rewritten(token, separator)}"
        )
    typo = _lookalike_typo(token)
    if typo is not None:
        return typo
    written = re.search(r"[0-9] ?([A-Za-zåäöÅÄÖ:]+)\.?$", token)
    if written:
        percent = ", procent med %" if column.percent else ""
        if column.unit is None:
            return f"skriv talet utan enhet{percent}"
        said = _AMOUNT_WORDS.get(written.group(1).lower())
        if said is not None and said != column.unit and column.unit in _AMOUNT_WORDS.values():
            return (
                f"beloppen i filen är i {column.unit}, inte {said}: räkna om talet till "
                f"{column.unit} och skriv det utan enhet"
            )
        return f"skriv talet utan enhet (talen i kolumnen är i {column.unit}{percent})"
    return "skriv bara siffror, t.ex. 4307, -1 392 eller 0,7"


def _lookalike_typo(token: str) -> str | None:
    """``4o`` or ``l2,5``: letters that look like digits among digits, read as what was meant
    when the result is a number; None otherwise."""
    letters = [c for c in token if c in LOOKALIKE_DIGITS]
    if not letters or not any(c.isdigit() for c in token):
        return None
    meant = "".join(LOOKALIKE_DIGITS.get(c, c) for c in token)
    try:
        if parse_number(meant) is None:
            return None
    except ValueError:
        return None
    named = ", ".join(
        f"bokstaven {c} i stället för siffran {LOOKALIKE_DIGITS[c]}" for c in dict.fromkeys(letters)
    )
    return f"det ser ut som ett skrivfel: {named} (menade du {quote(meant)}?)"


def _convert_period(token: str, text: str) -> str:
    normalized = re.sub(r" ?- ?", "-", token)
    match = PERIOD.fullmatch(normalized)
    if not match or (match.group(2) and int(match.group(2)) <= int(match.group(1))):
        raise ValueError(
            f'"{quote(text)}" är ingen period — skriv ett år (2016) eller ett intervall (2010-2013)'
        )
    return normalized


def _convert_date(token: str, text: str) -> str:
    try:
        if not _DATE.fullmatch(token):
            raise ValueError(token)
        return dt.date.fromisoformat(token).isoformat()
    except ValueError:
        hint = "skriv ÅÅÅÅ-MM-DD, t.ex. 2016-08-31"
        if token.isdigit() and int(token) in _EXCEL_SERIAL:
            date = dt.date(1899, 12, 30) + dt.timedelta(days=int(token))
            hint = (
                f"det ser ut som Excels datumnummer för {date.isoformat()}: formatera cellen "
                "som datum, eller skriv ÅÅÅÅ-MM-DD"
            )
        raise ValueError(f'"{quote(text)}" är inget datum — {hint}') from None


def _convert_choice(column: Column, token: str, text: str) -> str:
    normalized = token.lower()
    if normalized in column.choices:
        return normalized
    allowed = ", ".join(f"'{c}'" for c in column.choices)
    advice = f"använd {allowed}" + ("" if column.required else " eller lämna tom")
    close = difflib.get_close_matches(normalized, column.choices, n=1, cutoff=0.75)
    guess = f" (menade du '{close[0]}'?)" if close else ""
    raise ValueError(f'"{quote(text)}" är inget tillåtet värde{guess} — {advice}')


# How the workbook wants thousands written (docs/data-format.md, "Tal"): the one wording every
# message about a thousands separator uses, so no two of them say different things.
THOUSANDS_EXPECTED = "tusental skrivs med mellanslag eller utan avgränsare"
# Thousands grouped by '.' or ',' (``1.234.567``, ``1,234``), with decimals after the other sign
# (``1.234,5``): group 1 is the separator, group 3 the decimal sign.
_GROUPED = re.compile(r"[+-]?[1-9][0-9]{0,2}([.,])[0-9]{3}(\1[0-9]{3})*(?:([.,])[0-9]+)?")


def thousands_rewritten(token: str, separator: str) -> str:
    """``token`` written as the workbook reads it, its thousands ``separator`` (``.`` or ``,``)
    replaced: ``41,575`` → ``41 575 eller 41575``; ``1.234,5`` → ``1 234,5 eller 1234,5``."""
    number, decimals = token, ""
    other = "," if separator == "." else "."
    if other in token:
        number, decimals = token.split(other, 1)
        decimals = other + decimals
    grouped, plain = number.replace(separator, " "), number.replace(separator, "")
    return f"{grouped}{decimals} eller {plain}{decimals}"


def ambiguous_thousands(texts: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Number cells that could be thousands or three decimals (``41,575``), with why and what
    to write instead.

    ``texts`` are a table's typed-in number cells. When another of them uses the same sign for
    decimals (``0,7``), the sign is a decimal sign and nothing is ambiguous; when another uses
    the other sign (``0.7``), ``41,575`` is thousands; when none shows, it could be either.
    Returns {cell text: (Swedish message, hint)} for the cells that must be rewritten: the form
    found, the form expected (``THOUSANDS_EXPECTED``), and the cell's own value rewritten.
    """
    tokens = [clean_token(t) for t in texts]
    decimal_examples: dict[str, str] = {}
    for token in tokens:
        number = token.rstrip("%").rstrip()
        match = _DECIMAL.fullmatch(number)
        if match and not _AMBIGUOUS.fullmatch(number):
            decimal_examples.setdefault(match.group(1), number)
    found: dict[str, tuple[str, str]] = {}
    for text, token in zip(texts, tokens, strict=True):
        number = token.rstrip("%").rstrip()
        match = _AMBIGUOUS.fullmatch(number)
        if not match or match.group(1) in decimal_examples:
            continue
        sign = match.group(1)
        rewritten = thousands_rewritten(number, sign)
        if decimal_examples:
            other, example = next(iter(decimal_examples.items()))
            found[text] = (
                f"'{sign}' används här som tusentalsavgränsare (filen skriver decimaler med "
                f"'{other}', t.ex. {example}), men {THOUSANDS_EXPECTED}",
                f"skriv {rewritten}",
            )
        else:
            found[text] = (
                f"'{sign}' kan vara tusentalsavgränsare eller decimaltecken (tre decimaler), och "
                f"tabellen visar inte vilket; {THOUSANDS_EXPECTED}",
                f"menas tusental, skriv {rewritten}; menas tre decimaler, skriv {number}0",
            )
    return found
