"""Swedish number formatting: ``41 575``, ``−1 392``, ``0,7``, ``4 %``, ``76 tkr``.

Babel supplies the locale's grouping and decimal symbols; its pattern formatting writes the
ASCII hyphen for negatives, so the locale's own minus sign (U+2212) is put in its place.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

from babel.numbers import format_decimal, get_minus_sign_symbol

LOCALE = "sv_SE"
MINUS = get_minus_sign_symbol(LOCALE)


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(
    value: float | int | Decimal | None, decimals: int = 0, *, missing: str, signed: bool = False
) -> str:
    """A number the Swedish way; ``signed`` writes ``+76`` for positive deviations; ``missing``
    (the definition's ``rapport.saknas``, "Uppgift saknas") when there is no value.

    A ``Decimal`` (the statement's exact amounts and sums) is shown exactly, never through a
    float, so no binary noise reaches the report or a message.
    """
    if is_missing(value):
        return missing
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    # Half away from zero, as people round (7,25 → 7,3), not Python's round-half-to-even on
    # binary floats; the shortest repr of the float is the number the analyst typed.
    assert value is not None  # is_missing covers None
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    with localcontext() as context:
        # Room for any finite float's digits: the default 28 would make quantize fail.
        context.prec = 400
        rounded = exact.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    if rounded == 0:
        rounded = Decimal(0)  # no "−0"
    text = format_decimal(abs(rounded), format=pattern, locale=LOCALE, decimal_quantization=False)
    if rounded < 0:
        return MINUS + text
    if signed and rounded > 0:
        return "+" + text
    return text


def format_with_unit(
    value: float | int | None, unit: str = "", decimals: int = 0, *, missing: str
) -> str:
    """A number followed by its unit with a non-breaking space: ``4 %``, ``76 tkr``."""
    text = format_number(value, decimals, missing=missing)
    if is_missing(value) or not unit:
        return text
    return f"{text}\u00a0{unit}"


def decimals_of(value: float | int | None) -> int:
    """How many decimals a value needs (at most 2), for values typed without a format."""
    if is_missing(value):
        return 0
    assert value is not None  # is_missing covers None
    for decimals in range(3):
        if abs(round(float(value), decimals) - float(value)) < 1e-9:
            return decimals
    return 2
