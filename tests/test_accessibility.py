"""The built report in Debian's Chromium: what axe-core and HTML_CodeSniffer cannot judge.

One report is built per session (``built_klk``) and opened once per viewport; every test reads
the same page. The network is blocked: the report must show everything from itself.

axe-core (WCAG 2.0/2.1 A and AA) and HTML_CodeSniffer (WCAG2AA) are run on this report — at
1280, 768 × 1024, 390 and 320 px, the widths these tests used — by
``test_a11y_every_report.test_axe_and_htmlcs_find_nothing_on_any_page``, which checks every
page of the session's year (``built_klk`` is one of them) with the same ``run_axe`` and
``run_htmlcs``; they are not run a second time here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.register_assert_rewrite("browser")

from browser import (  # noqa: E402  (after the rewrite hook: browser.py is also a plugin)
    DESKTOP,
    TABLET,
    heading_gaps,
    heading_levels,
    open_page,
)

pytest_plugins = ["browser"]
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def desktop(built_klk: Path, browser):
    opened = open_page(browser, built_klk.resolve().as_uri(), DESKTOP)
    yield opened
    opened.page.context.close()


@pytest.fixture(scope="module")
def tablet(built_klk: Path, browser):
    opened = open_page(browser, built_klk.resolve().as_uri(), TABLET)
    yield opened
    opened.page.context.close()


@pytest.mark.parametrize("width", [390, 320])
def test_phones_show_every_table_and_chart_without_sideways_scrolling(
    built_klk: Path, browser, width: int
) -> None:
    """Rows stack: each row header and value is on screen, no table scrolls, the page is no
    wider than the phone, and chart text is at least 11 px as displayed."""
    opened = open_page(browser, built_klk.resolve().as_uri(), {"width": width, "height": 844})
    page = opened.page
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        scrolling = page.evaluate(
            "[...document.querySelectorAll('.wb-table-wrap')]"
            ".filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.getAttribute('aria-label'))"
        )
        assert scrolling == []
        off_screen = page.evaluate(
            f"""[...document.querySelectorAll('.wb-table tbody th, .wb-table tbody td')]
            .filter(c => {{ const r = c.getBoundingClientRect();
                           return r.width > 0 && (r.left < 0 || r.right > {width} + 1); }})
            .map(c => c.textContent.slice(0, 40))"""
        )
        assert off_screen == []
        # Every value shows its column's name beside it.
        unlabelled = page.evaluate(
            "[...document.querySelectorAll('.wb-table td')].filter(td => "
            "getComputedStyle(td, '::before').content === 'none' && td.dataset.label).length"
        )
        assert unlabelled == 0
        smallest = page.evaluate(
            """() => { let smallest = 99;
            for (const svg of document.querySelectorAll('.wb-chart svg')) {
              const box = svg.getBoundingClientRect();
              if (!box.width) continue;
              const scale = box.width / svg.width.baseVal.value;
              for (const t of svg.querySelectorAll('text'))
                smallest = Math.min(smallest, parseFloat(t.getAttribute('font-size')) * scale);
            } return smallest; }"""
        )
        assert 11 <= smallest < 99
    finally:
        page.context.close()


def test_the_focus_ring_has_3_to_1_contrast_on_every_background(desktop) -> None:
    """Every focusable element is focused in turn; its outline colour against the background it
    is drawn on (the nearest ancestor's opaque background) is at least 3:1 (WCAG 1.4.11, 2.4.7).

    A link inside a closed ``<details>`` is not in the focus order until a reader opens it, so
    every ``<details>`` is opened first (and closed again after): each link is checked as the
    reader reaches it. An element that still has no box (not rendered on this viewport) cannot
    take focus and is skipped; one that is rendered but refuses focus counts as having no ring.
    """
    ratios, links_in_closed_details = desktop.page.evaluate(
        """() => {
        const closed = [...document.querySelectorAll('details:not([open])')];
        closed.forEach(d => { d.open = true; });
        const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
        const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
            .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
        const background = el => { for (let e = el.parentElement; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length === 3 || c[3] > 0) return c.slice(0, 3); } return [255, 255, 255]; };
        const out = [];
        for (const el of document.querySelectorAll('a[href], summary, [tabindex="0"]')) {
            if (el.getClientRects().length === 0) continue;  // not rendered: not focusable
            el.focus();
            const style = getComputedStyle(el);
            const name = el.outerHTML.slice(0, 60);
            if (document.activeElement !== el || style.outlineStyle === 'none') {
                out.push([name, 0]); continue; }
            const a = lum(rgb(style.outlineColor)), b = lum(background(el));
            out.push([name, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]);
        }
        document.activeElement.blur();
        closed.forEach(d => { d.open = false; });
        const inClosed = closed.reduce((n, d) => n + d.querySelectorAll('a[href]').length, 0);
        return [out, inClosed]; }"""
    )
    assert len(ratios) > 20
    assert links_in_closed_details > 0  # the activity counts' lists, checked as opened
    weak = [(element, round(ratio, 2)) for element, ratio in ratios if ratio < 3]
    assert weak == []


def test_table_regions_and_chart_data_buttons_have_unique_names(desktop) -> None:
    names = desktop.page.evaluate(
        "[...document.querySelectorAll('[role=region]')].map(r => r.getAttribute('aria-label'))"
    )
    buttons = desktop.page.evaluate(
        "[...document.querySelectorAll('.wb-chart-data summary')].map(s => s.textContent.trim())"
    )
    assert len(names) > 10 and len(set(names)) == len(names), [
        n for n in names if names.count(n) > 1
    ]
    assert len(buttons) > 5 and len(set(buttons)) == len(buttons)


def test_language_title_and_headings(desktop) -> None:
    page = desktop.page
    assert page.evaluate("document.documentElement.lang") == "sv"
    assert page.title() == (
        "Verksamhetsuppföljning 2016 – Kommunledningskontoret (KLK), Hjo kommun"
    )
    levels = heading_levels(page)
    assert levels.count(1) == 1 and levels[0] == 1
    assert heading_gaps(levels) == []
    assert page.inner_text("h1") == "Verksamhetsuppföljning 2016"


def test_missing_chromium_skips_locally_but_fails_in_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import browser

    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        browser.require_chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        browser.require_chromium()


def test_heading_gap_check_catches_a_skipped_level() -> None:
    assert heading_gaps([1, 2, 3, 2, 3, 4, 2]) == []
    assert heading_gaps([1, 2, 4]) == [(2, 4)]
    assert heading_gaps([1, 3]) == [(1, 3)]


def test_summary_comes_first(desktop) -> None:
    h2_ids = desktop.page.eval_on_selector_all("main h2", "els => els.map(e => e.id)")
    assert h2_ids[:2] == ["sammanfattning", "innehallsforteckning"]  # contents follow
    first_visible = desktop.page.evaluate(
        """() => [...document.querySelector('main').children]
            .find(e => e.getBoundingClientRect().height > 0).className"""
    )
    assert first_visible == "wb-summary-page"
    box = desktop.page.locator(".wb-summary-page").bounding_box()
    assert box["y"] < 300  # right under the title, no scrolling needed


def test_tables_have_captions_header_cells_and_no_empty_cells(desktop) -> None:
    report = desktop.page.evaluate(
        """() => [...document.querySelectorAll('table')].map(t => ({
            caption: t.caption ? t.caption.textContent.trim() : '',
            colHeaders: t.querySelectorAll('thead th[scope=col]').length,
            rows: t.tBodies[0].rows.length,
            rowHeaders: t.querySelectorAll('tbody th[scope=row]').length,
            empty: [...t.querySelectorAll('th, td')].filter(c => !c.textContent.trim()).length,
        }))"""
    )
    assert len(report) > 20
    for table in report:
        assert table["caption"], table
        assert table["colHeaders"] >= 2, table
        assert table["rowHeaders"] == table["rows"], table
        assert table["empty"] == 0, table


def test_numbers_are_right_aligned_and_deficits_marked(desktop) -> None:
    cells = desktop.page.evaluate(
        """() => [...document.querySelectorAll('td.num')].map(c => ({
            align: getComputedStyle(c).textAlign,
            neg: c.classList.contains('neg'),
            text: c.textContent,
            colour: getComputedStyle(c).color,
        }))"""
    )
    assert cells and all(c["align"] == "right" for c in cells)
    negatives = [c for c in cells if c["neg"]]
    assert negatives
    for cell in negatives:
        assert "\u2212" in cell["text"], cell  # in text …
        assert cell["colour"] == "rgb(166, 27, 27)", cell  # … and in colour


def test_charts_have_text_alternatives_and_are_visible(desktop) -> None:
    charts = desktop.page.evaluate(
        """() => [...document.querySelectorAll('figure.wb-figure')].map(f => {
            const svg = f.querySelector('svg');
            const box = svg.getBoundingClientRect();
            return {
                role: svg.getAttribute('role'),
                label: svg.getAttribute('aria-label') || '',
                caption: f.querySelector('figcaption').textContent.trim(),
                dataRows: f.querySelectorAll('details table tbody tr').length,
                width: box.width, height: box.height,
                fits: box.right <= document.documentElement.clientWidth,
            };
        })"""
    )
    assert len(charts) >= 10
    for chart in charts:
        assert chart["role"] == "img", chart
        assert chart["label"].startswith("Diagram: "), chart
        assert chart["caption"].startswith(chart["label"]), chart
        assert chart["dataRows"] >= 2, chart
        assert chart["width"] > 100 and chart["height"] > 50, chart
        assert chart["fits"], chart


def test_charts_and_tables_fit_a_tablet(tablet) -> None:
    overflow = tablet.page.evaluate(
        """() => [...document.querySelectorAll('svg, table')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
            .length"""
    )
    assert overflow == 0
    width = tablet.page.evaluate("document.documentElement.scrollWidth")
    assert width <= TABLET["width"]


def test_assessment_has_word_and_symbol_not_only_colour(desktop) -> None:
    badges = desktop.page.eval_on_selector_all(
        ".wb-assessment .wb-badge",
        """els => els.map(e => ({
            symbol: e.querySelector('[aria-hidden=true]').textContent,
            text: e.textContent.trim(),
        }))""",
    )
    assert badges
    for badge in badges:
        assert badge["symbol"] in {"✔", "◐", "✘"}
        word = badge["text"].replace(badge["symbol"], "").strip()
        assert word in {"Uppfyllt", "Delvis uppfyllt", "Ej uppfyllt"}


def test_the_report_requests_nothing_outside_itself(desktop) -> None:
    assert desktop.blocked.urls == []
    resources = desktop.page.evaluate("performance.getEntriesByType('resource').map(r => r.name)")
    assert all(url.startswith(("file:", "data:")) for url in resources), resources
    assert desktop.page.evaluate("document.scripts.length") == 0
