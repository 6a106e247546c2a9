"""Every report ``make report`` builds, and the index, read in Debian's Chromium as a board member
reads them: desktop, tablet and phones.

One year is built once per session (``conftest.built_year``): each unit of 2016 — the invented
example among them — for helår and delår, and the kommun's consolidated reports. The pages to
check are found on disk, so a unit or period added to the example data is checked too. Each
check runs on every page and reports all failures at once, named by page and width; each page
is opened once and laid out at each width in turn for all the checks of that width (``survey``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

pytest.register_assert_rewrite("browser")

from browser import (  # noqa: E402
    DESKTOP,
    PHONE,
    TABLET,
    describe_violations,
    focus_ring_contrasts,
    open_page,
    phone_layout_problems,
    repeated_names,
    run_axe,
    run_htmlcs,
)
from conftest import PrintedYear, report_files  # noqa: E402
from pdf_structure import (  # noqa: E402
    captions_apart_from_their_content,
    headings_apart_from_their_content,
    outline_titles,
    pages_with_untagged_text,
    tables_ending_in_a_lone_row,
)

from helpers.building.index_page import INDEX_NAME  # noqa: E402
from helpers.core.paths import CONSOLIDATED, Project  # noqa: E402
from helpers.data.params import units_of_year  # noqa: E402
from helpers.data.unit_data import load_unit_info  # noqa: E402
from helpers.parts.dates import format_date  # noqa: E402

pytest_plugins = ["browser"]
YEAR = 2016
PHONES = (390, 320)


def pages(project: Project) -> list[Path]:
    """The index and every built report of the year (all periods), as found on disk."""
    found = report_files(project.reports, f"{YEAR}/**/*.html")
    return [project.reports / INDEX_NAME, *found]


@pytest.fixture(scope="module")
def printed(built_year: Project, printed_year: PrintedYear) -> dict[Path, Path]:
    """Every built report printed once, as ``workbook build --pdf`` prints it (on a fixed
    date): report → its PDF. The session's print of the year (``conftest.printed_year``, which
    ``test_pdf`` reads too)."""
    found = {report: printed_year.pdf_of(report) for report in pages(built_year)[1:]}
    assert all(target.is_file() for target in found.values())
    return found


def test_every_kind_of_report_is_built(built_year: Project) -> None:
    """The pages below are all of them: a report per unit and period, both consolidated
    reports, an invented unit among the units, and the index (not a browser test, so the year
    is built before the browser starts)."""
    built = {path.relative_to(built_year.reports).as_posix() for path in pages(built_year)}
    expected = {INDEX_NAME}
    for period in ("helar", "delar"):
        seen = built_year.for_period(period)
        for unit in [*units_of_year(YEAR, seen), CONSOLIDATED]:
            expected.add(seen.report_file(YEAR, unit).relative_to(built_year.reports).as_posix())
    assert built == expected
    assert all(path.is_file() for path in pages(built_year))
    invented = [
        u for u in units_of_year(YEAR, built_year) if load_unit_info(u, built_year)[0].invented
    ]
    assert invented and len(invented) < len(units_of_year(YEAR, built_year))


@dataclass
class Seen:
    """What the checks found on one page at one width (``survey``)."""

    axe: str  # axe-core's violations, described; empty when none
    htmlcs: list[tuple[str, str]]  # HTML_CodeSniffer's errors (code, element)
    blocked: list[str]  # requests outside the page that were aborted (at any width)
    layout: dict[str, list]  # phone_layout_problems
    focus: tuple[int, list] | None  # focus_ring_contrasts, at the widths that check it
    repeated: dict[str, list] | None  # repeated_names, likewise
    links: dict | None  # hrefs, sections and back links, on the desktop
    styled_as: int  # the width whose style-dependent checks stand for this one (``survey``)


# axe-core rules (WCAG 2.0/2.1 A and AA) that measure the laid-out boxes themselves, so they run
# at every width: whether a region's content overflows it (2.1.1).
GEOMETRY_RULES = ["scrollable-region-focusable"]

# Declarations that move boxes without changing what is shown or how it looks: no colour,
# background, opacity, font, visibility, clipping, overflow, position, stacking or margin.
# ``display`` too, unless it hides (``none``) or unboxes (``contents``) the element.
LAYOUT_ONLY = re.compile(
    r"(min-|max-)?width|flex(-grow|-shrink|-basis|-direction|-wrap|-flow)?|order"
    r"|grid-(template|auto|row|column|area)(-[a-z]+)?|(row-|column-)?gap"
    r"|(justify|align)-(content|items|self)|padding(-(top|right|bottom|left))?"
    r"|text-align|white-space(-collapse)?|text-wrap(-mode|-style)?|overflow-wrap|word-break"
)


def layout_only(declarations: list[list[str]]) -> bool:
    """Whether every ``[property, value]`` only moves boxes (``LAYOUT_ONLY``)."""
    return all(
        LAYOUT_ONLY.fullmatch(name) or (name == "display" and value not in ("none", "contents"))
        for name, value in declarations
    )


def media_state(page) -> dict:  # noqa: ANN001
    """The page's stylesheets as the current viewport applies them: the ``@media`` rules that
    match (by their place in the sheets), the declarations of every ``@media`` rule, the
    elements not shown (``hidden``: their places in document order, where ``checkVisibility``
    finds them or an ancestor ``display: none``, ``content-visibility: hidden`` or
    ``visibility: hidden``), and whatever would make the style depend on the viewport in
    another way (``unsafe``: a viewport unit in any declaration or ``style`` attribute, a
    container query, an import, or a rule inside ``@media`` that is neither a style rule,
    another ``@media`` nor an ``@page`` (which lays out printed pages only))."""
    return page.evaluate(
        """() => {
        const out = {matching: [], rules: {}, unsafe: [], hidden: []};
        [...document.querySelectorAll('*')].forEach((el, i) => {
            if (!el.checkVisibility({visibilityProperty: true})) out.hidden.push(i); });
        const units = /[0-9.](s|l|d)?(vw|vh|vi|vb|vmin|vmax)\b/;
        const walk = (rules, path, inMedia) => { [...rules].forEach((rule, i) => {
            const key = `${path}/${i}`;
            if (rule instanceof CSSMediaRule) {
                if (matchMedia(rule.media.mediaText).matches) out.matching.push(key);
                out.rules[key] = [];
                for (const inner of rule.cssRules) if (inner instanceof CSSStyleRule)
                    for (const name of inner.style) out.rules[key].push(
                        [name, inner.style.getPropertyValue(name).trim()]);
                walk(rule.cssRules, key, true);
            } else if (rule instanceof CSSContainerRule || rule instanceof CSSImportRule
                       || (inMedia && !(rule instanceof CSSStyleRule
                                        || rule instanceof CSSPageRule))) {
                out.unsafe.push(rule.cssText.slice(0, 80));
            }
            if (units.test(rule.cssText)) out.unsafe.push(rule.cssText.slice(0, 80));
        }); };
        [...document.styleSheets].forEach((sheet, i) => walk(sheet.cssRules, `s${i}`, false));
        for (const el of document.querySelectorAll('[style]'))
            if (units.test(el.getAttribute('style'))) out.unsafe.push(el.outerHTML.slice(0, 80));
        return out; }"""
    )


def styled_alike(one: dict, other: dict) -> bool:
    """Whether two ``media_state`` of a page show it alike: nothing unsafe, the same elements
    shown, and the ``@media`` rules that match at one width but not the other only move boxes
    (``layout_only``). (The elements shown are compared as well, since a ``display`` that
    moves boxes, ``block`` say, also shows an element that a rule outside it hides.)"""
    if one["unsafe"] or other["unsafe"] or one["hidden"] != other["hidden"]:
        return False
    differing = set(one["matching"]) ^ set(other["matching"])
    return all(layout_only(one["rules"][key]) for key in differing)


FOCUS_WIDTHS = (DESKTOP["width"], PHONES[0])
LAYOUT_WIDTHS = (TABLET["width"], *PHONES)
WIDTHS = (DESKTOP["width"], *LAYOUT_WIDTHS)


def screen(width: int) -> dict[str, int]:
    """The viewport of a reader at ``width``: a desktop, a tablet (768 × 1024) or a phone (844
    high, as an iPhone)."""
    for shape in (DESKTOP, TABLET):
        if shape["width"] == width:
            return dict(shape)
    return {"width": width, "height": PHONE["height"]}


def look(page, width: int, styled: dict[int, tuple[dict, Seen]]) -> Seen:  # noqa: ANN001
    """Every check that concerns ``width`` on the open page, laid out at ``width``: the layout
    first (scrolled to the top and left, nothing focused, as a reader opening the page sees
    it), then axe-core and HTML_CodeSniffer, then the focus ring (it focuses every element in
    turn), names and links.

    ``styled`` holds, for each width already looked at with every rule, its ``media_state`` and
    what it found. When the page is styled alike at ``width`` and one of them
    (``styled_alike``), the style-dependent checks — every axe-core rule but
    ``GEOMETRY_RULES``, and HTML_CodeSniffer — find what they found there and are not run again
    (see ``survey``); the geometry rules always run."""
    page.set_viewport_size(screen(width))
    page.evaluate(
        """() => {
        if (document.activeElement) document.activeElement.blur();
        for (const el of [document.scrollingElement, ...document.querySelectorAll('*')])
            if (el && (el.scrollLeft || el.scrollTop)) el.scrollTo(0, 0);
        return new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
        }"""
    )
    assert page.evaluate("[innerWidth, scrollX, scrollY]") == [width, 0, 0]
    layout = phone_layout_problems(page, width) if width in LAYOUT_WIDTHS else {}
    state = media_state(page)
    alike = next((w for w, (other, _) in styled.items() if styled_alike(state, other)), None)
    if alike is None:
        axe = describe_violations(run_axe(page))
        htmlcs = [(e["code"], e["element"]) for e in run_htmlcs(page)]
    else:
        found = styled[alike][1]
        axe = "\n".join(
            part for part in (describe_violations(run_axe(page, GEOMETRY_RULES)), found.axe) if part
        )
        htmlcs = found.htmlcs
    focus = focus_ring_contrasts(page) if width in FOCUS_WIDTHS else None
    repeated = repeated_names(page) if width in FOCUS_WIDTHS else None
    links = None
    if width == DESKTOP["width"]:
        links = page.evaluate(
            """() => {
            const hrefs = [...document.querySelectorAll('a[href]')].map(a => a.href);
            return {hrefs, sections: document.querySelectorAll('main h2').length,
                    back: [...document.querySelectorAll('.wb-back a')].length};
            }"""
        )
    seen = Seen(axe, htmlcs, [], layout, focus, repeated, links, alike or width)
    if alike is None:
        styled[width] = (state, seen)
    return seen


@pytest.fixture(scope="module")
def survey(built_year: Project, browser) -> Callable[[int], dict[Path, Seen]]:  # noqa: ANN001
    """Every page at every width: each page is opened once and laid out at each width in turn
    for all the checks of that width (``look``), the requests it tried outside itself recorded
    across all of them.

    No page has a script (asserted here for every page), so what a page shows at a width
    is its HTML laid out by the stylesheet's media queries for that viewport: resizing the open
    page lays it out as a fresh opening at that width would (the state a check leaves — scroll
    positions, focus — is reset first; the focus check closes again the ``<details>`` it
    opens), and the page is read and parsed once instead of once per width.

    What a page shows at a width differs from another width only by the ``@media`` rules that
    match at one and not the other (with no viewport unit, container query or import in its
    styles: ``media_state`` finds those and then nothing is shared). When those rules only move
    boxes (``layout_only``: widths, paddings, flex and grid, ``display`` other than ``none``)
    and the same elements are shown at both (a ``display: block`` could show one that a rule
    outside it hides: ``media_state`` lists the hidden ones), every element has the same
    colours, backgrounds, opacity, font size and weight and visibility at both widths, so the
    checks that read those — axe-core's colour contrast (colours, backgrounds and the large-text
    size), its markup rules (which skip hidden elements) and HTML_CodeSniffer (markup, computed
    colours and visibility) — find the same, and are run at the first of those widths only; the
    rules that measure the laid-out boxes (``GEOMETRY_RULES``) run at every width, as do the
    layout, focus and link checks. (Both tools also count as hidden what lies off the page or
    outside a clipping box; rules that move boxes could only do that by pushing text off the
    screen or out of its cell, which the layout check asserts against at every phone width.)
    With today's stylesheet that shares 320 px with 390 px: only the small phones' block (text
    values under their label: ``display: block``, ``max-width``) differs between them; 1280, 768
    and 390 px differ in colours (zebra rows), font sizes (large text) or what is hidden (the
    narrow charts, the fixed back link) and are each checked in full. The check is made on every
    page at every width, so a colour added to a phone's block makes 320 px checked in full
    again."""
    seen: dict[int, dict[Path, Seen]] = {width: {} for width in WIDTHS}
    for path in pages(built_year):
        opened = open_page(browser, path.as_uri(), screen(WIDTHS[0]))
        try:
            # What makes resizing equal to reopening (see above): no page runs a script.
            assert opened.page.evaluate("document.scripts.length") == 0, path
            styled: dict[int, tuple[dict, Seen]] = {}
            for width in WIDTHS:
                seen[width][path] = look(opened.page, width, styled)
            blocked = list(opened.blocked.urls)
        finally:
            opened.page.context.close()
        for width in WIDTHS:
            seen[width][path].blocked = blocked
    return seen.__getitem__


def named(project: Project, path: Path) -> str:
    return path.name if path.name == INDEX_NAME else str(path.relative_to(project.reports))


def test_only_declarations_that_move_boxes_let_widths_share_the_style_checks() -> None:
    """``styled_alike`` (what lets ``survey`` run the style-dependent checks once for two
    widths) refuses any differing ``@media`` rule that changes colour, background, opacity, font,
    visibility, clipping, position or margins, and anything viewport-dependent elsewhere."""
    moves = [["display", "block"], ["max-width", "none"], ["padding-left", "0.2rem"]]
    assert layout_only(moves)
    for shows in (
        ["color", "rgb(0, 0, 0)"], ["background-color", "transparent"], ["background", "none"],
        ["opacity", "0.5"], ["font-size", "0.85rem"], ["font-weight", "700"], ["display", "none"],
        ["display", "contents"], ["visibility", "hidden"], ["clip", "rect(0px, 0px, 0px, 0px)"],
        ["position", "absolute"], ["overflow-x", "hidden"], ["margin-top", "-1rem"],
        ["z-index", "2"], ["content", "attr(data-label)"], ["text-shadow", "none"],
    ):  # fmt: skip
        assert not layout_only([*moves, shows]), shows
    base = {"matching": ["s0/1"], "rules": {"s0/1": [], "s0/2": moves}, "unsafe": [], "hidden": []}
    assert styled_alike(base, {**base, "matching": ["s0/1", "s0/2"]})
    coloured = {**base, "rules": {**base["rules"], "s0/2": [*moves, ["color", "red"]]}}
    assert not styled_alike(coloured, {**coloured, "matching": ["s0/1", "s0/2"]})
    assert not styled_alike(base, {**base, "unsafe": ["h1 { font-size: 4vw; }"]})


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_axe_and_htmlcs_find_nothing_on_any_page(built_year: Project, survey, width: int) -> None:
    """axe-core (WCAG 2.0/2.1 A and AA) and HTML_CodeSniffer (WCAG2AA): zero on every page."""
    failures = {}
    for path, seen in survey(width).items():
        if seen.axe or seen.htmlcs:
            failures[named(built_year, path)] = (seen.axe, seen.htmlcs[:5])
        assert seen.blocked == [], path
    assert failures == {}


@pytest.mark.browser
@pytest.mark.parametrize("width", LAYOUT_WIDTHS)
def test_no_page_needs_sideways_scrolling_and_chart_text_stays_readable(
    built_year: Project, survey, width: int
) -> None:
    """At tablet and phone widths: no page wider than the screen, every row header and value
    on screen (tables stack on phones), each stacked value in one piece beside its column's
    name, chart text at least 11 px as displayed, and in tables and the summary's cards (the
    goal overview among them) no word broken where it would fit and no text clipped."""
    failures = {}
    for path, seen in survey(width).items():
        problems = {k: v for k, v in seen.layout.items() if v}
        if width > max(PHONES):  # a tablet may scroll a wide table (with its cue)
            problems.pop("scrolling", None)
            problems.pop("off_screen", None)
            problems.pop("unlabelled", None)
        if problems:
            failures[named(built_year, path)] = problems
    assert failures == {}


@pytest.mark.browser
@pytest.mark.parametrize("width", FOCUS_WIDTHS)
def test_focus_ring_and_unique_names_on_every_page(built_year: Project, survey, width: int) -> None:
    """The focus ring has at least 3:1 against every background it is drawn on; no two table
    regions and no two chart-data buttons share a name."""
    failures = {}
    for path, seen in survey(width).items():
        assert seen.focus is not None and seen.repeated is not None
        checked, weak = seen.focus
        repeated = {k: v for k, v in seen.repeated.items() if v}
        assert checked > 5, path
        if weak or repeated:
            failures[named(built_year, path)] = (weak[:5], repeated)
    assert failures == {}


@pytest.mark.browser
def test_every_report_links_to_the_index_its_pdf_and_back_to_the_contents(
    built_year: Project, survey
) -> None:
    """Each report: a link to the index, no link to a PDF that is not there (a build without
    ``--pdf`` prints none), and after each
    section a way back to the contents."""
    failures = {}
    index = (built_year.reports / INDEX_NAME).as_uri()
    for path in pages(built_year)[1:]:
        found = survey(DESKTOP["width"])[path].links
        assert found is not None
        dead = [
            h
            for h in found["hrefs"]
            if h.startswith("file:") and not Path(unquote(urlparse(h).path)).exists()
        ]
        missing = [index] if index not in found["hrefs"] else dead
        if missing or found["back"] < found["sections"] - 2:
            failures[named(built_year, path)] = (missing, found["back"])
    assert failures == {}


@pytest.mark.browser
def test_no_printed_heading_or_caption_is_left_at_a_page_foot(
    built_year: Project, printed: dict[Path, Path]
) -> None:
    """Every report's PDF, read from its structure tags: each heading — a goal's heading with
    its assessment line as one group — is on the page where its content begins (so no page ends
    with a heading), each caption on the page of the table or chart it names, and no table's
    last row (a total) alone at the head of a page."""
    import pikepdf

    failures = {}
    for report, target in printed.items():
        with pikepdf.open(target) as document:
            apart = headings_apart_from_their_content(document)
            captions = captions_apart_from_their_content(document)
            rows = tables_ending_in_a_lone_row(document)
        if apart or captions or rows:
            failures[str(report.relative_to(built_year.reports))] = (apart, captions, rows)
    assert len(printed) == len(pages(built_year)) - 1 and failures == {}


@pytest.mark.browser
@pytest.mark.parametrize(
    ("period", "unit"), [("helar", CONSOLIDATED), ("helar", "exempel"), ("delar", "von")]
)
def test_the_pdf_of_each_kind_of_report_is_archive_grade(
    built_year: Project, printed: dict[Path, Path], period: str, unit: str
) -> None:
    """The consolidated report, the invented example and another period's report print as
    klk does (``test_pdf``): metadata from the report (author = its kommun), alt text on every
    figure, bookmarks with the headings' words, nothing drawn outside the structure tree, a page
    number for every contents entry, and the diarienummer in the footer when params give one."""
    import re
    import shutil
    import subprocess

    import pikepdf
    from bs4 import BeautifulSoup

    from helpers.building.pdf_finish import figures_without_alt
    from helpers.data.params import load_params

    seen = built_year.for_period(period)
    report = seen.report_file(YEAR, unit)
    target = printed[report]
    soup = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser")
    municipality = soup.select_one(".wb-municipality").get_text(strip=True)
    assert figures_without_alt(target.read_bytes()) == []
    headings = {" ".join(h.get_text(" ").split()) for h in soup.find_all(["h1", "h2", "h3", "h4"])}
    with pikepdf.open(target) as document:
        assert str(document.docinfo["/Author"]) == municipality
        assert str(document.docinfo["/Title"]) == soup.title.get_text(strip=True)
        assert (
            str(document.docinfo["/Subject"])
            == soup.find("meta", {"name": "description"})["content"]
        )
        assert str(document.Root.Lang) == soup.html["lang"]
        titles = outline_titles(document)
        assert titles and [t for t in titles if t not in headings] == []
        assert pages_with_untagged_text(document) == []
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) saknas")
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    title = soup.select_one("#innehallsforteckning").get_text(" ").strip()
    contents = next(p for p in pages if re.search(rf"^\s*{re.escape(title)}\s*$", p, re.M))
    for entry in soup.select(".wb-toc a"):
        words = r"\s+".join(re.escape(word) for word in entry.get_text(" ").split())
        assert re.search(words + r"[ \t]+\d+[ \t]*$", contents, re.M), entry.get_text()
    diary = None if unit == CONSOLIDATED else load_params(YEAR, unit, seen).diary_number
    if diary:
        assert all(diary in " ".join(page.split()) for page in pages)
    import datetime

    printed = format_date(datetime.date(2017, 2, 15))  # the printing date, as a reader reads it
    assert all(printed in " ".join(page.split()) for page in pages)
