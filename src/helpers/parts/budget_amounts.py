"""Amounts of the operating statement: exact values, and how the report shows and words them.

Typed amounts become exact decimals (:func:`to_amount`), so sums carry no binary-float error and
a value is rounded once, when shown. Words, signs and colours follow the value *as shown*
(:meth:`AmountFormat.sign`): −0,4 tkr shown without decimals is 0 and in balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from helpers.core.labels import Labels
from helpers.parts.numbers import format_number, is_missing

Amount = Decimal | None


def to_amount(value: object) -> Amount:
    """A typed cell as an exact decimal: ``41575.0`` → ``Decimal('41575')``; None when empty.

    The shortest repr of the float is the number the analyst typed, so nothing they typed is lost.
    """
    if is_missing(value):
        return None
    # Rounded to 9 decimals first: an Excel formula's cached value can carry binary noise
    # (0.30000000000000004), which would otherwise count as 17 decimals to show.
    return Decimal(repr(round(float(value), 9))).normalize()  # type: ignore[arg-type]


def places(value: Decimal) -> int:
    """How many decimals an exact amount has (``0.20`` → 1, ``41575`` → 0)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@dataclass(frozen=True)
class AmountFormat:
    """How the statement shows amounts: unit (kr, tkr, mkr), decimals and the text of a missing
    amount (the definition's ``rapport.saknas``)."""

    unit: str = "tkr"
    decimals: int = 0
    missing: str = ""

    @property
    def step(self) -> Decimal:
        """One unit of the last shown decimal (1 for 0 decimals, 0,1 for one)."""
        return Decimal(1).scaleb(-self.decimals)

    def shown(self, value: Amount | float) -> Amount:
        """The value as the report shows it: rounded half away from zero, never −0."""
        amount = value if isinstance(value, Decimal) or value is None else to_amount(value)
        if amount is None:
            return None
        rounded = amount.quantize(self.step, ROUND_HALF_UP)
        return rounded if rounded != 0 else Decimal(0)

    def sign(self, value: Amount | float) -> int:
        """−1, 0 or +1 of the *shown* value: a value shown as 0 has no sign (0 when missing)."""
        shown = self.shown(value)
        if shown is None or shown == 0:
            return 0
        return 1 if shown > 0 else -1

    def text(self, value: Amount | float, *, signed: bool = False) -> str:
        """``41 575``, ``−0,2``, ``+76``; :attr:`missing` when missing."""
        shown = self.shown(value)
        return format_number(
            shown,
            self.decimals,
            missing=self.missing,
            signed=signed,
        )

    def with_unit(self, value: Amount | float, *, signed: bool = False) -> str:
        """``76 tkr``, ``−0,2 mkr`` (no-break space before the unit)."""
        text = self.text(value, signed=signed)
        return text if self.shown(value) is None else f"{text}\u00a0{self.unit}"


def result_phrase(result: Amount | float, amounts: AmountFormat, labels: Labels) -> str | None:
    """``ett överskott på 76 tkr``, ``ett underskott på 0,2 mkr`` or ``ett resultat i balans``:
    the definition's ``resultat.belopp`` or ``resultat.balans``.

    Follows the value as shown: −0,4 tkr shown with no decimals is 0, in balance. None while the
    amounts to compute it are missing.
    """
    word = result_word(result, amounts, labels)
    if word is None:
        return None
    if amounts.sign(result) == 0:
        return labels("resultat.balans")
    shown = amounts.with_unit(abs(amounts.shown(result)))  # type: ignore[arg-type]
    return labels("resultat.belopp", ord=word, belopp=shown)


def result_word(result: Amount | float, amounts: AmountFormat, labels: Labels) -> str | None:
    """``överskott``, ``underskott`` or ``i balans`` (the definition's ``resultat.*``) for the
    value as shown; None when missing."""
    if is_missing(result) or amounts.shown(result) is None:
        return None
    sign = amounts.sign(result)
    key = "i_balans" if sign == 0 else "överskott" if sign > 0 else "underskott"
    return labels(f"resultat.{key}")
