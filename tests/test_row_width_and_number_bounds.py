"""Two ways bad data could pass ``validate`` and be published wrong, closed for their kind.

1. A row with more cells than the header (a decimal comma in a comma-separated file splits
   ``9052,5`` into two cells) is refused naming the row, whatever the extra cells hold, in every
   table the workbook reads (they all go through ``read_table``).
2. A number beyond the documented bounds (``readers.MAX_INTEGER_DIGITS`` before the decimal
   sign, ``MAX_SIGNIFICANT_DIGITS`` in all) is refused by the one number parser with a Swedish
   message naming file, row and column; every number inside them is shown as typed by the
   report's own formatting, and a build of the extreme accepted values succeeds.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from test_bad_input import (  # noqa: F401 (fixtures)
    BUILD,
    VALIDATE,
    Runner,
    assert_refused,
    each_command,
    run,
    run_here,
    ws,
)

from helpers.core.errors import DataError
from helpers.core.schema import SPECS, Column
from helpers.data.cell_values import convert_cell
from helpers.data.readers import (
    MAX_INTEGER_DIGITS,
    MAX_SIGNIFICANT_DIGITS,
    NumberOutOfRange,
    parse_number,
    read_table,
)
from helpers.parts.budget_amounts import AmountFormat, to_amount
from helpers.parts.numbers import MINUS, decimals_of, format_number

NBSP = "\u00a0"

# --- 1. rows wider than the header -----------------------------------------------------------


def _csv(rows: list[list[str]], delimiter: str) -> bytes:
    return "".join(delimiter.join(row) + "\n" for row in rows).encode("utf-8")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("extra", [[""], ["", ""], [" "], ["5"]])
def test_a_row_wider_than_the_header_is_refused_whatever_the_extra_cells_hold(
    tmp_path: Path, delimiter: str, extra: list[str]
) -> None:
    header = ["a", "b", "c"]
    rows = [header, ["1", "2", "3"], ["4", "5", "6", *extra], ["7", "8", "9"]]
    path = tmp_path / "x.csv"
    path.write_bytes(_csv(rows, delimiter))
    with pytest.raises(DataError) as caught:
        read_table(path, "x.csv")
    (problem,) = caught.value.problems
    assert problem.row == 3
    assert problem.message == f"raden har {len(rows[2])} celler men rubrikraden har {len(header)}"


def test_the_reported_decimal_comma_row_is_refused_naming_row_and_advice(tmp_path: Path) -> None:
    spec = SPECS["indikatorvarden"]
    empty = [""] * (len(spec.names) - 3)
    rows = [
        spec.names,
        ["kf1_befolkning", "2015", "8893", *empty],
        ["kf1_befolkning", "2016", "9052,5", *empty],  # unquoted: one cell too many
    ]
    path = tmp_path / "indikatorvarden.csv"
    path.write_bytes(_csv(rows, ","))
    with pytest.raises(DataError) as caught:
        read_table(path, "indikatorvarden.csv", spec.names)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row) == ("indikatorvarden.csv", 3)
    assert '"0,7"' in (problem.hint or "")


@pytest.mark.parametrize("stem", sorted(SPECS))
def test_every_table_refuses_a_row_with_an_empty_extra_cell(tmp_path: Path, stem: str) -> None:
    names = SPECS[stem].names
    row = ["1"] * len(names)
    path = tmp_path / f"{stem}.csv"
    path.write_bytes(_csv([names, row, [*row, ""]], ","))
    with pytest.raises(DataError) as caught:
        read_table(path, path.name, names)
    assert [p.row for p in caught.value.problems] == [3]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_excel_rows_all_ending_in_a_separator_are_read(tmp_path: Path, delimiter: str) -> None:
    # Excel writes every row, the header too, as wide as the sheet's used range.
    rows = [["a", "b", "c", ""], ["1", "2", "3", ""], ["4", "5", "6", ""]]
    path = tmp_path / "x.csv"
    path.write_bytes(_csv(rows, delimiter))
    table = read_table(path, "x.csv")
    assert table.columns == rows[0][:3]
    assert [list(r.values()) for r in table.rows] == [row[:3] for row in rows[1:]]


def test_a_header_ending_in_separators_accepts_rows_that_stop_at_the_named_columns(
    tmp_path: Path,
) -> None:
    rows = [["a", "b", "c", ""], ["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9", ""]]
    path = tmp_path / "x.csv"
    path.write_bytes(_csv(rows, ","))
    with pytest.raises(DataError) as caught:
        read_table(path, "x.csv")
    # Most rows stop after c: the one row as wide as the header is the odd one out.
    (problem,) = caught.value.problems
    assert problem.row == 4
    assert problem.message == "raden har 4 celler men de andra raderna har 3"
    path.write_bytes(_csv(rows[:3], ","))
    assert [list(r.values()) for r in read_table(path, "x.csv").rows] == rows[1:3]


# --- 2. number bounds ------------------------------------------------------------------------

LARGEST = "9" * MAX_INTEGER_DIGITS
ACCEPTED = [
    LARGEST,
    f"-{LARGEST}",
    f"{LARGEST},{'9' * (MAX_SIGNIFICANT_DIGITS - MAX_INTEGER_DIGITS)}",
    f"0,{'1234567890' * 2}"[: 2 + MAX_SIGNIFICANT_DIGITS],
    f"-0,000{'7' * MAX_SIGNIFICANT_DIGITS}",
    f"{int(LARGEST):,}".replace(",", NBSP),  # grouped as Swedish Excel writes it
]
REFUSED = [
    "1" + "0" * MAX_INTEGER_DIGITS,  # one digit more before the decimal sign
    "9" * 22,
    "45298999999999999999999999999",
    f"1,{'1' * MAX_SIGNIFICANT_DIGITS}",  # one significant digit too many
    "0.30000000000000004",  # binary noise written out by a program
]


def _digits(text: str) -> Decimal:
    return Decimal(re.sub(r"[\s\u00a0]", "", text).replace(",", "."))


@pytest.mark.parametrize("text", ACCEPTED)
def test_numbers_inside_the_bounds_are_read_exactly(text: str) -> None:
    value = parse_number(text)
    assert value is not None
    assert Decimal(repr(value)) == _digits(text)


@pytest.mark.parametrize("text", REFUSED)
def test_numbers_beyond_the_bounds_are_refused_in_swedish(text: str) -> None:
    with pytest.raises(NumberOutOfRange) as caught:
        parse_number(text)
    assert text in str(caught.value)
    for kind in ("number", "int"):
        with pytest.raises(ValueError, match="går") as by_cell:
            convert_cell(Column("värde", kind), text)
        assert str(by_cell.value) == str(caught.value)


def _swedish(value: Decimal, decimals: int) -> str:
    """What the report must show for ``value``: grouped by no-break spaces, decimal comma."""
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding="ROUND_HALF_UP")
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", NBSP) + ("," + fraction if fraction else "")
    return (MINUS if rounded < 0 else "") + grouped


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted_extremes_are_shown_as_typed_by_the_report_formatting(text: str) -> None:
    value = parse_number(text)
    exact = _digits(text)
    # Indicators and key figures: at most two decimals, unless a number of decimals is set.
    assert format_number(value, decimals_of(value), missing="-") == _swedish(
        exact, decimals_of(value)
    )
    shown_places = max(0, -exact.normalize().as_tuple().exponent)  # type: ignore[operator]
    assert format_number(value, shown_places, missing="-") == _swedish(exact, shown_places)
    # The operating statement: exact amounts, sums of many of them without float noise.
    amounts = AmountFormat(decimals=2, missing="-")
    assert amounts.text(to_amount(value)) == _swedish(exact, 2)
    total = sum((to_amount(value) for _ in range(10_000)), Decimal(0))
    assert amounts.text(total) == _swedish(exact * 10_000, 2)


def test_a_huge_amount_in_drift_is_refused_naming_its_own_row(
    ws: Path,  # noqa: F811
    run_here: Runner,  # noqa: F811
) -> None:
    drift = ws / "data/2016/klk/drift.csv"
    lines = drift.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[2].rstrip("\n").split(",")
    column = header.index("utfall")
    cells[column] = "45298999999999999999999999999"
    lines[2] = ",".join(cells) + "\n"
    drift.write_text("".join(lines), encoding="utf-8")
    for argv, installed in each_command(0, [VALIDATE, BUILD]):  # test_bad_input.each_command
        result = (run if installed else run_here)(argv, ws)
        assert_refused(result, ws, "data/2016/klk/drift.csv, rad 3, kolumn utfall")
        assert "45298999999999999999999999999" in result.text
        assert not re.search(r"99 999 999 99\d 9\d\d", result.text)  # no float noise


HUGE = ["9" * 22, "9" * 29]


@pytest.mark.parametrize("value", HUGE)
def test_a_huge_indicator_value_exits_2_from_validate_and_build(
    ws: Path,  # noqa: F811
    value: str,
    run_here: Runner,  # noqa: F811
) -> None:
    table = ws / "data/2016/klk/indikatorvarden.csv"
    text = table.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("kf1_befolkning,2016,"))
    cells = row.split(",")
    cells[2] = value
    table.write_text(text.replace(row, ",".join(cells)), encoding="utf-8")
    line = text.splitlines().index(row) + 1
    for argv, installed in each_command(HUGE.index(value), [VALIDATE, BUILD]):
        result = (run if installed else run_here)(argv, ws)
        assert_refused(result, ws, f"data/2016/klk/indikatorvarden.csv, rad {line}, kolumn värde")


def test_the_extreme_accepted_indicator_values_build_and_show_as_typed(
    ws: Path,  # noqa: F811
    run_here: Runner,  # noqa: F811
) -> None:
    table = ws / "data/2016/klk/indikatorvarden.csv"
    text = table.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("kf1_befolkning,2016,"))
    cells = row.split(",")
    typed = f"{LARGEST},99", f"-{LARGEST[:-1]},5"
    cells[2], cells[3] = (f'"{t}"' for t in typed)
    table.write_text(text.replace(row, ",".join(cells)), encoding="utf-8")
    assert run_here(VALIDATE, ws).code == 0
    result = run([*BUILD, "--period", "helar"], ws)  # the year-end report: the edited data's
    assert result.code == 0, result.text
    html = (ws / "reports/2016/klk.html").read_text(encoding="utf-8").replace("&nbsp;", NBSP)
    for shown in typed:
        value = parse_number(shown)
        assert _swedish(_digits(shown), decimals_of(value)) in html
    assert "InvalidOperation" not in result.text
