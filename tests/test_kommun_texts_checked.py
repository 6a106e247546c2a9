"""The consolidated report's own Markdown — ``data/<år>/[<period>/]kommun/text/*.md`` and the
``motivering`` cells of ``bedomningar.csv`` — is held to the units' narrative rules: HTML and
images the report would drop are refused by ``validate`` and ``build`` alike (exit 2, file, line
and column named, nothing written), with the very words a unit's text gets for the same content."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from test_missing_report_hints import run_and_read

YEAR = "2016"
# Markdown the report drops, one kind per line (what ``narrative.unsafe_html`` names).
DROPPED = [
    "<script>alert(1)</script>",
    "![bild](https://example.com/x.png)",
    'Se <img src="x" onerror="alert(1)"> här.',
    '<iframe src="https://example.com"></iframe>',
    "[klicka](javascript:alert(1))",
]


def kommun_folder(root: Path, period: str) -> Path:
    return root / "data" / YEAR / ("" if period == "helar" else period) / "kommun"


def problem_lines(said: str) -> list[str]:
    return [line for line in said.splitlines() if line.startswith("data/")]


@pytest.mark.parametrize("period", ["helar", "delar"])
@pytest.mark.parametrize("dropped", DROPPED)
def test_html_or_an_image_in_the_kommuns_text_is_refused_as_in_a_units(
    workspace: Path, capsys: pytest.CaptureFixture[str], period: str, dropped: str
) -> None:
    chosen = ["--year", YEAR, "--period", period]
    text = kommun_folder(workspace, period) / "text" / "inledning.md"
    before = text.read_text("utf-8") if text.exists() else "# Inledning\n"
    text.parent.mkdir(parents=True, exist_ok=True)
    text.write_text(f"{before.rstrip()}\n\n{dropped}\n", "utf-8")
    line = len(before.rstrip().splitlines()) + 2
    code, said = run_and_read(["validate", "--unit", "kommun", *chosen], capsys)
    assert code == 2, said
    shown = text.relative_to(workspace).as_posix()
    kommun = [p for p in problem_lines(said) if p.startswith(f"{shown}, rad {line}: ")]
    assert kommun, said
    # The same content in a unit's text: the same message, its own file named.
    unit_text = workspace / "data" / YEAR / ("" if period == "helar" else period) / "klk"
    unit_text = unit_text / "text" / "inledning.md"
    unit_before = unit_text.read_text("utf-8")
    unit_text.write_text(f"{unit_before.rstrip()}\n\n{dropped}\n", "utf-8")
    unit_line = len(unit_before.rstrip().splitlines()) + 2
    code, said = run_and_read(["validate", "--unit", "klk", *chosen], capsys)
    assert code == 2, said
    unit_shown = unit_text.relative_to(workspace).as_posix()
    unit = [p for p in problem_lines(said) if p.startswith(f"{unit_shown}, rad {unit_line}: ")]
    assert [p.split(": ", 1)[1] for p in kommun] == [p.split(": ", 1)[1] for p in unit], said


def test_every_markdown_file_of_the_kommun_is_checked_not_only_the_introduction(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = kommun_folder(workspace, "helar") / "text" / "extra" / "avslutning.md"
    other.parent.mkdir(parents=True)
    other.write_text("# Avslutning\n\n<script>x</script>\n", "utf-8")
    code, said = run_and_read(["validate", "--unit", "kommun", "--year", YEAR], capsys)
    assert code == 2 and f"{other.relative_to(workspace).as_posix()}, rad 3: " in said, said


@pytest.mark.parametrize("dropped", DROPPED)
def test_html_or_an_image_in_a_motivering_is_refused_with_row_and_column(
    workspace: Path, capsys: pytest.CaptureFixture[str], dropped: str
) -> None:
    path = kommun_folder(workspace, "helar") / "bedomningar.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))
    assert rows and "motivering" in rows[0]
    rows[-1]["motivering"] = f"Bedömningen grundar sig på mätningen. {dropped}"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), "utf-8")
    row = len(rows) + 1  # the header is row 1
    code, said = run_and_read(["validate", "--unit", "kommun", "--year", YEAR], capsys)
    assert code == 2, said
    shown = path.relative_to(workspace).as_posix()
    assert f"{shown}, rad {row}, kolumn motivering: texten innehåller " in said, said


def test_build_refuses_the_kommuns_text_before_any_section_runs(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = kommun_folder(workspace, "helar") / "text" / "inledning.md"
    text.write_text(f"{text.read_text('utf-8')}\n{DROPPED[0]}\n{DROPPED[1]}\n", "utf-8")
    argv = ["build", "--year", YEAR, "--unit", "kommun", "--period", "helar", "--jobs", "1"]
    code, said = run_and_read(argv, capsys)
    assert code == 2, said
    assert f"{text.relative_to(workspace).as_posix()}, rad " in said and "Traceback" not in said
    assert not (workspace / "reports").exists() or not list((workspace / "reports").rglob("*.html"))
    assert not (workspace / "build").exists() or not list((workspace / "build").rglob("*.ipynb"))
