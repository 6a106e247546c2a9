"""``test_a11y_every_report.styled_alike`` lets two widths share axe-core's and HTML_CodeSniffer's
findings only when the page shows the same elements at both: a ``@media`` rule whose
declarations only move boxes (``display: block``) can still show an element that a rule outside
it hides, and then the element would be checked at neither width."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.register_assert_rewrite("browser")

from browser import open_page  # noqa: E402
from test_a11y_every_report import media_state, screen, styled_alike  # noqa: E402

pytest_plugins = ["browser"]

# ``.extra`` hidden everywhere but on small phones (max-width 22.5rem, 360 px), where a rule
# that only says ``display: block`` shows it; ``.moved`` is shown at every width and only
# changes its display there.
PAGE = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>t</title><style>
.extra {{ display: none; }}
.moved {{ display: flex; }}
@media screen and (max-width: 22.5rem) {{ {rule} {{ display: block; }} }}
</style></head><body><main><h1>Rubrik</h1><p class="moved">Text</p>
<p class="extra" style="color: #ccc">Ljusgrå text</p></main></body></html>"""


def states(browser, folder: Path, rule: str) -> tuple[dict, dict]:  # noqa: ANN001
    """``media_state`` of ``PAGE`` (its phone rule applied to ``rule``) at 390 and 320 px."""
    path = folder / "sida.html"
    path.write_text(PAGE.format(rule=rule), encoding="utf-8")
    opened = open_page(browser, path.as_uri(), screen(390))
    try:
        wide = media_state(opened.page)
        opened.page.set_viewport_size(screen(320))
        narrow = media_state(opened.page)
    finally:
        opened.page.context.close()
    return wide, narrow


@pytest.mark.browser
def test_a_rule_that_shows_a_hidden_element_keeps_the_widths_apart(
    browser,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    wide, narrow = states(browser, tmp_path, ".extra")
    # The differing rule alone would pass as moving boxes: what tells them apart is what shows.
    differing = set(wide["matching"]) ^ set(narrow["matching"])
    assert differing and all(wide["rules"][key] == [["display", "block"]] for key in differing)
    assert len(narrow["hidden"]) == len(wide["hidden"]) - 1
    assert not styled_alike(wide, narrow) and not styled_alike(narrow, wide)


@pytest.mark.browser
def test_a_rule_that_only_moves_a_shown_element_lets_the_widths_share(
    browser,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    wide, narrow = states(browser, tmp_path, ".moved")
    assert wide["hidden"] == narrow["hidden"] and wide["matching"] != narrow["matching"]
    assert styled_alike(wide, narrow) and styled_alike(narrow, wide)


def test_the_same_rules_with_other_elements_shown_are_not_alike() -> None:
    moves = [["display", "block"]]
    base = {"matching": ["s0/1"], "rules": {"s0/1": moves}, "unsafe": [], "hidden": [3, 4]}
    assert styled_alike(base, {**base, "matching": []})
    assert not styled_alike(base, {**base, "matching": [], "hidden": [3]})
    assert not styled_alike(base, {**base, "hidden": [3, 4, 9]})
