"""A delår report whose operating statement has a forecast says the year's forecast in its drift
section's result sentence, as its summary does: the outcome to the cut-off date set against the
whole year's budget is no result (it read "redovisar ett underskott … (avvikelse mot budget
+26,6 mkr)" beside a summary that forecast something else)."""

from __future__ import annotations

import html
import re

from conftest import report_files

from helpers.core.paths import CONSOLIDATED, Project
from helpers.data.unit_data import load_unit
from helpers.parts.budget import result_phrase, statement_of
from helpers.parts.budget_view import forecasts

YEAR = 2016


def _result_sentences(page: str) -> list[str]:
    found = re.findall(r'<p class="wb-result">(.*?)</p>', page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split()) for text in found]


def test_each_delar_drift_sentence_says_the_forecast(built_year: Project) -> None:
    checked = 0
    for period in built_year.periods_of_year(YEAR):
        seen = built_year.for_period(period)
        for report in report_files(seen.reports, f"{YEAR}/{period}/*.html"):
            unit = report.stem
            if unit == CONSOLIDATED:
                continue
            data = load_unit(YEAR, unit, seen)
            statement = statement_of(data)
            if statement is None or not forecasts(data, statement):
                continue
            labels = data.labels()
            forecast = result_phrase(statement.result_of("prognos"), statement.format, labels)
            so_far = result_phrase(statement.result_of("utfall"), statement.format, labels)
            assert forecast is not None
            [sentence] = _result_sentences(report.read_text("utf-8"))
            assert " ".join(forecast.split()) in sentence, (report, sentence)
            if so_far is not None and so_far != forecast:
                assert " ".join(so_far.split()) not in sentence, (report, sentence)
            checked += 1
    assert checked, "no delår report with a forecast was built: nothing checked"
