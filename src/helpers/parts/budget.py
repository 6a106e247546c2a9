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

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import pandas as pd

from helpers.core.schema import BUDGET_AMOUNT_COLUMNS
from helpers.data.budget_settings import (
    DERIVED_COLUMNS,
    STANDARD_COLUMNS,
    DriftSettings,
)
from helpers.data.unit_data import FILE_COLUMNS, LINE_COLUMN
from helpers.parts.budget_amounts import (
    Amount,
    AmountFormat,
    places,
    result_phrase,
    result_word,
    to_amount,
)
from helpers.parts.budget_model import (
    PART,
    Comparison,
    Figure,
    Side,
    Statement,
    StatementRow,
)

if TYPE_CHECKING:
    from helpers.data.unit_data import UnitData

AMOUNT_COLUMNS = BUDGET_AMOUNT_COLUMNS
PUBLISHED_DEVIATION = "avvikelse"  # the optional typed column of drift.csv
MAX_INFERRED_DECIMALS = 6

__all__ = [
    "AMOUNT_COLUMNS",
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
    exact = sum((f.value for f in figures if f.value is not None), Decimal(0))
    return exact, sum(f.weight for f in figures)


class _Builder:
    """Computes the rows of one statement (see :func:`compute_statement`)."""

    def __init__(self, frame: pd.DataFrame, settings: DriftSettings, missing: str) -> None:
        self.frame = frame
        self.settings = settings
        self.sign = settings.cost_sign
        present = file_columns(frame)
        self.amounts = tuple(c for c in AMOUNT_COLUMNS if c in present)
        self.typed_deviation = PUBLISHED_DEVIATION in present
        decimals = settings.decimals
        self.format = AmountFormat(
            settings.unit, inferred_decimals(frame) if decimals is None else decimals, missing
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

    def settle(
        self,
        label: str,
        computed: Mapping[str, tuple[Amount, int, bool]],
        typed: pd.Series | None,
        names: tuple[str, str],
        lines: tuple[int, ...],
    ) -> dict[str, Figure]:
        """Cells of a figure the statement computes: (value, terms, doubtful) per column, with the
        typed (published) value where the file has one, compared with the computed one.

        ``names`` name the published and the computed figure in messages and notes.
        """
        figures: dict[str, Figure] = {}
        for column in self.amounts:
            value, terms, doubtful = computed.get(column, (None, 0, False))
            published = to_amount(typed[column]) if typed is not None else None
            if published is None:
                figures[column] = Figure(value, value, terms, False, doubtful)
                continue
            if value is not None and typed is not None:
                line = int(typed[LINE_COLUMN])
                comparison = self.compare(
                    label, column, Side(names[0], published, 1, (line,)),
                    Side(names[1], value, terms, lines), line, doubtful,
                )  # fmt: skip
                doubtful = doubtful or comparison.status == "motsägelse"
            figures[column] = Figure(published, value, terms, True, doubtful)
        return figures

    def subtotal(
        self, label: str, parts: list[StatementRow], typed: pd.Series | None,
        names: tuple[str, str],
    ) -> dict[str, Figure]:  # fmt: skip
        """The sum of ``parts`` per amount column, with the typed (published) figure if any."""
        computed = {}
        for column in self.amounts:
            value, terms = _sum([p.figures[column] for p in parts])
            computed[column] = (value, terms, any(p.figures[column].doubtful for p in parts))
        lines = tuple(p.line for p in parts if p.line is not None)
        return self.settle(label, computed, typed, names, lines)

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
                names = (f"delsumman för {post}", f"summan av raderna under {post}")
                figures = self.subtotal(post, own, row, names)
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

    def typed_row(self, row: pd.Series | None) -> StatementRow | None:
        """A row written with its own amounts (intäkter, kostnader, ram)."""
        if row is None:
            return None
        label, kind = row["post"], row["typ"]
        figures = self.with_deviation(self.typed(row), row, self.sign, label)
        return StatementRow(kind, label, kind, figures, int(row[LINE_COLUMN]))

    def net_row(self, terms: list[StatementRow], typed: pd.Series | None) -> StatementRow | None:
        """Nettokostnader = intäkter + kostnader; a typed ``nettokostnader`` row is compared."""
        if not terms and typed is None:
            return None
        label = typed["post"] if typed is not None else self.settings.label("nettokostnader")
        if terms:
            other = " + ".join(t.label for t in terms)
            figures = self.subtotal(label, terms, typed, (label, other))
        else:
            figures = self.settle(label, {}, typed, (label, ""), ())
        return StatementRow(
            "nettokostnader", label, "nettokostnader",
            self.with_deviation(figures, typed, self.sign, label),
            None if typed is None else int(typed[LINE_COLUMN]),
            lines=tuple(t.line for t in terms if t.line is not None),
        )  # fmt: skip

    def sum_row(self, top: list[StatementRow], typed: pd.Series | None) -> StatementRow | None:
        """Summa = the unit's own parts; a typed ``summa`` row is compared."""
        if not top and typed is None:
            return None
        label = typed["post"] if typed is not None else self.settings.label("summa")
        figures = self.subtotal(label, top, typed, ("summan", "radernas summa"))
        return StatementRow(
            "summa", label, "summa", self.with_deviation(figures, typed, self.sign, label),
            None if typed is None else int(typed[LINE_COLUMN]),
            lines=tuple(p.line for p in top if p.line is not None),
        )  # fmt: skip

    def result_row(
        self, frame_row: StatementRow, net: StatementRow, typed: pd.Series | None
    ) -> StatementRow:
        """Resultat = ram − nettokostnad (ram + nettokostnad with costs negative)."""
        label = typed["post"] if typed is not None else self.settings.label("resultat")
        computed: dict[str, tuple[Amount, int, bool]] = {}
        for column in self.amounts:
            frame_figure, net_figure = frame_row.figures[column], net.figures[column]
            value = (
                None
                if frame_figure.value is None or net_figure.value is None
                else frame_figure.value - self.sign * net_figure.value
            )
            terms = frame_figure.weight + net_figure.weight
            computed[column] = (value, terms, net_figure.doubtful)
        formula = f"{frame_row.label} {'−' if self.sign > 0 else '+'} {net.label}"
        lines = tuple(line for line in (frame_row.line, net.line) if line is not None)
        figures = self.settle(label, computed, typed, (label, formula), lines or net.lines)
        # A result is better the higher it is, whichever way costs are written.
        return StatementRow(
            "resultat", label, "resultat", self.with_deviation(figures, typed, -1, label),
            None if typed is None else int(typed[LINE_COLUMN]),
        )  # fmt: skip

    def build(self) -> Statement:
        frame = self.frame
        income = self.typed_row(_first(frame, "intäkter"))
        costs = self.typed_row(_first(frame, "kostnader"))
        frame_row = self.typed_row(_first(frame, "ram"))
        parts = self.parts()
        top = [p for p in parts if p.depth == 1]
        net_row = self.net_row([r for r in (income, costs) if r], _first(frame, "nettokostnader"))
        sum_row = self.sum_row(top, _first(frame, "summa"))
        if net_row is not None and sum_row is not None:
            self.compare_net_with_sum(net_row, sum_row)
        net = net_row or sum_row
        typed_result = _first(frame, "resultat")
        result = None
        if frame_row is not None and net is not None:
            result = self.result_row(frame_row, net, typed_result)
        elif typed_result is not None:
            result = self.typed_row(typed_result)
        return Statement(
            tuple(_in_file_order(income, costs, net_row, frame_row, result, parts, sum_row)),
            shown_columns(self.settings, frame),
            self.amounts,
            self.format,
            self.sign,
            tuple(self.comparisons),
            self.settings,
            inferred_decimals(frame) > self.format.decimals,
        )

    def compare_net_with_sum(self, net: StatementRow, total: StatementRow) -> None:
        """Nettokostnader and the Summa of the parts are the same figure, reached two ways."""
        for column in self.amounts:
            a, b = net.figures[column], total.figures[column]
            if a.value is None or b.value is None:
                continue
            name = "summan" if b.typed else "radernas summa"
            lines = (total.line,) if b.typed and total.line is not None else total.lines
            net_lines = (net.line,) if a.typed and net.line is not None else net.lines
            self.compare(
                total.label, column, Side(name, b.value, b.weight, lines),
                Side(net.label, a.value, a.weight, net_lines),
                total.line if b.typed else (total.lines or net_lines or (None,))[0],
                a.doubtful or b.doubtful,
            )  # fmt: skip


def _in_file_order(
    income: StatementRow | None,
    costs: StatementRow | None,
    net: StatementRow | None,
    frame_row: StatementRow | None,
    result: StatementRow | None,
    parts: list[StatementRow],
    total: StatementRow | None,
) -> list[StatementRow]:
    """The rows in the order of the file, as the kommun publishes them.

    Typed rows stand at their line; each part is followed by its own parts; a computed row
    follows the last row it is computed from (Nettokostnader after intäkter and kostnader, the
    Summa after the parts, Resultat after the frame and the net cost).
    """
    blocks: list[tuple[float, list[StatementRow]]] = []

    def place(row: StatementRow | None, after: list[float]) -> float | None:
        if row is None:
            return None
        key = float(row.line) if row.line is not None else max(after, default=0.0) + 0.5
        blocks.append((key, [row]))
        return key

    keys = [place(income, []), place(costs, [])]
    net_key = place(net, [k for k in keys if k is not None])
    frame_key = place(frame_row, [])
    for index, root in enumerate(parts):
        if root.depth == 1:
            blocks.append((float(root.line or 0), parts[index : _end_of_subtree(parts, index)]))
    part_lines = [float(p.line) for p in parts if p.line is not None]
    total_key = place(total, part_lines)
    net_like = net_key if net_key is not None else total_key
    place(result, [k + 0.1 for k in (frame_key, net_like) if k is not None])
    blocks.sort(key=lambda block: block[0])
    return [row for _, rows in blocks for row in rows]


def _end_of_subtree(parts: list[StatementRow], start: int) -> int:
    """The index after the last descendant of ``parts[start]`` in the pre-ordered ``parts``."""
    end = start + 1
    while end < len(parts) and parts[end].depth > parts[start].depth:
        end += 1
    return end


def compute_statement(
    drift: pd.DataFrame, settings: DriftSettings | None = None, missing: str = ""
) -> Statement:
    """The statement of a typed ``drift`` table (``unit_data`` frame with ``_rad`` lines);
    ``missing`` is how a missing amount reads (the definition's ``rapport.saknas``).

    Never raises for inconsistent data: contradictions are in ``Statement.comparisons`` and a
    broken ``överordnad`` makes its row one of the unit's own parts (validation reports both).
    """
    return _Builder(drift, settings or DriftSettings(), missing).build()


def statement_of(data: UnitData) -> Statement:
    """The statement of a loaded unit-year, with the ``drift:`` settings its report definition
    read (``helpers.data.definition``; a unit whose settings are wrong does not load)."""
    return compute_statement(
        data.table("drift"), data.definition.drift, data.labels()("rapport.saknas")
    )
