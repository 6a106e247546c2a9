"""Accessible tables (``helpers.parts.tables``): caption, header cells with scope, no empty cell."""

from __future__ import annotations

import re

import pytest

from helpers.core.labels import Labels
from helpers.parts.tables import Cell, TableSpecHtml, render_table

# The report definition's texts for a table (rapport.saknas, rapport.tabell), as a test wording.
MISSING = "Saknas här"
LABELS = Labels({"rapport.saknas": MISSING, "rapport.tabell": "Tabellen {rubrik}"}, {})


def _table(**kwargs) -> TableSpecHtml:
    table = TableSpecHtml(
        caption="Nyckeltal <2016>",
        columns=["Nyckeltal", "2015", "2016"],
        numeric_columns=frozenset({1, 2}),
        labels=LABELS,
        **kwargs,
    )
    table.add("Invånare", [Cell("9 052", ("num",)), Cell("", ("num",))])
    table.add("Underskott", [Cell("−18", ("num", "neg")), Cell("   ")], ("wb-total",))
    return table


def test_caption_and_scoped_header_cells() -> None:
    out = render_table(_table())
    assert "<caption>Nyckeltal &lt;2016&gt;</caption>" in out
    assert out.count('<th scope="col"') == 3
    assert out.count('<th scope="row">') == 2
    assert '<th scope="col" class="num">2015</th>' in out
    assert "<thead>" in out and "<tbody>" in out


def test_no_cell_is_empty() -> None:
    out = render_table(_table())
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", out)
    assert all(re.sub(r"<[^>]+>", "", c).strip() for c in cells)
    assert out.count(MISSING) == 2


def test_classes_links_notes_and_escaping() -> None:
    table = _table(note="Källa: Kolada")
    table.add("A & B", [Cell("KF-mål 1", ("nowrap",), link="#mal-kf1"), Cell("x", strong=True)])
    out = render_table(table)
    assert '<td class="num neg" data-label="2015">−18</td>' in out
    assert '<tr class="wb-total">' in out
    assert '<th scope="row">A &amp; B</th>' in out
    assert '<td class="nowrap" data-label="2015"><a href="#mal-kf1">KF-mål 1</a></td>' in out
    assert '<td data-label="2016"><strong>x</strong></td>' in out
    assert '<p class="wb-table-note">Källa: Kolada</p>' in out


def test_each_cell_names_its_column_for_stacked_rows_on_a_phone() -> None:
    table = TableSpecHtml(caption="T", columns=["Rad", 'Värde "A" <b>'], labels=LABELS)
    table.add("r", [Cell("1")], link="#rad")
    out = render_table(table)
    assert '<td data-label="Värde &#34;A&#34; &lt;b&gt;">1</td>' in out
    assert '<th scope="row"><a href="#rad">r</a></th>' in out


def test_table_scrolls_in_a_named_focusable_region() -> None:
    out = render_table(_table())
    assert out.startswith(
        '<div class="wb-table-wrap" role="region" aria-label="Tabellen Nyckeltal &lt;2016&gt;" '
        'tabindex="0"><table class="wb-table">'
    )


def test_hidden_caption_is_still_a_caption() -> None:
    out = render_table(_table(caption_hidden=True))
    assert '<caption class="wb-visually-hidden">' in out


def test_empty_row_header_is_written_out() -> None:
    table = TableSpecHtml(caption="T", columns=["Rad", "Värde"], labels=LABELS)
    table.add(" ", [Cell("1")])
    assert f'<th scope="row">{MISSING}</th>' in render_table(table)


def test_a_table_needs_the_reports_labels() -> None:
    with pytest.raises(ValueError):
        render_table(TableSpecHtml(caption="T", columns=["Rad"]))


def test_indicator_cells_share_their_indicators_decimals() -> None:
    import pandas as pd

    from helpers.core.paths import Project
    from helpers.data.definition import read_definition
    from helpers.parts.goals import indicator_cell, indicator_decimals

    definition, _ = read_definition(Project.current())
    labels = definition.label_set({"år": "2016", "enhet": "Enheten", "kommun": "Kommunen"})
    values = pd.DataFrame({"värde": [5.8, 6.0, float("nan")], "jämförelse": [6.1, 6.4, None]})
    decimals = indicator_decimals(values)
    assert decimals == 1
    name = definition.comparison  # "medel" in the example
    assert indicator_cell(6.0, 6.4, "", "%", decimals, labels=labels, compared_with=name) == (
        f"6,0\u00a0% ({name} 6,4\u00a0%)"
    )
    with pytest.raises(TypeError):
        indicator_cell(6.0, 6.4, "", "%", decimals)  # a cell needs the report's labels
    cell = indicator_cell(float("nan"), 6.4, "Ingen mätning gjordes", "%", decimals, labels=labels)
    assert cell == "Ingen mätning gjordes"
    missing = indicator_cell(float("nan"), float("nan"), "", "%", decimals, labels=labels)
    assert missing == labels("rapport.saknas")
