"""The Driftredovisning as the report shows it (``helpers.parts.budget_view``) and its chart."""

from __future__ import annotations

import re

import pytest
from conftest import copy_inputs

from helpers.core.paths import Project
from helpers.data.unit_data import UnitData, load_unit
from helpers.parts.budget import statement_of
from helpers.parts.budget_view import budget_figure, budget_html, statement_table

MINUS = "\u2212"


@pytest.fixture(scope="module")
def klk(tmp_path_factory: pytest.TempPathFactory) -> UnitData:
    root = copy_inputs(tmp_path_factory.mktemp("budget") / "ws")
    return load_unit(2016, "klk", Project(root))


def _row(table: str, header: str) -> list[tuple[str, str]]:
    """(class attribute, text) of the data cells of the row headed ``header``."""
    row = re.search(rf'<th scope="row">{re.escape(header)}</th>(.*?)</tr>', table).group(1)
    cells = re.findall(r"<td(?: class=\"([^\"]*)\")?(?: data-label=\"[^\"]*\")?>(.*?)</td>", row)
    return [(css, re.sub(r"<[^>]+>", "", text)) for css, text in cells]


def test_statement_table(klk: UnitData) -> None:
    table = statement_table(klk, statement_of(klk))
    assert "<caption>Kommunledningskontoret Drift (tkr)</caption>" in table
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)
    assert headers[1:] == [
        "Utfall 2015", "Utfall 2016", "Budget 2016", "Avvikelse mot budget",
        "Prognos per 2016-08-31",  # a column header keeps the date as params write it
    ]  # fmt: skip
    # Numbers right-aligned and grouped; a negative deviation has its minus sign and colour.
    stab = _row(table, "Stab")
    assert all("num" in css for css, _ in stab)
    assert stab[3] == ("num neg", f"{MINUS}912")
    assert stab[0][1] == "20\u00a0284"
    # The result is a surplus or deficit in every column.
    result = _row(table, "Resultat")
    assert [text for _, text in result] == ["+1\u00a0422", "+76", "0", "+76", f"{MINUS}362"]
    assert "neg" in result[4][0]
    assert _row(table, "Summa")[1][1] == "41\u00a0575"


def test_budget_chart_is_an_accessible_figure(klk: UnitData) -> None:
    figure = budget_figure(klk, statement_of(klk))
    assert figure.startswith('<figure class="wb-figure">')
    svg = re.search(r"<svg [^>]*>", figure).group(0)
    assert 'role="img"' in svg
    assert 'aria-label="Diagram: budget och utfall 2016 per delverksamhet i tkr"' in svg
    inner = figure[figure.index(svg) + len(svg) :]
    assert "aria-label=" not in inner.split("</svg>")[0]  # only the image itself is labelled
    assert "<figcaption>Diagram: budget och utfall 2016" in figure
    assert "utfallet var högre än budget för Stab, Näringsliv" in figure
    assert '<details class="wb-chart-data">' in figure
    assert "<caption>Data: budget och utfall 2016 (tkr)</caption>" in figure
    # Axis labels the Swedish way: 10 000, not 10,000 or 10k.
    assert re.search(r">10\u00a0000<", figure)
    assert not re.search(r">\d+,\d{3}<|>\d+k<", figure)


def test_budget_html_starts_with_the_result_in_words(klk: UnitData) -> None:
    out = budget_html(klk)
    assert out.startswith('<p class="wb-result">Kommunledningskontoret redovisar ett överskott')
    assert "(avvikelse mot budget +76\u00a0tkr)" in out
