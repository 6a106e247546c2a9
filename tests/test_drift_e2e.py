"""End to end: a unit whose operating statement is kept differently from KLK's, built with real
kernels and nbconvert, read back as HTML.

The fixture (``tests/fixtures/drift_units/vard_och_omsorg``) is a vård- och omsorgsnämnd's
nämnd-level statement in mkr with one decimal, budget before utfall, no prognos, a frame called
Kommunbidrag and a published Summa off by 0,1 mkr through rounding, saved by Swedish Excel
(semicolons, decimal commas, CRLF). Every expected figure is derived from that CSV.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import copy_inputs
from drift_cases import (
    NBSP,
    amount,
    column_headers,
    csv_rows,
    install_unit,
    notes,
    shown,
    statement_rows,
)

from helpers.building.validate import validate_unit
from helpers.core.paths import Project

pytest.register_assert_rewrite("browser")
pytest_plugins = ["browser"]
pytestmark = pytest.mark.e2e
FIXTURE = Path(__file__).parent / "fixtures" / "drift_units" / "vard_och_omsorg"
SPEC = yaml.safe_load((FIXTURE / "unit.yaml").read_text(encoding="utf-8"))
ROWS = csv_rows((FIXTURE / "drift.csv").read_bytes().decode("utf-8-sig"))
DECIMALS = SPEC["drift"]["decimaler"]
UNIT = SPEC["drift"]["belopp"]
NAME = SPEC["namn"]


@pytest.fixture(scope="session")  # session: the browser test runs last, after every kernel
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = copy_inputs(tmp_path_factory.mktemp("drift_e2e") / "ws")
    unit = install_unit(root, FIXTURE)
    previous = os.environ.get("WORKBOOK_ROOT")
    os.environ["WORKBOOK_ROOT"] = str(root)
    try:
        from helpers.building.build import build

        assert validate_unit(Project(root), 2016, unit) == []
        results = build(2016, unit, Project(root))
        assert all(not r.failures for r in results), [r.failures for r in results]
    finally:
        if previous is None:
            os.environ.pop("WORKBOOK_ROOT", None)
        else:
            os.environ["WORKBOOK_ROOT"] = previous
    return root, Project(root).report_file(2016, unit).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def section(built: tuple[Path, str]) -> str:
    """From the result sentence to the end of the statement's chart."""
    html = built[1]
    start = html.index('<p class="wb-result">')
    return html[start : html.index("</figure>", start)]


def value(kind_or_post: str, column: str) -> Decimal:
    row = next(r for r in ROWS if kind_or_post in (r["typ"], r["post"]))
    return amount(row[column])


def test_columns_are_the_kommuns_own_without_prognos(section: str) -> None:
    assert f"<caption>{NAME} Drift ({UNIT})</caption>" in section
    assert column_headers(section) == [
        f"{NAME} Drift",
        "Utfall 2015",
        "Budget 2016",
        "Utfall 2016",
        "Avvikelse mot budget",
    ]
    assert "Prognos" not in section


def test_every_figure_is_shown_as_published_with_one_decimal(section: str) -> None:
    table = {header: cells for _, header, cells in statement_rows(section)}
    columns = ("utfall_fg_år", "budget", "utfall")
    for row in ROWS:
        if row["typ"] == "summa":
            continue
        texts = [text for _, text in table[row["post"]]]
        deviation = amount(row["budget"]) - amount(row["utfall"])
        assert texts == [shown(amount(row[c]), DECIMALS) for c in columns] + [
            shown(deviation, DECIMALS, signed=True)
        ], row["post"]
    net = {c: value("intäkter", c) + value("kostnader", c) for c in columns}
    assert [t for _, t in table["Nettokostnader"]][:3] == [shown(net[c], DECIMALS) for c in columns]
    result = {c: value("ram", c) - net[c] for c in columns}
    assert [t for _, t in table["Resultat"]][:3] == [
        shown(result[c], DECIMALS, signed=True) for c in columns
    ]
    # A deviation of −0,20 mkr is −0,2 and red, not a black or red "0".
    small = [r for r in ROWS if r["typ"] == "delverksamhet"
             and abs(amount(r["budget"]) - amount(r["utfall"])) < 1]  # fmt: skip
    assert small
    for row in small:
        css, text = table[row["post"]][3]
        deviation = amount(row["budget"]) - amount(row["utfall"])
        assert text == shown(deviation, DECIMALS, signed=True) and text not in ("0", "+0")
        assert ("neg" in css) == (deviation < 0)


def test_the_published_total_is_shown_with_the_computed_beside_it(section: str) -> None:
    typed = next(r for r in ROWS if r["typ"] == "summa")
    parts = [r for r in ROWS if r["typ"] == "delverksamhet"]
    table = {header: cells for _, header, cells in statement_rows(section)}
    assert [t for _, t in table[typed["post"]]][:3] == [
        shown(amount(typed[c]), DECIMALS) for c in ("utfall_fg_år", "budget", "utfall")
    ]
    for column, label in (("utfall_fg_år", "Utfall 2015"), ("budget", "Budget 2016"),
                          ("utfall", "Utfall 2016")):  # fmt: skip
        computed = sum(amount(r[column]) for r in parts)
        published = amount(typed[column])
        note = (
            f"{typed['post']}, {label}: summan {shown(published, DECIMALS)}{NBSP}{UNIT} och "
            f"radernas summa {shown(computed, DECIMALS)}{NBSP}{UNIT} skiljer sig med "
            f"{shown(abs(published - computed), DECIMALS)}{NBSP}{UNIT} på grund av avrundning."
        )
        assert (note in notes(section)) == (published != computed), label


def test_the_result_is_told_in_words_against_the_kommuns_frame(
    built: tuple[Path, str], section: str
) -> None:
    frame = next(r for r in ROWS if r["typ"] == "ram")
    net = value("intäkter", "utfall") + value("kostnader", "utfall")
    result = value("ram", "utfall") - net
    word = "överskott" if result > 0 else "underskott"
    against = frame["post"][0].lower() + frame["post"][1:]
    sentence = (
        f"{NAME} redovisar ett {word} på {shown(abs(result), DECIMALS)}{NBSP}{UNIT} mot "
        f"{against} 2016"
    )
    assert section.startswith(f'<p class="wb-result">{sentence} (avvikelse mot budget ')
    summary = built[1][built[1].index('wb-summary-page"') :]
    summary = summary[: summary.index("</section>")]
    assert f'<p class="wb-lead">{sentence}.' in summary
    card = re.search(r'<dl class="wb-keyfigures">(.*?)</dl>', built[1], re.S).group(1)
    css = ' class="neg"' if result < 0 else ""
    assert (
        f"<dt>Resultat mot {against}</dt><dd><strong{css}>"
        f"{shown(result, DECIMALS, signed=True)}{NBSP}{UNIT}</strong> ({word})</dd>" in card
    )
    assert "Prognos" not in card


def test_the_chart_is_in_the_kommuns_unit(section: str) -> None:
    figure = section[section.index("<figure") :]
    assert f"i {UNIT}." in figure and f">{UNIT}<" in figure  # description and axis title
    assert f"<caption>Data: budget och utfall 2016 ({UNIT})</caption>" in figure
    parts = [r["post"] for r in ROWS if r["typ"] == "delverksamhet"]
    data = figure[figure.index('<details class="wb-chart-data">') :]
    assert [h for _, h, _ in statement_rows(data)] == parts


@pytest.mark.browser
def test_the_report_has_no_wcag_violations(built: tuple[Path, str], browser) -> None:
    from browser import DESKTOP, describe_violations, open_page, run_axe

    root, _ = built
    report = Project(root).report_file(2016, SPEC["enhet"])
    opened = open_page(browser, report.resolve().as_uri(), DESKTOP)
    try:
        violations = run_axe(opened.page)
        assert violations == [], describe_violations(violations)
        assert opened.blocked.urls == []
    finally:
        opened.page.context.close()
