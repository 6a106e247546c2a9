"""An indicator's development in the summary ("▲ bättre än 2015") keeps its symbol with the word
after it (a no-break space): a narrow column on a phone never leaves "▲" alone at a line's end.
Read from the definition's labels and every built report."""

from __future__ import annotations

import html

from conftest import report_files

from helpers.core.paths import Project
from helpers.core.yaml_text import load_yaml
from helpers.parts.summary import bound_symbol

KEYS = ("bättre", "sämre", "oförändrat", "ökat", "minskat")


def test_a_leading_symbol_is_bound_and_other_texts_are_left_alone() -> None:
    assert bound_symbol("▲ bättre än 2015") == "▲\u00a0bättre än 2015"
    assert bound_symbol("= oförändrat sedan 2015") == "=\u00a0oförändrat sedan 2015"
    assert bound_symbol("bättre än 2015") == "bättre än 2015"
    assert bound_symbol("2 bättre") == "2 bättre"
    assert bound_symbol("▲") == "▲"


def test_every_built_report_shows_the_symbols_bound(built_year: Project) -> None:
    definition = load_yaml((built_year.data / "rapport.yaml").read_text("utf-8"), "rapport.yaml")
    words = definition["etiketter"]["sammanfattning"]
    starts = {str(words[key]).split("{", 1)[0] for key in KEYS}
    leading = {start[:2] for start in starts if len(start) > 2 and not start[0].isalnum()}
    assert leading, "the example's labels have no leading symbol: nothing to check"
    seen = 0
    for report in report_files(built_year.reports, "**/*/*.html"):
        text = html.unescape(report.read_text("utf-8"))
        for start in starts:
            bound = bound_symbol(start)
            seen += text.count(bound)
            if bound != start:
                assert start not in text, (report, start)
    assert seen, "no built report shows an indicator's development"
