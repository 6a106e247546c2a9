"""``reports/index.html`` (``helpers.building.index_page``): every built report with result and
goals."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

pytest.register_assert_rewrite("browser")

from browser import (  # noqa: E402
    describe_violations,
    heading_gaps,
    heading_levels,
    open_page,
    run_axe,
    run_htmlcs,
)
from conftest import copy_inputs  # noqa: E402

from helpers.building.index_page import built_reports, write_index  # noqa: E402
from helpers.core.paths import Project  # noqa: E402
from helpers.data.definition import read_definition  # noqa: E402

pytest_plugins = ["browser"]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """Inputs and two 'built' reports: KLK 2016 (with a PDF) and a unit without data."""
    root = copy_inputs(tmp_path / "ws")
    reports = root / "reports"
    (reports / "2016").mkdir(parents=True)
    (reports / "2016" / "klk.html").write_text("<!DOCTYPE html>", encoding="utf-8")
    (reports / "2016" / "klk.pdf").write_bytes(b"%PDF-1.4")
    (reports / "2015").mkdir()
    (reports / "2015" / "borta.html").write_text("<!DOCTYPE html>", encoding="utf-8")
    (reports / "2015" / "Inte-En-Enhet.html").write_text("x", encoding="utf-8")
    (reports / "tmp").mkdir()
    return Project(root)


def test_lists_every_built_report_newest_year_first(project: Project) -> None:
    assert [(y, u) for y, u, _ in built_reports(project)] == [(2016, "klk"), (2015, "borta")]


def test_index_shows_result_and_goals(project: Project) -> None:
    path = write_index(project)
    assert path == project.reports / "index.html"
    text = path.read_text(encoding="utf-8")
    assert '<html lang="sv">' in text
    assert "<title>Verksamhetsuppföljning – alla rapporter, Hjo kommun</title>" in text
    assert len(re.findall(r"<h1[ >]", text)) == 1
    assert text.index('id="ar-2016"') < text.index('id="ar-2015"')
    row = re.search(r'<tr><th scope="row"><a href="2016/klk.html">(.*?)</tr>', text).group(0)
    assert "Kommunledningskontoret (KLK)" in row
    assert "+76\u00a0tkr (överskott)" in row
    cells = re.findall(r'<td class="num" data-label="[^"]*">(\d+)</td>', row)
    assert cells == ["0", "0", "3", "5"]  # uppfyllt, delvis, ej uppfyllt, utan bedömning
    assert '<a href="2016/klk.pdf">PDF' in row
    # A report whose data is gone is still listed, its figures written out as missing.
    missing = re.search(r'<a href="2015/borta.html">.*?</tr>', text).group(0)
    assert "Uppgift saknas" in missing and "Ingen PDF" in missing
    assert "<script" not in text and "/tmp" not in text


def test_index_is_reproducible(project: Project) -> None:
    first = write_index(project).read_bytes()
    assert write_index(project).read_bytes() == first


def test_index_without_reports(tmp_path: Path) -> None:
    project = Project(copy_inputs(tmp_path / "ws"))
    text = write_index(project).read_text(encoding="utf-8")
    definition, _ = read_definition(project)
    assert definition.labels["index.inga_rapporter"] in text


@pytest.mark.browser
def test_index_is_accessible_and_links_to_the_report(
    built_klk: Path, browser, tmp_path: Path
) -> None:
    root = built_klk.parents[2]
    work = tmp_path / "ws"
    shutil.copytree(root, work)
    index = write_index(Project(work))
    opened = open_page(browser, index.resolve().as_uri())
    try:
        page = opened.page
        violations = run_axe(page)
        assert violations == [], describe_violations(violations)
        assert run_htmlcs(page) == []
        levels = heading_levels(page)
        assert levels.count(1) == 1 and heading_gaps(levels) == []
        assert page.evaluate("document.documentElement.lang") == "sv"
        page.click("text=Kommunledningskontoret (KLK)")
        page.wait_for_load_state()
        assert page.url.endswith("/reports/2016/klk.html")
        assert page.title().startswith("Verksamhetsuppföljning 2016")
        assert opened.blocked.urls == []
    finally:
        opened.page.context.close()


def test_invented_units_are_marked_from_the_data(project: Project) -> None:
    from helpers.data.definition import read_definition
    from helpers.data.unit_data import load_unit_info

    for unit in ("exempel", "von"):
        (project.reports / "2016" / f"{unit}.html").write_text("<!DOCTYPE html>", "utf-8")
    text = write_index(project).read_text(encoding="utf-8")
    definition, _ = read_definition(project)
    mark = f"({definition.labels['rapport.påhittad_kort']})"
    for unit in ("klk", "exempel", "von"):
        row = re.search(rf'<a href="2016/{unit}.html">.*?</tr>', text).group(0)
        invented = load_unit_info(unit, project)[0].invented
        assert (mark in row) == invented, unit


def test_the_index_is_rewritten_after_pdfs_even_when_no_report_changed(
    project: Project,
) -> None:
    """`build --pdf` prints after the reports; the index must list the PDF it just printed."""
    from helpers.building import build

    write_index(project)
    (project.reports / "2016" / "klk.pdf").unlink()
    result = build.BuildResult([build.UnitResult(2016, "klk")], 0.0, 0)
    build.write_index(project, result)  # nothing changed: the old index stays
    assert "2016/klk.pdf" in (project.reports / "index.html").read_text(encoding="utf-8")
    build.write_index(project, result, pdfs_written=True)
    assert "2016/klk.pdf" not in (project.reports / "index.html").read_text(encoding="utf-8")
    (project.reports / "2016" / "klk.pdf").write_bytes(b"%PDF-1.4")
    build.write_index(project, result, pdfs_written=True)
    assert 'href="2016/klk.pdf"' in (project.reports / "index.html").read_text(encoding="utf-8")


def test_index_cells_name_their_columns_for_phones(project: Project) -> None:
    page = write_index(project).read_text(encoding="utf-8")
    cells = re.findall(r"<td[^>]*>", page)
    assert cells and all("data-label=" in cell for cell in cells)


def _set_label(project: Project, group: str, key: str, value: str) -> None:
    """Change one label of the project's definition (``etiketter: <group>: <key>``)."""
    path = project.root / "data" / "rapport.yaml"
    text = path.read_text(encoding="utf-8")
    pattern = rf"(\n  {group}:\n(?:    .*\n)*?    {key}: ).*\n"
    changed, count = re.subn(pattern, lambda m: m.group(1) + value + "\n", text, count=1)
    assert count == 1, (group, key)
    path.write_text(changed, encoding="utf-8")


def test_the_pdf_links_words_are_the_definitions(project: Project) -> None:
    """A PDF link reads ``index.pdf`` then ``index.pdf_för``, nothing the code adds between."""
    _set_label(project, "index", "pdf_för", '"för {enhetsnamn}, år {år}"')
    text = write_index(project).read_text(encoding="utf-8")
    link = re.search(r'<a href="2016/klk.pdf">(.*?)</a>', text).group(1)
    words = " ".join(re.sub(r"<[^>]+>", "", link).split())
    assert words == "PDF för Kommunledningskontoret (KLK), år 2016"


def test_the_consolidated_report_has_its_pdf_and_sign_off(project: Project) -> None:
    from helpers.core.paths import CONSOLIDATED

    (project.reports / "2016" / f"{CONSOLIDATED}.html").write_text("<!DOCTYPE html>", "utf-8")
    definition, _ = read_definition(project)
    labels = definition.labels
    text = write_index(project).read_text(encoding="utf-8")
    block = re.search(r'<div class="wb-consolidated">.*?</div></dl></div>', text).group(0)
    assert f'<a href="2016/{CONSOLIDATED}.html">' in block
    assert labels["index.ingen_pdf"] in block and "<dt>" in block
    (project.reports / "2016" / f"{CONSOLIDATED}.pdf").write_bytes(b"%PDF-1.4")
    text = write_index(project).read_text(encoding="utf-8")
    block = re.search(r'<div class="wb-consolidated">.*?</div></dl></div>', text).group(0)
    assert f'<a href="2016/{CONSOLIDATED}.pdf">{labels["index.pdf"]}<span' in block
    assert labels["index.ingen_pdf"] not in block


def test_the_sign_off_cell_is_one_piece_and_in_the_definitions_words(project: Project) -> None:
    """On a phone a cell is a flex row of its label and one value; the sign-off words are the
    definition's ``klarmarkering.läge``."""
    _set_label(project, "klarmarkering", "läge", '"{klart} – {statusar} – {texter}"')
    text = write_index(project).read_text(encoding="utf-8")
    row = re.search(r'<a href="2016/klk.html">.*?</tr>', text).group(0)
    cell = re.search(r'<td data-label="Klarmarkering"><span>(.*?)</span></td>', row).group(1)
    assert cell.startswith("<strong>") and re.search(r"</strong> – .+ – \d+ text", cell)
