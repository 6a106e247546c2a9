"""Start-up of a command that needs no data, and a validation, each against its first version.

* ``help``: CPU seconds of ``workbook --help`` as a process (the real installed command) against
  the first version's parser, which imported every command's module (``cli.parser(None)``: the
  checks, pandas, markdown-it) before printing the same help.
* ``validate``: CPU seconds of ``validate_unit`` over synthetic units against the first version
  of ``LoadedTable.records``, which converted the whole frame again on every walk of a table.

Alternating rounds in one process (the validation) or its children (the start-up), so a busy
machine slows both sides alike. Prints ``name: value`` lines and a summary line.

    .venv/bin/python benchmarks/light_commands.py --rounds 5 --units 3
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from helpers.building.validate import validate_unit
from helpers.checks.table_checks import LoadedTable, Row
from helpers.core.paths import Project
from helpers.data.unit_data import LINE_COLUMN

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import generate  # noqa: E402

WORKBOOK = Path(sys.executable).parent / "workbook"
# The first version's `--help`: every command's module with what it imported at the top (the
# checks, unit data, narrative, rich), then the same help.
FIRST_HELP = (
    "import helpers.checks.custom_checks, helpers.checks.data_checks, "
    "helpers.checks.definition_checks, helpers.data.unit_data, helpers.parts.narrative, "
    "helpers.parts.kommun_data, rich.console, jinja2, helpers.cli as c; "
    "c.parser(None).print_help()"
)


def _child_cpu(argv: list[str]) -> float:
    """CPU seconds (user + system) of one child process running ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _first_records(self: LoadedTable) -> Iterator[tuple[int, Row]]:
    """The first version of ``LoadedTable.records``: the frame converted on every walk."""
    lines = self.frame[LINE_COLUMN].tolist()
    for line, row in zip(lines, self.frame.to_dict("records"), strict=True):
        yield int(line), row


def _validate_cpu(project: Project, units: list[str]) -> float:
    started = time.process_time()
    for unit in units:
        assert validate_unit(project, 2016, unit) == []
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--units", type=int, default=3)
    args = parser.parse_args()

    help_now, help_first, validate_now, validate_first = [], [], [], []
    for _ in range(args.rounds):
        help_now.append(_child_cpu([str(WORKBOOK), "--help"]))
        help_first.append(_child_cpu([sys.executable, "-c", FIRST_HELP]))

    current = LoadedTable.records
    with tempfile.TemporaryDirectory() as folder:
        units = generate(Path(folder), args.units, [2016])
        project = Project(Path(folder))
        os.environ["WORKBOOK_ROOT"] = folder
        _validate_cpu(project, units)  # imports and first reads out of the measurement
        for _ in range(args.rounds):
            validate_now.append(_validate_cpu(project, units))
            LoadedTable.records = _first_records  # type: ignore[method-assign]
            try:
                validate_first.append(_validate_cpu(project, units))
            finally:
                LoadedTable.records = current  # type: ignore[method-assign]

    results = {
        "help_cpu_s": statistics.median(help_now),
        "help_first_version_cpu_s": statistics.median(help_first),
        "validate_cpu_s": statistics.median(validate_now),
        "validate_first_version_cpu_s": statistics.median(validate_first),
    }
    for name, value in results.items():
        print(f"{name}: {value:.3f}")
    help_ratio = results["help_first_version_cpu_s"] / results["help_cpu_s"]
    validate_ratio = results["validate_first_version_cpu_s"] / results["validate_cpu_s"]
    print(f"ratio_help_first_vs_now: {help_ratio:.2f}")
    print(f"ratio_validate_first_vs_now: {validate_ratio:.2f}")
    print(
        f"summary: workbook --help {help_ratio:.1f}x less CPU than the first version; "
        f"validate_unit {validate_ratio:.2f}x ({args.units} units, {args.rounds} rounds)"
    )


if __name__ == "__main__":
    main()
