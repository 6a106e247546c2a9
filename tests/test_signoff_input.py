"""Bad input to ``workbook klar`` and ``workbook status`` (issue 13): refused like ``build`` and
``validate`` refuse it (a Swedish message, exit 2), and nothing is written."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from helpers import cli
from helpers.core.paths import Project
from helpers.data.definition import load_definition

YEAR, UNIT = 2016, "klk"


def tree(root: Path) -> dict[str, str]:
    """Every file under ``data/`` and ``params/`` with a hash of its content."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in (root / "data", root / "params")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    } | {
        path.relative_to(root).as_posix() + "/": ""
        for folder in (root / "data", root / "params")
        for path in folder.rglob("*")
        if path.is_dir()
    }


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def first_section(root: Path) -> str:
    return load_definition(Project(root), YEAR, UNIT).sections[0].id


# The same wrong year, period or unit given to build (the reference) and to klar and status.
WRONG_REPORTS = [
    pytest.param(["--year", str(YEAR), "--unit", "xyz"], id="unknown-unit"),
    pytest.param(["--year", str(YEAR), "--unit", "kkl"], id="unit-like-a-real-one"),
    pytest.param(["--year", "2099", "--unit", UNIT], id="year-without-params"),
    pytest.param(["--year", "2015", "--unit", UNIT], id="earlier-year-without-params"),
    pytest.param(["--year", str(YEAR), "--unit", UNIT, "--period", "tertial"], id="period"),
    pytest.param(["--year", str(YEAR), "--unit", "xyz", "--period", "delar"], id="unit-in-delar"),
    pytest.param(["--year", str(YEAR), "--unit", "kommun", "--period", "tertial1"], id="kommun"),
]


@pytest.mark.parametrize("arguments", WRONG_REPORTS)
def test_klar_refuses_a_report_that_does_not_exist_like_build(
    workspace: Path, capsys: pytest.CaptureFixture[str], arguments: list[str]
):
    section = first_section(workspace)
    before = tree(workspace)
    build = run(capsys, "build", "--dry-run", *arguments)
    klar = run(capsys, "klar", *arguments, section)
    assert build[0] == 2 and klar[0] == 2
    assert klar[2].startswith("Fel: ") and "Traceback" not in klar[2]
    if "kommun" not in arguments:
        assert klar[2] == build[2]  # the same message for the same input
    assert tree(workspace) == before


@pytest.mark.parametrize("arguments", WRONG_REPORTS)
def test_status_refuses_a_report_that_does_not_exist_like_build(
    workspace: Path, capsys: pytest.CaptureFixture[str], arguments: list[str]
):
    before = tree(workspace)
    build = run(capsys, "build", "--dry-run", *arguments)
    code, out, err = run(capsys, "status", *arguments)
    assert (code, out) == (2, "")
    if "kommun" not in arguments:
        assert err == build[2]
    assert tree(workspace) == before


@pytest.mark.parametrize("command", ["status", "klar", "build", "validate"])
@pytest.mark.parametrize("period", ["tertial", "tertial2", "q3"])
def test_a_period_the_year_does_not_have_is_named_with_the_periods_there_are(
    workspace: Path, capsys: pytest.CaptureFixture[str], command: str, period: str
):
    extra = {"klar": ["--unit", UNIT, "--alla"], "build": ["--dry-run"]}.get(command, [])
    code, out, err = run(capsys, command, "--year", str(YEAR), "--period", period, *extra)
    assert code == 2
    periods = Project(workspace).periods_of_year(YEAR)
    assert f"Perioden '{period}' finns inte för {YEAR}" in err
    assert all(p in err for p in periods) and "--period" in err
    assert "new-unit" not in err


def test_klar_refuses_a_section_the_units_report_does_not_have(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    before = tree(workspace)
    for section in ("nope", "indikatorer"):  # indikatorer: a section of kommun's report only
        code, _, err = run(capsys, "klar", "--year", str(YEAR), "--unit", UNIT, section)
        assert code == 2 and f"'{section}' finns inte i rapporten" in err
    assert tree(workspace) == before


@pytest.mark.parametrize("words", ["klar", "godkant", "klart", "done", "granskad", "", "utkast2"])
def test_klar_refuses_a_status_word_that_is_not_one_of_the_documented(
    workspace: Path, capsys: pytest.CaptureFixture[str], words: str
):
    before = tree(workspace)
    section = first_section(workspace)
    code, _, err = run(capsys, "klar", "--year", str(YEAR), "--unit", UNIT, section,
                       "--status", words)  # fmt: skip
    assert code == 2 and "Traceback" not in err
    assert f"'{words}' är ingen status" in err
    assert all(word in err for word in ("utkast", "granskning", "klar för granskning", "godkänd"))
    assert tree(workspace) == before


@pytest.mark.parametrize("arguments", [["kf_mal"], ["kf_mal", "ks_mal"], ["nope"]])
def test_klar_refuses_sections_together_with_alla(
    workspace: Path, capsys: pytest.CaptureFixture[str], arguments: list[str]
):
    before = tree(workspace)
    code, _, err = run(capsys, "klar", "--year", str(YEAR), "--unit", UNIT, "--alla", *arguments)
    assert code == 2 and "--alla" in err and "inte båda" in err
    assert all(section in err for section in arguments)
    assert tree(workspace) == before


FORMULAS = [
    '=HYPERLINK("http://x")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    " =1",
    "＝1",  # a full-width equals sign: Excel reads it as a formula too
]


@pytest.mark.parametrize("name", FORMULAS)
def test_klar_refuses_a_name_that_a_spreadsheet_would_run_as_a_formula(
    workspace: Path, capsys: pytest.CaptureFixture[str], name: str
):
    before = tree(workspace)
    section = first_section(workspace)
    code, _, err = run(capsys, "klar", "--year", str(YEAR), "--unit", UNIT, section, f"--by={name}")
    assert code == 2 and "--by" in err and "formel" in err and "Traceback" not in err
    assert tree(workspace) == before


@pytest.mark.parametrize("name", ["Anna-Lena Ek", "Bo Ek (ekonom)", "O'Neil", "Åsa Öberg"])
def test_klar_keeps_an_ordinary_name(
    workspace: Path, capsys: pytest.CaptureFixture[str], name: str
):
    from helpers.data.signoff import read_signoffs

    section = first_section(workspace)
    assert run(capsys, "klar", "--year", str(YEAR), "--unit", UNIT, section, "--by", name)[0] == 0
    project = Project(workspace)
    ids = [s.id for s in load_definition(project, YEAR, UNIT).sections]
    signoffs, problems = read_signoffs(project, YEAR, UNIT, ids)
    assert problems == [] and signoffs[section].by == name


def test_the_signoff_file_is_readable_by_everyone_like_the_data_beside_it(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    """The file goes under version control and to colleagues on a shared checkout: written
    aside and renamed, it still gets the usual 0644, not the temporary file's private 0600."""
    from helpers.data.signoff import signoff_file

    section = first_section(workspace)
    assert run(capsys, "klar", "--year", str(YEAR), "--unit", UNIT, section)[0] == 0
    path = signoff_file(Project(workspace), YEAR, UNIT)
    assert path.stat().st_mode & 0o777 == 0o644


# A carriage return inside a cell is refused by the CSV reader before the cell is read.
@pytest.mark.parametrize("name", [f for f in FORMULAS if not f.startswith("\r")])
def test_validate_refuses_a_formula_in_a_hand_edited_signoff_file(
    workspace: Path, capsys: pytest.CaptureFixture[str], name: str
):
    import csv

    section = first_section(workspace)
    path = workspace / "data" / str(YEAR) / UNIT / "klarmarkering.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["avsnitt", "status", "av", "datum"])
        writer.writerow([section, "godkänd", name, "2017-02-14"])
    code, out, err = run(capsys, "validate", "--year", str(YEAR), "--unit", UNIT)
    assert code == 2
    both = out + err
    assert f"data/{YEAR}/{UNIT}/klarmarkering.csv, rad 2, kolumn av" in both
    assert "formel" in both


def test_klar_says_the_signoff_file_could_not_be_written_when_its_folder_is_a_file(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    """A real unwritable place, as any user (root too): the unit's data folder is a file."""
    section = first_section(workspace)
    folder = workspace / "data" / str(YEAR) / UNIT
    import shutil

    shutil.rmtree(folder)
    folder.write_text("inte en mapp\n", encoding="utf-8")
    before = tree(workspace)
    # utkast: a unit without its data folder does not validate, and klar marks nothing ready
    # then (tests/test_klar_refuses_bad_data.py); taking a mark back still writes the file.
    code, out, err = run(
        capsys, "klar", "--year", str(YEAR), "--unit", UNIT, section, "--status", "utkast"
    )
    assert code == 2 and out == "" and "Traceback" not in err
    assert f"data/{YEAR}/{UNIT}/klarmarkering.csv" in err and "kunde inte skrivas" in err
    assert ".tmp" not in err and "läsrätt" not in err
    assert "ta bort eller döp om" in err
    assert tree(workspace) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_klar_says_the_signoff_file_could_not_be_written_without_write_permission(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    section = first_section(workspace)
    folder = workspace / "data" / str(YEAR) / UNIT
    before = tree(workspace)
    folder.chmod(0o555)
    try:
        code, out, err = run(capsys, "klar", "--year", str(YEAR), "--unit", UNIT, section)
    finally:
        folder.chmod(0o755)
    assert code == 2 and out == ""
    assert f"data/{YEAR}/{UNIT}/klarmarkering.csv" in err and "kunde inte skrivas" in err
    assert "skrivrätt" in err and ".tmp" not in err and "läsrätt" not in err
    assert tree(workspace) == before


def test_the_lock_message_says_bygge_like_the_rest_of_the_tool(workspace: Path):
    from helpers.building.buildlock import build_lock
    from helpers.core.errors import BuildLocked

    project = Project(workspace)
    with build_lock(project), pytest.raises(BuildLocked) as caught, build_lock(project):
        pass
    assert "Ett annat bygge pågår redan" in str(caught.value)
    assert "byggning" not in str(caught.value)


def test_no_message_says_byggning():
    """The tool's word is "bygge" (docs, messages); "byggning" is a building."""
    import helpers

    package = Path(helpers.__file__).parent
    users = [p for p in package.rglob("*.py") if "byggning" in p.read_text(encoding="utf-8")]
    assert users == []


@pytest.mark.parametrize("value", ["1e9", "86401", "-1", "inf", "abc", "10 min"])
def test_warm_kernels_out_of_range_names_the_allowed_range(
    workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, value: str
):
    monkeypatch.setenv("WORKBOOK_WARM_KERNELS", value)
    code, out, err = run(capsys, "build", "--dry-run", "--year", str(YEAR), "--unit", UNIT)
    assert code == 2 and out == ""
    assert "WORKBOOK_WARM_KERNELS" in err and f"'{value}'" in err and "0–86400" in err


ROOT_COMMANDS = [
    ["build", "--year", "2016"],
    ["build", "--year", "2016", "--dry-run"],
    ["validate", "--year", "2016"],
    ["status", "--year", "2016"],
    ["klar", "--year", "2016", "--unit", "klk", "kf_mal"],
    ["new-year", "2017", "--from", "2016"],
    ["new-unit", "abc", "--name", "Abc"],
    ["new-period", "delar", "--from", "helar", "--year", "2016"],
    ["kolada", "--year", "2016"],
    ["lab", "--year", "2016", "--unit", "klk"],
    ["preview", "--year", "2016", "--unit", "klk"],
]


@pytest.mark.parametrize("command", ROOT_COMMANDS, ids=lambda c: c[0] + "-" + c[-1])
@pytest.mark.parametrize("kind", ["missing", "file"])
def test_every_command_says_the_workbook_root_folder_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    command: list[str], kind: str,
):  # fmt: skip
    root = tmp_path / "finns-inte" / "projekt"
    if kind == "file":
        root = tmp_path / "projekt.txt"
        root.write_text("ingen mapp\n", encoding="utf-8")
    monkeypatch.setenv("WORKBOOK_ROOT", str(root))
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *command)
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith("Fel: Mappen som WORKBOOK_ROOT anger") and str(root) in err
    assert "params/" not in err.replace("data/ och params/", "") and "rapport.yaml" not in err
    assert not (tmp_path / "finns-inte").exists()


def test_the_installed_command_says_the_workbook_root_folder_does_not_exist(tmp_path: Path):
    import shutil
    import subprocess
    import sys

    workbook = shutil.which("workbook", path=str(Path(sys.executable).parent))
    assert workbook is not None
    env = {**os.environ, "WORKBOOK_ROOT": "/nonexistent"}
    done = subprocess.run([workbook, "status", "--year", "2016"], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=120)  # fmt: skip
    assert done.returncode == 2 and "WORKBOOK_ROOT" in done.stderr and "/nonexistent" in done.stderr
    assert "finns inte" in done.stderr and "params/2016" not in done.stderr


def test_plan_reasons_in_a_narrow_terminal_keep_every_file_name_whole():
    import io

    from rich.console import Console

    from helpers.building.build_plan import SectionPlan, UnitPlan
    from helpers.building.progress import plan_reasons, plan_table

    changed = [f"data/{YEAR}/{UNIT}/text/mal/KF1-arbete-med-ett-langt-namn.md",
               f"data/{YEAR}/{UNIT}/drift.csv"]  # fmt: skip
    ran = SectionPlan(
        "kf_mal", "mal", Path("n"), Path("o"), {}, {}, "ändrat: " + ", ".join(changed)
    )
    cached = SectionPlan("drift", "drift", Path("n"), Path("o"), {}, {}, None)
    plan = UnitPlan(YEAR, UNIT, [ran, cached], [ran, cached], "avsnitt körs")
    console = Console(width=80, file=io.StringIO(), color_system=None)
    console.print(plan_table([plan], reasons=False))
    for line in plan_reasons([plan]):
        console.print(line, soft_wrap=True, markup=False)
    shown = console.file.getvalue()
    assert "…" not in shown and all(name in shown for name in changed)
    assert max(len(line) for line in plan_table_lines(plan)) <= 80


def plan_table_lines(plan) -> list[str]:  # noqa: ANN001
    import io

    from rich.console import Console

    from helpers.building.progress import plan_table

    console = Console(width=80, file=io.StringIO(), color_system=None)
    console.print(plan_table([plan], reasons=False))
    return console.file.getvalue().splitlines()


def in_terminal(argv: list[str], env: dict[str, str], cwd: Path, columns: int) -> str:
    """``argv``'s output as a terminal ``columns`` wide shows it (a real pseudo-terminal)."""
    import fcntl
    import pty
    import re
    import struct
    import subprocess
    import termios

    main_fd, terminal_fd = pty.openpty()
    fcntl.ioctl(terminal_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {**env, "COLUMNS": str(columns), "TERM": "xterm", "NO_COLOR": "1"}
    process = subprocess.Popen(argv, stdin=terminal_fd, stdout=terminal_fd, stderr=terminal_fd,
                               env=env, cwd=cwd)  # fmt: skip
    os.close(terminal_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # EIO: the command has ended and closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main_fd)
    assert process.wait(timeout=600) == 0
    text = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def test_dry_run_in_an_80_column_terminal_names_the_changed_files(built_year, tmp_path: Path):
    """The issue's case with a real build and a real terminal: a changed text and table."""
    import shutil
    import sys

    from conftest import copy_built

    project = copy_built(built_year, tmp_path / "ws")
    changed = sorted(
        [
            path
            for path in (project.root / "data" / str(YEAR) / UNIT / "text" / "mal").rglob("*.md")
        ][:1]
        + [project.root / "data" / str(YEAR) / UNIT / "drift.csv"]
    )
    for path in changed:
        path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    workbook = shutil.which("workbook", path=str(Path(sys.executable).parent))
    assert workbook is not None
    env = {**os.environ, "WORKBOOK_ROOT": str(project.root), "WORKBOOK_WARM_KERNELS": "0"}
    shown = in_terminal([workbook, "build", "--dry-run", "--year", str(YEAR), "--unit", UNIT],
                        env, project.root, 80)  # fmt: skip
    assert "…" not in shown
    for path in changed:
        assert path.relative_to(project.root).as_posix() in shown, shown


def own_text_section(root: Path) -> tuple[str, Path]:
    """A section of the unit's report with a text file of its own, and that file."""
    project = Project(root)
    for section in load_definition(project, YEAR, UNIT).sections:
        for ref in section.texts:
            path = project.unit_data(YEAR, UNIT) / "text" / ref.file
            if path.is_file():
                return section.id, path
    raise AssertionError("the example report has no section with a text file")


def write_placeholder(path: Path) -> None:
    from helpers.core.placeholders import PLACEHOLDER_MARK

    path.write_text(f"# Rubrik\n\n{PLACEHOLDER_MARK}\n", encoding="utf-8")


def test_status_warns_of_an_approved_section_whose_text_is_still_to_write(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    section, path = own_text_section(workspace)
    write_placeholder(path)
    argv = ["--year", str(YEAR), "--unit", UNIT]
    code, out, _ = run(capsys, "status", *argv)
    assert code == 0 and "godkänd men har texter att skriva" not in out  # not approved yet
    assert run(capsys, "klar", *argv, section, "--status", "godkänd")[0] == 0
    code, out, err = run(capsys, "status", *argv)
    assert code == 0  # a warning, not an error
    assert "godkänd men har texter att skriva" in out
    shown = path.relative_to(Project(workspace).unit_data(YEAR, UNIT)).as_posix()
    assert f"{section} är godkänd men har texter att skriva: {shown}" in " ".join(out.split())


def test_status_warns_when_every_section_is_approved_and_a_text_is_still_to_write(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    goals = sorted((Project(workspace).unit_data(YEAR, UNIT) / "text" / "mal").rglob("*.md"))
    write_placeholder(goals[0])
    argv = ["--year", str(YEAR), "--unit", UNIT]
    assert run(capsys, "klar", *argv, "--alla", "--status", "godkänd")[0] == 0
    code, out, _ = run(capsys, "status", *argv)
    assert code == 0 and "godkänd men har texter att skriva" in out
    assert goals[0].name in out


def test_status_does_not_warn_when_the_approved_sections_texts_are_written(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    section, _ = own_text_section(workspace)
    argv = ["--year", str(YEAR), "--unit", UNIT]
    assert run(capsys, "klar", *argv, section, "--status", "godkänd")[0] == 0
    code, out, _ = run(capsys, "status", *argv)
    assert code == 0 and "godkänd men" not in out
