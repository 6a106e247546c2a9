"""Every id in a report unique; links inside a fragment follow a renamed id; text untouched."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from helpers.building.html_ids import unique_ids
from helpers.core.markup import Markup
from helpers.core.paths import Project
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
