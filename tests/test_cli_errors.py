"""No traceback for anything an analyst did: a Swedish message and a non-zero exit status."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import cli

WORKBOOK = Path(sys.executable).parent / "workbook"
PREVIOUS = "<!doctype html><p>förra rapporten</p>".encode()


def run(argv: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    """The installed ``workbook`` command, as an analyst runs it, on a workspace."""
    env = {**os.environ, "WORKBOOK_ROOT": str(root)}
    # The timeout only guards against a hang; it is no expectation of speed (a loaded machine).
    return subprocess.run(
        [str(WORKBOOK), *argv], capture_output=True, text=True, env=env, timeout=600
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["validate", "--year", "2016", "--unit", "../../etc"], "inget giltigt enhets-id"),
        (["validate", "--unit", "klk/../klk"], "inget giltigt enhets-id"),
        (["validate", "--year", "20x6"], "inte ett år"),
        (["validate", "--year", "2031"], "inga enheter för 2031"),
        (["build", "--year", "2016", "--unit", "../../etc"], "inget giltigt enhets-id"),
    ],
)
def test_bad_arguments_give_a_swedish_message_and_no_traceback(
    workspace: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(argv)
    captured = capsys.readouterr()
    assert code == 2
    assert message in captured.err
    assert "Traceback" not in captured.out + captured.err
    assert not (workspace / "etc").exists() and not (workspace.parent / "etc").exists()


def test_installed_command_refuses_path_traversal(workspace: Path) -> None:
    result = run(["validate", "--year", "2016", "--unit", "../../etc"], workspace)
    assert result.returncode == 2
    assert "Enheten '../../etc' är inget giltigt enhets-id" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_installed_command_lists_data_problems_with_place(workspace: Path) -> None:
    drift = workspace / "data/2016/klk/drift.csv"
    lines = drift.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines, start=1) if line.startswith("Stab,"))
    lines[row - 1] = lines[row - 1].replace(",20126,", ",4 3O7,")
    drift.write_text("".join(lines), encoding="utf-8")
    aktiviteter = workspace / "data/2016/klk/aktiviteter.csv"
    aktiviteter.write_bytes(aktiviteter.read_text(encoding="utf-8").encode("cp1252"))

    result = run(["validate", "--year", "2016", "--unit", "klk"], workspace)

    assert result.returncode == 2  # bad input, as from build
    assert (
        f'data/2016/klk/drift.csv, rad {row}, kolumn budget: "4 3O7" är inget tal' in result.stdout
    )
    assert (
        "data/2016/klk/aktiviteter.csv, rad 2, kolumn aktivitet: filen är inte sparad som UTF-8"
        in result.stdout
    )
    assert "Ã" not in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_build_stops_on_bad_data_before_any_kernel_and_keeps_the_old_report(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = workspace / "reports/2016/klk.html"
    report.parent.mkdir(parents=True)
    report.write_bytes(PREVIOUS)
    aktiviteter = workspace / "data/2016/klk/aktiviteter.csv"
    text = aktiviteter.read_text(encoding="utf-8")
    aktiviteter.write_text(text.replace(",PC,påbörjad,", ",PC,klar,"), encoding="utf-8")

    code = cli.main(["build", "--year", "2016", "--unit", "klk", "--jobs", "1"])

    captured = capsys.readouterr()
    assert code != 0
    assert "data/2016/klk/aktiviteter.csv, rad 2, kolumn status" in captured.err
    assert "Traceback" not in captured.out + captured.err
    assert report.read_bytes() == PREVIOUS
    assert not (workspace / "build/2016/klk").exists() or not any(
        (workspace / "build/2016/klk").glob("*.ipynb")
    )


def _year_arguments() -> list[tuple[str, list[str]]]:
    """Every command's year argument (``--year``, ``--from``, a positional ÅR), as argv that
    gives it 1899 — read from the parser itself, so a new command is covered too."""
    from helpers.building.arguments import year_argument

    found = []
    subparsers = next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name, command_parser in subparsers.choices.items():
        for action in command_parser._actions:
            if action.type is year_argument:
                flag = action.option_strings[:1]
                found.append((name, [name, *flag, "1899"]))
    return found


def test_every_year_argument_names_the_allowed_range(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from helpers.core.paths import FIRST_YEAR, LAST_YEAR

    arguments = _year_arguments()
    assert {"build", "validate", "klar", "status", "new-year"} <= {name for name, _ in arguments}
    for name, argv in arguments:
        code = cli.main(argv)
        err = capsys.readouterr().err
        assert code == cli.EXIT_BAD_INPUT, name
        assert f"{FIRST_YEAR}–{LAST_YEAR}" in err and "1899" in err, (name, err)
        assert "fyra siffror" not in err and "Traceback" not in err, name
