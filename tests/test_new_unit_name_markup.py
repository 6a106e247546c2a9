"""A unit's name with markup characters (``--name '<script>…'``) is written into the new unit's
Markdown texts as text: the unit it creates passes validation (which refuses markup in texts),
and the report shows the name's letters, never markup."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import cli
from helpers.building.validate import validate_unit
from helpers.core.paths import Project

YEAR, UNIT = 2016, "xss"
NAME = "<script>alert(1)</script> & <b>Kultur</b>"


def test_a_name_with_markup_makes_a_unit_that_validates(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["new-unit", UNIT, "--name", NAME, "--short", "<b>", "--year", str(YEAR)])
    assert code == 0, capsys.readouterr()
    texts = list((workspace / f"data/{YEAR}/{UNIT}/text").rglob("*.md"))
    named = [p for p in texts if "Kultur" in p.read_text(encoding="utf-8")]
    assert named  # the name is in the texts …
    for path in named:  # … as text
        assert "<script>" not in path.read_text(encoding="utf-8"), path
    problems = validate_unit(Project(workspace), YEAR, UNIT)
    assert [p for p in problems if "/text/" in p.file] == [], problems
