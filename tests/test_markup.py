"""Escaping by default: data placed into HTML is text, whichever way the fragment is built."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from helpers.core.markup import Markup, fragment, html, join

HOSTILE = '"><img src=x onerror=alert(1)></title><script>alert(1)</script>&amp;'


def test_placeholders_are_escaped_and_markup_is_kept() -> None:
    built = html('<h3 id="{}">{}</h3>{}', HOSTILE, HOSTILE, Markup("<p>ok</p>"))
    assert "<img" not in built and "<script" not in built
    assert built.endswith("<p>ok</p>")
    assert built.count("&lt;") == 2 * HOSTILE.count("<")  # every "<" of both copies
    assert "&amp;amp;" in built  # an entity in data is text, shown as typed


@given(st.text())
def test_any_text_round_trips_as_text(text: str) -> None:
    built = join(["<b>", text])
    assert str(built).startswith("&lt;b&gt;")
    assert Markup(built).unescape() == "<b>" + text


def test_fragment_templates_autoescape(tmp_path, monkeypatch) -> None:
    import jinja2

    import helpers.core.markup as markup

    (tmp_path / "t.html.j2").write_text("<p title='{{ v }}'>{{ v }}</p>", encoding="utf-8")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), autoescape=True)
    monkeypatch.setattr(markup, "_environment", lambda: env)
    rendered = fragment("t.html.j2", v=HOSTILE)
    assert "<img" not in rendered and "<script" not in rendered
    assert rendered.count("<") == 2  # only the template's own <p> and </p>
