"""The benchmark scripts work (tiny configuration, real kernels); no timing is asserted here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers.building.validate import validate_unit
from helpers.core.paths import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
import synthetic  # noqa: E402


def test_synthetic_units_are_valid_labelled_and_different(tmp_path: Path):
    from helpers.core.paths import Project

    ids = synthetic.generate(tmp_path, 3, [2016])
    project = Project(tmp_path)
    for unit in ids:
        assert validate_unit(project, 2016, unit) == []
        params = project.params_file(2016, unit).read_text(encoding="utf-8")
        assert "PÅHITTAD DATA" in params
    drift = [(project.unit_data(2016, u) / "drift.csv").read_text(encoding="utf-8") for u in ids]
    assert len(set(drift)) == 3
    assert "PÅHITTAD DATA" in (tmp_path / "data" / "enheter.csv").read_text(encoding="utf-8")


def test_batch_benchmark_prints_name_value_lines_and_a_summary():
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "batch.py"), "--units", "1",
         "--skip-baseline"],
        capture_output=True, text=True, timeout=2400,  # a hang guard only
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert all(": " in line for line in lines)
    names = {line.split(": ", 1)[0] for line in lines}
    assert {"cold_build_s", "noop_build_s", "floor_s", "cold_peak_rss_mib"} <= names
    assert lines[-1].startswith("summary: ")
