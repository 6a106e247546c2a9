"""``workbook build`` refuses bad data with the very list ``workbook validate`` prints for the same
year, unit and period: every problem, each once, in the same order — whether the build stops
while planning (a broken params file or report definition) or when it validates the plans.

Each case breaks the copied inputs in one way (or two at once); what is expected is read from
the edit (the file, row and column it broke), and build's list is compared with validate's as the
analyst sees them: validate's lines on stdout, build's indented under "Fel i underlaget" on stderr.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import cli

YEAR = 2016


def rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_rows(path: Path, table: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    path.write_text(out.getvalue(), encoding="utf-8")


def set_cell(root: Path, relative: str, row: int, column: str, value: str) -> tuple[str, int, str]:
    """Set one cell (``row`` as the analyst counts: the header is row 1); where it is."""
    path = root / relative
    table = rows(path)
    table[row - 1][table[0].index(column)] = value
    write_rows(path, table)
    return relative, row, column


def bad_number(root: Path) -> list[tuple[str, int | None, str | None]]:
    return [set_cell(root, f"data/{YEAR}/klk/drift.csv", 2, "utfall", "12x4")]


def missing_column(root: Path) -> list[tuple[str, int | None, str | None]]:
    relative = f"data/{YEAR}/klk/drift.csv"
    table = rows(root / relative)
    gone = table[0].index("typ")
    write_rows(root / relative, [r[:gone] + r[gone + 1 :] for r in table])
    return [(relative, 1, "typ")]


def broken_params_yaml(root: Path) -> list[tuple[str, int | None, str | None]]:
    relative = f"params/{YEAR}/klk.yaml"
    text = (root / relative).read_text(encoding="utf-8")
    (root / relative).write_text(text.replace("titel: ", "titel: [", 1), encoding="utf-8")
    return [(relative, None, None)]


def unknown_goal(root: Path) -> list[tuple[str, int | None, str | None]]:
    relative = f"data/{YEAR}/klk/indikatorer.csv"
    goals = {r[0] for r in rows(root / f"data/{YEAR}/klk/mal.csv")[1:]}
    unknown = next(f"X{n}" for n in range(1, 1000) if f"X{n}" not in goals)
    return [set_cell(root, relative, 3, "mal_id", unknown)]


def two_files_two_units(root: Path) -> list[tuple[str, int | None, str | None]]:
    # von's own report definition names a kind that does not exist (planning stops there) and
    # klk's amount is no number.
    relative = f"params/{YEAR}/von.yaml"
    lines = (root / relative).read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(i for i, text in enumerate(lines) if text.strip() == "typ: mal")
    lines[line] = lines[line].replace("typ: mal", "typ: maal")
    (root / relative).write_text("".join(lines), encoding="utf-8")
    return [(relative, line + 1, None), *bad_number(root)]


def helar_and_delar(root: Path) -> list[tuple[str, int | None, str | None]]:
    # a fault in each period of the same unit: validate sorts them by file, delår first
    return [
        *bad_number(root),
        set_cell(root, f"data/{YEAR}/delar/klk/drift.csv", 3, "budget", "tio"),
    ]


def shared_file(root: Path) -> list[tuple[str, int | None, str | None]]:
    # a file every unit reads: validate names its problem once, not once per unit
    relative = "data/delverksamheter.csv"
    table = rows(root / relative)
    write_rows(root / relative, [*table, table[1]])
    return [(relative, len(table) + 1, None)]


def comparison_group(root: Path) -> list[tuple[str, int | None, str | None]]:
    # a problem of the whole project (jämförelsegrupper:), which build did not check at all
    path = root / "data" / "rapport.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'kolada: "0000"' in text
    path.write_text(text.replace('kolada: "0000"', 'kolada: "abc"', 1), encoding="utf-8")
    return [("data/rapport.yaml", None, None)]


CASES: dict[str, Callable[[Path], list[tuple[str, int | None, str | None]]]] = {
    "bad_number": bad_number,
    "missing_column": missing_column,
    "broken_params_yaml": broken_params_yaml,
    "unknown_goal": unknown_goal,
    "two_files_two_units": two_files_two_units,
    "helar_and_delar": helar_and_delar,
    "shared_file": shared_file,
    "comparison_group": comparison_group,
}
SELECTIONS = (["--year", str(YEAR)], ["--year", str(YEAR), "--unit", "klk"])


def validate_lines(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    code = cli.main(["validate", *argv])
    out = capsys.readouterr().out
    assert code == cli.EXIT_BAD_INPUT, out
    return out.split("\n\n")[0].splitlines()


def build_lines(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    code = cli.main(["build", *argv])
    captured = capsys.readouterr()
    assert code == cli.EXIT_BAD_INPUT, captured.out + captured.err
    assert "Traceback" not in captured.err
    head, _, listed = captured.err.partition("Fel i underlaget (")
    count, _, listed = listed.partition(" st):\n")
    # the problems are indented; a closing line (nothing was built) follows them, flush left
    lines = [line.removeprefix("  ") for line in listed.splitlines() if line.startswith("  ")]
    assert int(count) == len(lines), captured.err
    return lines


def mentions(line: str, where: tuple[str, int | None, str | None]) -> bool:
    file, row, column = where
    return (
        line.startswith(file)
        and (row is None or f"rad {row}" in line)
        and (column is None or f"kolumn {column}" in line)
    )


def in_selection(where: tuple[str, int | None, str | None], argv: list[str], root: Path) -> bool:
    """Whether a broken file belongs to the reports ``argv`` selects (with ``--unit``: not to
    another unit's params or data)."""
    if "--unit" not in argv:
        return True
    chosen = argv[argv.index("--unit") + 1]
    others = {r[0] for r in rows(root / "data" / "enheter.csv")[1:]} - {chosen}
    parts = Path(where[0]).with_suffix("").parts
    return not others & set(parts)


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("selection", SELECTIONS, ids=["year", "unit"])
def test_build_refuses_with_validates_list(
    case: str, selection: list[str], workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = [w for w in CASES[case](workspace) if in_selection(w, selection, workspace)]
    expected = validate_lines(selection, capsys)
    for where in broken:
        assert any(mentions(line, where) for line in expected), (where, expected)
    assert len(set(expected)) == len(expected)
    assert build_lines([*selection, "--dry-run"], capsys) == expected


def test_a_real_build_refuses_with_the_same_list_and_writes_no_report(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not only the plan (--dry-run): the build itself, whose kernels boot while it validates."""
    selection = ["--year", str(YEAR)]
    broken = [*shared_file(workspace), *unknown_goal(workspace), *helar_and_delar(workspace)]
    expected = validate_lines(selection, capsys)
    assert all(any(mentions(line, where) for line in expected) for where in broken)
    assert build_lines([*selection, "--jobs", "1"], capsys) == expected
    assert not list((workspace / "reports").rglob("*.html"))


def test_a_broken_definition_and_bad_data_are_one_list(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Planning stops at a unit's broken report definition; the build still names the other
    unit's bad data, as validate does, rather than only the definition."""
    broken = two_files_two_units(workspace)
    selection = ["--year", str(YEAR), "--period", "helar"]
    expected = validate_lines(selection, capsys)
    listed = build_lines([*selection, "--jobs", "1"], capsys)
    assert listed == expected
    assert all(any(mentions(line, where) for line in listed) for where in broken)
