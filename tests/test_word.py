"""``workbook build --docx``: the report as a Word document, read back with python-docx.

The document must have the HTML report's headings as Word headings (same text, same level) and
its tables as Word tables with a repeated header row and the same header cells, and every chart
as an image whose alt text names it. Derived from the built HTML, not from a stored copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers.building.word import DROP, write_docx

docx = pytest.importorskip("docx")


def require_pandoc() -> None:
    """Skips without Debian's pandoc, except in CI (``.ci/run`` installs it), where it fails."""
    if shutil.which("pandoc") is None:
        from browser import in_ci  # at run time: collection registered its assert rewriting

        message = "pandoc saknas – installera med: apt-get install -y pandoc"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)


def _html_structure(report: Path) -> tuple[list[tuple[int, str]], list[list[str]], list[str]]:
    soup = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser")
    for selector in DROP:
        for element in soup.select(selector):
            element.decompose()
    headings = [
        (int(h.name[1]), " ".join(h.get_text(" ").split()))
        for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])
    ]
    tables = [
        [" ".join(th.get_text(" ").split()) for th in table.select("thead th")]
        for table in soup.find_all("table")
    ]
    charts = [str(svg["aria-label"]) for svg in soup.select(".wb-chart svg")]
    return headings, tables, charts


@pytest.fixture(scope="module")
def word(built_von: Path, tmp_path_factory: pytest.TempPathFactory):
    require_pandoc()
    target = tmp_path_factory.mktemp("word") / "von.docx"
    write_docx(built_von, target)
    return docx.Document(str(target)), built_von


def test_headings_are_word_headings_as_in_the_html(word) -> None:
    document, report = word
    headings, _, _ = _html_structure(report)
    found = [
        (int(p.style.name.split()[-1]), " ".join(p.text.split()))
        for p in document.paragraphs
        if p.style.name.startswith("Heading ")
    ]
    assert found == headings


def test_tables_have_header_rows_and_the_htmls_headers(word) -> None:
    document, report = word
    _, tables, _ = _html_structure(report)
    assert len(document.tables) == len(tables)
    for table, header in zip(document.tables, tables, strict=True):
        first = table.rows[0]
        assert [" ".join(c.text.split()) for c in first.cells] == header
        assert first._tr.trPr is not None and first._tr.trPr.xpath("./w:tblHeader")


def test_charts_are_images_with_their_alt_text(word) -> None:
    document, report = word
    _, _, charts = _html_structure(report)
    assert charts
    alts = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert alts == charts


def test_document_properties_are_the_reports(word) -> None:
    """Title, author (the kommun), subject and language, read from the report as it names them."""
    from bs4 import BeautifulSoup

    document, report = word
    soup = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser")
    properties = document.core_properties
    assert properties.title == soup.title.get_text(" ", strip=True)
    assert properties.author == soup.find("meta", attrs={"name": "author"})["content"]
    assert properties.subject == soup.find("meta", attrs={"name": "description"})["content"]
    assert properties.author and properties.subject  # the report names them
    assert properties.language.split("-")[0] == soup.html["lang"]


def test_a_missing_report_is_a_swedish_error(tmp_path: Path) -> None:
    from helpers.core.errors import BuildError

    with pytest.raises(BuildError, match="finns inte"):
        write_docx(tmp_path / "saknas.html", tmp_path / "saknas.docx")
