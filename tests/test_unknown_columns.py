"""A column a table does not have is refused, in every table whose columns the workbook defines:
the unit's tables, the shared ones, the consolidated report's ``bedomningar.csv`` and a unit's own
(custom) table, whose schema lists its columns. Nothing reads such a column, so a misspelt one
(``progonos``) would otherwise make its values vanish from the report without a word. The message
names file, header row and column, and the known column it is a near miss of."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from test_missing_report_hints import run_and_read

from helpers.core.schema import SPECS
from helpers.data.readers import read_table
from helpers.parts.kommun_data import assessments_spec

YEAR, UNIT = "2016", "klk"
VALIDATE_UNIT = ["validate", "--year", YEAR, "--unit", UNIT, "--period", "helar"]
VALIDATE_KOMMUN = ["validate", "--year", YEAR, "--unit", "kommun", "--period", "helar"]
EXTRA = "anteckning"

# (file, its schema's column names, the command that checks it)
TABLES = [
    *(
        (f"data/{YEAR}/{UNIT}/{stem}.csv", SPECS[stem].names, VALIDATE_UNIT)
        for stem in (
            "mal",
            "aktiviteter",
            "indikatorer",
            "indikatorvarden",
            "nyckeltal",
            "nyckeltalsvarden",
            "drift",
            "internkontroll",
            "internkontroll_atgarder",
            "prioriteringar",
        )
    ),  # fmt: skip
    ("data/enheter.csv", SPECS["enheter"].names, VALIDATE_UNIT),
    ("data/delverksamheter.csv", SPECS["delverksamheter"].names, VALIDATE_UNIT),
    (f"data/{YEAR}/kommun/bedomningar.csv", assessments_spec([]).names, VALIDATE_KOMMUN),
]


def rewrite(
    path: Path, names: list[str], change: dict[str, str], extra: str | None, fill: str = "något"
) -> int:
    """The table written again as plain comma-separated CSV with its header names changed
    (``change``: old → new) and a column ``extra`` added (its cells ``fill``); the header line."""
    table = read_table(path, path.name, names)
    columns = [change.get(name, name) for name in table.columns if name]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*columns, *([extra] if extra else [])])
    for row in table.rows:
        cells = [row.get(name, "") for name in table.columns if name]
        writer.writerow([*cells, *([fill] if extra else [])])
    path.write_text(out.getvalue(), "utf-8")
    return read_table(path, path.name, names).header_line


@pytest.mark.parametrize(("relative", "names", "argv"), TABLES, ids=[t[0] for t in TABLES])
def test_an_extra_column_is_refused_naming_file_header_row_and_column(
    workspace: Path,
    capsys: pytest.CaptureFixture[str],
    relative: str,
    names: list[str],
    argv: list[str],
) -> None:
    header = rewrite(workspace / relative, names, {}, EXTRA)
    code, said = run_and_read(argv, capsys)
    assert code == 2, said
    expected = f"{relative}, rad {header}, kolumn {EXTRA}: okänd kolumn '{EXTRA}'"
    assert expected in said, said
    assert "Traceback" not in said


# Every column a table may leave out (``optional_column``), of the tables KLK has: misspelt, it
# is not missing, so without this rule nothing would be said at all.
OPTIONAL = [
    (f"data/{YEAR}/{UNIT}/{stem}.csv", column.name)
    for stem in ("mal", "indikatorer", "indikatorvarden", "nyckeltal", "nyckeltalsvarden", "drift")
    for column in SPECS[stem].columns
    if column.optional_column
]


@pytest.mark.parametrize(("relative", "known"), OPTIONAL, ids=[f"{r}:{k}" for r, k in OPTIONAL])
def test_a_misspelt_optional_column_is_named_with_the_column_it_is_a_near_miss_of(
    workspace: Path, capsys: pytest.CaptureFixture[str], relative: str, known: str
) -> None:
    path = workspace / relative
    names = SPECS[path.stem].names
    misspelt = known[:2] + known[3] + known[2] + known[4:]  # two letters swapped
    if known in read_table(path, path.name, names).columns:
        header = rewrite(path, names, {known: misspelt}, None)
    else:  # the file does without the column: add it, misspelt and empty
        header = rewrite(path, names, {}, misspelt, fill="")
    code, said = run_and_read(VALIDATE_UNIT, capsys)
    assert code == 2, said
    assert (
        f"{relative}, rad {header}, kolumn {misspelt}: okänd kolumn '{misspelt}' "
        f"(menade du '{known}'?)"
    ) in said, said


def test_a_misspelt_parent_column_gives_no_advice_built_on_the_lost_column(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``överordnat`` for ``överordnad``: the row that belongs to another row must not be taken
    for an unlisted sub-unit ("lägg till raden … i data/delverksamheter.csv")."""
    path = workspace / f"data/{YEAR}/{UNIT}/drift.csv"
    names = SPECS["drift"].names
    table = read_table(path, path.name, names)
    parent = next(row["post"] for row in table.rows if row["typ"] == "delverksamhet")
    child = f"{parent} Norr"
    columns = [name for name in table.columns if name]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*columns, "överordnat"])
    for row in table.rows:
        writer.writerow([*(row[name] for name in columns), ""])
    writer.writerow([child if name == "post" else "delverksamhet" if name == "typ" else ""
                     for name in columns] + [parent])  # fmt: skip
    path.write_text(out.getvalue(), "utf-8")
    code, said = run_and_read(VALIDATE_UNIT, capsys)
    assert code == 2, said
    assert "okänd kolumn 'överordnat' (menade du 'överordnad'?)" in said, said
    assert "delverksamheter.csv" not in said and child not in said, said
    # Spelt right, the same rows pass: the refusal was the header's alone.
    path.write_text(out.getvalue().replace("överordnat", "överordnad", 1), "utf-8")
    code, said = run_and_read(VALIDATE_UNIT, capsys)
    assert "okänd kolumn" not in said and "delverksamheter.csv" not in said, said


def test_a_custom_tables_column_outside_its_schema_is_refused(workspace: Path) -> None:
    """A unit's own table is read with the spec its ``.schema.yaml`` gives (``read_spec_table``,
    as every table): a column the schema does not list is refused the same way."""
    from helpers.core.errors import DataError
    from helpers.core.paths import Project
    from helpers.data.custom_tables import load_custom_table

    folder = workspace / "data" / YEAR / UNIT
    (folder / "vantetider.schema.yaml").write_text(
        "rubrik: Väntetider\nnyckel: [månad]\nkolumner:\n"
        "  - {namn: månad, typ: text, obligatorisk: ja}\n"
        "  - {namn: dagar, typ: tal}\n",
        "utf-8",
    )
    (folder / "vantetider.csv").write_text("månad,dagar\njanuari,12\n", "utf-8")
    project = Project(workspace)
    assert list(load_custom_table(folder, "vantetider", project)["dagar"]) == [12]
    (folder / "vantetider.csv").write_text("månad,dagar,kommentar\njanuari,12,sjuk\n", "utf-8")
    with pytest.raises(DataError) as raised:
        load_custom_table(folder, "vantetider", project)
    problems = raised.value.problems
    assert [(p.file, p.row, p.column) for p in problems] == [
        (f"data/{YEAR}/{UNIT}/vantetider.csv", 1, "kommentar")
    ], problems
    assert "okänd kolumn 'kommentar'" in problems[0].message
    assert "månad, dagar" in (problems[0].hint or "")  # the schema's columns, to choose from
