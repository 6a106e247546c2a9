"""``kommun`` is the consolidated report's name, not a unit: ``validate --unit kommun`` checks the
consolidated report (as ``build --unit kommun`` builds it) instead of looking for a unit's files,
and ``new-unit kommun`` is refused before it writes anything. ``new-period`` and ``new-year``
refuse a period that ``perioder:`` does not define (every command would refuse its reports)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_missing_report_hints import run_and_read

ASSESSMENTS = "data/2016/kommun/bedomningar.csv"


def test_validate_unit_kommun_checks_the_consolidated_report(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_and_read(["validate", "--unit", "kommun"], capsys)[0] == 0
    path = workspace / ASSESSMENTS
    header = path.read_text("utf-8").splitlines()[0]
    path.write_text(f"{header}\nKF99999,,\n", "utf-8")
    chosen = ["--year", "2016", "--period", "helar"]
    code, said = run_and_read(["validate", "--unit", "kommun", *chosen], capsys)
    assert code == 2
    problems = [line for line in said.splitlines() if line.startswith(("data/", "params/"))]
    assert problems and all(line.startswith(ASSESSMENTS) for line in problems), said
    code, everything = run_and_read(["validate", *chosen], capsys)
    assert code == 2 and set(problems) <= set(everything.splitlines())


def test_new_unit_kommun_is_refused_and_writes_nothing(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p.relative_to(workspace) for p in workspace.rglob("*"))
    code, said = run_and_read(
        ["new-unit", "kommun", "--name", "Kommunen", "--year", "2016"], capsys
    )
    assert code == 2 and "sammanställda rapporten" in said
    assert sorted(p.relative_to(workspace) for p in workspace.rglob("*")) == before


@pytest.mark.parametrize(
    "argv",
    [
        ["new-period", "tertial2", "--from", "helar", "--year", "2016", "--slut", "2016-04-30"],
        ["new-year", "2017", "--from", "2016", "--period", "tertial2", "--slut", "2017-04-30"],
    ],
    ids=["new-period", "new-year"],
)
def test_a_period_the_definition_does_not_name_is_refused(
    workspace: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    before = sorted(p.relative_to(workspace) for p in workspace.rglob("*"))
    code, said = run_and_read(argv, capsys)
    assert code == 2 and "'tertial2' finns inte under perioder:" in said, said
    assert sorted(p.relative_to(workspace) for p in workspace.rglob("*")) == before
