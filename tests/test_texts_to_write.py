"""Texts to write are the texts the unit's report uses: a section the unit left out (its own
``avsnitt:`` list) leaves no trace in the draft notice, ``workbook status``, the index page's count
or the sign-off warning — in a private workspace, without kernels."""

from __future__ import annotations

from pathlib import Path

from helpers import cli
from helpers.building.index_page import progress_text
from helpers.building.readiness import unit_progress
from helpers.core.paths import Project
from helpers.core.placeholders import PLACEHOLDER_MARK
from helpers.data.definition import load_definition
from helpers.data.unit_data import load_unit
from helpers.parts.summary import drafts_notice

YEAR, UNIT, FULL = 2016, "von", "klk"  # von lists its own sections; klk has the kommun's


def section_texts(project: Project, unit: str) -> list[str]:
    """The sections' own texts (``text:``, ``eftertext:``) of the unit's report."""
    definition = load_definition(project, YEAR, unit)
    return list(dict.fromkeys(ref.file for s in definition.sections for ref in s.texts))


def left_out_texts(project: Project) -> list[str]:
    """The section texts of the kommun's report that von's report does not have."""
    own = set(section_texts(project, UNIT))
    return [t for t in section_texts(project, FULL) if t not in own]


def scaffold(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# Rubrik\n\n{PLACEHOLDER_MARK}.\n", encoding="utf-8")


def with_left_out_scaffolds(workspace: Path) -> tuple[Project, list[str]]:
    """von's folder with a scaffold text for every section it left out, and one in the folder
    of a kind it has no section of (priorities)."""
    project = Project(workspace)
    texts = left_out_texts(project)
    assert texts  # the example leaves sections out
    text_dir = project.unit_data(YEAR, UNIT) / "text"
    for name in [*texts, "prioriteringar/p1.md", "internkontroll/ik1.md"]:
        assert not (text_dir / name).exists()
        scaffold(text_dir / name)
    return project, texts


def test_texts_of_left_out_sections_are_not_to_write(workspace: Path):
    project, left_out = with_left_out_scaffolds(workspace)
    progress = unit_progress(project, YEAR, UNIT, validate=False)
    assert progress.texts_to_write == []
    labels = load_unit(YEAR, UNIT, project, lazy=True).labels()
    assert labels("klarmarkering.texter_att_skriva", antal=0) in str(
        progress_text(progress, labels)
    )
    assert str(drafts_notice(load_unit(YEAR, UNIT, project), labels)) == ""


def test_a_used_text_is_still_listed_beside_left_out_ones(workspace: Path):
    project, left_out = with_left_out_scaffolds(workspace)
    used = section_texts(project, UNIT)[0]
    text_dir = project.unit_data(YEAR, UNIT) / "text"
    scaffold(text_dir / used)
    goal_text = next((text_dir / "mal").glob("*-arbete.md"))  # von has goal sections
    scaffold(goal_text)
    expected = sorted([f"text/{used}", f"text/mal/{goal_text.name}"])
    assert unit_progress(project, YEAR, UNIT, validate=False).texts_to_write == expected
    data = load_unit(YEAR, UNIT, project)
    notice = str(drafts_notice(data, data.labels()))
    for name in expected:
        assert f"<code>data/{YEAR}/{UNIT}/{name}</code>" in notice
    for name in left_out:
        assert name not in notice


def test_status_lists_no_left_out_text_even_when_all_is_approved(workspace: Path, capsys):
    project, left_out = with_left_out_scaffolds(workspace)
    args = ["--year", str(YEAR), "--unit", UNIT]
    assert cli.main(["klar", *args, "--alla", "--status", "godkänd"]) == 0
    capsys.readouterr()
    cli.main(["status", *args])
    out = capsys.readouterr().out
    assert "har texter att skriva" not in out and "texter att skriva:" not in out
    for name in [*left_out, "prioriteringar/p1.md", "internkontroll/ik1.md"]:
        assert name not in out
    assert unit_progress(project, YEAR, UNIT, validate=False).approved_with_texts == {}


def test_the_full_report_still_lists_the_same_texts(workspace: Path):
    """klk has those sections: the same scaffolds are texts to write there."""
    project = Project(workspace)
    text_dir = project.unit_data(YEAR, FULL) / "text"
    texts = left_out_texts(project)
    for name in texts:
        scaffold(text_dir / name)
    progress = unit_progress(project, YEAR, FULL, validate=False)
    assert progress.texts_to_write == sorted(f"text/{name}" for name in texts)
