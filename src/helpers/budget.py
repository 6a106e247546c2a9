"""The operating statement (driftredovisning): every derived figure is computed here, never typed.

From the typed rows of ``drift.csv`` (amounts in the unit the settings declare, tkr by default):

- **Nettokostnader** = intäkter + kostnader (when the file has those rows);
- every row with parts of its own (``överordnad`` names it) = the sum of its parts, at any depth;
- **Summa** = the sum of the unit's own parts (the rows without ``överordnad``);
- **Resultat** = tilldelad ram − nettokostnad (costs written positive) or ram + nettokostnad
  (costs written negative): a surplus is positive either way;
- **avvikelse** = budget − utfall, or utfall − budget when costs are negative: positive is better.

A figure the file also types (a ``summa`` row, a part with amounts of its own, an ``avvikelse``
column) is a *published* figure: the report shows it as published, and :class:`Comparison` says
whether it agrees with the computed one exactly, within what rounding of the shown amounts can
explain, or not at all. The same holds for Nettokostnader against the Summa of the parts. The rule:
two ways of arriving at a figure may differ by less than half a unit of the last shown decimal per
rounded amount involved (a published total counts as one). Arithmetic is exact (``Decimal``),
so what the report shows is the typed number rounded once, half away from zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal

import pandas as pd

from helpers.budget_settings import DERIVED_COLUMNS, STANDARD_COLUMNS, DriftSettings
from helpers.numbers import format_number, is_missing
from helpers.schema import BUDGET_AMOUNT_COLUMNS

if TYPE_CHECKING:
    from helpers.unit_data import UnitData

AMOUNT_COLUMNS = BUDGET_AMOUNT_COLUMNS
PART = "delverksamhet"
PUBLISHED_DEVIATION = "avvikelse"  # the optional typed column of drift.csv
MISSING_RESULT = "Resultatet kan inte räknas ut ännu: fyll i beloppen i drift.csv."
MAX_INFERRED_DECIMALS = 6

Amount = Decimal | None
Role = Literal[
    "intäkter", "kostnader", "nettokostnader", "ram", "resultat", "delverksamhet", "summa"
]
Status = Literal["lika", "avrundning", "motsägelse"]


def to_amount(value: object) -> Amount:
    """A typed cell as an exact decimal: ``41575.0`` → ``Decimal('41575')``; None when empty.

    The shortest repr of the float is the number the analyst typed, so nothing is lost.
    """
    if is_missing(value):
        return None
    return Decimal(repr(float(value))).normalize()  # type: ignore[arg-type]


def places(value: Decimal) -> int:
    """How many decimals an exact amount has (``0.20`` → 1, ``41575`` → 0)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@dataclass(frozen=True)
class AmountFormat:
    """How the statement shows amounts: unit (kr, tkr, mkr) and decimals."""

    unit: str = "tkr"
    decimals: int = 0

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
        """``41 575``, ``−0,2``, ``+76``; ``Uppgift saknas`` when missing."""
        shown = self.shown(value)
        return format_number(None if shown is None else float(shown), self.decimals, signed=signed)

    def with_unit(self, value: Amount | float, *, signed: bool = False) -> str:
        """``76 tkr``, ``−0,2 mkr`` (no-break space before the unit)."""
        text = self.text(value, signed=signed)
        return text if self.shown(value) is None else f"{text}\u00a0{self.unit}"


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

    @property
    def published(self) -> bool:
        """A typed value of a figure the statement also computes."""
        return self.typed and self.value is not None and self.computed is not None


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


# ------------------------------------------------------------------------------- computation


def file_columns(frame: pd.DataFrame) -> tuple[str, ...]:
    """The columns drift.csv has (every schema column when the frame does not say)."""
    return tuple(frame.attrs.get("file_columns", frame.columns))


def shown_columns(settings: DriftSettings, frame: pd.DataFrame) -> tuple[str, ...]:
    """The columns the report shows: ``kolumner`` as set, else what the file has, in order."""
    present = file_columns(frame)
    available = [c for c in AMOUNT_COLUMNS if c in present]
    available += [c for c, (a, b) in DERIVED_COLUMNS.items() if a in present and b in present]
    if settings.columns is not None:
        return tuple(c for c in settings.columns if c in available)
    return tuple(c for c in STANDARD_COLUMNS if c in available)


def inferred_decimals(frame: pd.DataFrame) -> int:
    """The most decimals any amount in the file carries (so none is rounded away)."""
    most = 0
    for column in (*AMOUNT_COLUMNS, PUBLISHED_DEVIATION):
        if column in frame.columns:
            for value in frame[column]:
                amount = to_amount(value)
                if amount is not None:
                    most = max(most, places(amount))
    return min(most, MAX_INFERRED_DECIMALS)


@dataclass(frozen=True)
class PartLink:
    """A part row's ``överordnad`` that cannot be used, and why (for validation)."""

    line: int
    post: str
    parent: str
    reason: Literal["saknas", "sig själv", "inte en del", "slinga"]


def part_links(frame: pd.DataFrame) -> tuple[dict[str, str | None], list[PartLink]]:
    """Each part's parent (None for the unit's own parts) and the links that cannot be used.

    A link to a row that does not exist, to itself, to a row that is not a part, or that closes
    a loop is left out (the row counts as the unit's own part) and returned for validation.
    """
    kinds: dict[str, str] = {}
    for _, row in frame.iterrows():
        if row["post"]:
            kinds.setdefault(row["post"], row["typ"])
    has_parent_column = "överordnad" in file_columns(frame)
    parents: dict[str, str | None] = {}
    lines: dict[str, int] = {}
    broken: list[PartLink] = []
    for _, row in frame.loc[frame["typ"] == PART].iterrows():
        post = row["post"]
        if not post or post in parents:
            continue
        lines[post] = int(row["_rad"])
        parent = row["överordnad"] if has_parent_column else ""
        parent = parent if isinstance(parent, str) else ""
        reason: Literal["saknas", "sig själv", "inte en del"] | None = None
        if parent == post:
            reason = "sig själv"
        elif parent and parent not in kinds:
            reason = "saknas"
        elif parent and kinds[parent] != PART:
            reason = "inte en del"
        if reason:
            broken.append(PartLink(lines[post], post, parent, reason))
        parents[post] = parent if parent and not reason else None
    for post in parents:  # a chain of parents that comes back to where it began
        chain = [post]
        current = parents[post]
        while current is not None and current not in chain:
            chain.append(current)
            current = parents[current]
        if current == post:  # every row of the loop counts as the unit's own, reported once
            broken.append(PartLink(lines[post], post, str(parents[post]), "slinga"))
            for member in chain:
                parents[member] = None
    return parents, broken


def _first(frame: pd.DataFrame, kind: str) -> pd.Series | None:
    rows = frame.loc[frame["typ"] == kind]
    return None if rows.empty else rows.iloc[0]


def _sum(figures: list[Figure]) -> tuple[Amount, int]:
    """The exact sum and its rounded terms; None while any term is missing."""
    if not figures or any(f.value is None for f in figures):
        return None, sum(f.weight for f in figures)
    return sum((f.value for f in figures), Decimal(0)), sum(f.weight for f in figures)  # type: ignore[misc]


class _Builder:
    """Computes the rows of one statement (see :func:`compute_statement`)."""

    def __init__(self, frame: pd.DataFrame, settings: DriftSettings) -> None:
        self.frame = frame
        self.settings = settings
        self.sign = settings.cost_sign
        present = file_columns(frame)
        self.amounts = tuple(c for c in AMOUNT_COLUMNS if c in present)
        self.typed_deviation = PUBLISHED_DEVIATION in present
        decimals = settings.decimals
        self.format = AmountFormat(
            settings.unit, inferred_decimals(frame) if decimals is None else decimals
        )
        self.comparisons: list[Comparison] = []

    # -- cells

    def typed(self, row: pd.Series | None) -> dict[str, Figure]:
        if row is None:
            return {}
        return {c: Figure(to_amount(row[c])) for c in self.amounts}

    def with_deviation(
        self, figures: dict[str, Figure], row: pd.Series | None, direction: int, label: str
    ) -> dict[str, Figure]:
        """``figures`` plus each derived column (``avvikelse``), checked against a typed one."""
        out = dict(figures)
        for column, (first, second) in DERIVED_COLUMNS.items():
            if first not in figures or second not in figures:
                continue
            a, b = figures[first], figures[second]
            computed = (
                None if a.value is None or b.value is None else direction * (a.value - b.value)
            )
            terms = a.weight + b.weight
            typed = None
            if row is not None and self.typed_deviation and column == PUBLISHED_DEVIATION:
                typed = to_amount(row[PUBLISHED_DEVIATION])
            if typed is None:
                out[column] = Figure(computed, computed, terms, typed=False)
                continue
            out[column] = Figure(typed, computed, terms, typed=True)
            if computed is not None and row is not None:
                line = int(row["_rad"])
                formula = f"{first} − {second}" if direction > 0 else f"{second} − {first}"
                self.compare(
                    label, column, Side("avvikelsen", typed, 1, (line,)),
                    Side(formula, computed, terms, (line,)), line,
                )  # fmt: skip
        return out

    def compare(
        self,
        row: str,
        column: str,
        first: Side,
        second: Side,
        line: int | None,
        follow_up: bool = False,
    ) -> Comparison:
        comparison = Comparison(row, column, first, second, self.format.step, line, follow_up)
        self.comparisons.append(comparison)
        return comparison

    def subtotal(
        self, label: str, parts: list[StatementRow], typed: pd.Series | None, name: str,
        part_name: str,
    ) -> dict[str, Figure]:  # fmt: skip
        """The sum of ``parts`` per amount column, with the typed (published) figure if any."""
        figures: dict[str, Figure] = {}
        lines = tuple(p.line for p in parts if p.line is not None)
        for column in self.amounts:
            computed, terms = _sum([p.figures[column] for p in parts])
            doubtful = any(p.figures[column].doubtful for p in parts)
            published = to_amount(typed[column]) if typed is not None else None
            if published is None:
                figures[column] = Figure(computed, computed, terms, False, doubtful)
                continue
            if computed is not None and typed is not None:
                line = int(typed["_rad"])
                comparison = self.compare(
                    label, column, Side(name, published, 1, (line,)),
                    Side(part_name, computed, terms, lines), line, doubtful,
                )  # fmt: skip
                doubtful = doubtful or comparison.status == "motsägelse"
            figures[column] = Figure(published, computed, terms, True, doubtful)
        return figures

    # -- rows

    def parts(self) -> list[StatementRow]:
        """The part rows in report order (each followed by its own parts), subtotals computed."""
        frame = self.frame
        parents, _ = part_links(frame)
        rows: dict[str, pd.Series] = {}
        for _, row in frame.loc[frame["typ"] == PART].iterrows():
            rows.setdefault(row["post"], row)  # a repeated name: the first row, as part_links
        children: dict[str | None, list[str]] = {}
        for post, parent in parents.items():
            children.setdefault(parent, []).append(post)
        return self._ordered(rows, parents, children)

    def _ordered(
        self,
        rows: dict[str, pd.Series],
        parents: dict[str, str | None],
        children: dict[str | None, list[str]],
    ) -> list[StatementRow]:
        """Build bottom-up (a subtotal needs its parts), list top-down (parent before parts)."""
        built: dict[str, StatementRow] = {}

        def build(post: str, depth: int) -> StatementRow:
            row = rows[post]
            own = [build(child, depth + 1) for child in children.get(post, [])]
            if own:
                figures = self.subtotal(
                    post, own, row, f"delsumman för {post}", f"summan av raderna under {post}"
                )
            else:
                figures = self.typed(row)
            figures = self.with_deviation(figures, row, self.sign, post)
            built[post] = StatementRow(
                f"del:{post}", post, PART, figures, int(row["_rad"]), depth, parents[post],
                group=bool(own),
            )  # fmt: skip
            return built[post]

        ordered: list[StatementRow] = []

        def walk(post: str) -> None:
            ordered.append(built[post])
            for child in children.get(post, []):
                walk(child)

        for root in children.get(None, []):
            build(root, 1)
            walk(root)
        return ordered

    def build(self) -> Statement:
        frame, sign, settings = self.frame, self.sign, self.settings
        income, costs = _first(frame, "intäkter"), _first(frame, "kostnader")
        frame_row, typed_sum = _first(frame, "ram"), _first(frame, "summa")
        parts = self.parts()
        rows: list[StatementRow] = []
        for kind, row in (("intäkter", income), ("kostnader", costs)):
            if row is not None:
                figures = self.with_deviation(self.typed(row), row, sign, row["post"])
                rows.append(StatementRow(kind, row["post"], kind, figures, int(row["_rad"])))
        net_row: StatementRow | None = None
        if rows:
            net_label = settings.label("nettokostnader")
            figures = {}
            for column in self.amounts:
                value, terms = _sum([r.figures[column] for r in rows])
                figures[column] = Figure(value, value, terms, typed=False)
            net_row = StatementRow(
                "nettokostnader", net_label, "nettokostnader",
                self.with_deviation(figures, None, sign, net_label),
                lines=tuple(r.line for r in rows if r.line is not None),
            )  # fmt: skip
            rows.append(net_row)
        top = [p for p in parts if p.depth == 1]
        sum_row: StatementRow | None = None
        if top or typed_sum is not None:
            label = typed_sum["post"] if typed_sum is not None else settings.label("summa")
            if top:
                figures = self.subtotal(label, top, typed_sum, "summan", "radernas summa")
            else:
                figures = self.typed(typed_sum)
            sum_row = StatementRow(
                "summa", label, "summa", self.with_deviation(figures, typed_sum, sign, label),
                None if typed_sum is None else int(typed_sum["_rad"]),
                lines=tuple(p.line for p in top if p.line is not None),
            )  # fmt: skip
        if net_row is not None and sum_row is not None:
            self.compare_net_with_sum(net_row, sum_row)
        net = net_row or sum_row
        if frame_row is not None:
            figures = self.with_deviation(self.typed(frame_row), frame_row, sign, frame_row["post"])
            rows.append(
                StatementRow("ram", frame_row["post"], "ram", figures, int(frame_row["_rad"]))
            )
            if net is not None:
                rows.append(self.result_row(rows[-1], net))
        rows += parts
        if sum_row is not None:
            rows.append(sum_row)
        return Statement(
            tuple(rows),
            shown_columns(settings, frame),
            self.amounts,
            self.format,
            sign,
            tuple(self.comparisons),
            settings,
            inferred_decimals(frame) > self.format.decimals,
        )

    def compare_net_with_sum(self, net: StatementRow, total: StatementRow) -> None:
        for column in self.amounts:
            a, b = net.figures[column], total.figures[column]
            if a.value is None or b.value is None:
                continue
            name = "summan" if b.typed else "radernas summa"
            lines = (total.line,) if b.typed and total.line is not None else total.lines
            self.compare(
                total.label, column, Side(name, b.value, b.weight, lines),
                Side(net.label, a.value, a.weight, net.lines),
                total.line if b.typed else (total.lines or net.lines or (None,))[0],
                b.doubtful,
            )  # fmt: skip

    def result_row(self, frame_row: StatementRow, net: StatementRow) -> StatementRow:
        label = self.settings.label("resultat")
        figures: dict[str, Figure] = {}
        for column in self.amounts:
            frame_figure, net_figure = frame_row.figures[column], net.figures[column]
            terms = frame_figure.weight + net_figure.weight
            value = (
                None
                if frame_figure.value is None or net_figure.value is None
                else frame_figure.value - self.sign * net_figure.value
            )
            figures[column] = Figure(value, value, terms, typed=False)
        # A result is better the higher it is, whichever way costs are written.
        return StatementRow(
            "resultat", label, "resultat", self.with_deviation(figures, None, -1, label)
        )


def compute_statement(drift: pd.DataFrame, settings: DriftSettings | None = None) -> Statement:
    """The statement of a typed ``drift`` table (``unit_data`` frame with ``_rad`` lines).

    Never raises for inconsistent data: contradictions are in ``Statement.comparisons`` and a
    broken ``överordnad`` makes its row one of the unit's own parts (validation reports both).
    """
    return _Builder(drift, settings or DriftSettings()).build()


def statement_of(data: UnitData) -> Statement:
    """The statement of a loaded unit-year, with its ``drift:`` settings.

    Raises ``DataError`` when the settings are wrong (``workbook validate`` lists the same).
    """
    from helpers.budget_settings import read_drift_settings
    from helpers.errors import DataError

    settings, problems = read_drift_settings(data.project, data.year, data.info.unit)
    if problems:
        raise DataError(problems)
    return compute_statement(data.table("drift"), settings)


def result_phrase(result: Amount | float, amounts: AmountFormat) -> str | None:
    """``ett överskott på 76 tkr``, ``ett underskott på 0,2 mkr`` or ``ett resultat i balans``.

    Follows the value as shown: −0,4 tkr shown with no decimals is 0, in balance. None while the
    amounts to compute it are missing.
    """
    sign = amounts.sign(result) if not is_missing(result) else None
    if sign is None or amounts.shown(result) is None:
        return None
    if sign == 0:
        return "ett resultat i balans"
    word = "överskott" if sign > 0 else "underskott"
    return f"ett {word} på {amounts.with_unit(abs(amounts.shown(result)))}"  # type: ignore[arg-type]


def result_word(result: Amount | float, amounts: AmountFormat | None = None) -> str | None:
    """``överskott``, ``underskott`` or ``i balans`` for the value as shown; None when missing."""
    amounts = amounts or AmountFormat()
    if is_missing(result) or amounts.shown(result) is None:
        return None
    sign = amounts.sign(result)
    return "i balans" if sign == 0 else "överskott" if sign > 0 else "underskott"
