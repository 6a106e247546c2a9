"""An amount whose sign is opposite to its row kind's convention (``drift: kostnader:``, and a
frame never negative: docs/data-format.md) is named by row and column, and the sums it is a term
of are not reported as contradictions beside it — while every sum it does not explain is still
checked.

The statements are the example's KLK drift.csv (costs positive) and the same with every sign of
income and costs turned (``kostnader: negativa``); expectations are computed from those rows.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from helpers import cli
from helpers.building.validate import validate_unit
from helpers.core.paths import Project
from helpers.core.schema import BUDGET_AMOUNT_COLUMNS

DRIFT = Path("data/2016/klk/drift.csv")
PARAMS = Path("params/2016/klk.yaml")
SIGNED = ("intäkter", "kostnader")


def read_rows(root: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((root / DRIFT).read_text("utf-8"))))


def write_rows(root: Path, rows: list[dict[str, str]]) -> dict[str, int]:
    """drift.csv with ``rows``; each post's line in the file."""
    columns = list(dict.fromkeys(name for row in rows for name in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    (root / DRIFT).write_text(out.getvalue(), "utf-8")
    return {row["post"]: i for i, row in enumerate(rows, start=2)}


def negate(text: str) -> str:
    value = -Decimal(text)
    return str(value)


def statement(root: Path, costs: str) -> list[dict[str, str]]:
    """The example's rows, with income, costs and net costs signed as ``costs``
    (positiva/negativa; a frame is positive either way)."""
    rows = read_rows(root)
    if costs == "negativa":
        for row in rows:
            if row["typ"] != "ram":
                for column in BUDGET_AMOUNT_COLUMNS:
                    if row.get(column):
                        row[column] = negate(row[column])
        params = root / PARAMS
        params.write_text(params.read_text("utf-8") + "drift:\n  kostnader: negativa\n", "utf-8")
    return rows


def problems_of(root: Path) -> list[tuple[int | None, str | None, str]]:
    return [
        (p.row, p.column, p.message)
        for p in validate_unit(Project(root), 2016, "klk")
        if p.file == DRIFT.as_posix()
    ]


@pytest.mark.parametrize("costs", ["positiva", "negativa"])
def test_the_example_signed_either_way_passes(workspace: Path, costs: str) -> None:
    rows = statement(workspace, costs)
    write_rows(workspace, rows)
    assert problems_of(workspace) == []


@pytest.mark.parametrize("costs", ["positiva", "negativa"])
@pytest.mark.parametrize("kind", ["intäkter", "kostnader", "ram"])
@pytest.mark.parametrize("column", ["utfall", "budget", "prognos"])
def test_a_wrong_sign_is_named_by_row_and_column(
    workspace: Path, costs: str, kind: str, column: str
) -> None:
    rows = statement(workspace, costs)
    row = next(r for r in rows if r["typ"] == kind)
    row[column] = negate(row[column])
    lines = write_rows(workspace, rows)
    found = problems_of(workspace)
    assert [(line, col) for line, col, _ in found] == [(lines[row["post"]], column)]
    assert "minustecken" in found[0][2]


def test_a_part_of_either_sign_is_no_sign_error_until_the_sums_say_so(workspace: Path) -> None:
    """A part's net cost has no sign of its own (a part may earn more than it costs): the
    example has one below zero and passes. Turning another one's sign is named at that part's
    cell, as an income or cost row's is, because the sums it is a term of say so (negating it,
    and only it, makes them agree); the sum it explains is not reported beside it
    (tests/test_content_fixes.py covers the rule further)."""
    rows = statement(workspace, "positiva")
    parts = [r for r in rows if r["typ"] == "delverksamhet"]
    assert any(Decimal(r["utfall"]) < 0 for r in parts)
    part = next(r for r in parts if Decimal(r["utfall"]) > 0)
    part["utfall"] = negate(part["utfall"])
    lines = write_rows(workspace, rows)
    found = problems_of(workspace)
    assert [(line, column) for line, column, _ in found] == [(lines[part["post"]], "utfall")]
    assert not any("stämmer inte med" in message for _, _, message in found)


def with_totals(rows: list[dict[str, str]], column: str) -> list[dict[str, str]]:
    """``rows`` with the published Nettokostnader and Summa of ``column`` typed in, right."""
    income, costs = (Decimal(next(r for r in rows if r["typ"] == k)[column]) for k in SIGNED)
    parts = sum(Decimal(r[column]) for r in rows if r["typ"] == "delverksamhet")
    net = {"post": "Nettokostnader", "typ": "nettokostnader", column: str(income + costs)}
    total = {"post": "Summa", "typ": "summa", column: str(parts)}
    at = next(i for i, r in enumerate(rows) if r["typ"] == "kostnader") + 1
    return [*rows[:at], net, *rows[at:], total]


def test_the_sums_a_wrong_sign_explains_are_not_reported_beside_it(workspace: Path) -> None:
    rows = with_totals(statement(workspace, "positiva"), "utfall")
    costs = next(r for r in rows if r["typ"] == "kostnader")
    costs["utfall"] = negate(costs["utfall"])
    lines = write_rows(workspace, rows)
    found = problems_of(workspace)
    assert [(line, col) for line, col, _ in found] == [(lines[costs["post"]], "utfall")]


def test_a_wrong_sum_is_still_named_beside_a_wrong_sign_in_its_column(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = with_totals(statement(workspace, "positiva"), "utfall")
    costs = next(r for r in rows if r["typ"] == "kostnader")
    costs["utfall"] = negate(costs["utfall"])
    total = next(r for r in rows if r["typ"] == "summa")
    parts = total["utfall"]
    total["utfall"] = str(Decimal(parts) - 500)  # wrong whatever the costs' sign
    lines = write_rows(workspace, rows)
    found = problems_of(workspace)
    assert [(line, col) for line, col, _ in found] == [
        (lines[costs["post"]], "utfall"),
        (lines["Summa"], "utfall"),
    ]
    assert "stämmer inte med" in found[1][2]
    # The same through the command line: both, named, exit 2.
    assert cli.main(["validate", "--year", "2016", "--unit", "klk"]) == 2
    out = capsys.readouterr().out
    assert f"{DRIFT.as_posix()}, rad {lines[costs['post']]}, kolumn utfall:" in out
    assert f"{DRIFT.as_posix()}, rad {lines['Summa']}, kolumn utfall:" in out


def test_a_result_wrong_beyond_the_sign_is_shown_with_the_sign_corrected(
    workspace: Path,
) -> None:
    rows = statement(workspace, "positiva")
    income, costs, frame = (
        Decimal(next(r for r in rows if r["typ"] == k)["utfall"]) for k in (*SIGNED, "ram")
    )
    right = frame - (income + costs)
    at = next(i for i, r in enumerate(rows) if r["typ"] == "ram") + 1
    rows.insert(at, {"post": "Resultat", "typ": "resultat", "utfall": str(right - 16)})
    cost_row = next(r for r in rows if r["typ"] == "kostnader")
    cost_row["utfall"] = negate(cost_row["utfall"])
    lines = write_rows(workspace, rows)
    found = problems_of(workspace)
    assert [(line, col) for line, col, _ in found] == [
        (lines[cost_row["post"]], "utfall"),
        (lines["Resultat"], "utfall"),
    ]
    message = found[1][2]
    assert f"räknat med tecknet rättat på rad {lines[cost_row['post']]}" in message
    assert f"{right:,}".replace(",", " ") in message  # the result with the sign right


def test_a_file_wholly_in_the_other_convention_gets_only_its_signs_named(workspace: Path) -> None:
    """Costs declared negative, the file written with them positive (parts too): every income
    and cost cell is named; the sums, which the file satisfies as typed, are not."""
    rows = with_totals(statement(workspace, "positiva"), "utfall")
    params = workspace / PARAMS
    params.write_text(params.read_text("utf-8") + "drift:\n  kostnader: negativa\n", "utf-8")
    lines = write_rows(workspace, rows)
    expected = {
        (lines[row["post"]], column)
        for row in rows
        if row["typ"] in SIGNED
        for column in BUDGET_AMOUNT_COLUMNS
        if row.get(column)
    }
    found = problems_of(workspace)
    assert {(line, column) for line, column, _ in found} == expected
    assert all("minustecken" in message for _, _, message in found)
