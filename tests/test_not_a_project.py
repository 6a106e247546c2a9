"""``WORKBOOK_ROOT`` naming a folder that has neither ``data/`` nor ``params/`` (a mistyped path,
a parent folder): every command that looks for years or units says that folder is probably not
the project, naming it, with exit code 2; a real project without the year gets no such note."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.cli import main

COMMANDS = [
    ["validate"],
    ["validate", "--year", "2016"],
    ["build", "--year", "2016"],
    ["build", "--year", "2016", "--dry-run"],
    ["status", "--year", "2016", "--unit", "klk"],
    ["klar", "--year", "2016", "--unit", "klk", "--alla", "--by", "Anna"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_a_root_without_data_or_params_is_named_as_probably_not_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:  # fmt: skip
    root = tmp_path / "inte-projektet"
    root.mkdir()
    monkeypatch.setenv("WORKBOOK_ROOT", str(root))
    assert main(argv) == 2
    said = capsys.readouterr().err
    assert root.as_posix() in said and "varken data/ eller params/" in said, said
    assert "Traceback" not in said
    assert list(root.iterdir()) == []  # nothing written into a folder that is not the project


def test_a_project_without_the_year_gets_no_such_note(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--year", "2030", "--dry-run"]) == 2
    said = capsys.readouterr().err
    assert "2030" in said and "varken data/ eller params/" not in said
