"""``test_a11y_every_report.survey`` checks axe-core's ``color-contrast`` at a later width only on
the elements whose contrast inputs differ from a width where they passed
(``browser.run_axe_sharing_contrast``). A small page whose style lowers the contrast of some
texts only from the tablet or phone width down — a colour in a ``@media`` block, an ancestor's
background, a row's background, text no longer large, a box that the text moves over or out
from under, each on elements of its own — is looked at width by width as the survey looks at a
report (``look``, in the session's Chromium): each width finds what a full axe-core run on a
fresh opening at that width finds. And a page whose contrast inputs do not change between
widths is checked once."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.register_assert_rewrite("browser")

from browser import describe_violations, open_page, run_axe  # noqa: E402
from test_a11y_every_report import WIDTHS, look, screen  # noqa: E402

pytest_plugins = ["browser"]

TABLET = 768
PHONE = 390

# A page of text on white that passes at every width unless ``{media}`` lowers a contrast; a
# ``margin`` in a block of its own keeps the widths from being styled alike as a whole
# (``styled_alike``), so the per-element sharing is what is tested.
PAGE = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Sida</title><style>
body {{ margin: 0; padding: 1rem; font-family: sans-serif; color: #222; background: #fff; }}
.stage {{ position: relative; z-index: 0; }}
.cover {{ position: absolute; left: 12rem; top: 0; width: 8rem; height: 4rem; background: #fff;
          z-index: 1; }}
.faint {{ margin: 1rem 0 0 13rem; color: #aaa; }}
.shade {{ position: absolute; left: 0; top: 0; width: 12rem; height: 100%; background: #222;
          z-index: -1; }}
.mover {{ margin-left: 13rem; color: #595959; }}
.big {{ font-size: 24px; font-weight: 400; color: #888; }}
.note {{ color: #595959; }}
table {{ border-collapse: collapse; }}
td {{ color: #333; padding: .2rem; }}
@media (max-width: 48rem) {{ .filler {{ margin-top: 2px; }} }}
@media (max-width: 30rem) {{ .filler {{ margin-top: 3px; }} }}
{media}
</style></head><body><main><h1>Rubrik</h1><p class="filler">Fyllnad</p>
<p class="note" id="note">En anteckning i grått</p>
<div class="box"><p class="inside" id="inside">Text i en ruta</p></div>
<p class="big" id="big">Stor text</p>
<div class="stage"><div class="shade"></div><p class="mover" id="mover">Kort text</p></div>
<div class="stage"><p class="faint" id="faint">Dold text</p><div class="cover"></div></div>
<table><caption>Tabell</caption><tbody>
<tr><th scope="row">Rad 1</th><td>Värde ett</td></tr>
<tr><th scope="row" id="rad2">Rad 2</th><td id="varde2">Värde två</td></tr>
</tbody></table></main></body></html>"""

# Each lowers a contrast from a width down: its ``@media`` CSS, that width, and the ids of the
# elements whose text it lowers. All are on one page (each its own elements), so one survey and
# one full run per width check them all.
LOWERED = {
    "colour": ("@media (max-width: 48rem) { .note { color: #aaa; } }", TABLET, ("note",)),
    "ancestor background": (
        "@media (max-width: 30rem) { .box { background: #666; } }",
        PHONE,
        ("inside",),
    ),
    "row background": (
        "@media (max-width: 30rem) { tr:nth-child(even) { background: #555; } }",
        PHONE,
        ("rad2", "varde2"),
    ),
    "no longer large": (
        "@media (max-width: 48rem) { .big { font-size: 18px; } }",
        TABLET,
        ("big",),
    ),
    "moved over a dark box": (
        "@media (max-width: 48rem) { .mover { margin-left: 0; } }",
        TABLET,
        ("mover",),
    ),
    # Faint text under a white box on the desktop (for review there: a box over the text) comes
    # out from under it.
    "uncovered": ("@media (max-width: 48rem) { .faint { margin-left: 0; } }", TABLET, ("faint",)),
}


def contrast_targets(described: str) -> set[str]:
    """The elements named under ``color-contrast`` in ``describe_violations``'s text."""
    found, rule = set(), None
    for line in described.splitlines():
        if not line.startswith(" "):
            rule = line.split(" ")[0]
        elif rule == "color-contrast" and line.strip().startswith("["):  # a node's target
            found.add(line.strip().split(": ")[0])
    return found


def survey_of(browser, path: Path) -> dict[int, tuple[set[str], tuple[int, int]]]:  # noqa: ANN001
    """The page looked at width by width as ``survey`` looks at a report: for each width, the
    ``color-contrast`` violations found and (elements checked, elements shared)."""
    opened = open_page(browser, path.as_uri(), screen(WIDTHS[0]))
    found = {}
    try:
        styled: dict = {}
        for width in WIDTHS:
            seen = look(opened.page, width, styled)
            found[width] = (contrast_targets(seen.axe), seen.contrast)
    finally:
        opened.page.context.close()
    return found


def fresh(browser, path: Path, width: int) -> set[str]:  # noqa: ANN001
    """``color-contrast`` violations of a full axe-core run on the page opened at ``width``."""
    opened = open_page(browser, path.as_uri(), screen(width))
    try:
        return contrast_targets(describe_violations(run_axe(opened.page)))
    finally:
        opened.page.context.close()


@pytest.mark.browser
def test_a_contrast_lowered_at_a_narrower_width_is_found_there(
    browser,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    """Every case of ``LOWERED`` at once: at each width the survey names the elements a full
    axe-core run on a fresh opening names — the lowered ones from their case's width down, and
    only there."""
    path = tmp_path / "sida.html"
    path.write_text(PAGE.format(media="\n".join(m for m, _, _ in LOWERED.values())), "utf-8")
    found = survey_of(browser, path)
    for width in WIDTHS:
        lowered = {
            f"['#{element}']"
            for _, down_from, elements in LOWERED.values()
            if width <= down_from
            for element in elements
        }
        expected = fresh(browser, path, width)
        assert expected == lowered, (width, expected)  # the page lowers what it should, where
        assert found[width][0] == expected, (width, found[width], expected)
    # Where text was lowered, the rest of the page was taken from the wider width.
    for width in (TABLET, PHONE):
        checked, shared = found[width][1]
        assert checked >= 1 and shared >= 1, (width, found[width])


@pytest.mark.browser
def test_nothing_that_sets_a_contrast_changes_so_every_element_is_shared(
    browser,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    path = tmp_path / "sida.html"
    path.write_text(PAGE.format(media=""), encoding="utf-8")
    found = survey_of(browser, path)
    checked, shared = found[WIDTHS[0]][1]
    assert checked != -1, (
        "axe-core is not the version the sharing was argued for (browser.SHARING_ARGUED_FOR): "
        "read the argument at browser.CONTRAST_SIGNATURE against the new color-contrast rule"
    )
    assert shared == 0 and checked > 5 and found[WIDTHS[0]][0] == set()
    for width in WIDTHS[1:]:
        assert found[width][0] == set() == fresh(browser, path, width)
    # The margins keep the widths apart as a whole, but no element's contrast inputs change;
    # 320 px is styled as 390 px as a whole page (nothing of axe-core's colours runs there).
    assert [found[w][1] for w in WIDTHS[1:]] == [(0, checked), (0, checked), (0, 0)]
