"""JupyterLab without code edits: the local choice of year and unit, tables read as they are now,
and one broken table blocking only the sections that read it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from helpers import report
from helpers.consolidated import report as consolidated_report
from helpers.core.errors import DataError, ParameterError
from helpers.core.paths import REPO_ROOT, YEAR_END, Project
from helpers.data.definition import load_definition
from helpers.data.kommun_definition import read_consolidated
from helpers.season.lab import LOCAL_FILE, SECTION_RUN_ENV, local_choice, write_choice

YEAR = 2016


def test_the_local_file_is_ignored_by_git():
    result = subprocess.run(["git", "check-ignore", "-q", LOCAL_FILE], cwd=REPO_ROOT, check=False)
    assert result.returncode == 0, f"{LOCAL_FILE} must be in .gitignore"


def test_the_chosen_unit_replaces_the_notebook_defaults(workspace: Path, monkeypatch, capsys):
    monkeypatch.delenv(SECTION_RUN_ENV, raising=False)
    project = Project(workspace)
    write_choice(project, YEAR, "von")
    assert local_choice(project) == (YEAR, "von", YEAR_END)
    von = load_definition(project, YEAR, "von")
    klk = load_definition(project, YEAR, "klk")
    shared = next(s.id for s in klk.sections if s.id in {v.id for v in von.sections})
    part = report.section(YEAR, "klk", shared)
    assert part.data.info.unit == "von" and part.id == shared
    assert "von" in capsys.readouterr().out  # the cell says what it shows
    # A section id the chosen unit lacks: its first section of the same kind.
    only_klk = next(
        s for s in klk.sections
        if s.id not in {v.id for v in von.sections} and any(v.kind == s.kind for v in von.sections)
    )  # fmt: skip
    part = report.section(YEAR, "klk", only_klk.id)
    assert part.spec.kind == only_klk.kind
    assert part.id == next(v.id for v in von.sections if v.kind == only_klk.kind)


def test_the_chosen_period_replaces_the_notebook_defaults(workspace: Path, monkeypatch, capsys):
    monkeypatch.delenv(SECTION_RUN_ENV, raising=False)
    project = Project(workspace)
    delar = project.for_period("delar")
    assert delar.params_file(YEAR, "klk").is_file(), "the example has a delår report"
    write_choice(project, YEAR, "klk", "delar")
    assert local_choice(project) == (YEAR, "klk", "delar")
    part = report.section(YEAR, "klk", "drift")  # the parameters cell's period: helår
    assert part.data.project.period == "delar"
    assert part.data.folder == delar.unit_data(YEAR, "klk")
    assert "delar" in capsys.readouterr().out
    first = read_consolidated(delar)[0].sections[0].id
    kommun = consolidated_report.section(YEAR, first)  # the consolidated notebooks too
    assert kommun.data.project.period == "delar"


def test_a_period_without_params_is_refused(workspace: Path):
    project = Project(workspace)
    (project.for_period("delar").params_file(YEAR, "von")).unlink()
    with pytest.raises(ParameterError):
        write_choice(project, YEAR, "von", "delar")
    assert not (workspace / LOCAL_FILE).exists()


def test_a_section_run_ignores_the_local_file(workspace: Path, monkeypatch):
    write_choice(Project(workspace), YEAR, "von")
    monkeypatch.setenv(SECTION_RUN_ENV, "1")
    assert report.section(YEAR, "klk", "drift").data.info.unit == "klk"


def test_a_broken_local_file_is_a_swedish_problem(workspace: Path):
    (workspace / LOCAL_FILE).write_text("år: tjugo\nenhet: klk\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        local_choice(Project(workspace))
    assert LOCAL_FILE in str(caught.value)


def test_rerunning_a_cell_shows_the_table_as_it_is_now(workspace: Path, monkeypatch):
    monkeypatch.setenv(SECTION_RUN_ENV, "1")
    part = report.section(YEAR, "klk", "kf_mal")
    goals = workspace / "data" / str(YEAR) / "klk" / "mal.csv"
    title = part.data.goals.iloc[0]["titel"]
    assert title in str(report.goals_of(part).data)
    goals.write_text(
        goals.read_text("utf-8").replace(title, "En helt ny målformulering", 1), "utf-8"
    )
    shown = str(report.goals_of(part).data)  # the same `part`: no load cell re-run
    assert "En helt ny målformulering" in shown


def test_one_broken_table_blocks_only_the_sections_that_read_it(workspace: Path, monkeypatch):
    monkeypatch.setenv(SECTION_RUN_ENV, "1")
    drift = workspace / "data" / str(YEAR) / "klk" / "drift.csv"
    drift.write_text(drift.read_text("utf-8").replace("\n", "\nxyz;abc;;;\n", 1), "utf-8")
    goals = report.section(YEAR, "klk", "kf_mal")
    assert "wb-goal" in str(report.goals_of(goals).data)
    budget = report.section(YEAR, "klk", "drift")
    with pytest.raises(DataError) as caught:
        report.budget(budget)
    assert "drift.csv" in str(caught.value)
