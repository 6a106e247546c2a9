"""``workbook build --section`` with a section the report does not have: exit 2 before anything
runs, the sections listed in the report's own order (as the analyst sees them in the report and
in rapport.yaml), a near miss named."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import cli
from helpers.core.paths import Project
from helpers.data.definition.load import load_definition


@pytest.mark.parametrize("unit", ["klk", "von"])
def test_an_unknown_section_lists_the_reports_sections_in_order_and_the_near_miss(
    workspace: Path, capsys: pytest.CaptureFixture[str], unit: str
) -> None:
    order = [s.id for s in load_definition(Project(workspace), 2016, unit).sections]
    misspelt = order[len(order) // 2][:-1]  # the middle section's id without its last letter
    assert misspelt not in order

    code = cli.main(["build", "--year", "2016", "--unit", unit, "--section", misspelt])
    err = capsys.readouterr().err

    assert code == 2
    assert f"'{misspelt}'" in err and f"menade du '{order[len(order) // 2]}'" in err
    assert ", ".join(order) in err  # every section, in the report's order
    assert "Traceback" not in err
    assert not (workspace / "build").exists() or not any((workspace / "build").rglob("*.ipynb"))


def test_a_section_far_from_every_id_gets_the_list_without_a_guess(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["build", "--year", "2016", "--unit", "klk", "--section", "qqqqqq"])
    err = capsys.readouterr().err
    assert code == 2 and "menade du" not in err and "'qqqqqq'" in err
