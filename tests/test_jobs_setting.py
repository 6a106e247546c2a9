"""``WORKBOOK_JOBS``: how many kernels a build starts when ``--jobs`` is not given.

The test session itself builds with ``WORKBOOK_JOBS=1`` (``conftest``): its own workers already
fill the machine's cores.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_missing_report_hints import run_and_read

from helpers.building.cpus import JOBS_VARIABLE, available_cpus, default_jobs
from helpers.core.errors import ParameterError


def test_unset_or_empty_it_is_the_cpus_the_build_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(JOBS_VARIABLE, raising=False)
    assert default_jobs() == available_cpus()
    monkeypatch.setenv(JOBS_VARIABLE, "  ")
    assert default_jobs() == available_cpus()


@pytest.mark.parametrize("value", ["1", "3", " 12 "])
def test_a_whole_number_is_the_default(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(JOBS_VARIABLE, value)
    assert default_jobs() == int(value)


@pytest.mark.parametrize("value", ["0", "-1", "två", "1.5", "2,0"])
def test_anything_else_is_refused_naming_the_variable(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(JOBS_VARIABLE, value)
    with pytest.raises(ParameterError) as refused:
        default_jobs()
    said = str(refused.value)
    assert JOBS_VARIABLE in said and f"'{value}'" in said and "heltal" in said


@pytest.mark.parametrize("command", ["validate", "build"])
def test_validate_and_build_refuse_it_alike_before_anything_is_built(
    command: str,
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(JOBS_VARIABLE, "alla")
    code, said = run_and_read([command, "--year", "2016", "--unit", "klk"], capsys)
    assert code == 2 and JOBS_VARIABLE in said and "'alla'" in said
    assert "Traceback" not in said
    assert not (workspace / "reports").exists() and not (workspace / "build").exists()


def test_jobs_on_the_command_line_is_used_without_reading_the_variable(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(JOBS_VARIABLE, "alla")
    argv = ["build", "--year", "2016", "--unit", "klk", "--jobs", "1", "--dry-run"]
    code, said = run_and_read(argv, capsys)
    assert code == 0, said
