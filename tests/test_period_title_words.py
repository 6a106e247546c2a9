"""Whether a report's title already names its period (``export.title_names_period``): word by
word, a word of the name beginning a word of the title (Swedish compounds), a number whole."""

from __future__ import annotations

import pytest

from helpers.building.export import report_title, title_names_period
from helpers.core.labels import Labels


@pytest.mark.parametrize(
    ("title", "period"),
    [
        ("Delårsrapport 2016", "Delår"),
        ("Tertialrapport 1 2017", "Tertial 1"),
        ("TERTIALRAPPORT 2, 2017", "tertial 2"),
        ("Delårsbokslut per augusti 2016", "Delår augusti"),
    ],
)
def test_a_title_naming_its_period_word_by_word_stays_as_written(title: str, period: str) -> None:
    assert title_names_period(title, period)
    labels = Labels({"rapport.titel_med_period": "{titel} – {period}"}, {})
    assert report_title(title, period, labels) == title


@pytest.mark.parametrize(
    ("title", "period"),
    [
        ("Tertialrapport 2017", "Tertial 2"),  # 2 only begins 2017
        ("Tertialrapport 1 2017", "Tertial 2"),
        ("Verksamhetsuppföljning 2017", "Delår"),
        ("Rapport", "Delår"),
        ("Delårsrapport", ""),
    ],
)
def test_a_title_without_its_period_gets_the_name(title: str, period: str) -> None:
    assert not title_names_period(title, period)
    if period:
        labels = Labels({"rapport.titel_med_period": "{titel} – {period}"}, {})
        assert report_title(title, period, labels) == f"{title} – {period}"
