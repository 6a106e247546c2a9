"""The Sammanfattning (``helpers.parts.summary``), computed from the KLK 2016 data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import copy_inputs

from helpers.core.paths import Project
from helpers.data.unit_data import UnitData, load_unit
from helpers.parts.summary import NO_ASSESSMENT, summarise, summary_html


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_inputs(tmp_path_factory.mktemp("summary") / "ws")


@pytest.fixture(scope="module")
def klk(inputs: Path) -> UnitData:
    return load_unit(2016, "klk", Project(inputs))


def test_figures_come_from_the_data(klk: UnitData) -> None:
    s = summarise(klk)
    assert s.goals_by_assessment == {
        "uppfyllt": 0,
        "delvis uppfyllt": 0,
        "ej uppfyllt": 3,
        NO_ASSESSMENT: 5,
    }
    assert sum(s.activities_by_status.values()) == len(klk.table("aktiviteter"))
    assert s.activities_by_status["genomförd"] == 15
    assert (s.result, s.deviation, s.forecast_result) == (76, 76, -362)
    assert {m.indicator for m in s.wrong_direction} >= {"Placering på kommunrankingen"}
    for move in s.wrong_direction:
        change = move.latest[1] - move.earlier[1]
        assert (move.direction == "ökande" and change < 0) or (
            move.direction == "minskande" and change > 0
        )


def test_summary_page_reads_first_and_whole(klk: UnitData) -> None:
    out = summary_html(klk)
    assert out.startswith('<section class="wb-summary-page"')
    assert '<h2 id="sammanfattning">Sammanfattning</h2>' in out
    lead = re.search(r'<p class="wb-lead">(.*?)</p>', out).group(1)
    assert "överskott på 76\u00a0tkr mot tilldelad ram 2016" in lead
    assert "Av 8 mål bedöms 3 som ej uppfyllda; 5 saknar bedömning." in lead
    assert "15 av 26 aktiviteter är genomförda." in lead
    # Budget: result, deviation and forecast with sign; the deficit marked in text and colour.
    assert "+76\u00a0tkr</strong> (överskott)" in out
    assert '<strong class="neg">\u2212362\u00a0tkr</strong>' in out
    # Assessments: symbol and word, never only colour.
    assert '<span class="wb-symbol" aria-hidden="true">✘</span> Ej uppfyllt</span>:' in out
    # Indicators that moved the wrong way: a table with caption, linked to their goals.
    assert "<caption" in out and 'scope="col"' in out
    assert re.search(r'<a href="#mal-[a-z0-9-]+">K[FS]-mål\u00a0\d+</a>', out)


def test_a_deficit_is_called_a_deficit(inputs: Path, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "ws"
    shutil.copytree(inputs, root)
    drift = root / "data" / "2016" / "klk" / "drift.csv"
    text = drift.read_text(encoding="utf-8")
    drift.write_text(
        text.replace("Kostnader,kostnader,42539,45299,", "Kostnader,kostnader,42539,46299,"),
        encoding="utf-8",
    )
    data = load_unit(2016, "klk", Project(root))
    assert summarise(data).result == -924
    out = summary_html(data)
    assert "ett underskott på 924\u00a0tkr" in out
    assert '<strong class="neg">\u2212924\u00a0tkr</strong> (underskott)' in out


def test_a_draft_year_lists_the_texts_still_to_be_written(workspace: Path) -> None:
    from helpers.chores.new_year import new_year

    new_year(2017, 2016, "klk", Project.current())
    data = load_unit(2017, "klk")
    html_text = summary_html(data)
    mark = f"<strong>{data.labels()('klarmarkering.utkast')}</strong>"
    assert mark in html_text
    assert "<code>data/2017/klk/text/framtid.md</code>" in html_text
    assert mark not in summary_html(load_unit(2016, "klk"))


def _overview_rows(page: str) -> list[str]:
    card = page[page.index('id="sammanfattning-oversikt"') :]
    card = card[: card.index("</table>")]
    return re.findall(r"<tr>(.*?)</tr>", card[card.index("<tbody>") :], re.S)


@pytest.mark.parametrize("unit", ["klk", "von"])
def test_the_goal_overview_lists_every_goal_with_its_assessment_and_link(
    inputs: Path, unit: str
) -> None:
    data = load_unit(2016, unit, Project(inputs))
    page = str(summary_html(data))
    rows = _overview_rows(page)
    assert len(rows) == len(data.goals)
    for _, goal in data.goals.iterrows():
        (row,) = [r for r in rows if f'href="#mal-{goal["mal_id"].lower()}"' in r]
        if goal["bedömning"]:
            assessment = data.definition.assessments[goal["bedömning"]]
            assert f"{assessment.symbol} {assessment.text}" in row
        else:
            assert "Ingen bedömning angiven" in row
        for _, indicator in data.table("indikatorer").iterrows():
            if indicator["mal_id"] == goal["mal_id"]:
                assert indicator["indikator"].rstrip(".") in row


def test_the_overview_says_better_or_worse_by_the_desired_direction(inputs: Path) -> None:
    data = load_unit(2016, "von", Project(inputs))
    page = str(summary_html(data))
    values = data.table("indikatorvarden")
    for _, indicator in data.table("indikatorer").iterrows():
        own = values[
            (values["indikator_id"] == indicator["indikator_id"]) & values["värde"].notna()
        ]
        before, last = own["värde"].iloc[-2], own["värde"].iloc[-1]
        up_is_good = indicator["önskad_riktning"] == "ökande"
        word = "bättre" if (last > before) == up_is_good else "sämre"
        name = indicator["indikator"].rstrip(".")
        # the symbol bound to its word by a no-break space (test_summary_symbols)
        assert re.search(re.escape(name) + ": [▲▼]\u00a0" + word, page), name
    # Where a target is given, the overview says whether the latest was reached.
    assert "✘ inte nått" in page and "✔ nått" in page


def test_every_activity_count_lists_the_activities_it_counts(klk: UnitData) -> None:
    page = str(summary_html(klk))
    activities = klk.table("aktiviteter")
    for key, status in klk.definition.statuses.items():
        own = activities[activities["status"] == key]
        if own.empty:
            continue
        match = re.search(
            r"<summary><span>" + re.escape(status.text) + r":</span> <strong>(\d+)</strong>"
            r"</summary><ul>(.*?)</ul>",
            page,
        )
        assert match and int(match.group(1)) == len(own)
        assert match.group(2).count("<li>") == len(own)


def test_a_new_unit_without_goals_or_activities_counts_none_in_its_lead(workspace: Path) -> None:
    """A unit scaffolded by ``new-unit`` has no goals and no activities yet: the lead says
    nothing about them ("Av 0 mål bedöms inget ännu" would be noise), while a unit with goals
    keeps both sentences."""
    from helpers.chores.new_unit import new_unit
    from helpers.parts.summary import lead_text

    project = Project(workspace)
    new_unit("soc", "Socialförvaltningen", 2016, project=project)
    data = load_unit(2016, "soc", project)
    summary = summarise(data)
    assert sum(summary.goals_by_assessment.values()) == 0
    assert sum(summary.activities_by_status.values()) == 0
    labels = data.labels()
    lead = str(lead_text(data, summary, labels))
    goal_words = labels("sammanfattning.ingress_mål", antal=0, bedömningar="")
    activity_words = labels("sammanfattning.ingress_aktiviteter", antal=0, klara=0)
    assert goal_words.split("0")[0] not in lead  # "Av " … the count's sentence
    assert activity_words not in lead
    klk = load_unit(2016, "klk", project)
    klk_summary = summarise(klk)
    klk_lead = str(lead_text(klk, klk_summary, klk.labels()))
    n_goals = sum(klk_summary.goals_by_assessment.values())
    assert n_goals and f"{goal_words.split('0')[0]}{n_goals} " in klk_lead
