"""A file no section reads still reaches the build's validation: a second ``drift.xlsx`` beside
``drift.csv``, or a schema without its table, makes ``build`` refuse (exit 2, the report left as
it was) as ``validate`` does, also when nothing a section reads changed (the incremental build
used to skip validation and exit 0). Taking the file away again leaves nothing to do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import copy_built

from helpers.cli import main

YEAR, UNIT = 2016, "klk"
CHOSEN = ["--year", str(YEAR), "--unit", UNIT]


@pytest.mark.parametrize("added", ["drift.xlsx", "extra.schema.yaml"])
def test_an_unread_file_is_refused_by_build_as_by_validate(
    built_year, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
    capsys: pytest.CaptureFixture[str], added: str,
) -> None:  # fmt: skip
    project = copy_built(built_year, tmp_path / "ws")
    monkeypatch.setenv("WORKBOOK_ROOT", str(project.root))
    monkeypatch.setenv("WORKBOOK_WARM_KERNELS", "0")
    report = project.report_file(YEAR, UNIT)
    before = report.read_bytes()
    assert main(["build", *CHOSEN, "--dry-run"]) == 0
    assert "0 avsnitt skulle köras" in capsys.readouterr().out
    folder = project.unit_data(YEAR, UNIT)
    if added == "drift.xlsx":
        shutil.copy(folder / "drift.csv", folder / added)  # a second file for one table
    else:
        (folder / added).write_text("kolumner:\n  - namn: x\n", "utf-8")
    assert main(["validate", *CHOSEN]) == 2
    refused = capsys.readouterr().out
    assert main(["build", *CHOSEN]) == 2
    said = capsys.readouterr()
    assert f"data/{YEAR}/{UNIT}/{added}" in said.out + said.err
    assert f"data/{YEAR}/{UNIT}/{added}" in refused
    assert report.read_bytes() == before
    (folder / added).unlink()
    assert main(["build", *CHOSEN, "--dry-run"]) == 0
    assert "0 avsnitt skulle köras" in capsys.readouterr().out
    assert main(["build", *CHOSEN]) == 0
    assert report.read_bytes() == before
