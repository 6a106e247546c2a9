"""``workbook validate`` against the corpus of bad inputs in tests/fixtures/bad/.

Each fixture folder holds a ``case.yaml``: the fault, the edits that inject it into a copy of the
real data, and the problems expected (file, row, column, part of the message). A row given as
``{line_of: text}`` is the line of that text in the edited file, so expectations follow the
data instead of being typed in.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import cli
from helpers.building.validate import sorted_problems, validate_unit
from helpers.core.errors import ParameterError, Problem
from helpers.core.paths import Project
from helpers.data.unit_data import load_unit

BAD = Path(__file__).parent / "fixtures" / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if (p / "case.yaml").is_file())
NUMERIC = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# Columns that hold years or counts: Excel shows them without thousands separators.
PLAIN_COLUMNS = {"år", "period", "nummer", "decimaler"}


def load_case(name: str) -> dict[str, Any]:
    return yaml.safe_load((BAD / name / "case.yaml").read_text(encoding="utf-8"))


def read_any(path: Path) -> str:
    """A file's text whatever its encoding (an injected fault may have changed it)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def swedish_excel_cell(column: str, cell: str) -> str:
    """A number as Swedish Excel exports it: decimal comma, no-break-space thousands."""
    if column in PLAIN_COLUMNS or not NUMERIC.fullmatch(cell):
        return cell
    whole, _, decimals = cell.partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    grouped = f"{int(digits):,}".replace(",", "\u00a0")
    return sign + grouped + ("," + decimals if decimals else "")


def excel_export(path: Path) -> None:
    """Rewrite a CSV the way Swedish Excel saves 'CSV (semikolonavgränsad)' in UTF-8."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    converted = [header] + [
        [swedish_excel_cell(header[i], cell) for i, cell in enumerate(row)] for row in rows[1:]
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(converted)


def to_xlsx(path: Path) -> None:
    """Replace a CSV table by an .xlsx with the same content, numbers as numbers."""
    from openpyxl import Workbook

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([float(c) if NUMERIC.fullmatch(c) else c for c in row])
    workbook.save(path.with_suffix(".xlsx"))
    path.unlink()


def apply_edit(root: Path, edit: dict[str, Any]) -> None:
    (operation, relative), *_ = edit.items()
    path = root / relative
    if operation == "replace":
        text = path.read_text(encoding="utf-8")
        assert text.count(edit["old"]) == 1, f"{relative}: {edit['old']!r} not found once"
        path.write_text(text.replace(edit["old"], edit["new"]), encoding="utf-8")
    elif operation == "truncate":
        text = path.read_text(encoding="utf-8")
        path.write_text(text[: text.index(edit["after"]) + len(edit["after"])], encoding="utf-8")
    elif operation == "delete":
        path.unlink()
    elif operation == "encode":
        path.write_bytes(path.read_text(encoding="utf-8").encode(edit["encoding"]))
    elif operation == "append":
        text = path.read_text(encoding="utf-8")
        path.write_text(text + edit["text"], encoding="utf-8")
    elif operation == "write":
        path.write_text(edit["text"], encoding="utf-8")
    elif operation == "excel_export":
        excel_export(path)
    elif operation == "to_xlsx":
        to_xlsx(path)
    else:
        raise AssertionError(f"unknown edit {operation}")


def expected_row(root: Path, expectation: dict[str, Any]) -> int | None:
    row = expectation["row"]
    if isinstance(row, dict):
        text = read_any(root / expectation["file"])
        return text[: text.index(row["line_of"])].count("\n") + 1
    return row


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("name", [c for c in CASES if "refused" not in load_case(c)])
def test_fault_is_reported_with_file_row_and_column(
    name: str, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = load_case(name)
    for edit in case.get("edits", []):
        apply_edit(workspace, edit)
    unit = case.get("unit", "klk")

    problems = validate_unit(Project.current(), 2016, unit)

    expected = {
        (e["file"], expected_row(workspace, e), e["column"]): e["message"] for e in case["expect"]
    }
    assert {(p.file, p.row, p.column) for p in problems} == set(expected), problems
    for problem in problems:
        assert expected[problem.file, problem.row, problem.column] in str(problem)

    # The command for the same report (a case may give its own arguments).
    default = ["--year", "2016", "--unit", unit, "--period", "helar"]
    code, out, err = run_cli(["validate", *case.get("args", default)], capsys)
    assert code == (2 if expected else 0), out + err
    assert "Traceback" not in out + err
    for problem in problems:
        assert str(problem) in out


@pytest.mark.parametrize("name", [c for c in CASES if "refused" in load_case(c)])
def test_unit_that_would_be_a_path_is_refused(
    name: str, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = load_case(name)
    with pytest.raises(ParameterError, match=case["refused"]):
        validate_unit(Project.current(), 2016, case["unit"])

    code, out, err = run_cli(["validate", *case["args"]], capsys)

    assert code != 0
    assert case["refused"] in err
    assert case["unit"] in err
    assert "Traceback" not in out + err


def test_real_data_is_clean(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate_unit(Project.current(), 2016, "klk") == []
    code, out, _ = run_cli(["validate"], capsys)
    assert code == 0
    assert "i ordning" in out


def test_every_problem_is_printed_at_once_sorted_by_file_and_row(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("wrong_status", "letter_in_number", "missing_goal_narrative", "invalid_date"):
        for edit in load_case(name)["edits"]:
            apply_edit(workspace, edit)

    code, out, _ = run_cli(["validate", "--year", "2016", "--unit", "klk"], capsys)

    lines = [line for line in out.splitlines() if line.startswith("data/")]
    assert code == 2  # bad input, as from every command
    assert len(lines) == 4
    files = [line.split(",")[0].split(":")[0] for line in lines]
    assert files == sorted(files)
    aktiviteter = [line for line in lines if line.startswith("data/2016/klk/aktiviteter.csv")]
    rows = [int(re.search(r"rad (\d+)", line).group(1)) for line in aktiviteter]
    assert len(rows) == 2 and rows == sorted(rows)
    assert "4 fel" in out


def test_typed_total_message_names_typed_and_computed_value(workspace: Path) -> None:
    drift = workspace / "data/2016/klk/drift.csv"
    rows = list(csv.DictReader(drift.open(encoding="utf-8")))
    parts = [int(r["budget"]) for r in rows if r["typ"] == "delverksamhet"]
    typed = sum(parts) + 7
    with drift.open("a", encoding="utf-8") as handle:
        handle.write(f"Summa,summa,,,{typed},\n")

    problems = validate_unit(Project.current(), 2016, "klk")

    assert [(p.row, p.column) for p in problems] == [(len(rows) + 2, "budget")]
    shown = f"{typed:,}".replace(",", " ")
    assert f"summan {shown}" in problems[0].message
    assert f"summa {sum(parts):,}".replace(",", " ") in problems[0].message


def test_correct_typed_total_passes(workspace: Path) -> None:
    drift = workspace / "data/2016/klk/drift.csv"
    rows = list(csv.DictReader(drift.open(encoding="utf-8")))
    total = sum(int(r["utfall"]) for r in rows if r["typ"] == "delverksamhet")
    with drift.open("a", encoding="utf-8") as handle:
        handle.write(f"Summa,summa,,{total},,\n")
    assert validate_unit(Project.current(), 2016, "klk") == []


def test_both_csv_and_xlsx_of_a_table_is_a_problem(workspace: Path) -> None:
    folder = workspace / "data/2016/klk"
    (folder / "prioriteringar.xlsx").write_bytes(b"")

    problems = validate_unit(Project.current(), 2016, "klk")

    assert [p.file for p in problems] == ["data/2016/klk/prioriteringar.xlsx"]
    assert "både prioriteringar.csv och prioriteringar.xlsx" in problems[0].message


def test_missing_file_hint_names_a_near_miss(workspace: Path) -> None:
    folder = workspace / "data/2016/klk"
    (folder / "drift.csv").rename(folder / "Drift.csv")

    problems = validate_unit(Project.current(), 2016, "klk")

    assert [(p.file, p.message) for p in problems] == [("data/2016/klk/drift.csv", "filen saknas")]
    assert "Drift.csv" in (problems[0].hint or "")


def test_params_file_whose_name_is_no_unit_id_is_reported(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace / "params/2016/KLK kopia.yaml").write_text("år: 2016\n", encoding="utf-8")

    code, out, err = run_cli(["validate", "--year", "2016"], capsys)

    assert code == 2
    assert "params/2016/KLK kopia.yaml: filnamnet 'KLK kopia' är inget giltigt enhets-id" in out
    assert "Traceback" not in out + err


def test_year_without_params_is_a_clear_error(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["validate", "--year", "2031"], capsys)
    assert code == 2
    assert "inga enheter för 2031" in err


def test_sorted_problems_orders_by_file_row_column_and_drops_repeats() -> None:
    a = Problem("b.csv", "x", row=10, column="c")
    b = Problem("b.csv", "y", row=2)
    c = Problem("a.csv", "z")
    assert sorted_problems([a, b, c, a]) == [c, b, a]


def _data_files() -> list[str]:
    from helpers.core.paths import REPO_ROOT

    unit_files = [*(REPO_ROOT / "data/2016/klk").rglob("*"), REPO_ROOT / "params/2016/klk.yaml"]
    shared = [
        REPO_ROOT / "data/enheter.csv",
        REPO_ROOT / "data/delverksamheter.csv",
        REPO_ROOT / "data/rapport.yaml",
    ]
    return sorted(p.relative_to(REPO_ROOT).as_posix() for p in unit_files + shared if p.is_file())


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        *settings.default.suppress_health_check,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(
    relative=st.sampled_from(_data_files()),
    position=st.integers(0, 10**6),
    cut=st.integers(0, 20),
    insert=st.binary(max_size=8),
)
def test_mangled_real_data_gives_problems_or_loads_never_a_crash(
    workspace: Path, relative: str, position: int, cut: int, insert: bytes
) -> None:
    """Any byte-level damage to a real file: validation reports it or the unit loads."""
    path = workspace / relative
    original = path.read_bytes()
    try:
        at = position % (len(original) + 1)
        path.write_bytes(original[:at] + insert + original[at + cut :])
        problems = validate_unit(Project.current(), 2016, "klk")
        if not problems:  # what validation passes, the build can load
            load_unit(2016, "klk", Project.current())
    finally:
        path.write_bytes(original)
