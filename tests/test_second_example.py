"""The second embedded example, an invented Vård- och omsorgsnämnd (``von``) of the same kommun.

Its report has another shape than KLK's, described only in data: goals grouped under
målområden, nämnd goals and no kommunstyrelsen goals, a verksamhetsmått table (key figures of
one group), its own section list, order, headings and labels, and a nämnd-level operating
statement without forecast. Expectations are derived from its files and its definition.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.register_assert_rewrite("browser")

from browser import heading_gaps, heading_levels, open_page  # noqa: E402
from seed_items import normalise, visible_text  # noqa: E402

from helpers.building.validate import validate_unit  # noqa: E402
from helpers.core.paths import Project  # noqa: E402
from helpers.data.definition import load_definition  # noqa: E402
from helpers.data.params import available_units  # noqa: E402
from helpers.data.unit_data import load_unit  # noqa: E402
from helpers.parts.budget import statement_of  # noqa: E402

pytest_plugins = ["browser"]
UNIT = "von"
MARK = "Exempeldata (påhittad)"


@pytest.fixture(scope="module")
def data():
    return load_unit(2016, UNIT, Project.current())


@pytest.fixture(scope="module")
def kommun():
    return load_definition(Project.current(), 2016, "klk")


def test_listed_for_2016_and_valid() -> None:
    assert UNIT in available_units(2016, Project.current())
    assert validate_unit(Project.current(), 2016, UNIT) == []


def test_labelled_invented_as_data_and_in_every_text(data) -> None:
    assert data.info.invented
    for path in sorted((data.folder / "text").rglob("*.md")):
        assert MARK in path.read_text(encoding="utf-8"), path.name
    assert all("påhittade värden" in source for source in data.table("indikatorer")["källa"])


def test_a_shape_of_its_own(data, kommun) -> None:
    definition = data.definition
    # Its own sections, order and headings, from its params; the kommun's, left out, are gone.
    ids = [s.id for s in definition.sections]
    assert ids != [s.id for s in kommun.sections]
    assert {"ks_mal", "prioriteringar", "internkontroll"}.isdisjoint(ids)
    assert definition.section("sammanfattning").heading_from_unit
    # Goals: every goal in a målområde, nämnd goals, no kommunstyrelsen goals.
    goals = data.goals
    assert set(goals["område"]) <= set(data.table("malomraden")["område_id"])
    assert "" not in set(goals["område"])
    assert "nämnd" in set(goals["nivå"]) and "kommunstyrelsen" not in set(goals["nivå"])
    assert set(goals["nivå"]) == set(definition.shown_levels)
    # A verksamhetsmått table: a key-figure section filtered to one group.
    groups = {s.group for s in definition.of_kind("nyckeltal")}
    assert "verksamhetsmått" in groups
    assert set(data.table("nyckeltal")["grupp"]) == groups
    # Labels of its own.
    assert definition.labels["aktiviteter.tabell"] != kommun.labels["aktiviteter.tabell"]


def test_its_operating_statement_is_nämnd_level_in_mkr_without_a_forecast(data) -> None:
    """mkr with one decimal and no prognos column, as its params say; the parts add up to the
    net cost, and the result is told against the frame as the file names it."""
    statement = statement_of(data)
    assert (statement.format.unit, statement.format.decimals) == ("mkr", 1)
    assert "prognos" not in statement.columns
    assert data.params.forecast_date is None
    net = statement.net_row
    for column in statement.amount_columns:
        parts = sum(part.value(column) for part in statement.parts)
        assert net.value(column) == parts, column
    frame = next(r for r in statement.rows if r.key == "ram")
    drift = data.table("drift")
    assert frame.label == drift.loc[drift["typ"] == "ram", "post"].iloc[0]


# ------------------------------------------------------------------------ the built report


@pytest.fixture(scope="module")
def report_html(built_von: Path) -> str:
    return built_von.read_text(encoding="utf-8")


@pytest.mark.e2e
def test_sections_in_its_order_and_nothing_of_what_it_left_out(
    report_html: str, data, kommun
) -> None:
    ids = [s.id for s in data.definition.sections]
    h2 = [i for i in re.findall(r'<h2 id="([^"]+)"', report_html) if i != "innehallsforteckning"]
    assert h2 == ids
    nav = re.search(r'<nav[^>]*class="wb-toc"[^>]*>(.*?)</nav>', report_html, re.S).group(1)
    top_level = re.findall(r'<li><a href="#([^"]+)"', nav)
    assert [t for t in top_level if t in {s.id for s in kommun.sections} | set(ids)] == ids
    left_out = [s for s in kommun.sections if s.id not in ids]
    for section in left_out:
        assert f'id="{section.id}"' not in report_html
        assert f'href="#{section.id}"' not in report_html
    assert "Text saknas" not in report_html
    labels = data.labels()
    assert labels("mål.inga_mål") not in report_html  # no orphan "Inga mål …" line
    assert "internkontroll-" not in report_html and "prioritering-" not in report_html


@pytest.mark.e2e
def test_headings_and_labels_are_the_units(report_html: str, data) -> None:
    text = normalise(visible_text(report_html))
    labels = data.labels()
    for section in data.definition.sections:
        if section.heading_from_unit:
            assert normalise(section.heading.replace("{år}", "2016")) in text
    assert normalise(labels("aktiviteter.tabell")) in text
    assert normalise(labels("rapport.påhittad")) in text
    for _, area in data.table("malomraden").iterrows():
        assert normalise(labels("mål.område", område=area["rubrik"])) in text


@pytest.mark.e2e
def test_each_key_figure_section_shows_its_group(report_html: str, data) -> None:
    figures = data.table("nyckeltal")
    for section in data.definition.of_kind("nyckeltal"):
        start = report_html.index(f'<h2 id="{section.id}"')
        end = report_html.index("<h2 ", start + 1)
        rows = re.findall(r'<th scope="row">(.*?)</th>', report_html[start:end])
        own = figures[figures["grupp"] == section.group]["nyckeltal"]
        assert rows == [name.replace('"', "&#34;") for name in own]


@pytest.mark.e2e
def test_chart_legends_name_the_unit_and_each_comparison(report_html: str, data) -> None:
    """Every indicator chart's legend names the unit whose indicator it is (its values are
    typed, not fetched from Kolada for the kommun, and no serie_namn renames the line), not the
    kommun, and its comparison series by the indicator's own comparison name (or the
    definition's)."""
    kommun = data.info.municipality
    assert not any(data.table("indikatorer").get("serie_namn", ()))
    values = data.table("indikatorvarden")
    measured = values[values["värde"].notna()].groupby("indikator_id").size()
    figures = re.findall(r"<figure.*?</figure>", report_html, re.S)
    charted = 0
    for _, indicator in data.table("indikatorer").iterrows():
        if measured.get(indicator["indikator_id"], 0) < 2:
            continue
        name = indicator["indikator"].rstrip(".")
        (figure,) = [f for f in figures if f"<figcaption>Diagram: {name}," in f]
        assert f">{data.info.name}<" in figure and f">{kommun}<" not in figure
        own = values[values["indikator_id"] == indicator["indikator_id"]]
        if own["jämförelse"].notna().any():
            compared = indicator["jämförelse_namn"] or data.definition.comparison
            assert f">Jämförelse ({compared})<" in figure
        charted += 1
    assert charted == len(measured)


@pytest.mark.browser
def test_the_second_example_reads_in_a_browser(built_von: Path, browser) -> None:
    """On the desktop: no table region scrolls, one h1 and no skipped heading level, nothing
    requested outside the page.

    axe-core and HTML_CodeSniffer (at 1280, 768, 390 and 320 px) and, at phone widths, no
    scrolling region, are checked on this report by ``test_a11y_every_report`` (``built_von`` is
    a page of its ``built_year``); they are not run a second time here."""
    opened = open_page(browser, built_von.resolve().as_uri(), {"width": 1280, "height": 900})
    try:
        scrolling = opened.page.evaluate(
            "[...document.querySelectorAll('.wb-table-wrap')]"
            ".filter(w => w.scrollWidth > w.clientWidth + 1).length"
        )
        assert scrolling == 0
        levels = heading_levels(opened.page)
        assert levels.count(1) == 1 and heading_gaps(levels) == []
        assert opened.blocked.urls == []
    finally:
        opened.page.context.close()


def test_every_kind_the_example_uses_has_its_notebook(data) -> None:
    for section in data.definition.sections:
        assert (Project.current().notebooks / section.notebook_path).is_file()
