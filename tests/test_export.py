"""Exporting the report (``helpers.building.export``): contents, footer, and the same bytes every
time."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from conftest import copy_inputs

from helpers import __version__
from helpers.building.export import (
    css_string,
    page_label,
    summary_cell_id,
    table_of_contents,
)
from helpers.core.files import write_atomically


def _notebook(*outputs: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for index, text in enumerate(outputs):
        cell = nbformat.v4.new_code_cell("")
        cell.id = f"cell-{index}"
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": text})]
        nb.cells.append(cell)
    return nb


def test_contents_follow_the_summary_without_its_cards() -> None:
    nb = _notebook(
        '<p class="wb-cover">x</p>',
        '<section class="wb-summary-page"><h2 id="oversikt">Översikt</h2>'
        '<h3 id="oversikt-ekonomi">Ekonomi</h3></section>',
        '<h2 id="mal">Mål &amp; <em>plan</em></h2><h3 id="mal-1">Mål 1</h3>',
    )
    child = {"id": "mal-1", "text": "Mål 1", "children": []}
    assert table_of_contents(nb) == [
        {"id": "oversikt", "text": "Översikt", "children": []},
        {"id": "mal", "text": "Mål & plan", "children": [child]},
    ]
    assert summary_cell_id(nb) == "cell-1"
    assert summary_cell_id(_notebook('<h2 id="annat">Annat</h2>')) is None


def test_page_label_is_a_safe_css_string() -> None:
    assert css_string('a "b" </style>') == '"a \\22 b\\22  \\3c /style\\3e "'
    pattern = "{lista} · {nästa}"  # rapport.sida_vid_sida of the example
    label = page_label(("Verksamhetsuppföljning 2016", "KLK", "Dnr KS 2016/12"), pattern)
    assert label == '"Verksamhetsuppföljning 2016 · KLK · Dnr KS 2016/12"'
    assert page_label(("Verksamhetsuppföljning 2016", "KLK", ""), pattern) == (
        '"Verksamhetsuppföljning 2016 · KLK"'
    )


def test_written_report_is_readable_by_everyone(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "2016" / "klk.html"
    write_atomically(target, "<!DOCTYPE html>\n<p>å</p>\n")
    write_atomically(target, "<!DOCTYPE html>\n<p>ä</p>\n")
    assert target.read_text(encoding="utf-8") == "<!DOCTYPE html>\n<p>ä</p>\n"
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["klk.html"]


def test_report_shape_and_footer(built_klk: Path) -> None:
    text = built_klk.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert '<html lang="sv">' in text
    assert len(re.findall(r"<h1[ >]", text)) == 1
    footer = re.search(r'<footer class="wb-footer">(.*?)</footer>', text, re.S).group(1)
    assert f"workbook {__version__}" in footer
    assert re.search(r'fingeravtryck\s*<code class="wb-fingerprint">[0-9a-f]{12}</code>', footer)
    # Nothing runs and nothing is fetched: no script, no external stylesheet or image.
    assert "<script" not in text
    assert not re.search(r'<(?:link|img|iframe)\b[^>]*(?:href|src)="(?!data:|#)', text)
    ids = re.findall(r'\sid="([^"]+)"', text)
    assert len(ids) == len(set(ids)), "duplicate ids"


@pytest.mark.e2e
def test_two_builds_give_the_same_bytes(built_klk: Path, tmp_path: Path) -> None:
    """Building the same inputs again, elsewhere, gives a byte-identical report."""
    from helpers.building.build import build
    from helpers.core.paths import Project

    root = copy_inputs(tmp_path / "andra-bygget")
    previous = os.environ.get("WORKBOOK_ROOT")
    os.environ["WORKBOOK_ROOT"] = str(root)
    try:
        results = build(2016, "klk", Project(root))
    finally:
        if previous is None:
            os.environ.pop("WORKBOOK_ROOT", None)
        else:
            os.environ["WORKBOOK_ROOT"] = previous
    assert all(not r.failures for r in results)
    second = Project(root).report_file(2016, "klk").read_bytes()
    first = built_klk.read_bytes()
    assert second == first
    # Where and when it was built leaves no trace.
    for trace in (str(root), str(built_klk.parents[3]), "andra-bygget", "/tmp", "pytest-of"):
        assert trace.encode() not in first, trace
