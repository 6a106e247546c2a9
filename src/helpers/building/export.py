"""Assembling executed section notebooks into one self-contained HTML report.

The export is nbconvert's ``HTMLExporter`` with the workbook's template (``templates/workbook``):
only the sections' HTML outputs reach the reader — no code, prompts, streams or scripts — and
the table of contents is collected from the section headings. The file is written aside and
renamed into place, so a reader never sees half a report and a failed build leaves the old one.

Escaping happens at the edge, by the template engine: ``ReportExporter``'s Jinja environment
autoescapes, so the title, unit and municipality from data are escaped wherever the template puts
them (title, header, footer, attributes). Only three things enter as ``Markup``: the sections'
HTML (built escaped by ``helpers.core.markup`` and the narrative sanitizer), the workbook's own CSS
file, and the printed page label and page numbers, escaped for CSS by ``css_string``. Nothing is
unescaped: the table of contents takes the headings' text from an HTML parser, as text, and the
template escapes it again. The page carries ``CONTENT_SECURITY_POLICY``: no script runs and
nothing is loaded, even if something got through.
"""

from __future__ import annotations

import copy
import re
import secrets
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import nbformat
from markupsafe import Markup
from nbconvert import HTMLExporter

from helpers import __version__
from helpers.building.export_fragments import NOTEBOOK_CLASS, parse_fragment
from helpers.building.html_ids import unique_ids
from helpers.core.labels import Labels, join_with
from helpers.core.paths import PACKAGE_DIR

TEMPLATES = PACKAGE_DIR / "templates"
CSS_FILE = TEMPLATES / "workbook" / "report.css"
# The summary section's outermost element (whatever its id and heading in the definition).
SUMMARY_MARKER = 'class="wb-summary-page"'

# What a report (and the index) may do in a browser: show its own inline styles and embedded
# (data:) images and fonts. No script, no request to anywhere, no form, no <base>, no plugins.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "base-uri 'none'; form-action 'none'; object-src 'none'"
)


class ReportExporter(HTMLExporter):
    """``HTMLExporter`` whose Jinja environment autoescapes every value the template prints.

    ``section_html`` is the one filter that marks text as HTML: the sections' outputs, which the
    workbook built escaped (see module docstring).
    """

    def _create_environment(self) -> Any:
        environment = super()._create_environment()
        environment.autoescape = True
        environment.filters["section_html"] = Markup
        return environment

    # HTMLExporter returns the page as text; nbconvert's base class annotates a NotebookNode.
    def from_notebook_node(  # type: ignore[override]
        self, nb: nbformat.NotebookNode, resources: dict | None = None, **kw: Any
    ) -> tuple[str, dict]:
        """``HTMLExporter.from_notebook_node``, parsing each section fragment on its own and
        once (``export_fragments``): the page around them is rendered with a placeholder for
        each, parsed as nbconvert parses a page, and the fragments' serializations put back.
        The bytes are those of parsing the whole page, which is what happens when a fragment
        is not self-contained."""
        outputs = [output for cell in nb.cells for output in cell.outputs]
        parsed = [parse_fragment(output["data"]["text/html"]) for output in outputs]
        if any(p.core is None and not p.text_only for p in parsed):
            return super().from_notebook_node(nb, resources, **kw)
        marker = f"wb-fragment-{secrets.token_hex(8)}"
        page = copy.deepcopy(nb)
        placed = [index for index, fragment in enumerate(parsed) if not fragment.text_only]
        for index, output in enumerate(o for cell in page.cells for o in cell.outputs):
            fragment = parsed[index]
            if not fragment.text_only:  # else the page is parsed with the fragment's text
                placeholder = f"{fragment.lead}<!--{marker}-{index}-->{fragment.tail}"
                output["data"] = {"text/html": placeholder}
        html, resources = super().from_notebook_node(page, resources, **kw)
        pieces = re.split(rf"<!--{marker}-(\d+)-->", html)
        if [int(n) for n in pieces[1::2]] != placed or NOTEBOOK_CLASS in html:
            return super().from_notebook_node(nb, resources, **kw)
        for position, index in enumerate(placed):
            pieces[2 * position + 1] = parsed[index].core
        missing_alt = sum(p.missing_alt for p in parsed)
        if missing_alt:
            self.log.warning("Alternative text is missing on %s image(s).", missing_alt)
        return "".join(pieces), resources


@lru_cache(maxsize=1)
def exporter() -> HTMLExporter:
    """One configured exporter per process (creating it costs more than using it)."""
    return ReportExporter(
        template_name="workbook",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        # The combined notebook is validated once, after all preprocessors, not after each of
        # them (eleven times): validation reads the notebook, it never changes it.
        optimistic_validation=True,
    )


def read_executed(path: Path) -> nbformat.NotebookNode:
    """An executed section notebook (papermill's, format 4), read without checking it against
    the notebook schema: the combined notebook is checked once by the exporter, and checking
    reads a notebook, it never changes it (``nbformat.read`` checked each one, ~20 ms each)."""
    section = nbformat.reader.reads(path.read_text(encoding="utf-8"))
    if section.get("nbformat") != 4:  # not papermill's: converted as nbformat.read does
        section = nbformat.convert(section, 4)
    return section


def assemble(executed: list[Path]) -> nbformat.NotebookNode:
    """One notebook of the sections' displayed outputs, in order, with stable cell ids."""
    combined = nbformat.v4.new_notebook()
    for path in executed:
        section = read_executed(path)
        for index, cell in enumerate(section.cells):
            if cell.cell_type != "code" or "injected-parameters" in cell.metadata.get("tags", []):
                continue
            outputs = [o for o in cell.get("outputs", []) if "text/html" in o.get("data", {})]
            if not outputs:
                continue
            cell.outputs = outputs
            cell.id = f"{path.stem.replace('_', '-')}-{index}"
            combined.cells.append(cell)
    return combined


# Ids the page template itself gives elements (main content, table of contents).
TEMPLATE_IDS = ("innehall", "innehallsforteckning")


def unique_report_ids(nb: nbformat.NotebookNode) -> None:
    """Make every id in the sections' HTML unique across the report (``html_ids``), in place."""
    outputs = [output for cell in nb.cells for output in cell.outputs]
    fragments = unique_ids([output["data"]["text/html"] for output in outputs], TEMPLATE_IDS)
    for output, fragment in zip(outputs, fragments, strict=True):
        output["data"]["text/html"] = fragment


def table_of_contents(nb: nbformat.NotebookNode) -> list[dict]:
    """The h2 headings of the report, each with its h3 headings, for the navigation.

    The summary's own h3 (its cards) stay out: the summary is read whole, right above.
    Headings are read with an HTML parser; an entry's ``text`` is the heading's text as text
    (``&lt;img&gt;`` in the HTML is the text ``<img>``), which the template escapes again.
    """
    toc: list[dict[str, Any]] = []
    summary_cell = summary_cell_id(nb)
    in_summary = False
    for cell in nb.cells:
        for output in cell.outputs:
            for heading in parse_fragment(output["data"]["text/html"]).headings:
                entry: dict[str, Any] = {
                    "id": heading["id"],
                    "text": heading["text"],
                    "children": [],
                }
                if heading["name"] == "h2" or not toc:
                    in_summary = cell.id == summary_cell
                    toc.append(entry)
                elif not in_summary:
                    toc[-1]["children"].append(entry)
    return toc


def summary_cell_id(nb: nbformat.NotebookNode) -> str | None:
    """The id of the cell that shows the summary section: the table of contents follows it."""
    for cell in nb.cells:
        if any(SUMMARY_MARKER in output["data"]["text/html"] for output in cell.outputs):
            return cell.id
    return None


# The report's own texts around its sections: the definition's labels ``rapport.<key>``.
NAVIGATION_KEYS = (
    "innehåll",
    "hoppa",
    "till_innehållet",
    "länkar",
    "alla_rapporter",
    "pdf",
    "diarienummer",
    "utskriven",
    "sida",
    "ämne",
    "sidtitel",
    "sidnummer",
    "kolofon",
    "sida_vid_sida",
)
# Placeholders filled by the export (or, {datum}, by the printer), not by the labels.
_KEPT = (
    "lista",
    "nästa",
    "diarienummer",
    "datum",
    "titel",
    "enhetsnamn",
    "version",
    "fingeravtryck",
    "sida",
    "sidor",
)
_KEPT_PATTERN = re.compile(r"\{(" + "|".join(_KEPT) + r")\}")


def navigation_texts(labels: Labels) -> dict[str, str]:
    """The definition's labels ``rapport.*`` that :func:`render_report` needs, their common
    placeholders filled; ``{titel}``, ``{diarienummer}``, ``{datum}`` … stay for the export and
    the printer. Raises KeyError for a label the definition lacks (validate reports it first)."""
    kept = {name: "{" + name + "}" for name in _KEPT}
    texts = {}
    for key in NAVIGATION_KEYS:
        name = f"rapport.{key}"
        if name == SIDE_BY_SIDE and name not in labels.values:
            name = "rapport.uppräkning"  # a definition older than the label (it is optional)
        texts[key] = labels(name, **kept)
    return texts


SIDE_BY_SIDE = "rapport.sida_vid_sida"


def report_title(title: str, period_name: str | None, labels: Labels) -> str:
    """The report's title (page heading, page title, printed footer, PDF metadata): the params'
    ``titel``, with the period's name (``perioder:`` in rapport.yaml, e.g. ``Delår``) after it
    by the template ``rapport.titel_med_period`` when the report is for a period before year end
    (``period_name`` given) and the title does not already name it (``title_names_period``:
    ``Delårsrapport 2016`` names ``Delår``, ``Tertialrapport 1 2017`` names ``Tertial 1``).
    Without that label: the title as written."""
    if not period_name or title_names_period(title, period_name):
        return title
    if "rapport.titel_med_period" not in labels.values:
        return title
    return labels("rapport.titel_med_period", titel=title, period=period_name)


def title_names_period(title: str, period_name: str) -> bool:
    """Whether ``title`` names the period ``period_name``, case aside: each of the name's words
    begins a word of the title (Swedish compounds: ``Delår`` in ``Delårsrapport``, ``Tertial``
    in ``Tertialrapport``), a number as a whole word (``Tertial 2`` is not named by
    ``Tertialrapport 2017``)."""
    words = re.findall(r"\w+", title.casefold())

    def named(part: str) -> bool:
        if part.isdigit():
            return part in words
        return any(word.startswith(part) for word in words)

    parts = re.findall(r"\w+", period_name.casefold())
    return bool(parts) and all(named(part) for part in parts)


def fill_kept(text: str, **values: str) -> str:
    """``text`` with the kept placeholders named in ``values`` filled, in one pass (a value
    that itself contains ``{titel}`` stays as written)."""
    return _KEPT_PATTERN.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def page_numbers_css(pattern: str) -> Markup:
    """The label ``rapport.sidnummer`` (``Sida {sida} av {sidor}``) as a CSS ``content`` value:
    its words as escaped CSS strings, ``{sida}``/``{sidor}`` as the page counters."""
    counters = {"sida": "counter(page)", "sidor": "counter(pages)"}
    parts = []
    # Split on the placeholders: the odd pieces are their names, the even ones the words.
    for index, piece in enumerate(re.split(r"\{(sida|sidor)\}", pattern)):
        if index % 2:
            parts.append(counters[piece])
        elif piece:
            parts.append(str(css_string(piece)))
    return Markup(" ".join(parts) or '""')


def colophon_parts(pattern: str, version: str) -> tuple[str, str]:
    """The colophon (``rapport.kolofon``) around its ``{fingeravtryck}``, which the template
    sets as code; without the placeholder the fingerprint follows the text."""
    before, _, after = fill_kept(pattern, version=version).partition("{fingeravtryck}")
    return before, after


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element.

    Every character but letters, digits, a few punctuation marks and non-ASCII letters is written
    as a CSS escape (``<`` → ``\\3c ``), so no quote, backslash, ``<`` or ``&`` survives: the
    string can neither end itself nor the ``<style>`` element. That makes it ``Markup``.
    """
    escaped = "".join(
        ch
        if ch.isalnum() or ch in " .,:;()–-·/+" or (ord(ch) > 127 and ch.isprintable())
        else f"\\{ord(ch):x} "
        for ch in text
    )
    return Markup(f'"{escaped}"')


def side_by_side(pattern: str, parts: Iterable[str]) -> str:
    """The non-empty ``parts`` on one line, put together pair by pair by the template
    ``rapport.sida_vid_sida`` (``pattern``, e.g. ``{lista} · {nästa}``: ``{lista}`` what is
    joined so far, ``{nästa}`` the next part); a part's own braces stay as written."""
    return join_with(
        lambda so_far, part: fill_kept(pattern, lista=so_far, nästa=part),
        (part for part in parts if part),
    )


def page_label(parts: Iterable[str], pattern: str) -> Markup:
    """What every printed page says at its foot: title, unit and, when the params give one,
    the diarienummer (``parts``, the diarienummer already worded by its label), side by side
    (``pattern``: ``rapport.sida_vid_sida``), as a CSS string. The printing date is added by
    ``pdf`` when it prints; the data fingerprint is in the colophon."""
    return css_string(side_by_side(pattern, parts))


def section_ends(nb: nbformat.NotebookNode) -> list[str]:
    """Ids of the last cell of each section (cells are named ``<section>-<n>``), but the
    summary's: after each, a link leads back to the table of contents."""
    ends: dict[str, str] = {}
    for cell in nb.cells:
        ends[cell.id.rsplit("-", 1)[0]] = cell.id
    summary = summary_cell_id(nb)
    return [cell_id for cell_id in ends.values() if cell_id != summary]


def render_report(
    executed: list[Path],
    *,
    title: str,
    unit_name: str,
    municipality: str,
    fingerprint: str,
    texts: Mapping[str, str],
    diary_number: str | None = None,
    pdf_href: str | None = None,
    index_href: str | None = None,
    draft: dict[str, str] | None = None,
) -> str:
    """The report's HTML from its executed sections.

    ``texts`` are the definition's labels around the sections (:func:`navigation_texts`:
    contents, back to the contents, all reports, PDF, diarienummer, printed on, page title,
    page numbers, colophon, PDF subject); ``pdf_href`` and ``index_href`` link
    to the report's PDF and the index when they exist. ``draft`` (``signoff.draft_mark``:
    ``mark`` and ``text``) puts a visible draft mark under the header and, in print, at the top
    of every page. Nothing in it depends on where or when it was built (no paths, times or
    random ids), so the same inputs give the same bytes.
    """
    nb = assemble(executed)
    unique_report_ids(nb)
    diary = fill_kept(texts["diarienummer"], diarienummer=diary_number) if diary_number else ""
    subject = fill_kept(texts["ämne"], titel=title)
    joined = texts["sida_vid_sida"]
    own_name = unit_name if unit_name != municipality else ""  # the kommun's report: said once
    resources = {
        "workbook": {
            "title": title,
            "unit_name": unit_name,
            "municipality": municipality,
            "fingerprint": fingerprint,
            "version": __version__,
            "csp": CONTENT_SECURITY_POLICY,
            "css": Markup(CSS_FILE.read_text(encoding="utf-8")),  # the workbook's own file
            "toc": table_of_contents(nb),
            "toc_after": summary_cell_id(nb),
            "page_label": page_label((title, unit_name, diary), joined),
            "page_label_text": side_by_side(joined, (title, unit_name, diary)),
            # The printed page's foot with {datum} left for the printer (``pdf.print_copy``).
            "page_foot": side_by_side(joined, (title, unit_name, diary, texts["utskriven"])),
            "footer_text": side_by_side(joined, (title, own_name, municipality, diary)),
            "texts": texts,
            "page_title": fill_kept(texts["sidtitel"], titel=title, enhetsnamn=unit_name),
            "page_numbers": page_numbers_css(texts["sidnummer"]),
            "colophon": colophon_parts(texts["kolofon"], __version__),
            "subject": subject,
            "diary": diary,
            "pdf_href": pdf_href,
            "index_href": index_href,
            "section_ends": section_ends(nb),
            "draft": draft,
            "draft_label": css_string(draft["mark"]) if draft else None,
        }
    }
    body, _ = exporter().from_notebook_node(nb, resources=resources)
    return body
