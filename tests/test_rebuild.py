"""Rebuild only what changed: each section's fingerprint covers the files it actually read.

The session's build of 2016 (``conftest.built_year``: real kernels, cold) is copied into a private
workspace; the tests then edit one input at a time and check the plan of the KLK report (which
sections run, and why) and the rebuilt report.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import copy_built

from helpers import report
from helpers.building.build import build_years, plan_build
from helpers.core import read_log
from helpers.core.kinds import KINDS
from helpers.core.paths import Project
from helpers.data.definition import load_definition

pytestmark = pytest.mark.e2e
UNIT, YEAR = "klk", 2016


@pytest.fixture(scope="module")
def project(built_year: Project, tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = copy_built(built_year, tmp_path_factory.mktemp("rebuild") / "ws").root
    previous = os.environ.get("WORKBOOK_ROOT")
    os.environ["WORKBOOK_ROOT"] = str(root)
    yield Project(root)
    if previous is None:
        os.environ.pop("WORKBOOK_ROOT", None)
    else:
        os.environ["WORKBOOK_ROOT"] = previous


def planned(project: Project) -> dict[str, str]:
    """Section id → why it would run, for the sections that would."""
    (plan,) = plan_build(project, [YEAR], UNIT)
    return {s.name: s.reason for s in plan.to_run}


def sections_of_kind(project: Project, *kinds: str) -> set[str]:
    return {s.id for s in load_definition(project, YEAR, UNIT).sections if s.kind in kinds}


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_built_report_has_nothing_to_rerun(project):
    assert planned(project) == {}


def test_editing_a_goal_text_reruns_only_the_section_that_shows_it(project):
    goals = report.load(YEAR, UNIT).goals
    goal = goals.iloc[0]
    level_sections = {
        s.id
        for s in load_definition(project, YEAR, UNIT).sections
        if s.kind == "mal" and s.level == goal["nivå"]
    }
    texts = sorted((project.unit_data(YEAR, UNIT) / "text" / "mal").glob(f"{goal['mal_id']}-*.md"))
    assert texts, "the example's first goal has a text"
    append(texts[0], "\nEn ny mening om målet.\n")
    plan = planned(project)
    assert set(plan) == level_sections
    shown = texts[0].relative_to(project.root).as_posix()
    assert all(shown in reason for reason in plan.values()), plan

    # --section builds that one section and, the others being current, the whole report.
    (section,) = level_sections
    result = build_years([YEAR], UNIT, project, section=section, jobs=1)
    (unit,) = result.units
    assert unit.sections_run == 1 and unit.report_written and not unit.report_stale
    assert "En ny mening om målet." in project.report_file(YEAR, UNIT).read_text("utf-8")
    assert planned(project) == {}


def test_editing_the_operating_statement_reruns_it_and_the_summary(project):
    append(project.unit_data(YEAR, UNIT) / "drift.csv", "")  # same content: nothing to do
    assert planned(project) == {}
    drift = project.unit_data(YEAR, UNIT) / "drift.csv"
    drift.write_text(drift.read_text("utf-8").rstrip("\n") + "\n\n", encoding="utf-8")
    expected = {
        s for s in sections_of_kind(project, "drift", "sammanfattning")
    } | {  # any other kind that declares the table
        s.id
        for s in load_definition(project, YEAR, UNIT).sections
        if "drift" in KINDS[s.kind].tables
    }
    assert set(planned(project)) == expected


def test_section_flag_says_which_other_sections_are_stale(project, capsys):
    result = build_years([YEAR], UNIT, project, section="drift", jobs=1)
    (unit,) = result.units
    assert unit.sections_run == 1 and unit.report_stale and not unit.report_written
    (plan,) = plan_build(project, [YEAR], UNIT, section="drift")
    assert "sammanfattning" in plan.report_reason
    build_years([YEAR], UNIT, project, jobs=1)
    assert planned(project) == {}


def test_writing_a_missing_text_reruns_the_section_that_looked_for_it(project):
    reads = read_log.load(project.executed_dir(YEAR, UNIT) / "kf_mal.reads.json")
    missing = [name for name, token in reads.items() if token == read_log.ABSENT]
    goal_text = next(n for n in missing if n.endswith(".md"))
    (project.root / goal_text).write_text("Motivering skriven i dag.\n", encoding="utf-8")
    # kf_mal looked for the file; a section that listed the texts folder (the summary's list of
    # texts still to write) sees a new name there too. Nothing else runs.
    listed = {
        path.name.removesuffix(".reads.json")
        for path in project.executed_dir(YEAR, UNIT).glob("*.reads.json")
        if any(
            token.startswith("lista:") and goal_text.startswith(name + "/")
            for name, token in read_log.load(path).items()
        )
    }
    assert set(planned(project)) == {"kf_mal"} | listed
    (project.root / goal_text).unlink()
    assert planned(project) == {}


def test_a_section_records_only_what_it_reads(project):
    read_log.start(project.root)
    part = report.section(YEAR, UNIT, "drift")
    report.heading(part), report.budget(part), report.closing(part)
    reads = read_log.stop()
    folder = project.unit_data(YEAR, UNIT).relative_to(project.root).as_posix()
    assert f"{folder}/drift.csv" in reads
    assert f"{folder}/mal.csv" not in reads and f"{folder}/aktiviteter.csv" not in reads
    assert all(token.startswith(("sha256:", read_log.ABSENT)) for token in reads.values())


def test_a_status_change_reruns_no_section_and_only_changes_the_draft_mark(project):
    from helpers.data.signoff import APPROVED, set_status

    build_years([YEAR], UNIT, project, jobs=1)  # whatever earlier tests left
    ids = [s.id for s in load_definition(project, YEAR, UNIT).sections]
    assert 'class="wb-draft"' in project.report_file(YEAR, UNIT).read_text("utf-8")
    set_status(project, YEAR, UNIT, ids, ids, APPROVED, "Anna Ek")
    (plan,) = plan_build(project, [YEAR], UNIT)
    assert plan.to_run == [] and "klarmarkeringen" in plan.report_reason
    (unit,) = build_years([YEAR], UNIT, project, jobs=1).units
    assert unit.sections_run == 0 and unit.report_written
    assert 'class="wb-draft"' not in project.report_file(YEAR, UNIT).read_text("utf-8")
