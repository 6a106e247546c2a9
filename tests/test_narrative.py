"""Narrative Markdown → HTML: ordinary Markdown renders, pasted HTML cannot run or load anything."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.narrative import markdown_to_html, slugify, split_heading, unsafe_html

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
    assert "<table>" in rendered and "<td>9 052</td>" in rendered and "<th>år</th>" in rendered


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
