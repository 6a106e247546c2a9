"""The built report in Debian's Chromium: WCAG 2.1 AA by axe-core, and what axe cannot judge.

One report is built per session (``built_klk``) and opened once per viewport; every test reads
the same page. The network is blocked: the report must show everything from itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.register_assert_rewrite("browser")

from browser import (  # noqa: E402  (after the rewrite hook: browser.py is also a plugin)
    DESKTOP,
    PHONE,
    TABLET,
    describe_violations,
    heading_gaps,
    heading_levels,
    open_page,
    run_axe,
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


def test_axe_finds_no_wcag_violations_on_desktop(desktop) -> None:
    violations = run_axe(desktop.page)
    assert violations == [], describe_violations(violations)


def test_axe_finds_no_wcag_violations_on_a_tablet(tablet) -> None:
    violations = run_axe(tablet.page)
    assert violations == [], describe_violations(violations)


def test_axe_finds_no_wcag_violations_on_a_phone(built_klk: Path, browser) -> None:
    """On a phone wide tables scroll sideways: each scrolling region must be keyboard-reachable."""
    opened = open_page(browser, built_klk.resolve().as_uri(), PHONE)
    try:
        scrolling = opened.page.evaluate(
            "[...document.querySelectorAll('.wb-table-wrap')]"
            ".filter(w => w.scrollWidth > w.clientWidth).length"
        )
        assert scrolling > 0  # the case this test is about
        violations = run_axe(opened.page)
        assert violations == [], describe_violations(violations)
    finally:
        opened.page.context.close()


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
