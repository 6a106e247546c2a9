"""A number written with '.' or ',' between its thousands gets one message that says one thing:
the separator found, the form expected (``THOUSANDS_EXPECTED``), and the cell's own value
written that way — never advice that contradicts how the file writes its decimals.

Each case edits the example's drift.csv; what the message must show is computed from the edit.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from helpers import cli
from helpers.data.cell_values import THOUSANDS_EXPECTED

DRIFT = Path("data/2016/klk/drift.csv")


def edit_drift(root: Path, cells: dict[tuple[str, str], str]) -> dict[tuple[str, str], int]:
    """Set ``(post, column)`` cells of drift.csv to the texts given; each cell's file line."""
    path = root / DRIFT
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))
    lines = {}
    for (post, column), text in cells.items():
        index = next(i for i, row in enumerate(rows) if row["post"] == post)
        rows[index][column] = text
        lines[post, column] = index + 2  # the header is line 1
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), "utf-8")
    return lines


def problem_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert cli.main(["validate", "--year", "2016", "--unit", "klk"]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return captured.out.splitlines()


def rewritten(text: str, separator: str) -> str:
    """The value as the workbook wants it: the separator as a space, or left out."""
    other = "," if separator == "." else "."
    number, _, decimals = text.partition(other)
    tail = other + decimals if decimals else ""
    return f"{number.replace(separator, ' ')}{tail} eller {number.replace(separator, '')}{tail}"


def line_of(output: list[str], line: int, column: str) -> str:
    [found] = [
        t for t in output if t.startswith(f"{DRIFT.as_posix()}, rad {line}, kolumn {column}:")
    ]
    return found


@pytest.mark.parametrize(("value", "decimal"), [("45,299", "-3724.5"), ("45.299", "-3724,5")])
def test_thousands_beside_decimals_written_the_other_way(
    workspace: Path, capsys: pytest.CaptureFixture[str], value: str, decimal: str
) -> None:
    lines = edit_drift(workspace, {("Kostnader", "utfall"): value, ("Intäkter", "utfall"): decimal})
    message = line_of(problem_lines(capsys), lines["Kostnader", "utfall"], "utfall")
    separator, other = value[2], decimal[-2]
    assert f"'{separator}' används här som tusentalsavgränsare" in message
    assert f"filen skriver decimaler med '{other}', t.ex. {decimal}" in message
    assert THOUSANDS_EXPECTED in message
    assert message.endswith(f"— skriv {rewritten(value, separator)}")
    # Nothing tells the analyst to write decimals another way than the file does.
    assert "decimaler med komma" not in message and "decimaler med punkt" not in message


@pytest.mark.parametrize("value", ["45,299", "45.299", "-45.299"])
def test_thousands_or_three_decimals_offers_both_readings(
    workspace: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    lines = edit_drift(workspace, {("Kostnader", "utfall"): value})
    message = line_of(problem_lines(capsys), lines["Kostnader", "utfall"], "utfall")
    separator = value[-4]
    assert f"'{separator}' kan vara tusentalsavgränsare eller decimaltecken" in message
    assert THOUSANDS_EXPECTED in message
    assert f"menas tusental, skriv {rewritten(value, separator)}" in message
    assert f"menas tre decimaler, skriv {value}0" in message


@pytest.mark.parametrize("value", ["1.234.567", "1,234,567", "45.299,5", "45,299.5"])
def test_grouped_thousands_that_are_no_number_are_named_as_thousands(
    workspace: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    lines = edit_drift(workspace, {("Kostnader", "budget"): value})
    message = line_of(problem_lines(capsys), lines["Kostnader", "budget"], "budget")
    separator = value[value.index(next(c for c in value if c in ".,"))]
    assert f"'{separator}' används som tusentalsavgränsare, men {THOUSANDS_EXPECTED}" in message
    assert f"skriv {rewritten(value, separator)}" in message


def test_the_advice_is_what_the_workbook_then_reads(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Writing the value as the message says makes the file pass."""
    lines = edit_drift(
        workspace, {("Kostnader", "utfall"): "45,299", ("Intäkter", "utfall"): "-3724.5"}
    )
    message = line_of(problem_lines(capsys), lines["Kostnader", "utfall"], "utfall")
    advice = message.rsplit("— skriv ", 1)[1].split(" eller ")
    for text in advice:
        edit_drift(workspace, {("Kostnader", "utfall"): text, ("Intäkter", "utfall"): "-3724"})
        assert cli.main(["validate", "--year", "2016", "--unit", "klk"]) == 0, text
        capsys.readouterr()
