"""The report as PDF (``helpers.building.pdf``) and the print stylesheet behind it, in real
Chromium."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytest.register_assert_rewrite("browser")

from browser import open_page, require_chromium  # noqa: E402
from conftest import PrintedYear  # noqa: E402
from pdf_structure import (  # noqa: E402
    captions_apart_from_their_content,
    headings_apart_from_their_content,
    leaves,
    outline_titles,
    pages_with_untagged_text,
    tables_ending_in_a_lone_row,
)

from helpers.building import pdf  # noqa: E402
from helpers.core.errors import BuildError  # noqa: E402

pytest_plugins = ["browser"]


@pytest.fixture(scope="module")
def printed(printed_klk: Path) -> Path:
    """KLK's report printed once per session (``conftest.printed_klk``, which
    ``test_a11y_every_report`` reads too): its PDF."""
    return printed_klk


PRINTED_ON = datetime.date(2017, 2, 15)


def _pages(printed: Path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) saknas")
    text = subprocess.run(
        ["pdftotext", "-layout", str(printed), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


@pytest.mark.browser
def test_pdf_is_a_tagged_a4_document(printed: Path) -> None:
    data = printed.read_bytes()
    assert data.startswith(b"%PDF-")
    assert printed.stat().st_mode & 0o777 == 0o644
    assert not list(printed.parent.glob(".*.tmp"))
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert 10 <= pages <= 60
    assert b"/StructTreeRoot" in data and b"/MarkInfo" in data  # tagged
    assert b"/Lang (sv)" in data
    assert b"/Outlines" in data  # headings as bookmarks
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    width, height = float(box.group(1)), float(box.group(2))
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 in points


@pytest.mark.browser
def test_pdf_pages_are_numbered_and_traceable(printed: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) saknas")
    text = subprocess.run(
        ["pdftotext", "-layout", str(printed), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    count = len([p for p in pages if p.strip()])
    assert f"Sida 1 av {count}" in pages[0]
    assert f"Sida {count} av {count}" in pages[count - 1]
    # The footer: the report, and the printing date (the fingerprint is in the colophon).
    assert "Utskriven 15 februari 2017" in pages[1] and "fingeravtryck" not in pages[1]
    assert "Sammanfattning" in pages[0] and "Indikatorer som gått åt fel håll" in pages[0]


@pytest.mark.browser
def test_print_stylesheet_keeps_tables_and_charts_whole(built_klk: Path, browser) -> None:
    opened = open_page(browser, built_klk.resolve().as_uri())
    page = opened.page
    try:
        page.emulate_media(media="print")
        styles = page.evaluate(
            """() => {
                const s = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
                return {
                    thead: s('.wb-table thead', 'display'),
                    row: s('.wb-table tbody tr', 'breakInside'),
                    figure: s('.wb-figure', 'breakInside'),
                    heading: s('main h3', 'breakAfter'),
                    data: s('.wb-chart-data', 'display'),
                    toc: s('.wb-toc', 'breakBefore'),
                };
            }"""
        )
        assert styles == {
            "thead": "table-header-group",  # repeated on every page
            "row": "avoid",
            "figure": "avoid",
            "heading": "avoid",
            "data": "none",
            "toc": "page",
        }
        page_rules = page.evaluate(
            """() => [...document.styleSheets].flatMap(s => [...s.cssRules])
                .flatMap(r => r.cssRules ? [...r.cssRules] : [r])
                .filter(r => r instanceof CSSPageRule).map(r => r.cssText).join(' ')"""
        )
        assert "counter(page)" in page_rules and "counter(pages)" in page_rules
        assert "size: a4" in page_rules.lower()
    finally:
        page.context.close()


def test_missing_chromium_is_a_swedish_build_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "CHROMIUM", tmp_path / "finns-inte" / "chromium")
    monkeypatch.setenv("PATH", str(tmp_path))
    report = tmp_path / "klk.html"
    report.write_text("<!DOCTYPE html><html lang='sv'><title>x</title></html>", encoding="utf-8")
    with pytest.raises(BuildError, match="Chromium saknas"):
        pdf.print_pdf(report, tmp_path / "klk.pdf")
    assert not (tmp_path / "klk.pdf").exists()


def test_missing_report_is_a_build_error(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="finns inte"):
        pdf.print_pdf(tmp_path / "saknas.html", tmp_path / "saknas.pdf")


def test_print_command_blocks_the_network_and_uses_no_port(tmp_path: Path) -> None:
    command = pdf.print_command(Path("/usr/bin/chromium"), tmp_path / "p")
    assert "--host-resolver-rules=MAP * ~NOTFOUND" in command
    assert "--remote-debugging-pipe" in command  # DevTools over a pipe, no network port
    assert not any(flag.startswith("--remote-debugging-port") for flag in command)
    assert f"--user-data-dir={tmp_path / 'p'}" in command


HOSTILE_PAGE = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>t</title>
</head><body><h1>Den riktiga rapporten</h1><p>Resultat 41 575 tkr.</p>
<script>document.body.innerHTML = '<h1>FÖRFALSKAD SIDA</h1>';</script>
<script>document.title = 'x'; while (true) {}</script>
</body></html>"""


@pytest.mark.browser
def test_a_script_in_the_page_neither_runs_nor_hangs_the_printer(tmp_path: Path) -> None:
    """No Content-Security-Policy here: the printer itself must not run the page's scripts,
    neither on its first page nor on a later one (``pdf.Printer``)."""
    require_chromium()
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) saknas")
    page = tmp_path / "elak.html"
    page.write_text(HOSTILE_PAGE, encoding="utf-8")
    target = tmp_path / "elak.pdf"

    pdf.print_pdf(page, target)  # would raise BuildError on the timeout if the loop ran

    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Den riktiga rapporten" in text and "41 575" in text
    assert "FÖRFALSKAD" not in text

    # A Printer kept open for many reports: scripts stay disabled for the next page it loads.
    harmless = tmp_path / "snall.html"
    harmless.write_text(HOSTILE_PAGE.split("<script>")[0] + "</body></html>", encoding="utf-8")
    with pdf.Printer() as printer:
        printer.print_pdf(harmless, tmp_path / "snall.pdf")
        printer.print_pdf(page, target)
    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Den riktiga rapporten" in text and "FÖRFALSKAD" not in text


@pytest.mark.browser
def test_the_printed_contents_give_each_headings_page(printed: Path, built_klk: Path) -> None:
    """Every entry of the printed contents, nested ones too, ends with the page its heading is
    printed on: on the entry's own last line, also where the entry's text fills that line."""
    from bs4 import BeautifulSoup

    pages = _pages(printed)
    soup = BeautifulSoup(built_klk.read_text(encoding="utf-8"), "html.parser")
    entries = [(" ".join(a.get_text(" ").split()), a["href"][1:]) for a in soup.select(".wb-toc a")]
    # The contents page: the one with the contents heading on a line of its own (a draft's
    # printed pages start with the draft mark).
    title = soup.select_one("#innehallsforteckning").get_text(" ").strip()
    contents = next(p for p in pages if re.search(rf"^\s*{re.escape(title)}\s*$", p, re.M))
    assert len(entries) > 12 and any(len(text) > 90 for text, _ in entries)  # some wrap
    for text, heading_id in entries:
        heading = " ".join(soup.find(id=heading_id).get_text(" ").split())
        # The entry's words (a long one wraps), then its number at the end of the same line.
        words = r"\s+".join(re.escape(word) for word in text.split())
        match = re.search(words + r"[ \t]+(\d+)[ \t]*$", contents, re.M)
        assert match, text
        page = int(match.group(1))
        assert heading in " ".join(pages[page - 1].split()), (text, page)


@pytest.mark.browser
def test_no_heading_stands_alone_at_a_page_foot(printed: Path) -> None:
    """Read from the PDF's structure tags: every heading (a goal's heading with its assessment
    line too) is on the page where its content begins, and every caption on the page of the
    table or chart it names (``test_a11y_every_report`` checks every report so)."""
    import pikepdf

    with pikepdf.open(printed) as document:
        assert len([leaf for leaf in leaves(document) if leaf.heading]) > 20
        assert headings_apart_from_their_content(document) == []
        assert captions_apart_from_their_content(document) == []
        assert tables_ending_in_a_lone_row(document) == []


# A page printed without the report's stylesheet: a heading, a goal's heading group and a
# table's caption each end a page, their content on the next (a block that may not be split);
# a table's last row begins a page alone.
LEFT_ALONE = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>t</title>
<style>@page { size: A4; margin: 20mm } body { margin: 0; font: 12pt sans-serif }
.block { height: 120mm; break-inside: avoid; }</style></head><body>
<h1>Rapport</h1><p style="height: 220mm">Inledning</p>
<h2>Ensam rubrik</h2><p class="block">Figur</p><p style="height: 110mm">Text</p>
<hgroup><h3>Mål 5</h3><p>Bedömning: Uppfyllt</p></hgroup><p class="block">Text</p>
<p style="height: 115mm">Text</p>
<table><caption>Tabellrubrik</caption><thead><tr><th>A</th></tr></thead>
<tbody><tr style="height: 120mm; break-inside: avoid"><td>x</td></tr></tbody></table>
<p style="break-before: page; height: 230mm; break-inside: avoid">Text</p>
<table><thead><tr><th>Post</th></tr></thead><tbody><tr><td>Rad</td></tr>
<tr style="height: 100mm; break-inside: avoid"><td>Summa</td></tr></tbody></table>
<p>Slut</p></body></html>"""


@pytest.mark.browser
def test_the_page_foot_check_finds_a_heading_a_group_a_caption_and_a_row_left_alone(
    tmp_path: Path,
) -> None:
    import pikepdf

    require_chromium()
    page = tmp_path / "ensam.html"
    page.write_text(LEFT_ALONE, encoding="utf-8")
    pdf.print_pdf(page, tmp_path / "ensam.pdf", printed_on=PRINTED_ON)
    with pikepdf.open(tmp_path / "ensam.pdf") as document:
        assert headings_apart_from_their_content(document) == [("/H2", 1, 2), ("hgroup", 2, 3)]
        assert captions_apart_from_their_content(document) == [(3, 4)]
        assert tables_ending_in_a_lone_row(document) == [6]


@pytest.mark.browser
def test_pdf_metadata_figures_artifacts_and_bookmarks(printed: Path, built_klk: Path) -> None:
    import pikepdf
    from bs4 import BeautifulSoup

    from helpers.building.pdf_finish import figures_without_alt

    soup = BeautifulSoup(built_klk.read_text(encoding="utf-8"), "html.parser")
    municipality = soup.select_one(".wb-municipality").get_text(strip=True)
    data = printed.read_bytes()
    assert figures_without_alt(data) == []
    with pikepdf.open(printed) as document:
        assert str(document.docinfo["/Author"]) == municipality
        assert str(document.docinfo["/Title"]) == soup.title.get_text(strip=True)
        assert str(document.docinfo["/Subject"])
        assert str(document.Root.Lang) == "sv"
        assert document.Root.ViewerPreferences.DisplayDocTitle is True
        with document.open_metadata() as xmp:
            assert xmp["dc:creator"] == [municipality]
        # Bookmarks keep the headings' words: every title is a heading's text as written.
        headings = {
            " ".join(h.get_text(" ").split()) for h in soup.find_all(["h1", "h2", "h3", "h4"])
        }
        titles = outline_titles(document)
        assert titles and all(title in headings for title in titles), [
            t for t in titles if t not in headings
        ]
        # No text is drawn outside the structure tree: the running footer is an artifact.
        assert pages_with_untagged_text(document) == []


def test_build_pdf_prints_each_new_report_once_on_one_printer(printed_year: PrintedYear) -> None:
    """``build --pdf`` (``build.print_pdfs``), as the session printed the year
    (``conftest.printed_year``): every report of the build that has no newer PDF is printed,
    each with its own title, on one Chromium; a unit that failed and a report whose PDF is newer
    are left alone."""
    import pikepdf
    from bs4 import BeautifulSoup, SoupStrainer

    units = printed_year.units
    assert len(units) > 2
    assert printed_year.written == [unit.report.with_suffix(".pdf") for unit in units]
    assert printed_year.printers == 1 and printed_year.failed.is_file()
    assert not printed_year.failed.with_suffix(".pdf").exists()
    for unit in units:
        text = unit.report.read_text(encoding="utf-8")
        title = BeautifulSoup(text, "html.parser", parse_only=SoupStrainer("title")).title
        with pikepdf.open(unit.report.with_suffix(".pdf")) as document:
            assert len(document.pages) > 1
            assert str(document.docinfo["/Title"]) == title.get_text(strip=True)
    assert printed_year.again == []  # every PDF was newer than its report
    # von's report rebuilt after its PDF: printed again, alone.
    assert printed_year.reprinted == [printed_year.touched.with_suffix(".pdf")]
