"""Honest indicator charts: zero baseline, better is up, every point visible, words from what is
drawn, target values reached or not — derived from the series each test makes."""

from __future__ import annotations

import random
import re

import pandas as pd
import pytest

from helpers.data.unit_data import load_unit
from helpers.parts.charts import NARROW_WIDTH, indicator_chart
from helpers.parts.figures import chart_svg
from helpers.parts.indicators import (
    chart_description,
    drawn_series,
    indicator_figures,
    indicator_table,
    target_reached,
)
from helpers.parts.numbers import format_with_unit

NAN = float("nan")
MISSING = "Saknas i testet"  # rapport.saknas; never shown for a value that is there


@pytest.fixture(scope="module")
def von():
    return load_unit(2016, "von")


def _series(values, comparison=None, targets=None) -> pd.DataFrame:
    periods = [str(2010 + i) for i in range(len(values))]
    return pd.DataFrame(
        {
            "indikator_id": "x",
            "period": periods,
            "värde": values,
            "jämförelse": comparison or [NAN] * len(values),
            "målvärde": targets or [NAN] * len(values),
            "notering": "",
        }
    )


def _describe(data, rows, direction="ökande", unit="%"):
    labels = data.labels()
    return chart_description(
        "Andel",
        drawn_series(rows, direction),
        unit,
        0,
        labels,
        own_series=labels("indikatorer.serie"),
        comparison_series="Jämförelse (riket)",
        direction=direction,
    )


def _scales(chart) -> list[dict]:
    spec = chart.to_dict()
    return [layer["encoding"]["y"]["scale"] for layer in spec["layer"]]


@pytest.mark.parametrize("seed", range(5))
def test_the_caption_gives_min_max_latest_and_change_of_what_is_drawn(von, seed) -> None:
    rng = random.Random(seed)
    values = [float(rng.randint(40, 90)) for _ in range(rng.randint(2, 6))]
    text = _describe(von, _series(values))
    low, high = min(values), max(values)
    assert f"Lägst {format_with_unit(low, '%', missing=MISSING)} (201{values.index(low)})" in text
    assert f"högst {format_with_unit(high, '%', missing=MISSING)} (201{values.index(high)})" in text
    latest = format_with_unit(values[-1], "%", missing=MISSING)
    assert f"senast {latest} (201{len(values) - 1})" in text
    change = values[-1] - values[-2]
    sign = "+" if change > 0 else ("−" if change < 0 else "")
    assert f"{sign}{abs(int(change))}\u00a0procentenheter" in text
    # Nothing about a comparison or target that is not drawn.
    assert "Jämförelse" not in text and "fyrkant" not in text and "Målvärde" not in text


def test_a_comparison_is_described_only_when_drawn(von) -> None:
    text = _describe(von, _series([50.0, 60.0], comparison=[NAN, 55.0]))
    assert "Jämförelse (riket) (grå fyrkanter" in text
    assert "Jämförelse (riket) senast: 55\u00a0% (2011)" in text


def test_gaps_are_said_only_when_there_are_some(von) -> None:
    assert "luckor" not in _describe(von, _series([50.0, 60.0, 61.0]))
    assert "luckor" in _describe(von, _series([50.0, NAN, 61.0]))
    # A missing value before the first measurement is not a gap in the line.
    assert "luckor" not in _describe(von, _series([NAN, 60.0, 61.0]))


def test_quantities_start_at_zero_and_lower_is_better_is_reversed(von) -> None:
    rows = drawn_series(_series([70.0, 74.0]), "ökande").rows
    chart = indicator_chart(rows, "Andel", "%", own_label="Hjo", comparison_label="Jmf")
    assert all(s["zero"] is True and not s.get("reverse") for s in _scales(chart))
    assert "Skalan börjar på noll" in _describe(von, _series([70.0, 74.0]))
    ranking = indicator_chart(
        drawn_series(_series([210.0, 117.0]), "minskande").rows,
        "Placering",
        own_label="Hjo",
        comparison_label="Jmf",
        lower_is_better=True,
        reversed_note="Omvänd skala",
    )
    assert all(s["zero"] is True and s["reverse"] is True for s in _scales(ranking))
    assert ranking.to_dict()["title"]["subtitle"] == ["Omvänd skala"]
    assert "skalan är omvänd" in _describe(von, _series([210.0, 117.0]), "minskande", "")


def test_the_units_points_are_drawn_last_smaller_and_outlined() -> None:
    rows = drawn_series(_series([50.0, 60.0], comparison=[50.0, 60.0]), "ökande").rows
    spec = indicator_chart(rows, "Andel", "%", own_label="Hjo", comparison_label="Jmf").to_dict()
    points = [layer for layer in spec["layer"] if layer["mark"]["type"] == "point"]
    own, comparison = points[-1], points[0]
    assert own["mark"]["size"] < comparison["mark"]["size"]
    assert own["mark"]["stroke"] == "white"
    datasets = spec["datasets"]
    assert {r["serie"] for r in datasets[own["data"]["name"]]} == {"Hjo"}


@pytest.mark.parametrize(
    ("value", "target", "direction", "reached"),
    [
        (40, 40, "ökande", True),
        (39.9, 40, "ökande", False),
        (17.2, 18, "minskande", True),
        (18.1, 18, "minskande", False),
        (NAN, 18, "minskande", None),
        (5, NAN, "", None),
    ],
)
def test_a_target_is_reached_in_the_desired_direction(value, target, direction, reached) -> None:
    assert target_reached(value, target, direction) is reached


def test_targets_show_in_table_chart_and_caption_in_words_and_symbol(von) -> None:
    labels = von.labels()
    indicators = von.table("indikatorer")
    values = von.table("indikatorvarden")
    with_target = values[values["målvärde"].notna()]
    assert not with_target.empty
    table = str(indicator_table(von, indicators, values, labels))
    figures = "".join(indicator_figures(von, indicators, values, labels))
    for _, row in with_target.iterrows():
        indicator = indicators.set_index("indikator_id").loc[row["indikator_id"]]
        reached = target_reached(row["värde"], row["målvärde"], indicator["önskad_riktning"])
        word = "✔ nått" if reached else "✘ inte nått"
        target = format_with_unit(row["målvärde"], indicator["enhet"], 1, missing=MISSING)
        assert f"{target}: {word}".replace(",0", "") in table.replace(",0", "")
    assert "(gröna trianglar)" in figures and "Målvärde" in figures


def test_chart_data_buttons_have_unique_names(von) -> None:
    labels = von.labels()
    figures = "".join(
        indicator_figures(von, von.table("indikatorer"), von.table("indikatorvarden"), labels)
    )
    names = re.findall(r"<summary>(.*?)</summary>", figures)
    assert len(names) > 3 and len(set(names)) == len(names)


def test_the_phone_chart_keeps_its_text_at_least_11_px_at_320_px(von) -> None:
    rows = drawn_series(_series([50.0, 60.0, 55.0], comparison=[52.0, 53.0, 54.0]), "").rows
    chart = indicator_chart(
        rows, "Ett mycket långt namn på en indikator", "%", own_label="Hjo kommun",
        comparison_label="Jämförelse (riket)", width=NARROW_WIDTH,
    )  # fmt: skip
    svg = chart_svg(chart)
    width = float(re.search(r'width="([\d.]+)"', svg).group(1))
    smallest = min(float(size) for size in re.findall(r'font-size="([\d.]+)px"', svg))
    # 320 px screen less the page's side padding on phones (2 × 0.9 rem).
    available = 320 - 2 * 0.9 * 16
    assert smallest * min(1.0, available / width) >= 11
