"""On a phone the drift table stacks (one card per row), and its sub-rows — delverksamheter with
``överordnad`` — lost their indent while "(del av …)" stayed visually hidden: a reader saw peer
rows that did not add up to Summa. In the stacked layout a sub-row's card is now indented under
its parent and its "(del av …)" shown (the same text, so its accessible name is unchanged); on
a desktop the table looks as before. Headings on a 320 px phone keep each word whole where it
fits (Chromium here has no hyphenation dictionary: see report.css).

One unit is built with real kernels and nbconvert from the example's own drift.csv with its
largest part split into two sub-rows, and opened in Debian's Chromium."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

pytest.register_assert_rewrite("browser")

from browser import DESKTOP, PHONE, open_page, phone_layout_problems, run_axe  # noqa: E402
from conftest import copy_inputs, project_root  # noqa: E402
from drift_cases import amount, csv_rows, install_drift  # noqa: E402

from helpers.building.validate import validate_unit  # noqa: E402
from helpers.core.paths import Project  # noqa: E402

pytest_plugins = ["browser"]
pytestmark = [pytest.mark.browser, pytest.mark.e2e]
YEAR, UNIT = 2016, "exempel"
AMOUNTS = ("utfall_fg_år", "utfall", "budget", "prognos")


def _with_subrows(text: str) -> tuple[str, str, list[str]]:
    """The drift.csv ``text`` with its largest part (by budget) split into two sub-rows; the
    CSV, the parent's name and the sub-rows' names."""
    rows = csv_rows(text)
    columns = [c for c in rows[0] if c in AMOUNTS]
    parts = [r for r in rows if r["typ"] == "delverksamhet"]
    parent = max(parts, key=lambda r: amount(r["budget"]) or Decimal(0))
    names = [f"{parent['post']} norr", f"{parent['post']} syd"]
    header = ["post", "typ", "överordnad", *columns]
    lines = [",".join(header)]
    for row in rows:
        if row is not parent:
            lines.append(",".join([row["post"], row["typ"], "", *(row[c] for c in columns)]))
            continue
        lines.append(",".join([row["post"], "delverksamhet", "", *("" for _ in columns)]))
        for index, name in enumerate(names):
            values = []
            for column in columns:
                whole = amount(row[column]) or Decimal(0)
                half = (whole / 2).quantize(Decimal(1))
                values.append(str(half if index == 0 else whole - half))
            lines.append(",".join([name, "delverksamhet", parent["post"], *values]))
    return "\n".join(lines) + "\n", parent["post"], names


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, list[str]]:
    root = copy_inputs(tmp_path_factory.mktemp("phone_subrows") / "ws")
    drift = root / f"data/{YEAR}/{UNIT}/drift.csv"
    text, parent, names = _with_subrows(drift.read_text(encoding="utf-8"))
    install_drift(root, text, unit=UNIT)
    with project_root(root):  # a module fixture: no monkeypatch
        from helpers.building.build import build

        assert validate_unit(Project(root), YEAR, UNIT) == []
        results = build(YEAR, UNIT, Project(root))
        assert all(not r.failures for r in results), [r.failures for r in results]
    return Project(root).report_file(YEAR, UNIT), parent, names


# Per sub-row of the drift table: its row header's text, the hint's box and position, and how
# far its card and row header start to the right of its parent's.
ROWS_JS = """names => {
    const rows = [...document.querySelectorAll('table.wb-table tbody tr')];
    const header = tr => tr.querySelector('th[scope="row"]');
    const own = tr => header(tr).firstChild.textContent.trim();
    return names.map(([name, parentName]) => {
        const tr = rows.find(r => header(r) && own(r) === name);
        const parent = rows.find(r => header(r) && own(r) === parentName);
        const hint = header(tr).querySelector('span');
        const box = hint.getBoundingClientRect();
        const left = el => el.getBoundingClientRect().left;
        const textLeft = th => { const r = document.createRange();
            r.selectNodeContents(th.firstChild); return r.getBoundingClientRect().left; };
        return {text: header(tr).textContent.replace(/\\s+/g, ' ').trim(),
                hint: hint.textContent.trim(), hintWidth: box.width, hintHeight: box.height,
                hintHidden: hint.getAttribute('aria-hidden'),
                stacked: getComputedStyle(tr).display === 'block',
                indent: textLeft(header(tr)) - textLeft(header(parent)),
                cardIndent: left(tr) - left(parent)};
    });
}"""


def _subrows(page: object, parent: str, names: list[str]) -> list[dict]:
    return page.evaluate(ROWS_JS, [[name, parent] for name in names])


def test_sub_rows_stay_under_their_parent_on_a_phone(built, browser) -> None:
    report, parent, names = built
    opened = open_page(browser, report.resolve().as_uri(), PHONE)
    try:
        for row in _subrows(opened.page, parent, names):
            assert row["stacked"], row
            # "(del av …)" is seen, and it is the same text the row header had before.
            assert parent in row["hint"] and row["hintWidth"] > 10 and row["hintHeight"] > 5, row
            assert row["text"].endswith(row["hint"]) and row["hintHidden"] is None, row
            # The card and its header start visibly to the right of the parent's.
            assert row["cardIndent"] >= 8 and row["indent"] >= 8, row
        problems = phone_layout_problems(opened.page, PHONE["width"])
        assert not any(problems.values()), problems
        assert run_axe(opened.page) == []
    finally:
        opened.page.context.close()


def test_the_desktop_table_is_as_before(built, browser) -> None:
    report, parent, names = built
    opened = open_page(browser, report.resolve().as_uri(), DESKTOP)
    try:
        for row in _subrows(opened.page, parent, names):
            assert not row["stacked"], row
            # Visually hidden (read by screen readers), the indent says it.
            assert row["hintWidth"] <= 1 and row["hintHeight"] <= 1, row
            assert row["indent"] >= 16 and row["cardIndent"] == 0, row
        assert run_axe(opened.page) == []
    finally:
        opened.page.context.close()


# Each word of each heading, at its font: its width, the room of its heading, and whether it
# was laid out on more than one line (broken inside the word).
WORDS_JS = """() => {
    const out = [];
    const ruler = document.createElement('canvas').getContext('2d');
    for (const h of document.querySelectorAll('h1, h2, h3')) {
        const style = getComputedStyle(h);
        if (h.getBoundingClientRect().width === 0) continue;
        ruler.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room = h.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of node.data.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                out.push({word: match[0], width: ruler.measureText(match[0]).width, room,
                          lines: lines.size, tag: h.tagName});
            }
        }
    }
    return out;
}"""


def test_headings_keep_their_words_whole_on_a_small_phone(built, browser) -> None:
    report, _, _ = built
    opened = open_page(browser, report.resolve().as_uri(), {"width": 320, "height": 700})
    try:
        words = opened.page.evaluate(WORDS_JS)
        longest = max(words, key=lambda w: len(w["word"]))
        assert len(longest["word"]) >= 20, longest  # the example's long compounds are here
        assert [w for w in words if w["width"] > w["room"] or w["lines"] > 1] == []
        assert run_axe(opened.page) == []
    finally:
        opened.page.context.close()
