"""Round 3 of validate: formula-like text cells, the cost sign hint, drift.csv's problem order.

Cheap tests: ``validate_unit`` and ``cli.main`` in-process on a copy of the example data.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from helpers import cli
from helpers.building.validate import validate_unit
from helpers.checks.table_checks import LoadedTable, formula_text_problems
from helpers.chores.new_year import formula_cells
from helpers.core.errors import Problem
from helpers.core.paths import Project
from helpers.core.schema import Column, TableSpec
from helpers.data.cell_values import check_plain_text, looks_like_formula
from helpers.data.unit_data import LINE_COLUMN

YEAR, UNIT = 2016, "klk"
FORMULAS = ["=PC", "+SUM(A1)", "@x", "-2+3", '=HYPERLINK("http://x")', "＝1"]
NOT_FORMULAS = ["PC", "-", "-1954", "- 6", "+3,5", "Löpande"]


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")


def _set_cell(path: Path, line: int, column: str, value: str) -> None:
    header, rows = _rows(path)
    rows[line - 2][header.index(column)] = value
    _write(path, header, rows)


def _problems(root: Path) -> list[Problem]:
    return validate_unit(Project(root), YEAR, UNIT)


# ------------------------------------------------------------- 1. formula-like text cells


@pytest.mark.parametrize("value", FORMULAS)
def test_validate_names_a_text_cell_excel_would_run_as_a_formula(
    workspace: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    table = workspace / f"data/{YEAR}/{UNIT}/aktiviteter.csv"
    assert _problems(workspace) == []
    _set_cell(table, 2, "ansvarig", value)

    found = [p for p in _problems(workspace) if "formel" in p.message]

    assert [(p.file, p.row, p.column) for p in found] == [
        (f"data/{YEAR}/{UNIT}/aktiviteter.csv", 2, "ansvarig")
    ]
    assert found[0].hint and "skriv om texten" in found[0].hint
    capsys.readouterr()
    code = cli.main(["validate", "--year", str(YEAR), "--unit", UNIT])
    shown = capsys.readouterr()
    assert code == 2
    assert "aktiviteter.csv, rad 2, kolumn ansvarig: texten börjar med" in shown.out + shown.err


@pytest.mark.parametrize("value", NOT_FORMULAS)
def test_validate_accepts_text_that_only_looks_signed(workspace: Path, value: str) -> None:
    _set_cell(workspace / f"data/{YEAR}/{UNIT}/aktiviteter.csv", 2, "ansvarig", value)
    assert [p for p in _problems(workspace) if "formel" in p.message] == []


def test_negative_amounts_are_numbers_not_formulas(workspace: Path) -> None:
    drift = workspace / f"data/{YEAR}/{UNIT}/drift.csv"
    header, rows = _rows(drift)
    assert any(cell.startswith("-") for row in rows for cell in row)  # the example has some
    assert _problems(workspace) == []


def test_only_free_text_columns_are_checked() -> None:
    spec = TableSpec(
        "t",
        (
            Column("namn"),
            Column("belopp", "number"),
            Column("motivering", markdown=True),
        ),
    )
    frame = pd.DataFrame(
        {
            LINE_COLUMN: [2, 3],
            "namn": ["=A1", "Kultur"],
            "belopp": [-2.0, 3.0],
            "motivering": ["- en punktlista", "+ en till"],
        }
    )
    problems = formula_text_problems(LoadedTable(spec, frame, "t.csv"))
    assert [(p.row, p.column) for p in problems] == [(2, "namn")]


@pytest.mark.parametrize("value", FORMULAS + NOT_FORMULAS)
def test_validate_and_new_year_use_one_rule(workspace: Path, value: str) -> None:
    table = workspace / f"data/{YEAR}/{UNIT}/aktiviteter.csv"
    _set_cell(table, 2, "ansvarig", value)
    header, rows = _rows(table)
    warned = formula_cells(
        Project(workspace),
        table.parent,
        "aktiviteter",
        header,
        [dict(zip(header, row, strict=True)) for row in rows],
    )
    reported = [p for p in _problems(workspace) if "formel" in p.message]

    assert [(p.row, p.column, p.message) for p in warned] == [
        (p.row, p.column, p.message) for p in reported
    ]
    assert bool(reported) == looks_like_formula(value)


@pytest.mark.parametrize("value", FORMULAS + NOT_FORMULAS)
def test_klar_by_refuses_what_validate_reports(value: str) -> None:
    if looks_like_formula(value):
        with pytest.raises(ValueError, match="formel"):
            check_plain_text(value)
    else:
        assert check_plain_text(value) == value


# ------------------------------------------------------------- 2. the cost sign hint


def _opposite(path: Path, keep: tuple[str, ...] = ("ram",)) -> None:
    """Every amount of drift.csv negated, except those of the rows of type ``keep``."""
    header, rows = _rows(path)
    amounts = [i for i, name in enumerate(header) if name not in ("post", "typ", "överordnad")]
    for row in rows:
        if row[header.index("typ")] not in keep:
            for i in amounts:
                if row[i]:
                    row[i] = str(-int(row[i]))
    _write(path, header, rows)


def _add(path: Path, post: str, column: str, amount: int) -> None:
    header, rows = _rows(path)
    row = next(r for r in rows if r[0] == post)
    row[header.index(column)] = str(int(row[header.index(column)]) + amount)
    _write(path, header, rows)


def _sign_hints(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.hint and "drift: kostnader:" in p.hint]


def test_a_file_in_the_other_convention_names_the_setting_once(workspace: Path) -> None:
    drift = workspace / f"data/{YEAR}/{UNIT}/drift.csv"
    _opposite(drift)
    _add(drift, "Stab", "utfall", -1000)  # and one real mistake: the parts contradict
    _add(drift, "Stab", "budget", -1000)

    problems = _problems(workspace)

    contradicted = [p for p in problems if "stämmer inte med" in p.message]
    assert len(contradicted) == 2  # utfall and budget
    [hinted] = _sign_hints(problems)
    assert hinted is contradicted[0]  # the first the analyst reads
    assert hinted.hint is not None
    assert "kostnader: positiva" in hinted.hint
    assert "drift: kostnader: negativa i data/rapport.yaml" in hinted.hint
    assert "rätta den rad som är fel" in hinted.hint


def test_the_hint_names_positiva_when_the_kommun_declared_negativa(workspace: Path) -> None:
    params = workspace / f"params/{YEAR}/{UNIT}.yaml"
    params.write_text(
        params.read_text(encoding="utf-8") + "drift:\n  kostnader: negativa\n", encoding="utf-8"
    )
    drift = workspace / f"data/{YEAR}/{UNIT}/drift.csv"
    _add(drift, "Stab", "utfall", 1000)  # written costs positive: the other convention

    [hinted] = _sign_hints(_problems(workspace))

    assert hinted.hint is not None
    assert "kostnader: negativa" in hinted.hint
    assert f"drift: kostnader: positiva i params/{YEAR}/{UNIT}.yaml" in hinted.hint


def test_no_hint_when_only_some_amounts_have_the_other_sign(workspace: Path) -> None:
    drift = workspace / f"data/{YEAR}/{UNIT}/drift.csv"
    _opposite(drift, keep=("ram", "intäkter", "kostnader"))  # the parts only

    problems = _problems(workspace)

    assert any("stämmer inte med" in p.message for p in problems)
    assert _sign_hints(problems) == []


# ------------------------------------------------------------- 3. the file's column order


def _reorder(path: Path, order: list[str]) -> None:
    header, rows = _rows(path)
    _write(path, order, [[row[header.index(name)] for name in order] for row in rows])


@pytest.mark.parametrize(
    "order",
    [
        None,  # as the example has it: utfall_fg_år, utfall, budget, prognos
        ["post", "typ", "prognos", "budget", "utfall", "utfall_fg_år"],
        ["post", "budget", "typ", "utfall_fg_år", "prognos", "utfall"],
    ],
)
def test_drift_problems_follow_the_files_columns(
    workspace: Path, capsys: pytest.CaptureFixture[str], order: list[str] | None
) -> None:
    drift = workspace / f"data/{YEAR}/{UNIT}/drift.csv"
    if order is not None:
        _reorder(drift, order)
    _opposite(drift, keep=("ram", "delverksamhet"))  # income and costs: a sign problem a cell
    header, rows = _rows(drift)
    amounts = [name for name in header if name not in ("post", "typ")]
    lines = [line for line, row in enumerate(rows, 2) if row[header.index("typ")] == "intäkter"]
    lines += [line for line, row in enumerate(rows, 2) if row[header.index("typ")] == "kostnader"]
    expected = [(line, column) for line in sorted(lines) for column in amounts]

    problems = _problems(workspace)
    assert [(p.row, p.column) for p in problems] == expected

    # The command's list (sorted again, with the project's problems) keeps the order.
    capsys.readouterr()
    assert cli.main(["validate", "--year", str(YEAR), "--unit", UNIT]) == 2
    shown = capsys.readouterr()
    text = shown.out + shown.err
    listed = [
        (line, column)
        for line in sorted(set(lines))
        for column in amounts
        if f"drift.csv, rad {line}, kolumn {column}:" in text
    ]
    assert listed == expected
    positions = [text.index(f"drift.csv, rad {line}, kolumn {column}:") for line, column in listed]
    assert positions == sorted(positions)
