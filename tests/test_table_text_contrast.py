"""axe-core measures the contrast of a table's text (``browser.run_axe``): the report's scroll
cue — a gradient on the table's wrapper (report.css) — would otherwise leave every cell "needs
review", and a cell too pale to read would pass the survey of every report unseen."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.register_assert_rewrite("browser")

from browser import open_page, run_axe  # noqa: E402

from helpers.core.paths import REPO_ROOT  # noqa: E402

pytest_plugins = ["browser"]

STYLESHEET = REPO_ROOT / "src/helpers/templates/workbook/report.css"


def page_with_table(cell_style: str) -> str:
    """A page with the report's stylesheet and a wide table in its wrapper (as ``tables``
    writes it), the first body cell styled ``cell_style``."""
    rows = "".join(
        f"<tr><th scope='row'>Rad {i}</th>"
        + "".join(
            f"<td{cell_style if i == 0 and j == 0 else ''}>{i * 10 + j} tkr</td>" for j in range(12)
        )
        + "</tr>"
        for i in range(6)
    )
    head = "".join(f"<th scope='col'>Kolumn {j}</th>" for j in range(12))
    return f"""<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Tabell</title>
<style>{STYLESHEET.read_text(encoding="utf-8")}</style></head><body><main><h1>Tabell</h1>
<div class="wb-table-wrap" role="region" aria-label="Tabell" tabindex="0">
<table class="wb-table"><caption>Tabell</caption><thead><tr><th scope="col">Post</th>{head}</tr>
</thead><tbody>{rows}</tbody></table></div></main></body></html>"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_a_pale_cell_in_a_scrollable_table_is_a_contrast_violation(
    browser,  # noqa: ANN001
    tmp_path: Path,
    width: int,
) -> None:
    assert "wb-table-wrap" in STYLESHEET.read_text(encoding="utf-8")  # the cue's selector
    pale = tmp_path / "blek.html"
    pale.write_text(page_with_table(' style="color: #c8c8c8"'), encoding="utf-8")
    plain = tmp_path / "vanlig.html"
    plain.write_text(page_with_table(""), encoding="utf-8")
    for path, expected in ((pale, ["color-contrast"]), (plain, [])):
        opened = open_page(browser, path.as_uri(), {"width": width, "height": 800})
        try:
            page = opened.page
            found = [v["id"] for v in run_axe(page)]
            assert found == expected, (path.name, found)
            # The page is left as it was: the cue's gradient is back after axe.
            image = "getComputedStyle(document.querySelector('.wb-table-wrap')).backgroundImage"
            assert "gradient" in page.evaluate(image)
        finally:
            opened.page.context.close()
