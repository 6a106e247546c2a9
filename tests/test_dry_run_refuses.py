"""``build --dry-run`` says what the build would refuse, with the build's exit code: data that
``validate`` refuses gives the plan, then the same problems, and exit 2 (it exited 0 and listed
the sections as to run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.cli import main

CHOSEN = ["--year", "2016", "--unit", "klk", "--period", "helar"]


def test_dry_run_refuses_what_validate_refuses(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", *CHOSEN, "--dry-run"]) == 0
    capsys.readouterr()
    goals = workspace / "data" / "2016" / "klk" / "mal.csv"
    header, first, *rest = goals.read_text("utf-8").splitlines()
    level = first.split(",")[header.split(",").index("nivå")]
    goals.write_text(
        "\n".join([header, first.replace(level, level + "x", 1), *rest]) + "\n", "utf-8"
    )
    assert main(["validate", *CHOSEN]) == 2
    refused = [line for line in capsys.readouterr().out.splitlines() if "mal.csv" in line]
    assert refused
    assert main(["build", *CHOSEN, "--dry-run"]) == 2
    said = capsys.readouterr()
    assert "skulle köras" in said.out  # the plan is still shown
    assert all(line.strip() in said.err for line in refused), (refused, said.err)
