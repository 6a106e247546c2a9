"""A rebuild with nothing changed is nearly free: no kernel, and no heavy library imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import copy_built

from helpers.core.paths import Project

PROBE = """
import json, sys
from helpers.cli import main
status = main(["build", "--year", "2016", "--unit", "klk"])
heavy = ["pandas", "papermill", "nbconvert", "nbclient", "altair", "jupyter_client"]
print(json.dumps({"status": status, "imported": [m for m in heavy if m in sys.modules]}))
"""


def run_probe(workspace: Path) -> dict:
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**os.environ, "WORKBOOK_ROOT": str(workspace)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(probe.stdout.strip().splitlines()[-1])


def test_a_no_op_rebuild_imports_no_heavy_library(built_year: Project, tmp_path: Path) -> None:
    """The session's build of 2016 (every unit, both periods), copied: the same command again."""
    workspace = copy_built(built_year, tmp_path / "ws").root
    report = Project(workspace).report_file(2016, "klk")
    before = report.read_bytes()

    assert run_probe(workspace) == {"status": 0, "imported": []}
    assert report.read_bytes() == before
