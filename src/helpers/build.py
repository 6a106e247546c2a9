"""Building reports: plan what to run, execute the sections, export each unit's report.

First version: sequential, one kernel for the whole build. Issue 3 widens this (pool of kernels,
incremental fingerprints, progress).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from helpers.errors import BuildError
from helpers.execute import SectionFailure, SectionRunner
from helpers.export import render_report, write_atomically
from helpers.params import available_units
from helpers.paths import REPO_ROOT, Project, check_section, check_unit, check_year
from helpers.unit_data import load_unit


def section_notebooks(project: Project, only: str | None = None) -> list[Path]:
    """The section notebooks in report order (``NN_name.ipynb``)."""
    notebooks = sorted(project.notebooks.glob("[0-9][0-9]_*.ipynb"))
    if only is not None:
        check_section(only)
        notebooks = [nb for nb in notebooks if nb.stem == only]
        if not notebooks:
            raise BuildError(f"Avsnittet {only!r} finns inte bland notebooks/.")
    return notebooks


def data_fingerprint(project: Project, year: int, unit: str) -> str:
    """A short content hash of everything the unit's report is built from."""
    digest = hashlib.sha256()
    files = [project.params_file(year, unit), *sorted(project.unit_data(year, unit).rglob("*"))]
    files += sorted(p for p in project.data.glob("*.csv"))
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(project.root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class UnitResult:
    year: int
    unit: str
    report: Path | None = None
    failures: dict[str, SectionFailure] = field(default_factory=dict)


def build_unit(runner: SectionRunner, project: Project, year: int, unit: str) -> UnitResult:
    data = load_unit(year, unit, project)
    result = UnitResult(year, unit)
    executed = []
    for notebook in section_notebooks(project):
        output = project.executed_dir(year, unit) / notebook.name
        failure = runner.run(notebook, output, {"year": year, "unit": unit}, REPO_ROOT)
        if failure is not None:
            result.failures[notebook.stem] = failure
        executed.append(output)
    if result.failures:
        return result
    html = render_report(
        executed,
        title=data.params.title,
        unit_name=data.info.display_name,
        municipality=data.info.municipality,
        fingerprint=data_fingerprint(project, year, unit),
    )
    report = project.report_file(year, unit)
    write_atomically(report, html)
    result.report = report
    return result


def build(year: int, unit: str | None = None, project: Project | None = None) -> list[UnitResult]:
    project = project or Project.current()
    year = check_year(year)
    units = [check_unit(unit)] if unit else available_units(year, project)
    runner = SectionRunner(env={"WORKBOOK_ROOT": str(project.root)})
    try:
        return [build_unit(runner, project, year, u) for u in units]
    finally:
        runner.shutdown()
