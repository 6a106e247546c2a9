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

import json
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


def run_axe_sharing_contrast(page: object) -> tuple[list[dict], tuple[int, int]]:
    """``run_axe`` with every WCAG 2.0/2.1 A and AA rule, except that ``color-contrast`` skips
    each element it found enough contrast for at an earlier run on the same loaded page with
    every contrast input the same (its ``CONTRAST_SIGNATURE``): the violations, and how many
    elements ``color-contrast`` checked and how many it took from an earlier run (shared).

    Installed once per loaded page (after axe-core): the rule's own ``matches`` still decides
    which elements have text to check, and an element is shared only when it is on screen,
    every stack axe-core reads its background from holds ``<body>``, and with the same
    signature it passed before (with a contrast measured, not as hidden) or was left for review
    for a reason that signature decides (``REVIEWED_ALIKE``). An element not shared is checked
    as a full run checks it and its outcome recorded for later runs. Why that finds what a full
    run finds is argued at ``CONTRAST_SIGNATURE``."""
    if not page.evaluate("() => typeof axe === 'object' && typeof axe.run === 'function'"):
        page.evaluate(axe_script())
    version = page.evaluate("() => axe.version")
    if not version.startswith(SHARING_ARGUED_FOR):
        # Another axe-core: its rule may read what the signature leaves out. Every element is
        # checked (nothing is missed; the survey is only slower) until the argument at
        # ``CONTRAST_SIGNATURE`` is read against the new version and ``SHARING_ARGUED_FOR``
        # moved; test_a11y_sharing fails meanwhile, saying so.
        return run_axe(page), (-1, 0)
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    # The signature's source is spliced in, not evaluated by the page (a report's CSP may
    # forbid eval; playwright's own evaluation is not subject to it).
    result = page.evaluate(
        """async ([options, solid]) => {
        if (!window.__wbContrast) {
            const rule = axe._audit.rules.find(r => r.id === 'color-contrast');
            const check = axe._audit.checks['color-contrast'];
            const [matches, evaluate] = [rule.matches, check.evaluate];
            const state = window.__wbContrast = {passed: new Map(), ids: new Map(),
                                                 numbers: new Map(), run: null};
            const signature = (SIGNATURE)(state, check.options);
            axe.configure({
                rules: [{id: 'color-contrast', matches(node, vNode, context) {
                    if (!matches.call(this, node, vNode, context)) return false;
                    const run = state.run;
                    if (!run) return true;
                    const sig = signature(node);
                    if (sig !== null && state.passed.get(node)?.has(sig)) {
                        run.shared++;
                        return false;
                    }
                    if (sig !== null) run.sigs.set(node, sig);
                    run.checked++;
                    return true; }}],
                checks: [{id: 'color-contrast', evaluate(node, options, vNode, context) {
                    const data = this.data;
                    let reason;
                    this.data = value => { reason = value?.messageKey; data.call(this, value); };
                    let outcome;
                    try { outcome = evaluate.call(this, node, options, vNode, context); }
                    finally { this.data = data; }
                    if (state.run) state.run.outcome.set(node, outcome === true
                        || (outcome === undefined && REVIEWED_ALIKE.includes(reason)));
                    return outcome; }}],
            });
        }
        const state = window.__wbContrast;
        state.run = {sigs: new Map(), outcome: new Map(), chains: new Map(), checked: 0,
                     shared: 0};
        const style = document.createElement('style');
        style.textContent = solid;
        document.head.append(style);
        try {
            const result = await axe.run(document, options);
            // A signature is null where the element is not on screen (a pass unmeasured).
            for (const [node, shareable] of state.run.outcome) {
                const sig = state.run.sigs.get(node);
                if (!shareable || !sig) continue;
                if (!state.passed.has(node)) state.passed.set(node, new Set());
                state.passed.get(node).add(sig);
            }
            return {violations: result.violations, checked: state.run.checked,
                    shared: state.run.shared};
        } finally { style.remove(); state.run = null; }
        }""".replace("SIGNATURE", CONTRAST_SIGNATURE).replace(
            "REVIEWED_ALIKE", json.dumps(REVIEWED_ALIKE)
        ),
        [options, SOLID_TABLE_BACKGROUNDS],
    )
    return result["violations"], (result["checked"], result["shared"])


# The axe-core version (``axe.version`` prefix) whose ``color-contrast`` the argument at
# ``CONTRAST_SIGNATURE`` was checked against; with any other, nothing is shared.
SHARING_ARGUED_FOR = "4.12."


# Why ``color-contrast`` may leave an element for review (``messageKey``) that the same
# ``CONTRAST_SIGNATURE`` decides again at any width: an image or gradient in the stack under the
# text (or an element before it whose background does not cover the text: review again), an
# element drawn over the text, its lines over different stacks, text of emoji only, a text
# shadow too complex to measure. Not among them: a background that does not cover the text
# (``elmPartiallyObscured``) or a large pseudo-element (``pseudoContent``), which depend on
# where the boxes lie and how big they are.
REVIEWED_ALIKE = [
    "imgNode", "bgImage", "bgGradient", "bgOverlap", "elmPartiallyObscuring", "nonBmp",
    "complexTextShadows",
]  # fmt: skip


# What axe-core's ``color-contrast`` (4.12, ``lib/checks/color/color-contrast-evaluate.js``) reads
# of an element with text, as a string that is equal at two runs on the same loaded page only
# when the check would measure the same contrast at both (``null``: never shared). A function of
# ``(state, check options)`` returning ``node => signature``, evaluated inside an axe-core run
# (its virtual tree and grid exist). The check reads, and the signature holds:
#
# - the element's own text colours — ``color``, ``-webkit-text-fill-color``, the text stroke,
#   ``text-shadow`` (with the font size when a shadow or stroke is drawn: their thickness is
#   measured in em) — and whether it is small text by the check's own options and formula
#   (``ptSize = ceil(px * 72) / 96``; bold is a weight of at least ``boldValue``: small below
#   ``boldTextPt`` bold, ``largeTextPt`` otherwise). Its text is the page's, which no run changes;
# - the stacks of elements at the centre of each of its visible text rectangles
#   (``axe.commons.dom.getTextElementStack``, the very stacks ``getBackgroundStack`` reads), each
#   element by identity and by its ``chain``: its own and all its ancestors' computed properties
#   that go into a background colour (``background-color``, ``background-image``, ``opacity``,
#   ``mix-blend-mode``) or into the order and grouping axe-core stacks them in (position,
#   z-index, float, transforms, filters, masks, clipping paths, isolation, ``will-change``,
#   ``contain``, visibility, and of ``display`` what axe-core's stacking reads: inline or not,
#   none or contents, and for an element with a z-index whether its parent is a flex or grid
#   container).
#   The element's own chain is part of the signature too (the foreground's opacity is its
#   ancestors' opacity). Where the page's background would be added (``<body>`` missing from a
#   stack: ``getPageBackgroundColors`` then measures whether the body covers the element), the
#   element is not shared; nor where it is not on screen (``isVisibleOnScreen``), where the
#   check passes it without measuring.
#
# With these equal, ``getBackgroundStack`` returns the same stack or none (``bgOverlap``,
# ``elmPartiallyObscuring``: needs review), ``getBackgroundColor`` adds up the same colours in
# the same order or gives up (a background that does not cover the text,
# ``elmPartiallyObscured``: needs review), ``getForegroundColor`` blends the same colours, and a
# pseudo-element large enough to hide the background (``findPseudoElement``) can only make the check
# need review: the check measures the same contrast, or needs review, and never fails where it
# passed; where it needed review for a reason in ``REVIEWED_ALIKE`` it needs review again (the same
# stacks, the same text and shadows), or passes. What differs between the runs besides — where the
# boxes lie and how big they are, how text wraps, the font size of text without shadows — is read by
# the check only through those stacks and covering tests. (Text drawn by a pseudo-element,
# ``content``, is not checked by axe-core at any width.)
CONTRAST_SIGNATURE = """(state, options) => {
    const PAINT = ['background-color', 'background-image', 'opacity', 'mix-blend-mode',
        'isolation', 'position', 'z-index', 'float', 'transform', '-webkit-transform',
        'filter', 'perspective', 'clip-path', 'mask', 'mask-image', '-webkit-mask',
        '-webkit-mask-image', '-webkit-mask-box-image', 'will-change', 'contain',
        'visibility', 'content-visibility', '-webkit-overflow-scrolling'];
    const intern = text => {
        let id = state.ids.get(text);
        if (id === undefined) state.ids.set(text, id = state.ids.size);
        return id; };
    const number = el => {
        let n = state.numbers.get(el);
        if (n === undefined) state.numbers.set(el, n = state.numbers.size);
        return n; };
    const FLEX = ['flex', 'inline-flex', 'grid', 'inline-grid'];
    // What axe-core's stacking reads of ``display``: inline or not, none or contents, and,
    // for an element with a z-index, whether its parent is a flex or grid container.
    const shape = (s, parent) => (s.display.includes('inline') ? 'i' : 'b')
        + (s.display === 'none' ? 'n' : s.display === 'contents' ? 'c' : '')
        + (s.zIndex !== 'auto' && parent && FLEX.includes(getComputedStyle(parent).display)
           ? 'f' : '');
    const chain = el => {
        if (!el) return -1;
        let id = state.run.chains.get(el);
        if (id === undefined) {
            const s = getComputedStyle(el);
            id = intern(`${chain(el.parentElement)}>${el.tagName}:${shape(s, el.parentElement)}:`
                        + PAINT.map(p => s.getPropertyValue(p)).join('|'));
            state.run.chains.set(el, id);
        }
        return id; };
    return node => {
        if (!axe.commons.dom.isVisibleOnScreen(node)) return null;
        const stacks = axe.commons.dom.getTextElementStack(node);
        if (!stacks.length) return null;
        const seen = new Set();
        for (const stack of stacks) {
            if (!stack.includes(document.body)) return null;
            seen.add(stack.map(el => `${number(el)}:${chain(el)}`).join(','));
        }
        const s = getComputedStyle(node);
        const px = parseFloat(s.fontSize);
        const bold = parseFloat(s.fontWeight) >= options.boldValue || s.fontWeight === 'bold';
        const pt = Math.ceil(px * 72) / 96;
        const small = (bold && pt < options.boldTextPt) || (!bold && pt < options.largeTextPt);
        const stroke = s.getPropertyValue('-webkit-text-stroke-width');
        const sized = s.textShadow !== 'none' || parseFloat(stroke) !== 0;
        return [s.color, s.getPropertyValue('-webkit-text-fill-color'), stroke,
                s.getPropertyValue('-webkit-text-stroke-color'), s.textShadow, small,
                sized ? px : '', chain(node), [...seen].sort().join(';')].join('|');
    };
}"""


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
        for node in violation["nodes"][:20]:
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
