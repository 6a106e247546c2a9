"""Commands that need no data table start without the heavy libraries.

Many tests, and an analyst's every `workbook ... --help`, start the command as a process: help
and a mistyped argument should cost Python's start and the argparse tables, not pandas. The
installed `workbook` command runs with Python's import log on (``PYTHONPROFILEIMPORTTIME``, as
``-X importtime``), and the modules it lists are what it really imported. No timing is asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.cli import COMMANDS, EXIT_BAD_INPUT, EXIT_OK

WORKBOOK = Path(sys.executable).parent / "workbook"
# What a section or a validation needs, and nothing that only parses arguments should import.
HEAVY = ("pandas", "numpy", "altair", "nbconvert", "papermill", "jupyter_client", "IPython")


def _run(argv: list[str], cwd: Path) -> tuple[int, str, set[str]]:
    """Exit code, the command's own output (stdout and stderr without the import log) and the
    top-level packages it imported."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("WORKBOOK_ROOT", None)
    done = subprocess.run(
        [str(WORKBOOK), *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    imported: set[str] = set()
    messages: list[str] = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:"):
            name = line.rsplit("|", 1)[-1].strip()
            imported.add(name.split(".")[0])
        else:
            messages.append(line)
    assert "import time:" in done.stderr, "the import log is missing: nothing would be checked"
    return done.returncode, done.stdout + "\n".join(messages), imported


def test_help_lists_every_command_without_heavy_imports(tmp_path: Path) -> None:
    code, output, imported = _run(["--help"], tmp_path)
    assert code == EXIT_OK, output
    for name, _, help_text in COMMANDS:
        assert name in output and help_text in output, name
    assert "helpers" in imported  # the log covers the workbook's own imports
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))


@pytest.mark.parametrize(
    "argv",
    [
        ["bokstavera"],  # no such command
        [],  # no command at all
        ["--årtal", "2016", "validate"],  # an option before the command
    ],
)
def test_a_bad_command_line_is_refused_without_heavy_imports(
    argv: list[str], tmp_path: Path
) -> None:
    code, output, imported = _run(argv, tmp_path)
    assert code == EXIT_BAD_INPUT, output
    assert "Fel:" in output and "Traceback" not in output, output
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))


@pytest.mark.parametrize("name", [name for name, _, _ in COMMANDS])
def test_every_command_help_without_heavy_imports(name: str, tmp_path: Path) -> None:
    code, output, imported = _run([name, "--help"], tmp_path)
    assert code == EXIT_OK, output
    assert "användning: workbook " + name in output, output
    assert not imported & set(HEAVY), (name, sorted(imported & set(HEAVY)))


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--year", "tjugosexton"],
        ["validate", "--year", "2016", "--enhet", "klk"],  # the main parser refuses it
        ["build", "--year", "2016", "--jobs", "två"],
        ["new-year", "2017", "--from", "2O16"],
        ["status"],
    ],
)
def test_a_bad_argument_is_refused_without_heavy_imports(argv: list[str], tmp_path: Path) -> None:
    code, output, imported = _run(argv, tmp_path)
    assert code == EXIT_BAD_INPUT, output
    assert "användning: workbook" in output, output
    assert "Fel:" in output and "Traceback" not in output, output
    assert not imported & set(HEAVY), (argv, sorted(imported & set(HEAVY)))


def test_light_commands_benchmark_prints_name_value_lines_and_a_summary() -> None:
    benchmark = Path(__file__).resolve().parents[1] / "benchmarks" / "light_commands.py"
    done = subprocess.run(
        [sys.executable, str(benchmark), "--rounds", "1", "--units", "1"],
        capture_output=True, text=True, timeout=600,  # a hang guard only
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert all(": " in line for line in lines), lines
    names = {line.split(": ", 1)[0] for line in lines}
    assert {"help_cpu_s", "help_first_version_cpu_s", "validate_cpu_s", "summary"} <= names
