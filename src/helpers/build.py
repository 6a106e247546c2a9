"""Building reports: validate, execute the planned sections, export each unit's report.

1. **Plan** (``build_plan``, no kernel, no pandas): which sections and reports are stale.
2. **Validate** every unit-year that has work, before any kernel starts (``DataError``).
3. **Execute** the stale sections on a supervised pool of worker processes
   (``supervise.SectionPool``), each with one long-lived kernel (``SectionRunner``). A section
   that fails — an error, a dead kernel, its time limit — is recorded and the build goes on; no
   worker or kernel outlives the build (``supervise`` says how). Given an ``Executor`` (a Dask
   cluster: ``cluster``), each unit's stale sections are one job on it instead (``unit_jobs``).
4. **Export** a unit's report in this process once all its sections are current — never when one
   failed, so the previous good report stays as it was.

A rebuild with nothing changed stops after step 1: it imports neither papermill nor nbconvert.
The planning names (``plan_build``, ``UnitPlan``, ``SectionPlan``, …) are re-exported here.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.build_plan import (
    REPORT_FINGERPRINT,
    SectionPlan,
    UnitPlan,
    data_fingerprint,
    plan_build,
    report_fingerprint,
)
from helpers.cpus import available_cpus
from helpers.errors import BuildError, DataError, Problem, display_path
from helpers.execute import SectionFailure, timeout_from_environment
from helpers.fingerprint import Fingerprinter, read_stored, store
from helpers.params import available_years, units_of_year
from helpers.paths import REPO_ROOT, Project, check_year, readable_file, write_error_text
from helpers.supervise import SectionPool, Task

# ------------------------------------------------------------------------------------ results


@dataclass
class UnitResult:
    year: int
    unit: str
    report: Path | None = None
    failures: dict[str, SectionFailure] = field(default_factory=dict)
    executed: dict[str, str] = field(default_factory=dict)  # failed section -> notebook shown
    sections_run: int = 0
    sections_cached: int = 0
    report_written: bool = False
    report_stale: bool = False  # not re-exported: other sections are not current (--section)


@dataclass
class BuildResult:
    units: list[UnitResult]
    seconds: float
    kernel_sections: int  # sections executed in a kernel (0 for a no-op rebuild)

    @property
    def failed(self) -> bool:
        return any(u.failures for u in self.units)


# ---------------------------------------------------------------------------------- execution

Done = Callable[[UnitPlan, SectionPlan, SectionFailure | None], None]


def _execute(
    tasks: list[tuple[UnitPlan, SectionPlan]],
    env: dict[str, str],
    log: Path,
    jobs: int,
    done: Done,
    timeout: float,
) -> None:
    """Run every task on a supervised pool of worker processes (each with one kernel); call
    ``done`` in this process as each one finishes. Whatever happens, no worker or kernel
    outlives this call (see ``supervise``)."""
    work = [
        Task(
            (plan, section),
            section.notebook,
            section.output,
            section.parameters,
            REPO_ROOT,
        )
        for plan, section in tasks
    ]
    with SectionPool(min(jobs, len(work)), env=env, timeout=timeout, log=log) as pool:
        pool.run(work, lambda key, failure: done(key[0], key[1], failure))


def _execute_on(
    executor: Executor,
    tasks: list[tuple[UnitPlan, SectionPlan]],
    env: dict[str, str],
    log: Path,
    done: Done,
    timeout: float,
    code: str,
) -> None:
    """Run every unit's tasks as one job on ``executor`` (see ``unit_jobs``); call ``done`` in
    this process for each section as its unit's job finishes."""
    from helpers.unit_jobs import SectionJob, UnitJob, run_jobs

    by_unit: dict[tuple[int, str], list[tuple[UnitPlan, SectionPlan]]] = {}
    for plan, section in tasks:
        by_unit.setdefault((plan.year, plan.unit), []).append((plan, section))
    units = [
        (
            UnitJob(
                tuple(SectionJob(str(s.notebook), str(s.output), s.parameters) for _, s in items),
                cwd=str(REPO_ROOT),
                env=env,
                timeout=timeout,
                log=str(log),
                code=code,
            ),
            items,
        )
        for items in by_unit.values()
    ]
    run_jobs(executor, units, lambda key, failure: done(key[0], key[1], failure))


def _export(project: Project, fingerprinter: Fingerprinter, plan: UnitPlan) -> Path:
    """Render the unit's report from its executed sections and write it atomically."""
    from helpers.export import render_report, write_atomically
    from helpers.unit_data import load_unit

    data = load_unit(plan.year, plan.unit, project)
    html = render_report(
        [s.output for s in plan.all_sections],
        title=data.params.title,
        unit_name=data.info.display_name,
        municipality=data.info.municipality,
        fingerprint=data_fingerprint(project, plan.year, plan.unit, fingerprinter),
    )
    report = project.report_file(plan.year, plan.unit)
    write_atomically(report, html)
    store(
        project.executed_dir(plan.year, plan.unit) / REPORT_FINGERPRINT,
        report_fingerprint(fingerprinter, plan),
    )
    return report


def _sections_current(plan: UnitPlan) -> bool:
    """Every section of the report has an executed notebook matching its inputs."""
    for section in plan.all_sections:
        stored = read_stored(section.fingerprint_file)
        if not section.output.is_file() or stored is None:
            return False
        if stored.get("total") != section.fingerprint["total"]:
            return False
    return True


def validate_plans(project: Project, plans: list[UnitPlan]) -> None:
    """Every problem in the data of the unit-years with work, before any kernel starts."""
    with_work = [plan for plan in plans if plan.to_run or plan.report_reason]
    if not with_work:
        return  # a no-op rebuild: its inputs are those of a build that passed validation
    from helpers.validate import validate_unit  # imports pandas: only when there is work

    problems: list[Problem] = []
    for plan in with_work:
        problems += validate_unit(project, plan.year, plan.unit)
    if problems:
        raise DataError(problems)


def run_build(
    project: Project,
    plans: list[UnitPlan],
    jobs: int | None = None,
    progress: Any = None,
    timeout: float | None = None,
    executor: Executor | None = None,
) -> BuildResult:
    """Execute a plan: stale sections on the kernel pool, then export the units' reports.

    ``timeout`` bounds each section in seconds (default: ``WORKBOOK_SECTION_TIMEOUT`` or 600).
    ``executor`` (any ``concurrent.futures.Executor``, e.g. a Dask client's) runs each unit's
    sections as one job instead of the local pool; ``jobs`` then does not apply.
    """
    started = time.perf_counter()
    validate_plans(project, plans)
    fingerprinter = Fingerprinter(project)
    results = {(p.year, p.unit): UnitResult(p.year, p.unit) for p in plans}
    pending = {(p.year, p.unit): len(p.to_run) for p in plans}
    for plan in plans:
        results[(plan.year, plan.unit)].sections_cached = len(plan.sections) - len(plan.to_run)

    def finish_unit(plan: UnitPlan) -> None:
        result = results[(plan.year, plan.unit)]
        report = project.report_file(plan.year, plan.unit)
        if result.failures or not (plan.report_reason or not report.is_file()):
            result.report = report if report.is_file() else None
            return
        if not _sections_current(plan):
            result.report = report if report.is_file() else None
            result.report_stale = True
            return
        try:
            result.report = _export(project, fingerprinter, plan)
            result.report_written = True
        except OSError as exc:  # the disk, not the unit: stop the build (exit 2)
            raise BuildError(
                write_error_text(exc, Path(exc.filename or project.reports), project.root)
            ) from None
        except Exception as exc:  # a broken export must not stop the other units
            result.failures["(export)"] = SectionFailure(
                None, type(exc).__name__, f"{type(exc).__name__}: {exc}"
            )

    def section_done(plan: UnitPlan, section: SectionPlan, failure: SectionFailure | None) -> None:
        result = results[(plan.year, plan.unit)]
        result.sections_run += 1
        if failure is None:
            try:
                store(section.fingerprint_file, section.fingerprint)
            except OSError as exc:
                raise BuildError(
                    write_error_text(exc, section.fingerprint_file, project.root)
                ) from None
        else:
            section.fingerprint_file.unlink(missing_ok=True)
            result.failures[section.name] = failure
            result.executed[section.name] = display_path(section.output, project.root)
        if progress is not None:
            progress.section_done(plan.year, plan.unit, section.name, failure is None)
        pending[(plan.year, plan.unit)] -= 1
        if pending[(plan.year, plan.unit)] == 0:
            finish_unit(plan)

    tasks = [(plan, section) for plan in plans for section in plan.to_run]
    if progress is not None:
        progress.start(len(tasks), sum(r.sections_cached for r in results.values()))
    try:
        for plan in plans:
            if not plan.to_run:
                finish_unit(plan)
        if tasks:
            env = {"WORKBOOK_ROOT": str(project.root)}
            log = project.build / "kernels.log"
            log.unlink(missing_ok=True)
            limit = timeout or timeout_from_environment()
            if executor is None:
                _execute(tasks, env, log, jobs or available_cpus(), section_done, limit)
            else:
                _execute_on(executor, tasks, env, log, section_done, limit, fingerprinter.code)
    finally:
        if progress is not None:
            progress.stop()
    return BuildResult(list(results.values()), time.perf_counter() - started, len(tasks))


def write_index(project: Project, result: BuildResult) -> Path | None:
    """(Re)write reports/index.html when the index module exists and something changed."""
    if importlib.util.find_spec("helpers.index_page") is None:
        return None
    index = project.reports / "index.html"
    if index.is_file() and not any(u.report_written for u in result.units):
        return index
    module = importlib.import_module("helpers.index_page")
    return module.write_index(project)


def print_pdfs(project: Project, result: BuildResult) -> list[Path]:
    """A PDF beside each report that is newer than its PDF (``--pdf``)."""
    if importlib.util.find_spec("helpers.pdf") is None:
        raise BuildError(
            "PDF kan inte skapas: modulen helpers.pdf finns inte i den här versionen av "
            "workbook. Bygg utan --pdf och skriv ut HTML-rapporten från webbläsaren."
        )
    module = importlib.import_module("helpers.pdf")
    written = []
    for unit in result.units:
        if unit.report is None or unit.failures:
            continue
        pdf = unit.report.with_suffix(".pdf")
        if pdf.is_file() and pdf.stat().st_mtime >= unit.report.stat().st_mtime:
            continue
        module.print_pdf(unit.report, pdf)
        written.append(pdf)
    return written


@contextmanager
def _no_lock() -> Iterator[None]:
    yield


def build_years(
    years: list[int],
    unit: str | None = None,
    project: Project | None = None,
    *,
    section: str | None = None,
    jobs: int | None = None,
    force: bool = False,
    progress: Any = None,
    lock: bool = True,
    timeout: float | None = None,
    executor: Executor | None = None,
) -> BuildResult:
    """Build the given years (all units, or one) under the project's build lock; ``executor``
    as in ``run_build``.

    Raises ``ParameterError`` when a year has no params (missing or empty ``params/<år>/``),
    ``DataError`` for badly named params files and bad data, ``BuildError`` when ``build/`` or
    ``reports/`` cannot be written — all before any kernel starts.
    """
    from helpers.buildlock import build_lock

    project = project or Project.current()
    years = [check_year(y) for y in years]
    if unit is None:
        for year in years:
            units_of_year(year, project)
    else:  # a params file that is there but cannot be read is named, not called missing
        for year in years:
            if os.path.lexists(project.params_file(year, unit)):
                readable_file(project.params_file(year, unit), project.root)
    with build_lock(project) if lock else _no_lock():
        plans = plan_build(project, years, unit, section, force)
        check_writable(project, plans)
        return run_build(project, plans, jobs, progress, timeout, executor)


# A build writes executed notebooks (~1 MB a unit) and reports; below this much free space in
# build/ or reports/ it stops before starting, rather than fail half-way on a full disk.
MIN_FREE_BYTES = 20 * 1024 * 1024


def check_writable(project: Project, plans: list[UnitPlan]) -> None:
    """``build/`` and the report folders can be written and have room, or a ``BuildError`` that
    says which cannot and why (read-only, no permission, full disk) — before any kernel starts."""
    with_work = [p for p in plans if p.to_run or p.report_reason]
    if not with_work:
        return
    folders = {project.build, project.reports}
    folders |= {project.report_file(p.year, p.unit).parent for p in with_work}
    for folder in sorted(folders):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, probe = tempfile.mkstemp(prefix=".skrivtest-", dir=folder)
            os.close(handle)
            os.unlink(probe)
            space = os.statvfs(folder)
        except OSError as exc:
            raise BuildError(
                write_error_text(exc, Path(exc.filename or folder), project.root)
            ) from None
        free = space.f_bavail * space.f_frsize
        if free < MIN_FREE_BYTES:
            shown_free = f"{free / 1_000_000:.1f}".replace(".", ",")
            raise BuildError(
                f"Disken är nästan full: {display_path(folder, project.root)}/ har {shown_free} MB "
                f"ledigt, bygget behöver minst {MIN_FREE_BYTES // 1_000_000} MB. Frigör utrymme "
                "och kör igen."
            )


def build(
    year: int,
    unit: str | None = None,
    project: Project | None = None,
    *,
    section: str | None = None,
    jobs: int | None = None,
    force: bool = False,
) -> list[UnitResult]:
    """Build one year (every unit with params, or one unit); each unit's result."""
    return build_years([year], unit, project, section=section, jobs=jobs, force=force).units


def all_years(project: Project) -> list[int]:
    years = available_years(project)
    if not years:
        raise BuildError(f"Det finns inga år under {project.params} — inget att bygga.")
    return years
