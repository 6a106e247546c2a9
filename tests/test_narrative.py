"""Narrative Markdown → HTML: ordinary Markdown renders, pasted HTML cannot run or load anything."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.core.markup import Markup
from helpers.core.paths import Project
from helpers.data.definition import read_definition
from helpers.parts.narrative import markdown_to_html as render_markdown
from helpers.parts.narrative import slugify, split_heading, unsafe_html

# The example definition's labels: they name a table's region (rapport.tabell).
LABELS = read_definition(Project.current())[0].label_set({"år": "2016", "enhet": "", "kommun": ""})


def markdown_to_html(markdown: str, **options: object) -> Markup:
    return render_markdown(markdown, labels=LABELS, **options)  # type: ignore[arg-type]


PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"


def test_lists_emphasis_links_and_tables_render() -> None:
    markdown = (
        "Ett *viktigt* och **fett** ord med [länk](https://www.hjo.se).\n\n"
        "- ett\n- två\n\n1. första\n2. andra\n\n"
        "| år | antal |\n|---|---|\n| 2016 | 9 052 |\n"
    )
    rendered = markdown_to_html(markdown)
    assert "<em>viktigt</em>" in rendered and "<strong>fett</strong>" in rendered
    assert re.search(r'<a href="https://www.hjo.se"[^>]*>länk</a>', rendered)
    assert rendered.count("<li>") == 4 and "<ol>" in rendered and "<ul>" in rendered
    assert (
        '<td data-label="antal" class="num">9 052</td>' in rendered
        and '<th scope="col" class="num">år</th>' in rendered
    )


def test_headings_shift_to_the_report_level_and_get_ids() -> None:
    rendered = markdown_to_html("# Framtid\n\n## Mål 1\n", top_level=2, id_prefix="klk-")
    assert '<h2 id="klk-framtid">Framtid</h2>' in rendered
    assert '<h3 id="klk-mal-1">Mål 1</h3>' in rendered


def test_harmless_pasted_html_survives() -> None:
    rendered = markdown_to_html('<p>Text med <b>fetstil</b> och <img src="' + PIXEL + '"></p>')
    assert "<b>fetstil</b>" in rendered
    assert f'src="{PIXEL}"' in rendered and 'alt=""' in rendered


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("Hej <script>alert('x')</script> då", ["<script", "alert("]),
        ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", ["<script", "evil"]),
        ('<img src="x" onerror="alert(1)">', ["onerror", "alert"]),
        ('<p onclick="alert(1)">klicka</p>', ["onclick"]),
        ('<a href="javascript:alert(1)">länk</a>', ["javascript"]),
        ('<a href="jav&#x09;ascript:alert(1)">länk</a>', ["javascript", "ascript:"]),
        ("[länk](javascript:alert(1))", ['href="javascript']),
        ('<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>', ["data:"]),
        ('<iframe src="https://evil.example"></iframe>', ["<iframe", "evil"]),
        ('<img src="https://tracker.example/p.gif">', ["<img", "tracker"]),
        ('<link rel="stylesheet" href="https://evil.example/s.css">', ["<link", "evil"]),
        ("<style>body { background: url(https://evil.example/x.png) }</style>", ["url(", "<style"]),
        ('<p style="background:url(https://evil.example/x)">t</p>', ["style=", "url("]),
        ('<svg><image href="https://evil.example/x.svg"/></svg>', ["<svg", "evil"]),
        ('<object data="https://evil.example/x.swf"></object>', ["<object", "evil"]),
        ('<form action="https://evil.example"><input name="x"></form>', ["<form", "<input"]),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example">', ["<meta", "evil"]),
        ("<!-- <script>alert(1)</script> -->", ["<script", "<!--"]),
    ],
)
def test_dangerous_html_is_removed(markdown: str, forbidden: list[str]) -> None:
    rendered = markdown_to_html(markdown).lower()
    for fragment in forbidden:
        assert fragment.lower() not in rendered
    assert "href=" not in rendered or re.search(r'href="(https?:|mailto:|#)', rendered)


@given(st.text(alphabet=st.sampled_from(list("<>=\"' /:ascriptonerrimg(){}*[]-\n")), max_size=80))
def test_no_script_or_handler_survives_any_input(markdown: str) -> None:
    rendered = markdown_to_html(markdown).lower()
    assert "<script" not in rendered and "<iframe" not in rendered
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", rendered)
    assert not re.search(r'(href|src)="\s*javascript:', rendered)


@pytest.mark.parametrize(
    ("markdown", "line", "what"),
    [
        ("Rad ett\n\nHej <script>x</script>", 3, "<script>"),
        ('a\n<img\n  src="x.png" onerror="y">', 2, "onerror"),
        ('<a href="JavaScript:alert(1)">x</a>', 1, "skriptlänk"),
        ("x\n[länk](javascript:alert(1))", 2, "skriptlänk"),
        ('<img src="http://example.com/a.png" alt="">', 1, "internet"),
        ('<img src="C:/Bilder/a.png">', 1, "inte är inbäddad"),
        ('<div style="background:url(x.png)">', 1, "internet"),
        ("<iframe src=x></iframe>", 1, "<iframe>"),
    ],
)
def test_unsafe_html_names_the_line(markdown: str, line: int, what: str) -> None:
    found = unsafe_html(markdown)
    assert len(found) == 1
    assert found[0][0] == line and what in found[0][1]


@pytest.mark.parametrize(
    "markdown",
    [
        "Vanlig text med 1 < 2 och 3 > 2, *kursiv* och [länk](https://hjo.se).",
        f'<p>Inklistrat <span>stycke</span> <b>fet</b> <img src="{PIXEL}"></p>',
        '<a href="https://www.hjo.se" title="Hjo">Hjo</a> <https://www.hjo.se>',
        "<table><tr><td>1</td></tr></table>",
    ],
)
def test_ordinary_markdown_and_html_are_not_flagged(markdown: str) -> None:
    assert unsafe_html(markdown) == []


def test_split_heading_and_slugify() -> None:
    assert split_heading("# Enhetens uppdrag:\n\nText") == ("Enhetens uppdrag", "Text")
    assert split_heading("Ingen rubrik") == (None, "Ingen rubrik")
    assert slugify("Mål & Åtgärder 2016") == "mal-atgarder-2016"
    assert slugify("???") == "avsnitt"


@given(st.text(max_size=200))
def test_unsafe_html_never_raises_and_lines_are_in_the_text(markdown: str) -> None:
    for line, what in unsafe_html(markdown):
        assert 1 <= line <= markdown.count("\n") + 1
        assert what


# --- headings: relative to the section, no skipped level, unique ids -------------------------


def heading_levels(fragment: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])\b", fragment)]


def heading_ids(fragment: str) -> list[str]:
    return re.findall(r'<h[1-6] id="([^"]+)"', fragment)


def markdown_headings(levels: list[int]) -> str:
    return "\n\n".join(f"{'#' * level} Rubrik {i}\n\nText." for i, level in enumerate(levels))


@pytest.mark.parametrize("top_level", [2, 3, 4, 5])
@pytest.mark.parametrize(
    "levels",
    [[2], [1, 2], [2, 3], [2, 4], [1, 3, 6], [3, 2, 1], [2, 2, 4, 3, 2], [6, 1], [4, 4, 4]],
)
def test_headings_start_at_the_section_level_and_never_skip_one(
    top_level: int, levels: list[int]
) -> None:
    """Whatever levels a text uses, its outermost heading sits right below its section."""
    shown = heading_levels(markdown_to_html(markdown_headings(levels), top_level=top_level))
    assert len(shown) == len(levels)
    assert shown[0] == top_level
    assert all(level >= top_level for level in shown)
    assert all(b <= a + 1 for a, b in zip([top_level - 1, *shown], shown, strict=False))
    # A heading nested deeper in the text than its predecessor is deeper in the report (to h6).
    steps = zip(levels, levels[1:], strict=False)
    for (a, b), (x, y) in zip(steps, zip(shown, shown[1:], strict=False), strict=True):
        if b > a:
            assert y == min(6, x + 1)
        if b == a:
            assert y == x


@given(st.lists(st.integers(1, 6), min_size=1, max_size=12), st.integers(2, 6))
def test_heading_outline_never_skips_a_level(levels: list[int], top_level: int) -> None:
    shown = heading_levels(markdown_to_html(markdown_headings(levels), top_level=top_level))
    assert shown[0] == top_level and max(shown) <= 6
    assert all(b <= a + 1 for a, b in zip(shown, shown[1:], strict=False))


def test_the_guides_example_framtid_then_e_arkiv_is_h2_then_h3() -> None:
    """``# Framtid`` is the section heading (h2); ``## E-arkiv`` its first sub-heading (h3)."""
    heading, body = split_heading("# Framtid\n\n## E-arkiv\n\nText.\n")
    assert heading == "Framtid"
    assert heading_levels(markdown_to_html(body, top_level=3)) == [3]


def test_pasted_html_headings_are_relevelled_too() -> None:
    rendered = markdown_to_html("<h1>Rubrik</h1>\n\n<h4>Under</h4>\n\n## Till\n\n# Ny", top_level=3)
    assert heading_levels(rendered) == [3, 4, 4, 3]


def test_heading_ids_are_unique_within_a_text_and_carry_the_prefix() -> None:
    rendered = markdown_to_html("# Bakgrund\n\n## Bakgrund\n\n# Bakgrund\n", id_prefix="p-")
    assert heading_ids(rendered) == ["p-bakgrund", "p-bakgrund-2", "p-bakgrund-3"]


def test_a_heading_id_pasted_in_html_is_replaced_by_ours() -> None:
    rendered = markdown_to_html('<h2 id="innehall" class="x">Mål</h2>', id_prefix="t-")
    assert heading_ids(rendered) == ["t-mal"]


# --- tables: the workbook's wrapper and look -------------------------------------------------

WIDE = "| " + " | ".join(f"kolumn {i}" for i in range(12)) + " |\n"
WIDE += (
    "|" + "---|" * 12 + "\n| " + " | ".join(f"{i * 1000:,}".replace(",", " ") for i in range(12))
)
WIDE += " |\n"


@pytest.mark.parametrize(
    "markdown",
    [
        WIDE,
        "Text före.\n\n| a | b |\n|:--|--:|\n| x | 1 |\n\nText efter.",
        "<table><tr><th>a</th></tr><tr><td>1</td></tr></table>",
        "<div><table><tr><td><table><tr><td>inre</td></tr></table></td></tr></table></div>",
    ],
)
def test_every_table_gets_one_scrolling_labelled_wrapper(markdown: str) -> None:
    rendered = markdown_to_html(markdown)
    wrappers = re.findall(r'<div class="wb-table-wrap" role="region" aria-label="([^"]+)" '
                          r'tabindex="0"><table class="wb-table">', rendered)  # fmt: skip
    outer_tables = 1
    assert len(wrappers) == outer_tables and wrappers[0].startswith("Tabell")
    assert rendered.count("<table") == markdown.count("<table") or "<table" not in markdown
    assert rendered.count("<div") == rendered.count("</div>")


def test_markdown_table_is_labelled_by_its_column_headings_and_numbers_align_right() -> None:
    rendered = markdown_to_html(
        "| År | Antal | Kommentar |\n|---|---|---|\n| 2016 | 9 052 | ok |\n"
    )
    assert 'aria-label="Tabell: År, Antal, Kommentar"' in rendered
    assert re.findall(r'<th scope="col"( class="num")?>', rendered) == [' class="num"'] * 2 + [""]
    cells = re.findall(r'<td data-label="([^"]+)"( class="num")?>', rendered)
    # Each cell names its column (rows stack on a phone).
    assert cells == [("År", ' class="num"'), ("Antal", ' class="num"'), ("Kommentar", "")]


def test_table_label_from_data_is_escaped() -> None:
    rendered = markdown_to_html('| a"><script>x</script> | b |\n|---|---|\n| 1 | 2 |\n')
    assert "<script" not in rendered
    (label,) = re.findall(r'aria-label="([^"]*)"', rendered)
    assert html.unescape(label) == 'Tabell: a">x, b'  # the cell's text, markup left out


@pytest.mark.parametrize(
    "attributes",
    ['class="evil"', 'role="button"', 'tabindex="-1"', 'class="wb-table-wrap evil"'],
)
def test_pasted_wrapper_attributes_are_limited_to_the_workbooks_own_values(
    attributes: str,
) -> None:
    rendered = markdown_to_html(f"<div {attributes}>x</div>")
    assert attributes not in rendered
