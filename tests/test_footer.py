"""Every report's footer says what it is, whose and which kommun's, each once: a unit's names the
unit and the kommun; the consolidated report, which has no unit of its own, names the kommun once
(it named it twice)."""

from __future__ import annotations

from bs4 import BeautifulSoup
from conftest import report_files

from helpers.core.paths import Project
from helpers.data.definition import read_definition


def test_each_footer_names_the_kommun_once(built_year: Project) -> None:
    definition, problems = read_definition(built_year)
    assert definition is not None, problems
    kommun = definition.municipality.name
    reports = report_files(built_year.reports, "**/*/*.html")  # under a year: not the index
    assert len(reports) >= 4
    for report in reports:
        soup = BeautifulSoup(report.read_text("utf-8"), "html.parser")
        first = " ".join(soup.select_one(".wb-footer p").get_text().split())
        parts = first.split(" · ")
        assert parts.count(kommun) == 1, (report, first)
        assert len(parts) == len(set(parts)), (report, first)
