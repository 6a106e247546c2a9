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

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import pandas as pd

from helpers.budget_amounts import (
    MISSING_RESULT,
    Amount,
    AmountFormat,
    places,
    result_phrase,
    result_word,
    to_amount,
)
from helpers.budget_model import (
    PART,
    Comparison,
    Figure,
    Side,
    Statement,
    StatementRow,
)
from helpers.budget_settings import (
    DERIVED_COLUMNS,
    STANDARD_COLUMNS,
    DriftSettings,
    read_drift_settings,
)
from helpers.errors import DataError
from helpers.schema import BUDGET_AMOUNT_COLUMNS
from helpers.unit_data import FILE_COLUMNS, LINE_COLUMN

if TYPE_CHECKING:
    from helpers.unit_data import UnitData

AMOUNT_COLUMNS = BUDGET_AMOUNT_COLUMNS
PUBLISHED_DEVIATION = "avvikelse"  # the optional typed column of drift.csv
MAX_INFERRED_DECIMALS = 6

__all__ = [
    "AMOUNT_COLUMNS",
    "MISSING_RESULT",
    "PART",
    "Amount",
    "AmountFormat",
    "Comparison",
    "Figure",
    "Side",
    "Statement",
    "StatementRow",
    "compute_statement",
    "part_links",
    "result_phrase",
    "result_word",
    "statement_of",
]


# ------------------------------------------------------------------------------- computation


def file_columns(frame: pd.DataFrame) -> tuple[str, ...]:
    """The columns drift.csv has (every schema column when the frame does not say)."""
    return tuple(frame.attrs.get(FILE_COLUMNS, frame.columns))


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
        lines[post] = int(row[LINE_COLUMN])
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
                line = int(row[LINE_COLUMN])
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
                line = int(typed[LINE_COLUMN])
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
                f"del:{post}", post, PART, figures, int(row[LINE_COLUMN]), depth, parents[post],
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
                rows.append(StatementRow(kind, row["post"], kind, figures, int(row[LINE_COLUMN])))
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
                None if typed_sum is None else int(typed_sum[LINE_COLUMN]),
                lines=tuple(p.line for p in top if p.line is not None),
            )  # fmt: skip
        if net_row is not None and sum_row is not None:
            self.compare_net_with_sum(net_row, sum_row)
        net = net_row or sum_row
        if frame_row is not None:
            figures = self.with_deviation(self.typed(frame_row), frame_row, sign, frame_row["post"])
            rows.append(
                StatementRow("ram", frame_row["post"], "ram", figures, int(frame_row[LINE_COLUMN]))
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
    settings, problems = read_drift_settings(data.project, data.year, data.info.unit)
    if problems:
        raise DataError(problems)
    return compute_statement(data.table("drift"), settings)
