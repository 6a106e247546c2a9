"""Building reports: validate, execute the planned sections, export each unit's report.

1. **Plan** (``build_plan``, no kernel, no pandas): which sections and reports are stale.
2. **Validate** every unit-year that has work, before any section runs (``DataError``); the
   kernels that will run them boot meanwhile, and are ended at once when the data has problems.
3. **Execute** the stale sections on a supervised pool of worker processes
   (``supervise.SectionPool``), each with one long-lived kernel (``SectionRunner``). A section
   that fails — an error, a dead kernel, its time limit — is recorded and the build goes on; no
   worker or kernel outlives the build (``supervise`` says how), unless it is left warm for the
   next build in an analyst's terminal (``warm_kernels``: a server of its own holds them). Given
   an ``Executor`` (a Dask cluster: ``cluster``), each unit's stale sections are one job on it
   instead (``unit_jobs``).
4. **Export** a unit's report in this process once all its sections are current — never when one
   failed, so the previous good report stays as it was.

A rebuild with nothing changed stops after step 1: it imports neither papermill nor nbconvert.
The planning names (``plan_build``, ``UnitPlan``, ``SectionPlan``, …) are re-exported here.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import importlib.util
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.building.build_plan import (
    REPORT_FINGERPRINT,
    SectionPlan,
    UnitPlan,
    data_fingerprint,
    plan_build,
    report_fingerprint,
)
from helpers.building.cpus import default_jobs
from helpers.building.execute import SectionFailure, timeout_from_environment
from helpers.building.supervise import SectionPool, Task
from helpers.building.warm_kernels import WarmKernels, kernel_env
from helpers.core import read_log
from helpers.core.errors import BuildError, DataError, WorkbookError, display_path
from helpers.core.paths import (
    CONSOLIDATED,
    REPO_ROOT,
    YEAR_END,
    Project,
    check_period,
    check_year,
    readable_file,
    write_error_text,
)
from helpers.data.fingerprint import Fingerprinter, read_stored, store
from helpers.data.params import available_years, units_of_year

# ------------------------------------------------------------------------------------ results


@dataclass
class UnitResult:
    year: int
    unit: str
    period: str = YEAR_END
    report: Path | None = None
    failures: dict[str, SectionFailure] = field(default_factory=dict)
    executed: dict[str, str] = field(default_factory=dict)  # failed section -> notebook shown
    sections_run: int = 0
    sections_cached: int = 0
    report_written: bool = False
    report_stale: bool = False  # not re-exported: other sections are not current (--section)
    stale_sections: list[str] = field(default_factory=list)


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


def _pool_tasks(tasks: list[tuple[UnitPlan, SectionPlan]]) -> list[Task]:
    return [
        Task((plan, section), section.notebook, section.output, section.parameters, REPO_ROOT)
        for plan, section in tasks
    ]


Runner = SectionPool | WarmKernels


@contextmanager
def _local_pool(
    tasks: list[tuple[UnitPlan, SectionPlan]],
    project: Project,
    jobs: int,
    timeout: float,
    executor: Executor | None,
    warm: float,
) -> Iterator[Runner | None]:
    """What runs the build's sections, its kernels booting at once while the build validates
    (None: no task, or ``executor`` runs them): the project's warm kernels when ``warm`` (the
    seconds they stay warm, see ``warm_kernels``) and a server can be had, else the build's own
    pool. No section runs before ``run``; a build that stops before (bad data, Ctrl-C) ends its
    pool's workers and kernels at once, as ``SectionPool`` ends everything it started (warm
    kernels stay for the next build)."""
    if not tasks or executor is not None:
        yield None
        return
    if warm > 0:
        from helpers.building.warm_kernels import server_config, warm_kernels

        config = server_config(project, jobs, timeout, kernel_env(project), warm)
        kernels = warm_kernels(config)
        if kernels is not None:
            try:
                yield kernels
            except WorkbookError:  # bad data: the kernels stay warm for the build after the fix
                kernels.keep()
                raise
            finally:  # interrupted before the sections ran: a server it started ends now
                kernels.close()
            return
    log = project.build / "kernels.log"
    log.unlink(missing_ok=True)
    with SectionPool(
        min(jobs, len(tasks)), env=kernel_env(project), timeout=timeout, log=log
    ) as pool:
        pool.start(len(tasks))
        yield pool


def _execute_on(
    executor: Executor,
    tasks: list[tuple[UnitPlan, SectionPlan]],
    env: dict[str, str],
    log: Path,
    done: Done,
    timeout: float,
    code: str,
) -> None:
    """Run every report's tasks (a unit's or the consolidated report's, of one year and period)
    as one job on ``executor`` (see ``unit_jobs``); call ``done`` in this process for each
    section as its job finishes."""
    from helpers.building.unit_jobs import SectionJob, UnitJob, run_jobs

    by_unit: dict[tuple[str, int, str], list[tuple[UnitPlan, SectionPlan]]] = {}
    for plan, section in tasks:
        by_unit.setdefault(plan.key, []).append((plan, section))
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


def export_unit(project: Project, fingerprinter: Fingerprinter, plan: UnitPlan) -> Path:
    """Render the unit's report from its executed sections and write it atomically."""
    from helpers.building.export import navigation_texts, render_report, report_title
    from helpers.core.files import write_atomically
    from helpers.data.periods import period_spec
    from helpers.data.signoff import draft_mark
    from helpers.data.unit_data import load_unit

    project = project.for_period(plan.period)
    fingerprinter = fingerprinter.for_period(plan.period)  # the period's data and sign-off
    if plan.unit == CONSOLIDATED:
        from helpers.building.kommun_export import export_consolidated

        return export_consolidated(project, fingerprinter, plan)
    data = load_unit(plan.year, plan.unit, project, lazy=True)
    report = project.report_file(plan.year, plan.unit)
    period = None if project.is_year_end else period_spec(project, plan.period).name
    html = render_report(
        [s.output for s in plan.all_sections],
        title=report_title(data.params.title, period, data.labels()),
        unit_name=data.info.display_name,
        municipality=data.info.municipality,
        fingerprint=data_fingerprint(project, plan.year, plan.unit, fingerprinter),
        draft=draft_mark(data),
        texts=navigation_texts(data.labels()),
        diary_number=data.params.diary_number,
        pdf_href=f"{plan.unit}.pdf" if plan.pdf_link else None,
        index_href=os.path.relpath(project.reports / "index.html", report.parent),
    )
    write_atomically(report, html)
    store(
        project.executed_dir(plan.year, plan.unit) / REPORT_FINGERPRINT,
        report_fingerprint(fingerprinter, plan),
    )
    return report


def record_success(fingerprinter: Fingerprinter, plan: UnitPlan, section: SectionPlan) -> None:
    """Store the fingerprint of a section that ran: from now on it depends on what it read (the
    read set its kernel wrote), as it was when read. ``OSError`` when it cannot be written.

    A consolidated report's section keeps the fingerprint it was planned with: its kind
    declares what it reads of every unit (``consolidated.plan``), including which units there
    are, which no read set records."""
    reads = read_log.load(section.reads_file) if plan.unit != CONSOLIDATED else None
    if reads is not None:
        section.fingerprint = fingerprinter.for_period(plan.period).section(
            section.notebook, plan.year, plan.unit, section.parameters, reads, as_read=True
        )
    store(section.fingerprint_file, section.fingerprint)


def stale_sections(plan: UnitPlan) -> list[str]:
    """The sections without an executed notebook matching their inputs (none: the report can
    be exported)."""
    stale = []
    for section in plan.all_sections:
        stored = read_stored(section.fingerprint_file)
        current = stored is not None and stored.get("total") == section.fingerprint["total"]
        if not section.output.is_file() or not current:
            stale.append(section.name)
    return stale


def validate_plans(project: Project, plans: list[UnitPlan]) -> None:
    """Every problem in the data of the unit-years with work, before any section runs: the
    list ``workbook validate`` prints for those reports (``validate.reports_problems``: the same
    checks, sorted the same way, each problem once), as a ``DataError`` whose closing line says
    nothing was built and, when the build had several units, which of them could be built one
    at a time (``not_built_text``)."""
    with_work = [plan for plan in plans if plan.to_run or plan.report_reason]
    if not with_work:
        return  # a no-op rebuild: its inputs are those of a build that passed validation
    from helpers.building.validate import (
        reports_problems_each,
    )  # imports pandas: only when there is work

    years = sorted({plan.year for plan in plans})
    problems, each = reports_problems_each(project, [plan.key for plan in with_work], years)
    if problems:
        own = [p for found in each.values() for p in found]
        common = any(p not in own for p in problems)  # a file every report reads
        passed = [] if common else [key for key, found in each.items() if not found]
        raise DataError(problems, not_built_text(list(each), passed))


def not_built_text(reports: list[tuple[str, int, str]], passed: list[tuple[str, int, str]]) -> str:
    """The line closing a build refused for bad data: nothing was built; with several units in
    ``reports``, that they can be built one at a time with ``--unit``, naming (``passed``) those
    whose data is in order, each with its command."""
    units = sorted({unit for _, _, unit in reports if unit != CONSOLIDATED})
    text = "Inget byggdes: ingen rapport byggs så länge underlaget har fel."
    if len(units) < 2:
        return text + " Rätta felen ovan och kör igen."
    ready = [key for key in passed if key[2] != CONSOLIDATED]
    if not ready:
        return (
            text + " Rätta felen ovan och kör igen; enheterna kan också byggas en i taget med "
            "--unit (t.ex. `workbook build --year ÅR --unit ENHET`)."
        )
    commands = []
    for period, year, unit in ready:
        end = "" if period == YEAR_END else f" --period {period}"
        commands.append(f"`workbook build --year {year} --unit {unit}{end}`")
    return (
        text
        + " De rapporter vars underlag är i ordning kan byggas en i taget med --unit: "
        + ", ".join(dict.fromkeys(commands))
        + "."
    )


@contextmanager
def every_problem(
    project: Project,
    years: list[int],
    unit: str | None,
    periods: list[str] | None,
    consolidated: bool = False,
) -> Iterator[None]:
    """Around choosing and planning a build: a ``DataError`` raised there (a report definition
    or params file name that is wrong) becomes every problem ``workbook validate`` finds for the
    same selection (``validate.selection_problems``, sorted the same way), not only the first
    stage's — so an analyst fixing those does not meet the data's problems one run later."""
    try:
        yield
    except DataError as exc:
        from helpers.building.validate import selection_problems, sorted_problems

        chosen = [check_period(p) for p in (periods or [project.period])]
        try:
            found, _ = selection_problems(
                project, years, unit, chosen, consolidated=consolidated or unit == CONSOLIDATED
            )
        except WorkbookError:  # a year or period without params: the planning's own error
            raise exc from None
        raise DataError(sorted_problems([*exc.problems, *found], project)) from None


def run_build(
    project: Project,
    plans: list[UnitPlan],
    jobs: int | None = None,
    progress: Any = None,
    timeout: float | None = None,
    executor: Executor | None = None,
    warm: float | None = None,
) -> BuildResult:
    """Execute a plan: stale sections on the kernel pool, then export the units' reports.

    ``timeout`` bounds each section in seconds (default: ``WORKBOOK_SECTION_TIMEOUT`` or 600).
    ``executor`` (any ``concurrent.futures.Executor``, e.g. a Dask client's) runs each unit's
    sections as one job instead of the local pool; ``jobs`` then does not apply. ``warm``: how
    long the kernels stay warm for the next build (``warm_kernels``; default
    ``warm_kernels.warm_seconds()``, 0: the build's own kernels, ended with it).
    """
    started = time.perf_counter()
    tasks = [(plan, section) for plan in plans for section in plan.to_run]
    limit = timeout or timeout_from_environment()
    if warm is None:
        from helpers.building.warm_kernels import warm_seconds

        warm = warm_seconds()
    jobs = jobs or default_jobs()
    with _local_pool(tasks, project, jobs, limit, executor, warm) as pool:
        validate_plans(project, plans)  # the pool's kernels boot meanwhile; no section runs yet
        return _run_validated(project, plans, tasks, started, pool, progress, limit, executor)


def _run_validated(
    project: Project,
    plans: list[UnitPlan],
    tasks: list[tuple[UnitPlan, SectionPlan]],
    started: float,
    pool: Runner | None,
    progress: Any,
    limit: float,
    executor: Executor | None,
) -> BuildResult:
    """``run_build`` once the data has passed validation: run ``tasks`` on ``pool`` (or on
    ``executor``), export each report as its sections are current."""
    fingerprinter = Fingerprinter(project)
    results = {p.key: UnitResult(p.year, p.unit, p.period) for p in plans}
    pending = {p.key: len(p.to_run) for p in plans}
    for plan in plans:
        results[plan.key].sections_cached = len(plan.sections) - len(plan.to_run)

    def finish_unit(plan: UnitPlan) -> None:
        result = results[plan.key]
        report = project.for_period(plan.period).report_file(plan.year, plan.unit)
        if result.failures or not (plan.report_reason or not report.is_file()):
            result.report = report if report.is_file() else None
            return
        stale = stale_sections(plan)
        if stale:
            result.report = report if report.is_file() else None
            result.report_stale = True
            result.stale_sections = stale
            return
        try:
            result.report = export_unit(project, fingerprinter, plan)
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
        result = results[plan.key]
        result.sections_run += 1
        if failure is None:
            try:
                record_success(fingerprinter, plan, section)
            except OSError as exc:
                raise BuildError(
                    write_error_text(exc, section.fingerprint_file, project.root)
                ) from None
        else:
            section.fingerprint_file.unlink(missing_ok=True)
            result.failures[section.name] = failure
            if section.output.is_file():  # this run's notebook (the pool removed older ones)
                result.executed[section.name] = display_path(section.output, project.root)
        if progress is not None:
            progress.section_done(plan.year, plan.unit, section.name, failure is None)
        pending[plan.key] -= 1
        if pending[plan.key] == 0:
            finish_unit(plan)

    # A section's earlier notebook and read set stay until its new run completes (the runner
    # writes aside and renames): an interrupted build leaves them to the report in reports/.
    if progress is not None:
        progress.start(len(tasks), sum(r.sections_cached for r in results.values()))
    try:
        for plan in plans:
            if not plan.to_run:
                finish_unit(plan)
        if tasks:
            # The export's imports (nbconvert, ~2 s) overlap the kernels' work instead of
            # following it: an edit to one section is then mostly the section itself.
            threading.Thread(target=_import_export, name="import-export", daemon=True).start()
            if pool is not None:
                pool.run(
                    _pool_tasks(tasks), lambda key, failure: section_done(key[0], key[1], failure)
                )
            elif executor is not None:
                log = project.build / "kernels.log"
                log.unlink(missing_ok=True)
                _execute_on(
                    executor, tasks, kernel_env(project), log, section_done, limit,
                    fingerprinter.code,
                )  # fmt: skip
    finally:
        if progress is not None:
            progress.stop()
    return BuildResult(list(results.values()), time.perf_counter() - started, len(tasks))


def _import_export() -> None:
    with contextlib.suppress(Exception):  # the export itself reports any real problem
        importlib.import_module("helpers.building.export")


def write_index(project: Project, result: BuildResult, pdfs_written: bool = False) -> Path | None:
    """(Re)write reports/index.html when the index module exists and something changed (a
    report, or a PDF beside one)."""
    index = index_file(project)
    if index is None:
        return None
    if index.is_file() and not pdfs_written and not any(u.report_written for u in result.units):
        return index
    module = importlib.import_module("helpers.building.index_page")
    return module.write_index(project)


def write_word_files(result: BuildResult) -> list[Path]:
    """A Word file (``reports/<år>/<enhet>.docx``) beside each report that is newer than it
    (``--docx``); see ``helpers.building.word``."""
    from helpers.building.word import write_docx

    written = []
    for unit in result.units:
        if unit.report is None or unit.failures:
            continue
        document = unit.report.with_suffix(".docx")
        if document.is_file() and document.stat().st_mtime >= unit.report.stat().st_mtime:
            continue
        write_docx(unit.report, document)
        written.append(document)
    return written


def print_pdfs(project: Project, result: BuildResult) -> list[Path]:
    """A PDF beside each report that is newer than its PDF (``--pdf``), all printed by one
    ``pdf.Printer``. Raises ``BuildError`` when printing is impossible or fails."""
    if importlib.util.find_spec("helpers.building.pdf") is None:
        raise BuildError(
            "PDF kan inte skapas: modulen helpers.building.pdf finns inte i den här versionen av "
            "workbook. Bygg utan --pdf och skriv ut HTML-rapporten från webbläsaren."
        )
    module = importlib.import_module("helpers.building.pdf")
    written = []
    with module.Printer() as printer:  # one Chromium for every report (it starts on the first)
        for unit in result.units:
            if unit.report is None or unit.failures:
                continue
            pdf = unit.report.with_suffix(".pdf")
            if pdf.is_file() and pdf.stat().st_mtime >= unit.report.stat().st_mtime:
                continue
            printer.print_pdf(unit.report, pdf)
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
    periods: list[str] | None = None,
    consolidated: bool = False,
    pdf: bool = False,
    executor: Executor | None = None,
    warm: float | None = None,
) -> BuildResult:
    """Build the given years (all units, or one) under the project's build lock; ``pdf``: the
    caller prints PDFs afterwards, so the reports link to them; ``executor`` and ``warm`` as in
    ``run_build``.

    ``periods`` are the periods to build (default: the project's own, helår unless the project
    is seen for another); a year without params for one of them is skipped when several are
    asked for. ``consolidated`` adds each year-period's consolidated report (``kommun``), which
    is also what ``unit="kommun"`` builds alone.

    Raises ``ParameterError`` when a year has no params (missing or empty ``params/<år>/``),
    ``DataError`` for badly named params files and bad data, ``BuildError`` when ``build/`` or
    ``reports/`` cannot be written — all before any section runs (bad data: once the kernels
    booting beside validation are ended).
    """
    from helpers.building.buildlock import build_lock

    project = project or Project.current()
    with every_problem(project, years, unit, periods, consolidated):
        selections = select_periods(project, years, unit, periods)
    with build_lock(project) if lock else _no_lock():
        with every_problem(project, years, unit, periods, consolidated):
            plans = plan_periods(project, selections, unit, section, force, consolidated, pdf)
        check_writable(project, plans)
        return run_build(project, plans, jobs, progress, timeout, executor, warm)


def select_periods(
    project: Project, years: list[int], unit: str | None, periods: list[str] | None
) -> list[tuple[Project, list[int]]]:
    """Each period to build, seen as its own project, with the years that have params for it.

    With one period every year is kept (a missing one is reported as missing); with several, a
    year without the period is skipped. Raises what ``units_of_year`` raises.
    """
    years = [check_year(y) for y in years]
    periods = [check_period(p) for p in (periods or [project.period])]
    selections: list[tuple[Project, list[int]]] = []
    for period in periods:
        seen = project.for_period(period)
        with_params = [y for y in years if len(periods) == 1 or period in seen.periods_of_year(y)]
        if not with_params:
            continue
        if unit is None or unit == CONSOLIDATED:
            for year in with_params:
                units_of_year(year, seen)
        else:  # a params file that is there but cannot be read is named, not called missing
            for year in with_params:
                if os.path.lexists(seen.params_file(year, unit)):
                    readable_file(seen.params_file(year, unit), project.root)
        selections.append((seen, with_params))
    return selections


def plan_periods(
    project: Project,
    selections: list[tuple[Project, list[int]]],
    unit: str | None,
    section: str | None,
    force: bool,
    consolidated: bool,
    pdf: bool = False,
) -> list[UnitPlan]:
    """The plans of every selected period: its units' reports and (when asked, or when ``unit``
    is ``kommun``) its consolidated report; ``pdf``: the reports link to the PDFs printed after."""
    plans: list[UnitPlan] = []
    for seen, with_params in selections:
        if unit != CONSOLIDATED:
            plans += plan_build(seen, with_params, unit, section, force, pdf)
        if (consolidated and unit is None and section is None) or unit == CONSOLIDATED:
            from helpers.building.kommun_plan import plan_consolidated

            plans += plan_consolidated(seen, with_params, force, pdf)
    return plans


# A build writes executed notebooks (~1 MB a unit) and reports; below this much free space in
# build/ or reports/ it stops before starting, rather than fail half-way on a full disk.
MIN_FREE_BYTES = 20 * 1024 * 1024


def check_writable(project: Project, plans: list[UnitPlan]) -> None:
    """``build/`` and the report folders can be written and have room, and no file the build
    writes (a report, ``reports/index.html``) has a folder in its place, or a ``BuildError``
    that says which cannot and why (read-only, no permission, full disk, a folder) — before any
    kernel starts, so a build that would fail writing writes nothing."""
    index = index_file(project)
    with_work = [p for p in plans if p.to_run or p.report_reason]
    if not with_work:  # the index may still be written (``write_index``: when it is missing)
        check_report_paths(project, {index} if index is not None else set())
        return
    reports = {project.for_period(p.period).report_file(p.year, p.unit) for p in with_work}
    folders = {project.build, project.reports} | {report.parent for report in reports}
    check_folders_writable(project, folders)
    check_report_paths(project, reports | ({index} if index is not None else set()))


def index_file(project: Project) -> Path | None:
    """``reports/index.html``, which a build (re)writes after its reports; None in a version of
    the workbook without the index page."""
    if importlib.util.find_spec("helpers.building.index_page") is None:
        return None
    return project.reports / "index.html"


def check_report_paths(project: Project, reports: set[Path]) -> None:
    """No report file's path is taken by a folder, or the ``BuildError`` its write would give
    (``write_error_text``), now rather than after every section has run. Shared by ``build``
    and ``preview``."""
    for report in sorted(reports):
        if report.is_dir():
            error = IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(report))
            raise BuildError(write_error_text(error, report, project.root))


def check_folders_writable(project: Project, folders: set[Path]) -> None:
    """Each of ``folders`` can be written (a probe file ``.skrivtest-…`` is made and removed)
    and has room, or a ``BuildError`` naming the folder (``build/``, never the probe) and why
    (read-only, no permission, full disk). Shared by ``build`` and ``preview`` so both say the
    same; ``buildlock`` names ``build/`` the same way."""
    for folder in sorted(folders):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # the folder or one above it
            where = Path(exc.filename or folder)
            raise BuildError(write_error_text(exc, where, project.root, folder=True)) from None
        try:
            handle, probe = tempfile.mkstemp(prefix=".skrivtest-", dir=folder)
            os.close(handle)
            os.unlink(probe)
            space = os.statvfs(folder)
        except OSError as exc:  # named as the folder, as build_lock names it: not the probe
            raise BuildError(write_error_text(exc, folder, project.root, folder=True)) from None
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
