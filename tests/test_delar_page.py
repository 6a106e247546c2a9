"""A delår report built end to end (real kernels, nbconvert, Chromium) from the example with the
title new-year leaves (the helår's, without the period): its heading and page title name the
period, its drift chart says the year's forecast, and axe-core finds nothing on it at desktop
and phone widths."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

pytest.register_assert_rewrite("browser")

from browser import DESKTOP, PHONE, open_page, run_axe  # noqa: E402
from conftest import copy_inputs, project_root  # noqa: E402

from helpers.building.validate import validate_unit  # noqa: E402
from helpers.core.paths import Project  # noqa: E402

pytest_plugins = ["browser"]
pytestmark = [pytest.mark.browser, pytest.mark.e2e]
YEAR, UNIT, PERIOD = 2016, "exempel", "delar"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = copy_inputs(tmp_path_factory.mktemp("delar_page") / "ws")
    year_end = yaml.safe_load((root / f"params/{YEAR}/{UNIT}.yaml").read_text("utf-8"))
    params = root / f"params/{YEAR}/{PERIOD}/{UNIT}.yaml"
    raw = yaml.safe_load(params.read_text("utf-8"))
    raw["titel"] = year_end["titel"]  # as new-year --period delar carries it
    params.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    project = Project(root).for_period(PERIOD)
    with project_root(root):  # a module fixture: no monkeypatch
        from helpers.building.build import build

        assert validate_unit(project, YEAR, UNIT) == []
        results = build(YEAR, UNIT, project)
        assert all(not r.failures for r in results), [r.failures for r in results]
    definition = yaml.safe_load((root / "data/rapport.yaml").read_text("utf-8"))
    return project.report_file(YEAR, UNIT), {"title": year_end["titel"], **definition}


def _text(markup: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def test_the_delar_page_names_its_period_and_charts_the_forecast(built) -> None:
    report, inputs = built
    page = report.read_text("utf-8")
    name = inputs["perioder"][PERIOD]["namn"]
    expected = inputs["etiketter"]["rapport"]["titel_med_period"].format(
        titel=inputs["title"], period=name
    )
    [heading] = re.findall(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert _text(heading) == expected
    assert expected in _text(re.search(r"<title>(.*?)</title>", page, re.S).group(1))
    drift = inputs["etiketter"]["drift"]
    title = drift["diagram_titel_prognos"].format(år=YEAR, delverksamhet=drift["delverksamhet"])
    assert title in _text(page)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_nothing_on_the_delar_page(built, browser, viewport: dict) -> None:
    opened = open_page(browser, built[0].resolve().as_uri(), viewport)
    try:
        assert run_axe(opened.page) == []
        assert opened.blocked.urls == []
    finally:
        opened.page.context.close()
