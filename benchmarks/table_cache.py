"""Validation with typed tables remembered by content (``table_cache``) against without.

* ``validate_year``: CPU seconds of one ``validate.reports_problems_each`` over every report of
  the example year (its units and the consolidated report, which checks every unit again),
  as ``workbook validate --year`` and ``workbook build`` run it: with the memo as a warm
  process has it (the preview after an edit, a JupyterLab kernel, a test session) against the
  memo cleared before each call (a fresh process: only the readings within the call shared)
  and against no memo at all (every reading parsed, as before ``table_cache``).
* ``validate_then_load``: CPU seconds of what a build does in process per unit: ``validate_unit``
  and then ``load_unit`` of the same tables to render, the same three ways.

The project is a copy of the repository's (``data/``, ``params/``, ``notebooks/``) in a folder
of its own. Alternating rounds in one process, so a busy machine slows every side alike. Prints
``name: value`` lines and a summary line.

    .venv/bin/python benchmarks/table_cache.py --rounds 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from helpers.building.validate import reports_problems_each, validate_unit
from helpers.core.paths import REPO_ROOT, YEAR_END, Project
from helpers.data import unit_data
from helpers.data.params import units_of_year
from helpers.data.table_cache import TableMemo

YEAR = 2016


def _copy_project(folder: Path) -> Project:
    for part in ("data", "params", "notebooks"):
        shutil.copytree(REPO_ROOT / part, folder / part)
    return Project(folder)


def _cpu(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        project = _copy_project(Path(folder))
        os.environ["WORKBOOK_ROOT"] = folder
        units = units_of_year(YEAR, project)
        reports = [(YEAR_END, YEAR, unit) for unit in units] + [(YEAR_END, YEAR, "kommun")]

        def validate_year() -> object:
            return reports_problems_each(project, reports, [YEAR])

        def validate_then_load() -> object:
            for unit in units:
                validate_unit(project, YEAR, unit)
                unit_data.load_unit(YEAR, unit, project)
            return None

        kept = unit_data._TYPED
        expected = validate_year()  # imports and first reads out of the measurement
        works = {"validate_year": validate_year, "validate_then_load": validate_then_load}
        sides: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            for name, work in works.items():
                work()  # every table remembered
                sides.setdefault(f"{name}_warm_cpu_s", []).append(_cpu(work))
                kept.clear()
                sides.setdefault(f"{name}_cleared_cpu_s", []).append(_cpu(work))
                unit_data._TYPED = TableMemo(max_entries=0)  # remembers nothing
                try:
                    sides.setdefault(f"{name}_no_memo_cpu_s", []).append(_cpu(work))
                    if name == "validate_year":  # the same problems without it
                        assert validate_year()[0] == expected[0]
                finally:
                    unit_data._TYPED = kept

    results = {name: statistics.median(values) for name, values in sides.items()}
    for name, value in results.items():
        print(f"{name}: {value:.4f}")
    ratios = {}
    for name in ("validate_year", "validate_then_load"):
        warm = results[f"{name}_warm_cpu_s"]
        ratios[f"ratio_{name}_cleared_vs_warm"] = results[f"{name}_cleared_cpu_s"] / warm
        ratios[f"ratio_{name}_no_memo_vs_warm"] = results[f"{name}_no_memo_cpu_s"] / warm
    for name, value in ratios.items():
        print(f"{name}: {value:.2f}")
    print(
        f"summary: validating example year {YEAR} ({len(reports)} reports) warm "
        f"{ratios['ratio_validate_year_cleared_vs_warm']:.2f}x less CPU than with the memo "
        f"cleared, {ratios['ratio_validate_year_no_memo_vs_warm']:.2f}x than without it; "
        f"validate then load {ratios['ratio_validate_then_load_no_memo_vs_warm']:.2f}x "
        f"({args.rounds} rounds)"
    )


if __name__ == "__main__":
    main()
