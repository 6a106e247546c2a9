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


def benchmark_names(script: str, *args: str, timeout: float) -> set[str]:
    """Run ``benchmarks/<script>`` with ``args``; the names of its ``name: value`` lines, after
    checking that it succeeded, printed only such lines and ended with its summary."""
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / script), *args],
        capture_output=True, text=True, timeout=timeout,  # a hang guard only
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert all(": " in line for line in lines)
    assert lines[-1].startswith("summary: ")
    return {line.split(": ", 1)[0] for line in lines}


def test_batch_benchmark_prints_name_value_lines_and_a_summary():
    names = benchmark_names("batch.py", "--units", "1", "--skip-baseline", timeout=2400)
    assert {"cold_build_s", "noop_build_s", "floor_s", "cold_peak_rss_mib"} <= names


def test_table_cache_benchmark_prints_name_value_lines_and_a_summary() -> None:
    names = benchmark_names("table_cache.py", "--rounds", "1", timeout=600)
    assert {"validate_year_warm_cpu_s", "validate_year_no_memo_cpu_s"} <= names
