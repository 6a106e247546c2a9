"""A sign before words is text, not a formula (``cell_values.looks_like_formula``): a list item
typed "- Införa e-tjänster" in a text column passes validate, while a sign before what a
formula holds (a function call, a cell reference, arithmetic) is still refused."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from helpers.building.validate import validate_unit
from helpers.core.paths import Project
from helpers.data.cell_values import looks_like_formula

TEXT = ["- Införa e-tjänster", "+ nytt avtal", "-Utbildning av chefer", "- 2 st"]
FORMULAS = ["-SUM(A1:A3)", "+A1", "-2+3", "-Blad1!A1", '+HYPERLINK("x")', "-=1"]


@pytest.mark.parametrize("text", TEXT)
def test_a_sign_before_words_is_text(text: str) -> None:
    assert not looks_like_formula(text)


@pytest.mark.parametrize("text", FORMULAS)
def test_a_sign_before_a_formula_is_a_formula(text: str) -> None:
    assert looks_like_formula(text)


def _with_first_text(path: Path, column: str, value: str) -> int:
    """``path`` with ``value`` in ``column`` of its first row; the row's line number."""
    raw = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(raw)))
    rows[0][column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return 2


@pytest.mark.parametrize(("value", "refused"), [(TEXT[0], False), (FORMULAS[0], True)])
def test_validate_refuses_only_the_formula(workspace: Path, value: str, refused: bool) -> None:
    path = workspace / "data/2016/klk/aktiviteter.csv"
    column = "aktivitet"
    assert column in path.read_text(encoding="utf-8").splitlines()[0]
    line = _with_first_text(path, column, value)
    problems = validate_unit(Project(workspace), 2016, "klk")
    at_cell = [p for p in problems if p.row == line and p.column == column]
    assert bool(at_cell) is refused, problems
    if not refused:
        assert problems == []
