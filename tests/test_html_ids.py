"""Every id in a report unique; links inside a fragment follow a renamed id; text untouched."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.building import html_ids
from helpers.building.html_ids import unique_ids
from helpers.core.markup import Markup
from helpers.core.paths import Project
from helpers.data import render_cache
from helpers.data.definition import read_definition
from helpers.parts.narrative import markdown_to_html as render_markdown

# The example definition's labels: they name a table's region (rapport.tabell).
LABELS = read_definition(Project.current())[0].label_set({"år": "2016", "enhet": "", "kommun": ""})


def markdown_to_html(markdown: str, **options: object) -> Markup:
    return render_markdown(markdown, labels=LABELS, **options)  # type: ignore[arg-type]


def ids(fragments: list[str]) -> list[str]:
    return [i for f in fragments for i in re.findall(r'\sid="([^"]*)"', f)]


def test_a_later_duplicate_is_renamed_and_the_first_keeps_its_id() -> None:
    out = unique_ids(
        ['<h2 id="bakgrund">A</h2>', '<h3 id="bakgrund">B</h3>', '<h3 id="bakgrund">C</h3>']
    )
    assert ids(out) == ["bakgrund", "bakgrund-2", "bakgrund-3"]


def test_a_new_name_never_takes_an_id_used_later_or_reserved() -> None:
    out = unique_ids(['<p id="a">', '<p id="a">', '<p id="a-2">'], reserved=["a-3"])
    assert len(set(ids(out))) == 3 and "a-3" not in ids(out)
    assert unique_ids(['<h2 id="innehall">x</h2>'], reserved=["innehall"]) == [
        '<h2 id="innehall-2">x</h2>'
    ]


def test_references_inside_the_renamed_fragment_follow_it() -> None:
    svg = (
        '<svg><clipPath id="c"><rect/></clipPath><g clip-path="url(#c)" style="x:url(\'#c\')">'
        '</g></svg><label for="c">l</label><div aria-labelledby="c d"></div><a href="#c">c</a>'
    )
    first, second = unique_ids([svg, svg])
    assert first == svg
    assert second.count("c-2") == 6 and 'id="c"' not in second


def test_links_from_other_fragments_keep_pointing_at_the_first_holder() -> None:
    summary = '<a href="#mal-kf1">Mål 1</a>'
    out = unique_ids([summary, '<h3 id="mal-kf1">Mål 1</h3>', '<h4 id="mal-kf1">Mål 1</h4>'])
    assert out[0] == summary and out[1] == '<h3 id="mal-kf1">Mål 1</h3>'


def test_text_that_looks_like_an_id_is_never_changed() -> None:
    text = '<p title="x id=&quot;a&quot;">id="a" och <code>id="a"</code></p><!-- <p id="a"> -->'
    out = unique_ids(['<p id="a">först</p>', text])
    assert out[1] == text


def test_duplicate_headings_across_narrative_texts_become_unique() -> None:
    texts = [markdown_to_html("# Bakgrund\n\n## Mål\n", id_prefix="") for _ in range(3)]
    out = unique_ids(texts)
    assert len(ids(out)) == 6 and len(set(ids(out))) == 6


@given(st.lists(st.sampled_from(["a", "b", "a-2", "c"]), max_size=12),
       st.lists(st.sampled_from(["a", "b-2"]), max_size=3))  # fmt: skip
def test_ids_are_unique_after_and_each_old_id_keeps_its_first_holder(
    names: list[str], reserved: list[str]
) -> None:
    fragments = [f'<p id="{name}">{i}</p>' for i, name in enumerate(names)]
    out = unique_ids(fragments, reserved=reserved)
    assert not [i for i, n in Counter(ids(out)).items() if n > 1]
    assert not set(ids(out)) & set(reserved)
    for name in set(names) - set(reserved):
        first = names.index(name)
        assert f'id="{name}"' in out[first]


def _rewrite_every_fragment(fragments: list[str], reserved: list[str]) -> list[str]:
    """The rewrite without the pass-through: every fragment rewritten (as before it existed)."""
    taken = set(reserved)
    present = {html_ids._unquote(m.group(4)) for f in fragments for m in html_ids._ids(f)}
    return [html_ids._unique_in(f, taken, present) for f in fragments]


# Pieces of fragments: ids quoted every way, twice in one fragment, in comments, references.
_PIECES = [
    '<p id="a">x</p>',
    "<p id='a'>x</p>",
    "<p id=a>x</p>",
    '<p ID="b" class="k">y</p>',
    '<p id="a"></p><p id="a"></p>',
    '<!-- <p id="a"> -->',
    '<a href="#a">till a</a>',
    '<svg><g id="c"></g><use href="#c"/></svg>',
    '<label for="a b">z</label>',
    '<p id="innehall">r</p>',
    "text utan taggar",
]


@given(
    st.lists(st.lists(st.sampled_from(_PIECES), max_size=4).map("".join), max_size=8),
    st.lists(st.sampled_from(["a", "innehall", "c-2"]), max_size=2),
)
def test_passing_unchanged_fragments_through_gives_what_rewriting_every_one_gives(
    fragments: list[str], reserved: list[str]
) -> None:
    assert unique_ids(fragments, reserved) == _rewrite_every_fragment(fragments, reserved)


def test_a_fragment_whose_ids_are_free_is_passed_through_and_the_survey_is_stored(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("WORKBOOK_ROOT", str(tmp_path))
    monkeypatch.delenv(render_cache.CACHE_VARIABLE, raising=False)
    monkeypatch.delenv(render_cache.CACHE_DIR_VARIABLE, raising=False)
    render_cache._store.cache_clear()
    html_ids._remembered.cache_clear()
    rewritten = []
    original = html_ids._unique_in
    monkeypatch.setattr(
        html_ids, "_unique_in", lambda f, *a: rewritten.append(f) or original(f, *a)
    )
    fragments = ['<h2 id="mal">Mål</h2>', '<h2 id="mal">Igen</h2>', "<p id='fri'>x</p>"]
    expected = [fragments[0], '<h2 id="mal-2">Igen</h2>', '<p id="fri">x</p>']
    assert unique_ids(fragments) == expected
    assert rewritten == fragments[1:]  # the taken id, and the id not in double quotes
    html_ids._remembered.cache_clear()  # another process: the surveys come from the store
    monkeypatch.setattr(html_ids, "_survey", lambda f: pytest.fail("surveyed again"))
    assert unique_ids(fragments) == expected
