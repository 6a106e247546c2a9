"""Debian's Chromium for the browser tests: one browser per session, the network blocked.

Loaded as a pytest plugin by the browser test modules (``pytest_plugins = ["browser"]``), so its
session fixtures exist once however many modules use them. Every page opened through
:func:`open_page` may load ``file://`` URLs only; any other request is aborted and recorded, so a
test can assert that a report needs nothing outside itself.

Chromium is ``/usr/bin/chromium`` (``apt-get install -y chromium``; ``.ci/run`` installs it).
Without it the browser tests skip — except in CI (``CI=true``), where a missing browser fails.
playwright drives it through ``executable_path``; its own browser downloads are never used.
axe-core is the copy shipped inside the ``axe-playwright-python`` package, injected into the page
as a script: nothing is fetched at run time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from helpers.building.pdf import CHROMIUM, CHROMIUM_BASE_FLAGS

CHROMIUM_ARGS = list(CHROMIUM_BASE_FLAGS)
# The WCAG 2.0 and 2.1 level A and AA rule sets of axe-core.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}
HANG_GUARD_MS = 600_000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_chromium() -> Path:
    """The browser's path; skips the test without it (fails instead when running in CI)."""
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"{CHROMIUM} saknas – installera med: apt-get install -y chromium"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


def axe_script() -> str:
    """axe-core's JavaScript from the installed axe-playwright-python package."""
    import axe_playwright_python

    path = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    if not path.is_file():
        pytest.fail(f"axe-core saknas i paketet axe-playwright-python ({path})")
    return path.read_text(encoding="utf-8")


@dataclass
class BlockedRequests:
    """URLs the page tried to load from outside ``file://`` (all of them aborted)."""

    urls: list[str] = field(default_factory=list)


@dataclass
class OpenedPage:
    page: object  # playwright.sync_api.Page
    blocked: BlockedRequests


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run last (otherwise in their usual order).

    While the session's browser is open, playwright's sync API keeps an asyncio event loop
    running in this thread, and ``asyncio.run`` (nbclient, papermill) refuses to start inside
    one: every kernel-running test must be done before the first page opens.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole test session (request ``built_klk`` before it)."""
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # playwright gives every launch a fresh temporary --user-data-dir of its own.
        instance = playwright.chromium.launch(
            executable_path=str(path), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


def open_page(browser: object, url: str, viewport: dict | None = None) -> OpenedPage:
    """A new context and page with every non-``file://`` request aborted and recorded."""
    context = browser.new_context(viewport=viewport or DESKTOP, service_workers="block")
    # Playwright's 30 s default would fail a slow but working page on a loaded machine; this is
    # only a guard against a hang.
    context.set_default_timeout(HANG_GUARD_MS)
    blocked = BlockedRequests()

    def guard(route) -> None:
        request_url = route.request.url
        if request_url.startswith("file://"):
            route.continue_()
        else:
            blocked.urls.append(request_url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    # A WebSocket bypasses the router: record it as well.
    page.on("websocket", lambda socket: blocked.urls.append(socket.url))
    page.goto(url, wait_until="load")
    return OpenedPage(page, blocked)


def run_axe(page: object, rules: list[str] | None = None) -> list[dict]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page (an empty list when clean); with
    ``rules`` (axe rule ids), those rules' violations only.

    axe-core is injected once per loaded page: a page checked again (at another width) reuses
    it, as axe-core allows (``axe.run`` starts afresh each time)."""
    if not page.evaluate("() => typeof axe === 'object' && typeof axe.run === 'function'"):
        page.evaluate(axe_script())
    only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG_TAGS}
    options = {"runOnly": only, "resultTypes": ["violations"]}
    result = page.evaluate(
        """async ([options, solid]) => {
        const style = document.createElement('style');
        style.textContent = solid;
        document.head.append(style);
        try { return await axe.run(document, options); } finally { style.remove(); }
        }""",
        [options, SOLID_TABLE_BACKGROUNDS],
    )
    return result["violations"]


# A wide table's scroll cue (report.css: gradients on ``.wb-table-wrap``, held to its edges by
# ``background-attachment: local``) is a shadow drawn only at an edge the table can still be
# scrolled past. axe-core cannot measure text over a gradient: it leaves every cell "needs
# review" (incomplete, which ``run_axe`` does not count), so no table text would have its
# contrast checked. While axe runs, the wrappers show the solid colours beneath the cue, and
# each cell is measured against its row's and the page's colours (the cue itself darkens the
# white at a scrolled edge by at most a quarter, which the report's dark text keeps well above
# 4.5:1). The style is removed again when axe is done, so the other checks see the page as is.
SOLID_TABLE_BACKGROUNDS = ".wb-table-wrap { background-image: none !important; }"


HTMLCS = Path(__file__).resolve().parent.parent / "node_modules/html_codesniffer/build/HTMLCS.js"


def htmlcs_script() -> str:
    """HTML_CodeSniffer's JavaScript, installed from npm by ``make setup`` (``npm ci``, pinned
    in package-lock.json); skips without it, fails in CI."""
    if not HTMLCS.is_file():
        message = f"{HTMLCS} saknas – kör `npm ci` (make setup gör det när npm finns)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return HTMLCS.read_text(encoding="utf-8")


def run_htmlcs(page: object) -> list[dict]:
    """HTML_CodeSniffer's WCAG2AA errors on the page (notices and warnings are not counted).

    HTML_CodeSniffer is injected once per loaded page, as axe-core is (``run_axe``): a page
    checked again reuses it (``HTMLCS.process`` loads the standard and clears the messages of
    the run before each run)."""
    if not page.evaluate(
        "() => typeof HTMLCS === 'object' && typeof HTMLCS.process === 'function'"
    ):
        page.evaluate(htmlcs_script())
    return page.evaluate(
        """() => new Promise(resolve => HTMLCS.process('WCAG2AA', document, () => resolve(
            HTMLCS.getMessages().filter(m => m.type === HTMLCS.ERROR).map(m => ({
                code: m.code, msg: m.msg, element: (m.element.outerHTML || '').slice(0, 160)
            }))
        )))"""
    )


def phone_layout_problems(page: object, width: int) -> dict[str, list]:
    """What a phone reader of ``width`` px would have to scroll sideways for, or could not read:
    the page wider than the screen, table regions that scroll, body cells off screen, stacked
    cells whose value is more than one piece (it breaks apart beside its label), values shown
    without their column's name, column names broken inside a word where the word would have
    fit (it needs at most 60 % of its cell), text values squeezed into a column narrower than
    a third of their cell, chart text under 11 px as displayed, words of a table (row
    headers, values, captions) or a summary card broken across lines where the word would have
    fit on one (``broken_words``), and text drawn outside its cell or card, or off the screen
    outside a table region that scrolls (``clipped``). Text a reader cannot see (visually
    hidden, clipped on purpose, in a closed ``<details>``) is not checked. Empty lists when the
    page reads well."""
    return page.evaluate(
        """width => {
        const out = {page: [], scrolling: [], off_screen: [], split_cells: [], unlabelled: [],
                     broken_labels: [], narrow_values: [], small_chart_text: [],
                     broken_words: [], clipped: []};
        const ruler = document.createElement('canvas').getContext('2d');
        if (document.documentElement.scrollWidth > width) out.page.push(
            document.documentElement.scrollWidth);
        for (const w of document.querySelectorAll('.wb-table-wrap'))
            if (w.scrollWidth > w.clientWidth + 1) out.scrolling.push(w.getAttribute('aria-label'));
        for (const c of document.querySelectorAll('table tbody th, table tbody td')) {
            const r = c.getBoundingClientRect();
            if (r.width > 0 && (r.left < 0 || r.right > width + 1))
                out.off_screen.push(c.textContent.trim().slice(0, 40));
        }
        for (const td of document.querySelectorAll('.wb-table td[data-label]')) {
            if (getComputedStyle(td, '::before').content === 'none')
                out.unlabelled.push(td.textContent.trim().slice(0, 40));
            const box = td.getBoundingClientRect();
            const label = getComputedStyle(td, '::before');
            if (box.width > 0 && label.content !== 'none') {
                ruler.font = `${label.fontWeight} ${label.fontSize} ${label.fontFamily}`;
                const longest = Math.max(...td.dataset.label.split(/\\s+/)
                                          .map(w => ruler.measureText(w).width));
                const room = box.width - parseFloat(getComputedStyle(td).paddingLeft)
                             - parseFloat(getComputedStyle(td).paddingRight);
                if (longest > parseFloat(label.width) + 1 && longest <= 0.6 * room)
                    out.broken_labels.push(td.dataset.label.slice(0, 40));
                if (getComputedStyle(td).display === 'flex' && !td.classList.contains('num')) {
                    const value = document.createRange();
                    value.selectNodeContents(td);
                    const width = value.getBoundingClientRect().width;
                    if (td.textContent.trim().length > 30 && width < room / 3)
                        out.narrow_values.push(td.textContent.trim().slice(0, 40));
                }
            }
            if (getComputedStyle(td).display !== 'flex') continue;
            const pieces = [...td.childNodes].filter(n => n.nodeType === 1
                ? getComputedStyle(n).position !== 'absolute' : n.textContent.trim());
            if (pieces.length > 1) out.split_cells.push(td.textContent.trim().slice(0, 40));
        }
        // Words: each one of a cell or card on one line (a break after a hyphen or slash is
        // a break between words), unless it is wider than its box; and inside its box.
        const unseen = el => { for (let e = el; e; e = e.parentElement) {
            const s = getComputedStyle(e);
            if (s.clip !== 'auto' || s.display === 'none'
                || e.matches('details:not([open]) > :not(summary)')) return true; }
            return false; };
        const texts = new Set();
        for (const box of document.querySelectorAll(
                '.wb-summary-card, .wb-table th, .wb-table td, .wb-table caption')) {
            const outer = box.getBoundingClientRect();
            if (!outer.width || unseen(box)) continue;
            const style = getComputedStyle(box);
            const room = outer.width - parseFloat(style.paddingLeft)
                         - parseFloat(style.paddingRight);
            // Inside its box, and on screen unless a region scrolls sideways to it (a tablet
            // may scroll a wide table: scrolling is judged above).
            const scrolls = [...document.querySelectorAll('.wb-table-wrap')]
                .some(w => w.contains(box) && getComputedStyle(w).overflowX !== 'visible');
            const left = scrolls ? outer.left : Math.max(0, outer.left);
            const right = scrolls ? outer.right : Math.min(width, outer.right);
            const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                if (texts.has(node) || unseen(node.parentElement)) continue;
                texts.add(node);
                const font = getComputedStyle(node.parentElement);
                ruler.font = `${font.fontStyle} ${font.fontWeight} ${font.fontSize} `
                             + font.fontFamily;
                const words = /[^\\s\\-\\u2013\\/]+[\\-\\u2013\\/]?/g;
                for (let m; (m = words.exec(node.textContent)); ) {
                    const range = document.createRange();
                    range.setStart(node, m.index);
                    range.setEnd(node, m.index + m[0].length);
                    const rects = [...range.getClientRects()].filter(r => r.width > 0);
                    const lines = new Set(rects.map(r => Math.round(r.top)));
                    if (lines.size > 1 && ruler.measureText(m[0]).width <= room)
                        out.broken_words.push(m[0].slice(0, 40));
                    if (rects.some(r => r.left < left - 1 || r.right > right + 1))
                        out.clipped.push(m[0].slice(0, 40));
                }
            }
        }
        for (const svg of document.querySelectorAll('svg')) {
            const box = svg.getBoundingClientRect();
            if (!box.width) continue;
            const scale = box.width / (svg.width.baseVal.value || box.width);
            for (const t of svg.querySelectorAll('text')) {
                const size = parseFloat(t.getAttribute('font-size')
                                        || getComputedStyle(t).fontSize) * scale;
                if (size < 11) {
                    const name = (svg.getAttribute('aria-label') || '').slice(0, 40);
                    out.small_chart_text.push([name, Math.round(size * 10) / 10]);
                    break;
                }
            }
        }
        return out; }""",
        width,
    )


def focus_ring_contrasts(page: object) -> tuple[int, list[tuple[str, float]]]:
    """Every focusable element focused in turn (closed ``<details>`` opened first, so the links
    inside are reached as a reader reaches them): how many were checked, and those whose outline
    has less than 3:1 against a background it is drawn on — the element's own and its parent's
    (the ring sits on both with its offset) — or no outline at all (WCAG 1.4.11, 2.4.7)."""
    checked, weak = page.evaluate(
        """() => {
        const closed = [...document.querySelectorAll('details:not([open])')];
        closed.forEach(d => { d.open = true; });
        const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
        const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
            .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
        const background = el => { for (let e = el; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length === 3 || c[3] > 0) return c.slice(0, 3); } return [255, 255, 255]; };
        const weak = []; let checked = 0;
        for (const el of document.querySelectorAll('a[href], summary, [tabindex="0"]')) {
            if (el.getClientRects().length === 0) continue;  // not rendered: not focusable
            el.focus(); checked++;
            const style = getComputedStyle(el);
            const name = el.outerHTML.slice(0, 60);
            if (document.activeElement !== el || style.outlineStyle === 'none'
                || parseFloat(style.outlineWidth) === 0) { weak.push([name, 0]); continue; }
            const ring = lum(rgb(style.outlineColor));
            for (const under of [background(el), background(el.parentElement)]) {
                const b = lum(under);
                const ratio = (Math.max(ring, b) + 0.05) / (Math.min(ring, b) + 0.05);
                if (ratio < 3) weak.push([name, Math.round(ratio * 100) / 100]);
            }
        }
        if (document.activeElement) document.activeElement.blur();
        closed.forEach(d => { d.open = false; });
        return [checked, weak]; }"""
    )
    return checked, [tuple(w) for w in weak]


def repeated_names(page: object) -> dict[str, list[str]]:
    """Accessible names used twice: of table regions and of chart-data buttons."""
    return page.evaluate(
        """() => {
        const twice = names => names.filter((n, i) => names.indexOf(n) !== i);
        return {
            regions: twice([...document.querySelectorAll('[role=region]')]
                .map(r => r.getAttribute('aria-label'))),
            buttons: twice([...document.querySelectorAll('.wb-chart-data summary')]
                .map(s => s.textContent.trim())),
        }; }"""
    )


def describe_violations(violations: list[dict]) -> str:
    """A readable list of violations for an assertion message."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary'][:200]}")
    return "\n".join(lines)


def heading_levels(page: object) -> list[int]:
    """The levels of the page's headings, in document order."""
    return page.eval_on_selector_all(
        "h1, h2, h3, h4, h5, h6", "els => els.map(e => Number(e.tagName.slice(1)))"
    )


def heading_gaps(levels: list[int]) -> list[tuple[int, int]]:
    """Pairs (previous, next) where a heading skips a level on the way down."""
    return [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]


__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "DESKTOP",
    "PHONE",
    "TABLET",
    "WCAG_TAGS",
    "describe_violations",
    "focus_ring_contrasts",
    "heading_gaps",
    "heading_levels",
    "open_page",
    "phone_layout_problems",
    "repeated_names",
    "require_chromium",
    "run_axe",
]
