"""End to end: the KLK data as Office leaves it builds the same report as the clean data.

One workspace gets, at once, what Excel and Word do to files: ``drift.csv`` saved by Swedish
Excel with a ``sep=;`` line (BOM, CRLF, semicolons, no-break-space thousands); the indicator
values as an .xlsx whose percentages are stored as fractions under percent formats, on the
second sheet, below a merged title and a blank row; the key-figure formula pasted with a
no-break space, a tab and a minus sign; and narrative with ``#``/``##``/``####`` headings, a
heading repeated across texts and a table too wide for a phone. The sections that read those
files must produce exactly the HTML the clean data gives (the ``built_klk`` report).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import nbformat
import pytest

pytest.register_assert_rewrite("browser")

from browser import PHONE, heading_gaps, open_page  # noqa: E402

from helpers.core.paths import Project  # noqa: E402

pytest_plugins = ["browser"]
pytestmark = pytest.mark.e2e

UNIT = Path("data/2016/klk")
SAME_SECTIONS = ("kf_mal", "nyckeltal", "drift")  # section ids of the report definition
WIDE_TABLE = (
    "| " + " | ".join(f"Kvartal {q} {year}" for year in (2015, 2016) for q in range(1, 5)) + " |\n"
    + "|" + "---|" * 8 + "\n"
    + "| " + " | ".join(f"{q * 1234567:,}".replace(",", " ") for q in range(1, 9)) + " |\n"
)  # fmt: skip


def excel_csv_with_sep_line(path: Path) -> None:
    """``path`` as Swedish Excel saves it, with the ``sep=;`` line Excel honours."""
    from test_validate import excel_export

    excel_export(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    path.write_bytes(b"\xef\xbb\xbf" + b"sep=;\r\n" + raw[3:])


def percent_xlsx(folder: Path) -> None:
    """indikatorvarden.csv → .xlsx: % indicators stored as fractions under percent formats."""
    from openpyxl import Workbook

    with (folder / "indikatorer.csv").open(encoding="utf-8", newline="") as handle:
        percent = {r["indikator_id"] for r in csv.DictReader(handle) if r["enhet"] == "%"}
    with (folder / "indikatorvarden.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    assert percent and any(r[0] in percent and r[2] for r in body)

    workbook = Workbook()
    workbook.active.title = "Instruktioner"
    workbook.active["A1"] = "Värdena står på bladet Värden."
    sheet = workbook.create_sheet("Värden")
    sheet["A1"] = "Indikatorvärden 2016"
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append([])
    sheet.append(header)
    for row in body:
        cells: list[object] = list(row)
        for index in (header.index("värde"), header.index("jämförelse")):
            if row[index] and row[0] in percent:
                cells[index] = float(Decimal(row[index]) / 100)
            elif row[index]:
                cells[index] = float(row[index])
        sheet.append(cells)
        if row[0] in percent:
            for index, code in (
                (header.index("värde"), "0.0%"),
                (header.index("jämförelse"), "0%"),
            ):
                sheet.cell(sheet.max_row, index + 1).number_format = code
    workbook.save(folder / "indikatorvarden.xlsx")
    (folder / "indikatorvarden.csv").unlink()


def pasted_formula(folder: Path) -> None:
    path = folder / "nyckeltal.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count("medianlon_kvinnor - medianlon_man") == 1
    path.write_text(
        text.replace(
            "medianlon_kvinnor - medianlon_man", "medianlon_kvinnor\u00a0\u2212\tmedianlon_man"
        ),
        encoding="utf-8",
    )


def narrative_headings(folder: Path) -> None:
    framtid = folder / "text/framtid.md"
    heading, _, body = framtid.read_text(encoding="utf-8").partition("\n")
    framtid.write_text(
        f"{heading}\n\n## E-arkiv\n{body}\n\n#### Arkivlokal\n\nText.\n\n## Bakgrund\n\n"
        f"{WIDE_TABLE}\n",
        encoding="utf-8",
    )
    # Texts rendered without a prefix of their own: the same heading gives the same id.
    for name in ("agresso.md", "episerver.md"):
        path = folder / "text/prioriteringar" / name
        path.write_text(path.read_text(encoding="utf-8") + "\n\n# Bakgrund\n\nText.\n",
                        encoding="utf-8")  # fmt: skip


@pytest.fixture(scope="module")
def office_build(built_klk: Path, tmp_path_factory: pytest.TempPathFactory) -> Project:
    import os

    from conftest import copy_inputs

    from helpers.building.build import build

    root = copy_inputs(tmp_path_factory.mktemp("office") / "ws")
    folder = root / UNIT
    excel_csv_with_sep_line(folder / "drift.csv")
    percent_xlsx(folder)
    pasted_formula(folder)
    narrative_headings(folder)
    previous = os.environ.get("WORKBOOK_ROOT")
    os.environ["WORKBOOK_ROOT"] = str(root)
    try:
        results = build(2016, "klk", Project(root))
    finally:
        if previous is None:
            os.environ.pop("WORKBOOK_ROOT", None)
        else:
            os.environ["WORKBOOK_ROOT"] = previous
    assert all(not r.failures for r in results), [r.failures for r in results]
    return Project(root)


def section_html(project: Project, section: str) -> list[str]:
    nb = nbformat.read(project.executed_dir(2016, "klk") / f"{section}.ipynb", as_version=4)
    return [
        output["data"]["text/html"]
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    ]


@pytest.mark.parametrize("section", SAME_SECTIONS)
def test_office_files_build_the_same_sections_as_clean_data(
    office_build: Project, built_klk: Path, section: str
) -> None:
    clean = Project(built_klk.parents[2])
    assert section_html(office_build, section) == section_html(clean, section)


@pytest.fixture(scope="module")
def report_html(office_build: Project) -> str:
    return office_build.report_file(2016, "klk").read_text(encoding="utf-8")


def test_headings_never_skip_a_level_and_follow_the_text(report_html: str) -> None:
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", report_html)]
    assert heading_gaps(levels) == []
    framtid = re.search(r'<h2 id="framtid">.*?(?=<h2 )', report_html, re.S).group(0)
    assert re.findall(r"<h([2-6])[^>]*>([^<]*)<", framtid) == [
        ("2", "Framtid"), ("3", "E-arkiv"), ("4", "Arkivlokal"), ("3", "Bakgrund")
    ]  # fmt: skip


def test_every_id_is_unique_and_every_link_in_the_page_resolves(report_html: str) -> None:
    ids = re.findall(r'\sid="([^"]+)"', report_html)
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    targets = set(re.findall(r'href="#([^"]+)"', report_html))
    assert targets and targets <= set(ids)
    bakgrund = [i for i in ids if "bakgrund" in i]
    assert len(bakgrund) == len(set(bakgrund)) == 3  # in framtid.md and two priority texts


@pytest.mark.browser
def test_a_wide_narrative_table_stacks_on_a_phone_in_its_labelled_region(
    office_build: Project, browser
) -> None:
    url = office_build.report_file(2016, "klk").resolve().as_uri()
    opened = open_page(browser, url, PHONE)
    try:
        page = opened.page
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= PHONE["width"]
        wrapped = page.evaluate(
            "[...document.querySelectorAll('table')].filter(t => !t.closest('.wb-table-wrap'))"
            ".length"
        )
        assert wrapped == 0
        wide = page.evaluate(
            "[...document.querySelectorAll('.wb-table-wrap')]"
            ".filter(w => w.textContent.includes('Kvartal'))"
            ".map(w => [w.getAttribute('tabindex'), w.getAttribute('role'),"
            " w.getAttribute('aria-label'), w.scrollWidth > w.clientWidth + 1,"
            " [...w.querySelectorAll('td[data-label]')].length])"
        )
        columns = [f"Kvartal {q} {year}" for year in (2015, 2016) for q in range(1, 5)]
        # Its rows stack (no sideways scrolling), each value under its column's name.
        ((tabindex, role, label, scrolls, labelled),) = wide
        assert (tabindex, role, label, scrolls) == ("0", "region", "Tabell: " + ", ".join(
            columns), False)  # fmt: skip
        assert labelled > 0
    finally:
        opened.page.context.close()
