"""A ``data/rapport.yaml`` that is not valid YAML is reported once, as such: checks of its parts
say nothing more (its periods were reported as undefined, though the file may define them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.cli import main


def test_a_broken_definition_is_one_problem_not_a_missing_period(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    definition = workspace / "data" / "rapport.yaml"
    text = definition.read_text("utf-8")
    assert "perioder:" in text and (workspace / "params" / "2016" / "delar").is_dir()
    definition.write_text(text + "\nöppen: [a, b\n", "utf-8")
    assert main(["validate", "--year", "2016"]) == 2
    out = capsys.readouterr().out.splitlines()
    problems = [line for line in out if line.startswith(("data/", "params/"))]
    assert problems and all(line.startswith("data/rapport.yaml") for line in problems), problems
    assert not any("perioden" in line for line in problems), problems
