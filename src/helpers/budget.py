"""The operating budget (driftredovisning): every derived figure is computed here, never typed.

Nettokostnader = intäkter + kostnader (intäkter are negative, as in the economy system);
resultat = tilldelad ram − nettokostnader; avvikelse = budget − utfall; summa = Σ delverksamheter.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

AMOUNT_COLUMNS = ("utfall_fg_år", "utfall", "budget", "prognos")


@dataclass(frozen=True)
class BudgetStatement:
    """The computed operating statement, each frame with AMOUNT_COLUMNS plus ``avvikelse``."""

    totals: pd.DataFrame  # index: Intäkter, Kostnader, Nettokostnader, Tilldelad ram, Resultat
    subunits: pd.DataFrame  # index: delverksamhet names
    subunit_sum: pd.Series

    @property
    def result(self) -> float:
        return float(self.totals.loc["Resultat", "utfall"])

    @property
    def deviation(self) -> float:
        return float(self.totals.loc["Nettokostnader", "avvikelse"])

    @property
    def forecast_result(self) -> float:
        return float(self.totals.loc["Resultat", "prognos"])


def _row(frame: pd.DataFrame, kind: str) -> pd.Series:
    rows = frame.loc[frame["typ"] == kind, list(AMOUNT_COLUMNS)]
    return rows.sum(min_count=1) if not rows.empty else pd.Series(float("nan"), AMOUNT_COLUMNS)


def compute_statement(drift: pd.DataFrame) -> BudgetStatement:
    """Derive net costs, result, deviations and the sub-unit total from the typed rows."""
    income = _row(drift, "intäkter")
    costs = _row(drift, "kostnader")
    frame_row = _row(drift, "ram")
    net = income + costs
    result = frame_row - net
    totals = pd.DataFrame(
        [income, costs, net, frame_row, result],
        index=["Intäkter", "Kostnader", "Nettokostnader", "Tilldelad ram", "Resultat"],
    )
    totals["avvikelse"] = totals["budget"] - totals["utfall"]
    # A result's deviation is how much better the outcome was than budgeted: the same as the
    # net cost deviation (the frame is fixed).
    totals.loc["Resultat", "avvikelse"] = result["utfall"] - result["budget"]
    subunits = drift.loc[drift["typ"] == "delverksamhet"].set_index("post")[list(AMOUNT_COLUMNS)]
    subunits = subunits.copy()
    subunits["avvikelse"] = subunits["budget"] - subunits["utfall"]
    subunit_sum = subunits.sum(min_count=1)
    return BudgetStatement(totals, subunits, subunit_sum)


def result_word(result: float) -> str | None:
    """``överskott`` or ``underskott``; None while the amounts to compute it are missing."""
    if pd.isna(result):
        return None
    return "överskott" if result >= 0 else "underskott"


MISSING_RESULT = "Resultatet kan inte räknas ut ännu: fyll i beloppen i drift.csv."


def typed_sum_mismatches(drift: pd.DataFrame) -> list[tuple[int, str, float, float]]:
    """Typed ``summa`` cells that differ from the sub-units' sum.

    Each mismatch is (line, column, typed value, computed sum).
    """
    typed = drift.loc[drift["typ"] == "summa"]
    if typed.empty:
        return []
    computed = drift.loc[drift["typ"] == "delverksamhet", list(AMOUNT_COLUMNS)].sum(min_count=1)
    mismatches = []
    for _, row in typed.iterrows():
        for column in AMOUNT_COLUMNS:
            value, expected = row[column], computed[column]
            if pd.notna(value) and pd.notna(expected) and abs(value - expected) > 0.5:
                mismatches.append((int(row["_rad"]), column, float(value), float(expected)))
    return mismatches
