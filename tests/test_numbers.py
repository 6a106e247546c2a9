"""Swedish number formatting (``helpers.parts.numbers``): grouping, decimal comma, minus sign,
units."""

from __future__ import annotations

import math

import pytest

from helpers.parts.numbers import MINUS, decimals_of, format_number, format_with_unit, is_missing

MISSING = "Saknas i testet"  # the text a report's definition gives (rapport.saknas)

NBSP = "\u00a0"


def test_minus_is_the_typographic_minus() -> None:
    assert MINUS == "\u2212"


@pytest.mark.parametrize(
    ("value", "decimals", "signed", "expected"),
    [
        (41575, 0, False, f"41{NBSP}575"),
        (-1392, 0, False, f"{MINUS}1{NBSP}392"),
        (76, 0, True, "+76"),
        (-362, 0, True, f"{MINUS}362"),
        (0, 0, True, "0"),
        (-0.4, 0, False, "0"),  # rounds to zero: never "−0"
        (0.7, 1, False, "0,7"),
        (1234567.891, 2, False, f"1{NBSP}234{NBSP}567,89"),
        (5.0, 1, False, "5,0"),
    ],
)
def test_format_number(value: float, decimals: int, signed: bool, expected: str) -> None:
    text = format_number(value, decimals, signed=signed, missing=MISSING)
    # babel may group with U+00A0 or U+202F; both are non-breaking spaces.
    assert text.replace("\u202f", NBSP) == expected


@pytest.mark.parametrize("value", [None, float("nan")])
def test_missing_values_are_written_out(value: object) -> None:
    assert is_missing(value)
    assert format_number(value, missing=MISSING) == MISSING
    assert format_with_unit(value, "tkr", missing=MISSING) == MISSING


def test_unit_follows_with_a_non_breaking_space() -> None:
    assert format_with_unit(4, "%", missing=MISSING) == f"4{NBSP}%"
    assert format_with_unit(76, "tkr", missing=MISSING) == f"76{NBSP}tkr"
    assert format_with_unit(76, missing=MISSING) == "76"


@pytest.mark.parametrize(
    ("value", "expected"), [(3, 0), (3.0, 0), (0.7, 1), (1.25, 2), (1.23456, 2), (math.nan, 0)]
)
def test_decimals_of(value: float, expected: int) -> None:
    assert decimals_of(value) == expected


def test_halves_round_away_from_zero_as_people_round() -> None:
    from helpers.parts.numbers import MINUS, format_number

    assert format_number(7.25, 1, missing=MISSING) == "7,3"
    assert format_number(0.125, 2, missing=MISSING) == "0,13"
    assert format_number(-2.5, missing=MISSING) == MINUS + "3"
    assert format_number(41574.5, missing=MISSING) == "41\u00a0575"
