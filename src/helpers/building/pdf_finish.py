"""What Chromium's printed PDF lacks for an archive, added with pikepdf after printing.

- **Page numbers in the printed contents.** Chromium has no ``target-counter()``: the report is
  printed once, the page of each heading is read from the PDF's named destinations (Chromium
  writes one per element id a link points to: every entry of the contents), the numbers are
  written into the contents of a print copy of the HTML and it is printed again
  (``contents_pages``, ``with_page_numbers``).
- **Bookmarks keep their words.** Chromium builds a bookmark's title from the laid-out lines, so
  a heading that wraps loses the space at the break (``positivbefolkningstillväxt``); each title
  is replaced by its heading's text from the HTML (``fix_outline``).
- **Running header and footer are artifacts.** Text Chromium draws outside the structure tree
  (the page-margin boxes: page number, report, diarienummer, printing date) is marked
  ``/Artifact`` so assistive technology skips it (``mark_artifacts``).
- **Alt text on every figure tag.** A chart's SVG is a tagged figure with its description; the
  ``<figure>`` around it (chart, caption, data) is tagged as a figure too, but without alt text:
  it becomes a ``/Div`` — a group, not an image (``fix_figures``).
- **Document metadata**: title, language, author (the kommun) and subject, in the document
  information and in XMP, and the viewer shows the title (``set_metadata``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf

from helpers.core.markup import html


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    language: str = "sv-SE"


def squeezed(text: str) -> str:
    """A title with every space removed, to match a bookmark that lost spaces at line breaks."""
    return re.sub(r"\s+", "", text)


def _outline_items(pdf: pikepdf.Pdf) -> Iterator[pikepdf.OutlineItem]:
    with pdf.open_outline() as outline:

        def walk(items: list[pikepdf.OutlineItem]) -> Iterator[pikepdf.OutlineItem]:
            for item in items:
                yield item
                yield from walk(item.children)

        yield from walk(outline.root)


def destination_pages(data: bytes) -> dict[str, int]:
    """The 1-based page of every named destination in the PDF: Chromium writes one per element
    id that a link points to (every entry of the contents)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.obj.objgen: index + 1 for index, page in enumerate(pdf.pages)}
        destinations = pdf.Root.get("/Dests")
        found: dict[str, int] = {}
        if destinations is None:
            return found
        for name, destination in destinations.items():
            # A destination is an array [page, …], or a dictionary holding one under /D.
            target = (
                destination.get("/D")
                if isinstance(destination, pikepdf.Dictionary)
                else destination
            )
            if isinstance(target, pikepdf.Array) and len(target):
                page = pages.get(target[0].objgen)
                if page is not None:
                    found[str(name).lstrip("/")] = page
        return found


def contents_pages(data: bytes, headings: list[tuple[str, str]]) -> dict[str, int]:
    """The printed page of each heading (id → page) in ``data``; ``headings`` are (id, text)."""
    destinations = destination_pages(data)
    return {
        heading_id: destinations[heading_id]
        for heading_id, _ in headings
        if heading_id in destinations
    }


_TOC = re.compile(r'<nav\b[^>]*\bclass="wb-toc"[^>]*>.*?</nav>', re.S)
_TOC_LINK = re.compile(r'(<a href="#([^"]+)">.*?</a>)', re.S)


def with_page_numbers(document: str, pages: dict[str, int], label: str = "sida") -> str:
    """The HTML with each contents entry followed by the page its heading is printed on."""

    def number(match: re.Match[str]) -> str:
        page = pages.get(match.group(2))
        if page is None:
            return match.group(1)
        return match.group(1) + str(
            html(
                '<span class="wb-toc-page"><span class="wb-visually-hidden">{} </span>{}</span>',
                label,
                page,
            )
        )

    return _TOC.sub(lambda toc: _TOC_LINK.sub(number, toc.group(0)), document, count=1)


def fix_outline(pdf: pikepdf.Pdf, headings: list[str]) -> int:
    """Give each bookmark its heading's text (spaces kept); the number of titles changed."""
    changed = 0
    by_key: dict[str, list[str]] = {}
    for text in headings:
        by_key.setdefault(squeezed(text), []).append(text)
    with pdf.open_outline() as outline:

        def walk(items: list[pikepdf.OutlineItem]) -> None:
            nonlocal changed
            for item in items:
                candidates = by_key.get(squeezed(str(item.title)))
                if candidates:
                    text = candidates.pop(0)
                    if text != str(item.title):
                        item.title = text
                        changed += 1
                walk(item.children)

        walk(outline.root)
    return changed


def mark_artifacts(pdf: pikepdf.Pdf) -> int:
    """Wrap every text object drawn outside marked content in ``/Artifact BMC … EMC``; the
    number wrapped."""
    wrapped = 0
    for page in pdf.pages:
        instructions = pikepdf.parse_content_stream(page)
        out: list = []
        depth = 0
        in_artifact = False
        on_page = 0
        for instruction in instructions:
            operands, operator = instruction.operands, instruction.operator
            name = str(operator)
            if name in ("BDC", "BMC"):
                depth += 1
            elif name == "EMC":
                depth -= 1
            if name == "BT" and depth == 0:
                out.append(([pikepdf.Name.Artifact], pikepdf.Operator("BMC")))
                in_artifact = True
                on_page += 1
            out.append((operands, operator))
            if name == "ET" and in_artifact:
                out.append(([], pikepdf.Operator("EMC")))
                in_artifact = False
        if on_page:
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
            wrapped += on_page
    return wrapped


def _elements(node: object) -> Iterator[pikepdf.Dictionary]:
    if isinstance(node, pikepdf.Array):
        for child in node:
            yield from _elements(child)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        yield node
        yield from _elements(node.get("/K"))


def fix_figures(pdf: pikepdf.Pdf) -> int:
    """A ``/Figure`` without alt text that groups a described figure becomes a ``/Div``."""
    changed = 0
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return 0
    for element in _elements(root.get("/K")):
        if element.get("/S") != pikepdf.Name.Figure or "/Alt" in element:
            continue
        inner = [e for e in _elements(element.get("/K")) if e is not element]
        if any(e.get("/S") == pikepdf.Name.Figure and "/Alt" in e for e in inner):
            element.S = pikepdf.Name.Div
            changed += 1
    return changed


def figures_without_alt(data: bytes) -> list[str]:
    """The figure tags of a PDF that have no alt text (their page-independent description)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return []
        return [
            str(e.get("/S"))
            for e in _elements(root.get("/K"))
            if e.get("/S") == pikepdf.Name.Figure and "/Alt" not in e
        ]


def set_metadata(pdf: pikepdf.Pdf, metadata: Metadata) -> None:
    """Title, author, subject and language, in the info dictionary and XMP."""
    pdf.Root.Lang = pikepdf.String(metadata.language)
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:title"] = metadata.title
        xmp["dc:creator"] = [metadata.author]
        xmp["dc:description"] = metadata.subject
        xmp["dc:language"] = [metadata.language]
        xmp["pdf:Producer"] = str(pdf.docinfo.get("/Producer", ""))
    pdf.docinfo["/Title"] = metadata.title
    pdf.docinfo["/Author"] = metadata.author
    pdf.docinfo["/Subject"] = metadata.subject
    preferences = pdf.Root.get("/ViewerPreferences")
    if preferences is None:
        pdf.Root.ViewerPreferences = pikepdf.Dictionary()
    pdf.Root.ViewerPreferences.DisplayDocTitle = True


def finish(data: bytes, metadata: Metadata, headings: list[str]) -> bytes:
    """The printed PDF with metadata, bookmarks with their words, artifacts and figure tags."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        set_metadata(pdf, metadata)
        fix_outline(pdf, headings)
        mark_artifacts(pdf)
        fix_figures(pdf)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()
