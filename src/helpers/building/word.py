"""A report as a Word document (``workbook build --docx``), for nämnd documents edited further.

The built HTML report is converted by pandoc (Debian's ``pandoc``): its headings become Word's
own heading styles (Rubrik 1–6), its tables Word tables with their header row, and each chart a
PNG (rendered from the report's own SVG by vl-convert) with the chart's description as alt text.
Before conversion the HTML is reduced to what a document holds: no styles, no screen-only
navigation, the phone copy of each chart dropped, the chart data shown as a table (not behind a
button), and the contents replaced by Word's own table of contents (a field Word updates). The
document's properties (title, author = the kommun, subject, language) are the report's own, as
the PDF's (``helpers.building.pdf.read_report``), set with python-docx after conversion.
Nothing is fetched: the report's only images are embedded ``data:`` URIs (the narrative sanitizer
allows no other), so pandoc has nothing to load. (pandoc 2.17's ``--sandbox`` cannot read its own
docx template, so it is not used.)
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
import vl_convert as vlc
from bs4 import BeautifulSoup, Tag

from helpers.building.pdf import read_report
from helpers.building.pdf_finish import Metadata
from helpers.core.errors import BuildError
from helpers.core.files import write_atomically

PANDOC_TIMEOUT_SECONDS = 300
# Removed before conversion: screen navigation, the phone copy of each chart, the contents (Word
# builds its own), styles and metadata.
DROP = (
    "style",
    "meta",
    "title",
    ".wb-skip",
    ".wb-links",
    ".wb-back",
    ".wb-back-fixed",
    ".wb-chart--narrow",
    "nav.wb-toc",
)


def find_pandoc() -> Path:
    """pandoc's executable, or a ``BuildError`` that says how to install it."""
    found = shutil.which("pandoc")
    if found:
        return Path(found)
    raise BuildError(
        "Word-filen kan inte skapas: programmet pandoc saknas. Installera det med "
        "`apt-get install -y pandoc` och bygg igen, eller bygg utan --docx."
    )


def _chart_image(soup: BeautifulSoup, svg: Tag) -> Tag:
    """The SVG as an embedded PNG with the chart's name as alt text."""
    label = str(svg.get("aria-label", ""))
    png = vlc.svg_to_png(str(svg), scale=2)
    image = soup.new_tag("img", src="data:image/png;base64," + base64.b64encode(png).decode())
    image["alt"] = label
    return image


def document_html(source: str) -> tuple[str, str]:
    """The report's HTML as pandoc should read it, and the contents' heading (for Word's own
    table of contents)."""
    soup = BeautifulSoup(source, "html.parser")
    toc_heading = soup.select_one("nav.wb-toc h2")
    toc_title = toc_heading.get_text(" ", strip=True) if toc_heading else ""
    for selector in DROP:
        for element in soup.select(selector):
            element.decompose()
    for svg in soup.select(".wb-chart svg"):
        svg.replace_with(_chart_image(soup, svg))
    # Every table shows its data: a chart's table is not behind a button in a document.
    for details in soup.select("details"):
        summary = details.find("summary")
        if summary:
            summary.decompose()
        details.unwrap()
    for caption in soup.select("figcaption"):
        caption.name = "p"
    for figure in soup.select("figure"):
        figure.name = "div"
    # Visually hidden words that are only there for screen readers (a row's "(del av …)").
    for hidden in soup.select("span.wb-visually-hidden"):
        hidden.decompose()
    return str(soup), toc_title


def word_language(lang: str) -> str:
    """The report's ``lang`` as Word's language tag (``sv`` → ``sv-SE``)."""
    return "sv-SE" if lang == "sv" else lang


def set_properties(document: Path, metadata: Metadata) -> None:
    """The Word file's core properties from the report (title, author, subject, language)."""
    opened = docx.Document(str(document))
    properties = opened.core_properties
    properties.title = metadata.title
    properties.author = metadata.author
    properties.subject = metadata.subject
    properties.language = word_language(metadata.language)
    opened.save(str(document))


def write_docx(html_path: Path, docx_path: Path) -> None:
    """Convert the report ``html_path`` to ``docx_path`` (written aside, renamed into place)."""
    html_path, docx_path = Path(html_path), Path(docx_path)
    if not html_path.is_file():
        raise BuildError(f"Word-filen kan inte skapas: rapporten {html_path.name} finns inte.")
    pandoc = find_pandoc()
    report = html_path.read_text(encoding="utf-8")
    metadata = read_report(report).metadata
    source, toc_title = document_html(report)
    language = BeautifulSoup(source[:2000], "html.parser").html
    lang = str(language.get("lang", "sv")) if language else "sv"
    docx_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"workbook-docx-{os.getpid()}-") as scratch:
        given = Path(scratch) / "rapport.html"
        given.write_text(source, encoding="utf-8")
        out = Path(scratch) / "rapport.docx"
        command = [
            str(pandoc),
            "--from=html",
            "--to=docx",
            f"--metadata=lang:{word_language(lang)}",
            "--toc",
            "--toc-depth=3",
            f"--metadata=toc-title:{toc_title}" if toc_title else "--metadata=toc-title:",
            f"--output={out}",
            str(given),
        ]
        try:
            finished = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=PANDOC_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BuildError(
                f"Word-filen kan inte skapas: pandoc blev inte klar med {html_path.name} på "
                f"{PANDOC_TIMEOUT_SECONDS} sekunder."
            ) from None
        if finished.returncode != 0 or not out.is_file():
            detail = (finished.stderr or "").strip().splitlines()[-1:] or ["okänt fel"]
            raise BuildError(
                f"Word-filen kan inte skapas: pandoc kunde inte konvertera {html_path.name} "
                f"({detail[0][:200]})."
            )
        set_properties(out, metadata)
        write_atomically(docx_path, out.read_bytes())
