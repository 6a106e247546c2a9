"""A long delverksamhet name stands on up to three lines beside its bars in the drift chart,
instead of being cut after a few words; a name longer than that ends in "…" (the data table
has it whole); names alike up to their cut still get a bar pair each."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import vl_convert

from helpers.parts.charts import LABEL_LINES, NARROW_BAR_WIDTH, WIDTH, budget_chart

LONG = "Kommunstyrelsens förvaltning för samhällsbyggnad, miljö och hälsoskydd"
LONGER = LONG + " samt räddningstjänst och allt annat som hör dit, också det som tillkom i år"


def _labels(names: list[str], width: int) -> tuple[list[str], int]:
    rows = pd.DataFrame(
        {"post": names, "budget": [10.0 * (i + 1) for i in range(len(names))],
         "utfall": [9.0 * (i + 1) for i in range(len(names))]}
    )  # fmt: skip
    chart = budget_chart(rows, title="Budget och utfall", labels=("Budget", "Utfall"), width=width)
    svg = vl_convert.vegalite_to_svg(chart.to_json())
    y_axis = svg[svg.index('aria-label="Y-axis') :]
    axis = re.search(r'<g class="mark-text role-axis-label"[^>]*>(.*?)</g>', y_axis, re.S)
    assert axis is not None
    texts = re.findall(r"<text[^>]*>(.*?)</text>", axis.group(1), re.S)
    lines = [[re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<tspan[^>]*>.*?</tspan>", text)]
             or [text] for text in texts]  # fmt: skip
    marks = re.search(r'<g class="mark-rect role-mark[^>]*>(.*?)</g>', svg, re.S)
    assert marks is not None
    bars = len(re.findall(r"<path ", marks.group(1)))
    return [" ".join(each) for each in lines], bars


@pytest.mark.parametrize("width", [WIDTH, NARROW_BAR_WIDTH])
def test_a_long_name_is_shown_on_lines_not_cut_after_a_few_words(width: int) -> None:
    labels, _ = _labels([LONG, "Stab"], width)
    assert labels[1] == "Stab"
    words = LONG.split()
    shown = labels[0].split()
    if shown[-1] != "…":
        assert shown == words
    else:
        assert shown[:-1] == words[: len(shown) - 1]
    assert len(shown) - (shown[-1] == "…") > len(words) // 2 or width < WIDTH


def test_a_name_longer_than_three_lines_ends_in_an_ellipsis_and_alike_names_keep_their_bars():
    labels, bars = _labels([LONGER, LONGER + " (del två)", "Stab"], WIDTH)
    assert len(labels) == 3 and len(set(labels)) == 3
    assert bars == 6  # a budget bar and an outcome bar for each name
    one, _ = _labels([LONGER], WIDTH)
    assert one[0].endswith("…") and LABEL_LINES >= 2
