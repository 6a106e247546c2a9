"""Messages a fresh user found wanting, second round: ``klar`` warns about texts still to write,
a bad ``WORKBOOK_CACHE_DIR`` is answered with the variable, a build refused for bad data says
nothing was built, near-miss periods and units get "menade du …?", and a spreadsheet saved in
the wrong format gets advice that a spreadsheet program can follow — in-process, no kernels."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import cli
from helpers.building.readiness import unit_progress
from helpers.core.paths import Project
from helpers.data.definition import load_definition
from helpers.season.season_cli import approved_with_texts_warning

YEAR, UNIT = 2016, "klk"


def _owner_of(project: Project, name: str) -> str:
    """The section whose definition names the text ``name`` (under ``text/``)."""
    for section in load_definition(project, YEAR, UNIT).sections:
        if any(ref and ref.file == name for ref in (section.text, section.after)):
            return section.id
    raise AssertionError(f"no section owns {name}")


def test_klar_warns_at_once_when_an_approved_section_has_texts_to_write(workspace: Path, capsys):
    from helpers.chores.new_unit import PLACEHOLDER_MARK

    project = Project(workspace)
    texts = project.unit_data(YEAR, UNIT) / "text"
    name = next(p.name for p in sorted(texts.glob("*.md")) if _owner_of_or_none(project, p.name))
    (texts / name).write_text(f"# Rubrik\n\n{PLACEHOLDER_MARK}.\n", encoding="utf-8")
    section = _owner_of(project, name)
    capsys.readouterr()
    code = cli.main(
        ["klar", "--year", str(YEAR), "--unit", UNIT, section, "--status", "godkand", "--by", "A"]
    )
    out = capsys.readouterr().out
    assert code == 0
    flagged = unit_progress(project, YEAR, UNIT, validate=False).approved_with_texts
    assert flagged == {section: [f"text/{name}"]}
    assert approved_with_texts_warning(section, flagged[section]) in out
    # the same words as `workbook status`
    cli.main(["status", "--year", str(YEAR), "--unit", UNIT])
    assert approved_with_texts_warning(section, flagged[section]) in capsys.readouterr().out


def test_klar_does_not_warn_for_review_or_for_written_texts(workspace: Path, capsys):
    from helpers.chores.new_unit import PLACEHOLDER_MARK

    project = Project(workspace)
    texts = project.unit_data(YEAR, UNIT) / "text"
    name = next(p.name for p in sorted(texts.glob("*.md")) if _owner_of_or_none(project, p.name))
    section = _owner_of(project, name)
    args = ["klar", "--year", str(YEAR), "--unit", UNIT, section, "--by", "A"]
    assert cli.main([*args, "--status", "godkänd"]) == 0  # its text is written
    assert "har texter att skriva" not in capsys.readouterr().out
    (texts / name).write_text(f"# Rubrik\n\n{PLACEHOLDER_MARK}.\n", encoding="utf-8")
    assert cli.main([*args, "--status", "granskning"]) == 0  # not approved: nothing to warn
    assert "har texter att skriva" not in capsys.readouterr().out


def _owner_of_or_none(project: Project, name: str) -> str | None:
    try:
        return _owner_of(project, name)
    except AssertionError:
        return None


def test_a_cache_folder_under_a_system_file_advises_changing_the_variable(
    workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers.data import render_cache

    blocker = workspace.parent / "systemfil"
    blocker.write_text("root:x:0:0\n", "utf-8")
    variable = render_cache.CACHE_DIR_VARIABLE
    monkeypatch.setenv(variable, str(blocker / "x"))
    capsys.readouterr()
    assert cli.main(["validate", "--year", str(YEAR), "--unit", UNIT]) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert f"{blocker} är en fil, men här ska det vara en mapp" in said
    assert f"Ändra {variable} till en mapp som går att skriva i" in said
    assert "ta bort variabeln" in said
    assert "Ta bort filen" not in said and "döp om" not in said
    assert blocker.read_text("utf-8") == "root:x:0:0\n"


def test_a_bad_section_timeout_variable_says_to_change_or_remove_it(
    workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers.building.execute import TIMEOUT_VARIABLE

    monkeypatch.setenv(TIMEOUT_VARIABLE, "snart")
    capsys.readouterr()
    assert cli.main(["validate", "--year", str(YEAR), "--unit", UNIT]) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert TIMEOUT_VARIABLE in said and "'snart'" in said and "ta bort variabeln" in said


def _break_drift(root: Path, unit: str) -> None:
    """Make one number of the unit's operating statement unreadable."""
    import csv
    import io

    path = root / "data" / str(YEAR) / unit / "drift.csv"
    table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    table[1][table[0].index("utfall")] = "12x4"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_a_build_refused_for_one_units_data_says_nothing_was_built_and_names_the_others(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from helpers.building.validate import validate_unit
    from helpers.data.params import units_of_year

    project = Project(workspace)
    _break_drift(workspace, UNIT)
    others = [u for u in units_of_year(YEAR, project) if u != UNIT]
    assert others  # the example has more than one unit
    passing = [u for u in others if not validate_unit(project, YEAR, u)]
    capsys.readouterr()
    assert cli.main(["build", "--year", str(YEAR), "--dry-run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    last = err[-1]
    assert "Inget byggdes" in last and "--unit" in last
    for unit in passing:
        assert f"`workbook build --year {YEAR} --unit {unit}`" in last
    assert f"--unit {UNIT}`" not in last
    assert not (workspace / "reports").exists()


def test_a_one_unit_build_refused_for_bad_data_says_nothing_was_built(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _break_drift(workspace, UNIT)
    capsys.readouterr()
    assert cli.main(["build", "--year", str(YEAR), "--unit", UNIT, "--dry-run"]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("Inget byggdes") and "en i taget" not in last


COMMANDS = [
    ["validate", "--year", str(YEAR)],
    ["build", "--year", str(YEAR), "--dry-run"],
    ["status", "--year", str(YEAR)],
    ["klar", "--year", str(YEAR), "--alla"],
]


def _slip(word: str) -> str:
    """``word`` with its last two letters swapped (klk → kkl)."""
    return word[:-2] + word[-1] + word[-2]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_misspelt_unit_gets_menade_du_from_every_command(
    workspace: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    from helpers.data.params import available_units

    slip = _slip(UNIT)
    assert slip not in available_units(YEAR, Project(workspace))
    capsys.readouterr()
    assert cli.main([*command, "--unit", slip]) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert f"menade du '{UNIT}'?" in said
    assert "new-unit" not in said


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_misspelt_period_gets_menade_du_from_every_command(
    workspace: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    periods = Project(workspace).periods_of_year(YEAR)
    meant = periods[0]
    slip = meant[:-2]  # helar → hel
    assert slip not in periods
    args = [*command, "--period", slip] + (["--unit", UNIT] if command[0] == "klar" else [])
    capsys.readouterr()
    assert cli.main(args) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert f"menade du '{meant}'?" in said
    assert "new-period" not in said


def test_a_new_unit_or_period_far_from_any_still_gets_the_command_that_creates_it(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert cli.main(["status", "--year", str(YEAR), "--unit", "socialtjanst"]) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "menade du" not in said and "new-unit socialtjanst" in said
    assert cli.main(["status", "--year", str(YEAR), "--period", "tertial"]) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "menade du" not in said and "new-period tertial" in said


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_a_table_in_another_spreadsheet_format_is_saved_again_not_renamed(
    workspace: Path, suffix: str
) -> None:
    from helpers.building.validate import validate_unit

    folder = workspace / "data" / str(YEAR) / UNIT
    (folder / "drift.csv").rename(folder / f"drift{suffix}")
    problems = validate_unit(Project(workspace), YEAR, UNIT)
    [missing] = [p for p in problems if p.file == f"data/{YEAR}/{UNIT}/drift.csv"]
    hint = missing.hint or ""
    assert f"drift{suffix}" in hint
    assert "drift.xlsx" in hint and "CSV (UTF-8)" in hint
    assert "döp om" not in hint


def test_a_table_named_in_the_wrong_case_is_renamed_to_its_own_format(workspace: Path) -> None:
    from helpers.building.validate import validate_unit

    folder = workspace / "data" / str(YEAR) / UNIT
    (folder / "drift.csv").rename(folder / "Drift.CSV")
    problems = validate_unit(Project(workspace), YEAR, UNIT)
    [missing] = [p for p in problems if p.file == f"data/{YEAR}/{UNIT}/drift.csv"]
    assert "'Drift.CSV' — döp om den till drift.csv" in (missing.hint or "")
