"""A build setting in the environment that ``build`` refuses is refused by ``validate`` too, with
the same message and exit code: the check an operator runs before a night build catches it.
``build --dry-run`` checks the scheduler address's form as a real build does."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.cli import main

SETTINGS = [
    ("WORKBOOK_SECTION_TIMEOUT", "abc"),
    ("WORKBOOK_SECTION_TIMEOUT", "0"),
    ("WORKBOOK_SECTION_TIMEOUT", "-5"),
    ("WORKBOOK_WARM_KERNELS", "abc"),
    ("WORKBOOK_WARM_KERNELS", "-1"),
    ("WORKBOOK_WARM_KERNELS", "86401"),
    ("WORKBOOK_SCHEDULER", "tcp://berakning01:99999"),
    ("WORKBOOK_SCHEDULER", "bogus://berakning01:8786"),
]
CHOSEN = ["--year", "2016", "--unit", "klk"]


def _said(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.err


@pytest.mark.parametrize(("variable", "value"), SETTINGS)
def test_validate_refuses_a_build_setting_as_build_does(
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
) -> None:
    assert _said(["validate", *CHOSEN], capsys)[0] == 0
    monkeypatch.setenv(variable, value)
    built = _said(["build", *CHOSEN, "--dry-run"], capsys)
    validated = _said(["validate", *CHOSEN], capsys)
    assert built[0] == validated[0] == 2
    assert built[1] == validated[1] and variable in built[1] and "Traceback" not in built[1]
