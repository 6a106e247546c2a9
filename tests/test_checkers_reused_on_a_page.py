"""HTML_CodeSniffer and axe-core are injected once into a loaded page and run on it again at
each width (``browser.run_htmlcs``, ``browser.run_axe``): a run finds what the page holds at
that moment — a fault found before is found again, and one mended is not reported any more."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.register_assert_rewrite("browser")

from browser import open_page, run_axe, run_htmlcs  # noqa: E402

pytest_plugins = ["browser"]

PAGE = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Sida</title></head>
<body><main><h1>Rubrik</h1><p>Text</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="
id="bild"></main></body></html>"""


@pytest.mark.browser
def test_a_checker_run_again_on_the_page_sees_the_page_as_it_is_now(
    browser,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    path = tmp_path / "sida.html"
    path.write_text(PAGE, encoding="utf-8")
    opened = open_page(browser, path.as_uri())
    page = opened.page
    try:
        first = run_htmlcs(page)
        assert [e["code"] for e in first] and all("H37" in e["code"] for e in first)
        assert run_htmlcs(page) == first  # injected once, the same errors
        assert [v["id"] for v in run_axe(page)] == ["image-alt"]
        page.evaluate("document.getElementById('bild').alt = 'Stapeldiagram'")
        assert run_htmlcs(page) == [] and run_axe(page) == []
        page.evaluate("document.getElementById('bild').removeAttribute('alt')")
        assert run_htmlcs(page) == first and [v["id"] for v in run_axe(page)] == ["image-alt"]
    finally:
        page.context.close()
