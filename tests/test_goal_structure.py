"""Goal structure as data: a kommun's own levels and goal areas, rendered without code changes.

A kommun with four named levels (kommunfullmäktige, nämnd, förvaltning, enhet) groups its goals
under *perspektiv*; the invented example unit is given goals on every level. What the HTML must
show is derived from the edited files.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from helpers.building.validate import validate_unit
from helpers.core.paths import Project
from helpers.data.definition import load_definition
from helpers.data.unit_data import load_unit
from helpers.parts.goals import goals_html
from helpers.parts.summary import summary_html

LEVELS = {  # id: (heading pattern, short form)
    "kommunfullmäktige": ("KF-mål {nummer}. {titel}", "KF {nummer}"),
    "nämnd": ("Nämndmål {nummer}. {titel}", "NM {nummer}"),
    "förvaltning": ("Förvaltningsmål {nummer}. {titel}", "FM {nummer}"),
    "enhet": ("Enhetsmål {nummer} ({enhet}). {titel}", "EM {nummer}"),
}
AREAS = [("ekonomi", "Ekonomi i balans"), ("medborgare", "Medborgarnas perspektiv")]
GOALS = [  # id, level, number, title, area
    (
        "KF2",
        "kommunfullmäktige",
        2,
        "Invånarna ska kunna sköta sina ärenden digitalt",
        "medborgare",
    ),
    ("KF5", "kommunfullmäktige", 5, "Kommunen ska vara en attraktiv arbetsgivare", ""),
    ("KF9", "kommunfullmäktige", 9, "Kommunen ska ha ett gott företagsklimat", ""),
    ("KS3", "nämnd", 3, "Nämnden ska hålla budget", "ekonomi"),
    ("F1", "förvaltning", 1, "Förvaltningen ska minska sina lokalkostnader", "ekonomi"),
    ("E1", "enhet", 1, "Enheten ska svara på e-post inom två dagar", "medborgare"),
]


@pytest.fixture
def four_levels(workspace: Path) -> Project:
    definition = workspace / "data/rapport.yaml"
    text = definition.read_text(encoding="utf-8")
    levels = "nivåer:\n" + "".join(
        f'  - id: {level}\n    rubrik: "{heading}"\n    kort: "{short}"\n'
        for level, (heading, short) in LEVELS.items()
    )
    start, end = text.index("nivåer:\n"), text.index("\n# Bedömningarna")
    text = text[:start] + levels + text[end:]
    text = text.replace('    område: "Målområde: {område}"', '    område: "Perspektiv: {område}"')
    definition.write_text(text, encoding="utf-8")
    folder = workspace / "data/2016/exempel"
    sections = "".join(
        f"    - id: mal_{i}\n      typ: mal\n      nivå: {level}\n      rubrik: Mål ({level})\n"
        for i, level in enumerate(LEVELS)
    )
    params = workspace / "params/2016/exempel.yaml"
    params.write_text(
        params.read_text(encoding="utf-8")
        + "rapport:\n  avsnitt:\n    - sammanfattning\n    - uppdrag\n"
        + sections
        + "    - drift\n",
        encoding="utf-8",
    )
    with (folder / "mal.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["mal_id", "nivå", "nummer", "titel", "bedömning", "adressat", "område"])
        writer.writerows([g, lv, n, t, "", "", a] for g, lv, n, t, a in GOALS)
    with (folder / "malomraden.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([("område_id", "rubrik"), *AREAS])
    (folder / "text/malomraden").mkdir()
    for area, title in AREAS:
        (folder / f"text/malomraden/{area}.md").write_text(
            f"Introduktion till perspektivet {title}.\n", encoding="utf-8"
        )
    for goal in ("F1", "E1"):
        (folder / f"text/mal/{goal}-arbete.md").write_text(f"Arbetet med {goal}.\n", "utf-8")
    return Project(workspace)


def test_four_named_levels_with_areas_validate(four_levels: Project) -> None:
    assert validate_unit(four_levels, 2016, "exempel") == []
    definition = load_definition(four_levels, 2016, "exempel")
    assert list(definition.levels) == list(LEVELS)
    assert definition.shown_levels == list(LEVELS)


def test_each_level_shows_its_goals_under_their_areas(four_levels: Project) -> None:
    data = load_unit(2016, "exempel", four_levels)
    titles = dict(AREAS)
    for section in data.definition.of_kind("mal"):
        html = str(goals_html(data, section))
        headings = re.findall(r'<h([34]) id="([^"]+)">(.*?)</h\1>', html)
        own = [g for g in GOALS if g[1] == section.level]
        expected = []
        for goal in (g for g in own if not g[4]):  # goals without an area come first
            expected.append(("3", goal))
        for area, _ in AREAS:
            in_area = [g for g in own if g[4] == area]
            if in_area:
                expected.append(("3", area))
                expected += [("4", g) for g in in_area]
        assert len(headings) == len(expected), headings
        for (level, anchor, text), (want_level, item) in zip(headings, expected, strict=True):
            assert level == want_level
            if isinstance(item, str):  # an area: the label with the area's heading
                assert text == f"Perspektiv: {titles[item]}"
                assert anchor == f"{section.id}-omrade-{item}"
                assert f"Introduktion till perspektivet {titles[item]}." in html
            else:
                pattern = LEVELS[item[1]][0]
                assert text == pattern.format(nummer=item[2], titel=item[3], enhet=data.info.name)
                assert anchor == f"mal-{item[0].lower()}"


def test_the_summary_counts_every_level_and_links_with_the_short_form(
    four_levels: Project,
) -> None:
    data = load_unit(2016, "exempel", four_levels)
    html = str(summary_html(data))
    assert f"Av {len(GOALS)} mål bedöms inget ännu; {len(GOALS)} saknar bedömning." in html


def test_a_goal_area_without_its_table_is_reported(four_levels: Project) -> None:
    folder = four_levels.unit_data(2016, "exempel")
    (folder / "malomraden.csv").unlink()
    problems = validate_unit(four_levels, 2016, "exempel")
    with_area = [g for g in GOALS if g[4]]
    assert [(p.file, p.column) for p in problems] == [
        ("data/2016/exempel/mal.csv", "område")
    ] * len(with_area)
    assert all("malomraden.csv saknas" in p.message for p in problems)
