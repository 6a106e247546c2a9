"""End to end: the KLK 2016 report built with real kernels and nbconvert, read back as HTML.

Expectations come from the inputs (data/ and the seed report), not from an earlier output.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from seed_items import extract_items, missing_items, normalise, seed_path, visible_text

from helpers.core.paths import REPO_ROOT

pytestmark = pytest.mark.e2e
DATA = REPO_ROOT / "data" / "2016" / "klk"


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def report_html(built_klk: Path) -> str:
    return built_klk.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report_text(report_html: str) -> str:
    return normalise(visible_text(report_html))


def test_every_fact_of_the_seed_report_is_in_the_built_report(report_text: str) -> None:
    path = seed_path()
    if path is None:
        pytest.skip("the seed report (../shared/seed) is not beside this checkout")
    items = extract_items(path.read_text(encoding="utf-8"))
    missing = missing_items(items, report_text)
    # One seed cell joins two sources with odd spacing ("…undersökning/ SCB:s …:"); the report
    # names each indicator's own source and joins them as "A / B".
    allowed = {"Indikator: SKL:s webbinformationsundersökning/ SCB:s medborgarundersökning:"}
    assert [m for m in missing if m.text not in allowed] == []


def test_every_goal_activity_and_indicator_of_the_data_is_shown(report_text: str) -> None:
    for goal in rows("mal.csv"):
        assert normalise(goal["titel"]) in report_text
    for activity in rows("aktiviteter.csv"):
        assert normalise(activity["aktivitet"]) in report_text
        assert normalise(activity["statuskommentar"] or activity["status"]) in report_text
    for indicator in rows("indikatorer.csv"):
        assert normalise(indicator["indikator"]) in report_text


def table_row(report_html: str, header: str) -> list[str]:
    """The normalised cells of the first table row whose row header is ``header``."""
    pattern = rf'<th scope="row">{re.escape(header)}</th>(.*?)</tr>'
    match = re.search(pattern, report_html, re.S)
    assert match, f"no row {header!r}"
    return [normalise(visible_text(c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", match[1])]


def amount(value: int, signed: bool = False) -> str:
    return normalise(f"{value:+,}" if signed and value else f"{value:,}").replace(",", "")


def test_budget_totals_are_computed_from_the_rows(report_html: str, report_text: str) -> None:
    drift = rows("drift.csv")
    columns = ("utfall_fg_år", "utfall", "budget", "prognos")

    def total(kind: str, column: str) -> int:
        return sum(int(r[column]) for r in drift if r["typ"] == kind)

    sums = {c: total("delverksamhet", c) for c in columns}
    net = {c: total("intäkter", c) + total("kostnader", c) for c in columns}
    result = {c: total("ram", c) - net[c] for c in columns}
    assert sums == net  # the data balances: sub-units add up to the unit's net cost
    summa = table_row(report_html, "Summa")
    assert summa[:3] == [amount(sums[c]) for c in columns[:3]]
    assert summa[3] == amount(sums["budget"] - sums["utfall"], signed=True)
    assert summa[4] == amount(sums["prognos"])
    assert table_row(report_html, "Resultat")[1] == amount(result["utfall"], signed=True)
    assert table_row(report_html, "Nettokostnader")[1] == amount(net["utfall"])
    for row in drift:
        if row["typ"] == "delverksamhet":
            deviation = int(row["budget"]) - int(row["utfall"])
            assert table_row(report_html, row["post"])[3] == amount(deviation, signed=True)
    assert "41577" not in report_text  # the seed's typing error is not reproduced


def test_numbers_are_formatted_the_swedish_way(report_html: str) -> None:
    assert "41\u00a0575" in report_html  # grouping with a non-breaking space
    assert "\u22121\u00a0392" in report_html  # a real minus sign
    assert "0,7" in report_html and "0.7<" not in report_html  # decimal comma


def test_report_is_one_self_contained_file_without_code(report_html: str) -> None:
    assert not re.search(r"<script|<link|<iframe|@import", report_html, re.I)
    # Links to the web may be followed by the reader; nothing may be *loaded* from outside.
    assert not re.search(r'src="(https?:)?//|url\((https?:)?//', report_html)
    assert "from helpers import" not in report_html
    assert "In&nbsp;[" not in report_html and "jp-InputPrompt" not in report_html


def test_report_has_a_table_of_contents_linking_to_every_section(report_html: str) -> None:
    nav = re.search(r'<nav[^>]*class="wb-toc"[^>]*>(.*?)</nav>', report_html, re.S)
    assert nav, "no table of contents"
    targets = re.findall(r'href="#([^"]+)"', nav.group(1))
    h2_ids = re.findall(r'<h2 id="([^"]+)"', report_html)
    assert len(targets) >= 9
    for heading_id in h2_ids:
        if heading_id != "innehallsforteckning":
            assert heading_id in targets
    for target in targets:
        assert f'id="{target}"' in report_html


def test_each_indicator_with_a_series_has_a_chart_with_a_text_alternative(
    report_html: str,
) -> None:
    figures = re.findall(r"<figure.*?</figure>", report_html, re.S)
    series: dict[str, int] = {}
    for value in rows("indikatorvarden.csv"):
        if value["värde"]:
            series[value["indikator_id"]] = series.get(value["indikator_id"], 0) + 1
    charted = [k for k, n in series.items() if n >= 2]
    assert len(figures) == len(charted) + 1  # one chart per indicator series, plus the budget
    for figure in figures:
        svg_tag = re.search(r"<svg[^>]*>", figure)
        assert svg_tag and 'role="img"' in svg_tag[0]
        assert re.search(r'aria-label="[^"]{20,}"', svg_tag[0])
        assert "<figcaption>" in figure and "<table" in figure
