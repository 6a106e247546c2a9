"""The yearly chores as a fresh analyst meets them (``new-year``, ``new-period``, ``new-unit``).

- ``new-year --period P`` without ``--from-period`` copies the earlier year's period P (it copied
  the helår); a year without P says which periods it has and to choose one with
  ``--from-period``, and ``--help`` and the docs describe ``--from-period``.
- Every message names options the command has (``new-period`` told to change ``--period``, which
  it has not): checked against the commands' own argparse parsers, also for the commands a
  message suggests.
- ``new-period --titel ''`` is refused, as ``new-unit --name ''`` is (it was silently ignored).
- ``new-period`` names the params file it wrote and lists its texts, as ``new-year`` does.
- ``new-year --from`` a year without params says so and lists the years that have them (it
  suggested ``new-unit``).
- ``new-period`` empties the ``diarienummer`` (it belongs to one report), as ``new-year`` does.
- ``new-unit`` no longer ignores ``--short`` for a unit already listed, and for a unit with
  reports names the command that makes the year's report.
"""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
from pathlib import Path

import pytest
from test_missing_report_hints import run_and_read

from helpers import cli
from helpers.chores.new_year import shift_years
from helpers.core.paths import REPO_ROOT, Project
from helpers.core.yaml_text import load_yaml
from helpers.data.params import load_params

YEAR, UNIT, PERIOD = 2016, "klk", "delar"
NEXT = YEAR + 1
CHORES = ("new-year", "new-period", "new-unit")


# ------------------------------------------------------------------------------------ helpers


def files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*"))


def raw_params(path: Path) -> dict:
    return load_yaml(path.read_text("utf-8"), path.name)


def option_help(command: str) -> dict[str, str]:
    """Every option ``workbook <command>`` accepts, with its help text, from its own parser."""
    main_parser = cli.parser(command)
    sub = next(a for a in main_parser._actions if isinstance(a, argparse._SubParsersAction))
    return {
        option: action.help or ""
        for action in sub.choices[command]._actions
        for option in action.option_strings
    }


def options(command: str) -> set[str]:
    return set(option_help(command))


# A command a message names: `workbook new-year 2017 --from 2016`, or one to the end of a line.
_COMMAND = re.compile(r"`?workbook ([a-z-]+)([^`\n]*)")
_OPTION = re.compile(r"(?<![\w-])--[a-zäöå][a-zäöå-]*")


def unknown_options(command: str, said: str) -> list[str]:
    """The options ``said`` names that do not exist: in a quoted ``workbook X …`` command,
    those X lacks; elsewhere, those ``command`` (the one that spoke) lacks."""
    wrong = []
    for named, rest in _COMMAND.findall(said):
        wrong += [o for o in _OPTION.findall(rest) if o not in options(named)]
    wrong += [o for o in _OPTION.findall(_COMMAND.sub("", said)) if o not in options(command)]
    return wrong


def assert_refused(root: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Exit 2, one Swedish ``Fel:`` without a traceback, nothing written; what was said."""
    before = files(root)
    code, said = run_and_read(argv, capsys)
    assert code == 2, said
    assert said.startswith("Fel: ") and "Traceback" not in said, said
    assert files(root) == before
    assert unknown_options(argv[0], said) == [], said
    return said


def without_year_end(project: Project, unit: str) -> None:
    """``unit`` without its helår report (params file and data folder) for ``YEAR``."""
    project.params_file(YEAR, unit).unlink()
    shutil.rmtree(project.unit_data(YEAR, unit))


def without_period(project: Project, period: str) -> None:
    """``YEAR`` without ``period`` (params and data)."""
    shutil.rmtree(project.for_period(period).params_dir(YEAR))
    shutil.rmtree(project.data / str(YEAR) / period)


def written_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


# ----------------------------------------------------------- 1. new-year --period, --from-period


def test_period_alone_copies_the_same_period_of_the_earlier_year(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project(workspace)
    delar, helar = project.for_period(PERIOD), project
    source = raw_params(delar.params_file(YEAR, UNIT))
    assert source["titel"] != raw_params(helar.params_file(YEAR, UNIT))["titel"]
    code, said = run_and_read(
        ["new-year", str(NEXT), "--from", str(YEAR), "--unit", UNIT, "--period", PERIOD], capsys
    )
    assert code == 0, said
    written = raw_params(delar.params_file(NEXT, UNIT))
    assert written["titel"] == shift_years(str(source["titel"]), 1)  # the delår's title
    end = str(source["periodslut"])
    assert str(written["periodslut"]) == f"{NEXT}{end[4:]}"  # no --slut: the delår's, moved
    assert written["period"] == PERIOD
    assert not helar.params_file(NEXT, UNIT).exists()
    assert unknown_options("new-year", said) == [], said
    assert "Kontroll:" not in said, said


def test_from_period_chooses_another_period_to_start_from(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project(workspace)
    helar_title = str(raw_params(project.params_file(YEAR, UNIT))["titel"])
    end = f"{NEXT}-08-31"
    argv = ["new-year", str(NEXT), "--from", str(YEAR), "--unit", UNIT, "--period", PERIOD,
            "--from-period", "helar", "--slut", end]  # fmt: skip
    code, said = run_and_read(argv, capsys)
    assert code == 0, said
    written = raw_params(project.for_period(PERIOD).params_file(NEXT, UNIT))
    assert written["titel"] == shift_years(helar_title, 1)
    assert str(written["periodslut"]) == end


def test_from_period_alone_creates_that_period(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = run_and_read(
        ["new-year", str(NEXT), "--from", str(YEAR), "--unit", UNIT, "--from-period", PERIOD],
        capsys,
    )
    assert code == 0, said
    assert Project(workspace).for_period(PERIOD).params_file(NEXT, UNIT).is_file()
    assert not Project(workspace).params_file(NEXT, UNIT).exists()


def test_a_period_the_earlier_year_lacks_names_what_exists_and_from_period(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project(workspace)
    without_period(project, PERIOD)
    there = project.periods_of_year(YEAR)
    assert there and PERIOD not in there
    argv = ["new-year", str(NEXT), "--from", str(YEAR), "--period", PERIOD]
    said = assert_refused(workspace, argv, capsys)
    assert "--from-period" in said and all(period in said for period in there), said
    assert f"params/{YEAR}/{PERIOD}/" in said, said
    # What the message says to add works.
    chosen = re.search(r"--from-period (\w+)", said)
    assert chosen and chosen.group(1) in there
    code, made = run_and_read([*argv, "--from-period", chosen.group(1), "--slut",
                               f"{NEXT}-08-31"], capsys)  # fmt: skip
    assert code == 0, made


def test_a_unit_the_earlier_period_lacks_names_the_period_it_has(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project(workspace)
    project.for_period(PERIOD).params_file(YEAR, UNIT).unlink()
    argv = ["new-year", str(NEXT), "--from", str(YEAR), "--unit", UNIT, "--period", PERIOD]
    said = assert_refused(workspace, argv, capsys)
    assert f"--from-period {project.period}" in said and f"'{UNIT}'" in said, said


def test_help_and_docs_describe_from_period(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["new-year", "--help"]) == 0
    assert "--from-period" in capsys.readouterr().out
    helps = option_help("new-year")
    assert "--period" in helps["--from-period"] and "--from-period" in helps["--period"]
    for doc in ("docs/analytiker.md", "docs/data-format.md", "README.md"):
        assert "--from-period" in (REPO_ROOT / doc).read_text("utf-8"), doc


# ------------------------------------------------------------- 2. option names in every message


def _refusals(root: Path) -> list[list[str]]:
    """Commands a fresh analyst may type that the chores refuse (in a full workspace)."""
    year, nxt = str(YEAR), str(NEXT)
    return [
        ["new-period", "helar", "--from", PERIOD, "--year", year, "--slut", f"{YEAR}-12-31"],
        ["new-period", PERIOD, "--from", "helar", "--year", year, "--slut", "31/08/2016"],
        ["new-period", PERIOD, "--from", "helar", "--year", year, "--slut", f"{YEAR - 1}-08-31"],
        ["new-period", "helar", "--from", "tertial1", "--year", year],
        ["new-period", "helar", "--from", PERIOD, "--year", str(YEAR - 1)],
        ["new-period", "helar", "--from", PERIOD, "--year", year, "--unit", "nyenhet"],
        ["new-period", "helar", "--from", PERIOD, "--year", year, "--unit", "kommun"],
        ["new-period", PERIOD, "--from", PERIOD, "--year", year],
        ["new-period", "helar", "--from", PERIOD, "--year", year, "--titel", ""],
        ["new-period", "helar", "--from", PERIOD, "--year", year],  # exists: never overwritten
        ["new-period", "foo", "--from", "helar", "--year", year],
        ["new-year", nxt, "--from", str(YEAR - 1)],
        ["new-year", nxt, "--from", year, "--from-period", "tertial1"],
        ["new-year", nxt, "--from", year, "--unit", "nyenhet"],
        ["new-year", nxt, "--from", year, "--unit", "kommun"],
        ["new-year", year, "--from", year],
        ["new-year", nxt, "--from", year, "--slut", f"{NEXT}-08-31"],
        ["new-year", nxt, "--from", year, "--period", PERIOD, "--slut", "31/08/2017"],
        ["new-year", nxt, "--from", year, "--period", PERIOD, "--from-period", "helar"],
        ["new-unit", UNIT, "--name", "Något"],
        ["new-unit", UNIT, "--name", "Något", "--year", nxt],
        ["new-unit", "ny", "--name", ""],
        ["new-unit", "ny", "--name", "=SUMMA(A1)"],
        ["new-unit", "ny", "--name", "Ny", "--eget-avsnitt", "drift"],
    ]


def test_every_refusal_names_options_its_command_has(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in _refusals(workspace):
        assert_refused(workspace, argv, capsys)  # checks the options named


def test_the_option_check_finds_a_misnamed_option() -> None:
    said = "Ange perioden med --period, eller kör `workbook new-year 2017 --from 2016 --period x`."
    assert unknown_options("new-period", said) == ["--period"]
    assert unknown_options("new-year", said) == []
    assert unknown_options("new-year", "`workbook build --year 2016 --from-period x`") == [
        "--from-period"
    ]


# Each chore's module and the command whose messages it writes (custom_scaffold: new-unit's
# --eget-avsnitt); a message quoting another command (`workbook new-year …`) is checked against
# that command.
CHORE_MODULES = {
    "new_year": "new-year",
    "new_period": "new-period",
    "new_unit": "new-unit",
    "custom_scaffold": "new-unit",
}


def _literal_texts(path: Path) -> list[str]:
    """Every string literal of a module but its docstrings (which talk about code), an
    f-string with ``X`` for each value put in."""
    import ast

    tree = ast.parse(path.read_text("utf-8"))
    parts = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
             for part in node.values}  # fmt: skip
    documented = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    parts |= {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, documented) and node.body and isinstance(node.body[0], ast.Expr)
    }
    texts = []
    for node in ast.walk(tree):
        if id(node) in parts:
            continue
        if isinstance(node, ast.JoinedStr):
            texts.append(
                "".join(
                    part.value if isinstance(part, ast.Constant) else "X" for part in node.values
                )
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            texts.append(node.value)
    return texts


@pytest.mark.parametrize(("module", "command"), CHORE_MODULES.items())
def test_every_option_a_chores_text_names_exists(module: str, command: str) -> None:
    """Also the messages no test above provokes: each option a text of the module names is one
    of its command's, or of the command the text quotes."""
    path = REPO_ROOT / "src" / "helpers" / "chores" / f"{module}.py"
    texts = _literal_texts(path)
    assert any("--" in text for text in texts)
    wrong = {text: found for text in texts if (found := unknown_options(command, text))}
    assert wrong == {}


def test_a_cut_off_date_for_year_end_names_how_new_period_is_told_the_period(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["new-period", "helar", "--from", PERIOD, "--year", str(YEAR), "--slut",
            f"{YEAR}-12-31"]  # fmt: skip
    said = assert_refused(workspace, argv, capsys)
    assert "--slut gäller inte helåret" in said and "workbook new-period PERIOD" in said, said


def test_a_missing_source_period_of_new_period_names_from(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project(workspace)
    without_year_end(project, UNIT)
    argv = ["new-period", "helar", "--from", "tertial1", "--year", str(YEAR), "--unit", UNIT]
    said = assert_refused(workspace, argv, capsys)
    assert "`workbook" not in said, said  # the option to change, not a command making tertial1
    chosen = re.search(r"--from (\w+)", said)
    # the period to start from exists, and is not the one being created
    assert chosen and chosen.group(1) == PERIOD, said
    argv[argv.index("tertial1")] = chosen.group(1)
    code, made = run_and_read(argv, capsys)
    assert code == 0, made


# --------------------------------------------------------------------------- 3. new-period --titel


@pytest.mark.parametrize("title", ["", "   ", "Årsredovisning\n2016"])
def test_new_period_refuses_an_empty_or_broken_title(
    workspace: Path, capsys: pytest.CaptureFixture[str], title: str
) -> None:
    without_year_end(Project(workspace), UNIT)
    argv = ["new-period", "helar", "--from", PERIOD, "--year", str(YEAR), "--unit", UNIT,
            "--titel", title]  # fmt: skip
    said = assert_refused(workspace, argv, capsys)
    assert "--titel" in said, said


def test_new_period_writes_the_title_given_without_surrounding_spaces(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project(workspace)
    without_year_end(project, UNIT)
    title = f"Årsredovisning {YEAR}"
    argv = ["new-period", "helar", "--from", PERIOD, "--year", str(YEAR), "--unit", UNIT,
            "--titel", f"  {title} "]  # fmt: skip
    code, said = run_and_read(argv, capsys)
    assert code == 0, said
    assert load_params(YEAR, UNIT, project).title == title


# ------------------------------------------------- 4. what new-period wrote, as new-year says it


def _written_line(said: str, unit: str) -> re.Match[str]:
    found = re.search(rf"^{unit}: (.*?)(?: och )?(\S+/) \((\d+) filer\)\.$", said, re.M)
    assert found, said
    return found


def test_new_period_names_the_params_file_and_every_text_it_wrote(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project(workspace)
    without_year_end(project, UNIT)
    argv = ["new-period", "helar", "--from", PERIOD, "--year", str(YEAR), "--unit", UNIT]
    code, said = run_and_read(argv, capsys)
    assert code == 0, said
    params, folder = project.params_file(YEAR, UNIT), project.unit_data(YEAR, UNIT)
    line = _written_line(said, UNIT)
    assert line.group(1) == params.relative_to(workspace).as_posix()
    assert line.group(2) == folder.relative_to(workspace).as_posix() + "/"
    assert int(line.group(3)) == written_files(folder)
    texts = sorted((folder / "text").rglob("*.md"))
    assert texts
    listed = {line.strip() for line in said.splitlines()}
    assert {t.relative_to(workspace).as_posix() for t in texts} <= listed
    assert f"Texter att se över ({len(texts)} st" in said
    assert unknown_options("new-period", said) == [], said


def test_new_year_and_new_period_say_what_they_wrote_alike(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project(workspace)
    code, said = run_and_read(["new-year", str(NEXT), "--from", str(YEAR), "--unit", UNIT], capsys)
    assert code == 0, said
    line = _written_line(said, UNIT)
    assert line.group(1) == project.params_file(NEXT, UNIT).relative_to(workspace).as_posix()
    assert int(line.group(3)) == written_files(project.unit_data(NEXT, UNIT))


def test_new_period_of_the_whole_period_names_the_kommuns_folder(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project(workspace)
    for unit in (p.stem for p in project.params_dir(YEAR).glob("*.yaml")):
        without_year_end(project, unit)
    shutil.rmtree(project.unit_data(YEAR, "kommun"))
    code, said = run_and_read(["new-period", "helar", "--from", PERIOD, "--year", str(YEAR)],
                              capsys)  # fmt: skip
    assert code == 0, said
    line = _written_line(said, "kommun")
    assert line.group(1) == ""  # no params file of its own
    assert int(line.group(3)) == written_files(project.unit_data(YEAR, "kommun"))


def test_new_period_says_when_it_leaves_the_kommuns_folder_alone(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project(workspace)
    for unit in (p.stem for p in project.params_dir(YEAR).glob("*.yaml")):
        without_year_end(project, unit)
    kept = project.unit_data(YEAR, "kommun")
    before = {p: p.read_bytes() for p in kept.rglob("*") if p.is_file()}
    code, said = run_and_read(["new-period", "helar", "--from", PERIOD, "--year", str(YEAR)],
                              capsys)  # fmt: skip
    assert code == 0, said
    assert f"kommun: {kept.relative_to(workspace).as_posix()}/ finns redan" in said, said
    assert {p: p.read_bytes() for p in kept.rglob("*") if p.is_file()} == before


# --------------------------------------------------------------- 5. new-year from a year without


def test_new_year_from_a_year_without_params_lists_the_years_that_have_them(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project(workspace)
    source = YEAR - 1
    assert not project.params_dir(source).exists()
    said = assert_refused(workspace, ["new-year", str(NEXT), "--from", str(source)], capsys)
    assert f"{source}" in said and f"params/{source}/" in said, said
    assert "new-unit" not in said, said
    assert f"--from {YEAR}" in said and all(p in said for p in project.periods_of_year(YEAR))


def test_new_year_without_any_earlier_year_says_none_comes_before(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    said = assert_refused(workspace, ["new-year", str(YEAR), "--from", str(YEAR - 3)], capsys)
    assert "new-unit" not in said and f"--from {YEAR}" not in said and str(YEAR) in said, said


# ---------------------------------------------------------------- 6. new-period's diarienummer


def test_new_period_empties_the_diarienummer_and_lists_it_to_fill_in(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project(workspace)
    without_year_end(project, UNIT)
    source = project.for_period(PERIOD).params_file(YEAR, UNIT)
    diary = f"KS {YEAR}/4711"
    source.write_text(f"{source.read_text('utf-8').rstrip()}\ndiarienummer: {diary}\n", "utf-8")
    argv = ["new-period", "helar", "--from", PERIOD, "--year", str(YEAR), "--unit", UNIT]
    code, said = run_and_read(argv, capsys)
    assert code == 0, said
    target = project.params_file(YEAR, UNIT)
    written = raw_params(target)
    assert "diarienummer" in written and not written["diarienummer"]  # the place to fill in
    assert diary not in target.read_text("utf-8")
    assert load_params(YEAR, UNIT, project).diary_number is None
    listed = [
        line for line in said.splitlines() if "Att fylla i:" in line and "diarienummer" in line
    ]
    assert listed and target.relative_to(workspace).as_posix() in listed[0] and diary in listed[0]
    assert raw_params(source)["diarienummer"] == diary  # the source is only read


# ---------------------------------------------------------------------- other cases: new-unit


def test_new_unit_refuses_another_short_name_for_a_listed_unit(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workspace / "data" / "enheter.csv"
    path.write_text(path.read_text("utf-8").rstrip("\n") + "\nsoc,Socialtjänsten,SOC,\n", "utf-8")
    said = assert_refused(workspace, ["new-unit", "soc", "--short", "SF"], capsys)
    assert "--short" in said and "'SOC'" in said, said
    code, made = run_and_read(["new-unit", "soc", "--short", "SOC"], capsys)  # the same: fine
    assert code == 0, made


def test_new_unit_for_a_unit_with_reports_names_a_command_that_works(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    said = assert_refused(workspace, ["new-unit", UNIT, "--name", "X", "--year", str(NEXT)], capsys)
    command = re.search(r"`(workbook [^`]+)`", said)
    assert command, said
    argv = shlex.split(command.group(1))[1:]
    assert argv[:2] == ["new-year", str(NEXT)], argv
    code, made = run_and_read(argv, capsys)
    assert code == 0, made
    assert Project(workspace).params_file(NEXT, UNIT).is_file()
