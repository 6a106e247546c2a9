"""The computed operating statement: rows of cells, and the figures it shows two ways.

Built by :func:`helpers.parts.budget.compute_statement`; read by the view, the summary and
validation."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal

import pandas as pd

from helpers.data.budget_settings import DriftSettings
from helpers.parts.budget_amounts import Amount, AmountFormat

PART: Final = "delverksamhet"
Role = Literal[
    "intäkter", "kostnader", "nettokostnader", "ram", "resultat", "delverksamhet", "summa"
]
Status = Literal["lika", "avrundning", "motsägelse"]


@dataclass(frozen=True)
class Figure:
    """One cell of the statement.

    ``value`` is what the report shows: the typed amount where the file has one, else the
    computed one. ``computed`` is what the rows give for a figure the statement computes (None
    for a plain typed amount, or while a term is missing) and ``terms`` how many rounded amounts
    it adds up. ``typed`` says the value was written in the file.
    """

    value: Amount
    computed: Amount = None
    terms: int = 1
    typed: bool = True
    doubtful: bool = False  # this figure or one it adds up contradicts its own parts

    @property
    def weight(self) -> int:
        """Rounded amounts behind ``value``: one if typed (a published figure is rounded once)."""
        return 1 if self.typed else self.terms


@dataclass(frozen=True)
class StatementRow:
    """A row of the statement: its label, role, cells by column and place in the tree."""

    key: str
    label: str
    role: Role
    figures: Mapping[str, Figure]
    line: int | None = None  # the row's line in drift.csv; None for computed rows
    depth: int = 0  # 0 for the unit's own rows, 1 for its parts, 2 for their parts …
    parent: str | None = None  # the label of the row this one is a part of
    lines: tuple[int, ...] = ()  # lines of the typed rows a computed row adds up
    group: bool = False  # a part with parts of its own: its amounts are subtotals

    def value(self, column: str) -> Amount:
        figure = self.figures.get(column)
        return None if figure is None else figure.value


@dataclass(frozen=True)
class Side:
    """One way of arriving at a figure: its name, value, rows in the file and rounded terms."""

    name: str
    value: Decimal
    weight: int
    lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """A figure the report shows two ways (a published total and the sum of its parts …)."""

    row: str  # the label of the row the figure belongs to
    column: str
    first: Side
    second: Side
    step: Decimal
    line: int | None  # where a contradiction is reported
    follow_up: bool = False  # a part of it contradicts already: judge it once that is fixed

    @property
    def difference(self) -> Decimal:
        return abs(self.first.value - self.second.value)

    @property
    def tolerance(self) -> Decimal:
        """Differences strictly below this are explained by rounding of the shown amounts."""
        return (self.first.weight + self.second.weight) * self.step / 2

    @property
    def largest_accepted(self) -> Decimal:
        """The largest difference rounding can explain, in shown units (0 for two amounts)."""
        return (math.ceil(self.tolerance / self.step) - 1) * self.step

    @property
    def status(self) -> Status:
        if self.difference == 0:
            return "lika"
        return "avrundning" if self.difference < self.tolerance else "motsägelse"


@dataclass(frozen=True)
class Statement:
    """The computed operating statement of a unit-year, rows in report order."""

    rows: tuple[StatementRow, ...]
    columns: tuple[str, ...]  # the columns shown, in order (amount and derived columns)
    amount_columns: tuple[str, ...]  # the amount columns the file has
    format: AmountFormat
    cost_sign: int
    comparisons: tuple[Comparison, ...]
    settings: DriftSettings = field(default_factory=DriftSettings)
    rounded_in_display: bool = False  # the file has more decimals than the report shows

    def row(self, key: str) -> StatementRow | None:
        return next((r for r in self.rows if r.key == key), None)

    @property
    def parts(self) -> list[StatementRow]:
        """The unit's own parts (the rows the Summa adds up), in report order."""
        return [r for r in self.rows if r.role == PART and r.depth == 1]

    @property
    def net_row(self) -> StatementRow | None:
        """The unit's net cost: Nettokostnader, or the Summa of a net-only statement."""
        return self.row("nettokostnader") or self.row("summa")

    @property
    def has_frame(self) -> bool:
        """The statement has a Tilldelad ram, so a Resultat against it."""
        return self.row("resultat") is not None

    def deviation_of(self, column: str) -> Amount:
        """How much better than budget ``column`` (utfall, prognos) is for the whole unit."""
        net = self.net_row
        if net is None or "budget" not in self.amount_columns or column not in net.figures:
            return None
        budget, other = net.value("budget"), net.value(column)
        if budget is None or other is None:
            return None
        return self.cost_sign * (budget - other)

    def result_of(self, column: str) -> Amount:
        """The result in ``column``: against the frame where there is one, else against budget."""
        result = self.row("resultat")
        if result is not None:
            return result.value(column)
        return self.deviation_of(column)

    @property
    def result(self) -> float:
        return _float(self.result_of("utfall"))

    @property
    def deviation(self) -> float:
        return _float(self.deviation_of("utfall"))

    @property
    def forecast_result(self) -> float:
        if "prognos" not in self.columns:
            return math.nan
        return _float(self.result_of("prognos"))

    def as_frame(self) -> pd.DataFrame:
        """The statement as a table (labels as index, shown columns, exact values as floats)."""
        return pd.DataFrame(
            [[_float(row.value(c)) for c in self.columns] for row in self.rows],
            index=[row.label for row in self.rows],
            columns=list(self.columns),
        )


def _float(value: Amount) -> float:
    return math.nan if value is None else float(value)
