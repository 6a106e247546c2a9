"""Shared fixtures: a private copy of the project's data to build in, and the year built once.

Tests never write into the repository's data/, params/ or reports/: they copy the inputs into a
temporary workspace and point the workbook at it with WORKBOOK_ROOT.
"""

from __future__ import annotations

import datetime
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from helpers.core.paths import REPO_ROOT

# No test may depend on how fast the machine is (CI runs on a busy 2-core machine): Hypothesis
# gets no per-example deadline and no health check that measures time. Every @settings in the
# suite inherits this profile; tests/test_suite_hygiene.py checks that none overrides it.
settings.register_profile("workbook", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("workbook")

# Builds in tests end their kernels with them (tests count processes; a test started from a
# terminal would otherwise leave warm kernels, ``warm_kernels``); tests of warm kernels set it.
os.environ["WORKBOOK_WARM_KERNELS"] = "0"
# A build in a test starts one kernel unless the test says ``--jobs``/``jobs=``: the suite's own
# xdist workers already fill the machine's cores, and a second kernel per build is a second
# process start and warm-up (about a fifth of a one-unit build's CPU) for nothing.
os.environ["WORKBOOK_JOBS"] = "1"


def pytest_configure(config: pytest.Config) -> None:
    """One render store for the whole session (``WORKBOOK_CACHE_DIR``): every test builds in a
    temporary project of its own, and each would otherwise draw the example's charts and parse
    its sections again (about half of a one-unit build's CPU). Values are keyed by everything
    they depend on, so a shared store gives the bytes a cold one gives (``test_render_cache``,
    which checks the store itself, uses each project's own). Made by the controlling process, so
    xdist's workers, and the builds, kernels and commands they start, inherit it."""
    global SESSION_STORES
    if hasattr(config, "workerinput"):  # an xdist worker: the controller chose the folder
        SESSION_STORES = Path(os.environ["WORKBOOK_CACHE_DIR"])
        return
    folder = tempfile.mkdtemp(prefix="workbook-stores-")
    os.environ["WORKBOOK_CACHE_DIR"] = folder
    SESSION_STORES = Path(folder)
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


# The session's render stores (``pytest_configure``): where ``built_year`` left its charts, for a
# test that looks at a project's own store (``test_render_cache``) to start from them.
SESSION_STORES = Path()


# The longest modules, longest first (``--durations`` on a quiet 2-core machine): ``make test``
# hands whole modules to its xdist workers in collection order (``--dist loadscope
# --no-loadscope-reorder``), so these go first and short ones fill in at the end — otherwise a
# worker may start a long module when the other has nothing left. The first builds the shared
# year (``built_year``) on both cores while the second works on the next, which does not need it.
# Other modules follow in file order; tests/test_suite_hygiene.py checks the names.
LONGEST_FIRST = (
    "test_a11y_every_report",
    "test_hostile_input",
    "test_render_cache",
    "test_warm_kernels",
    "test_supervise",
    "test_bad_input",
    "test_cluster",
    "test_new_year",
    "test_benchmarks_smoke",
    "test_definition",
    "test_build_problems_as_validate",
    "test_interrupted_build",
    "test_message_fixes",
    "test_build",
    "test_hostile_values",
    "test_notebooks",
    "test_preview_faults",
    "test_preview",
    "test_row_width_and_number_bounds",
    "test_validate",
    "test_custom_section",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest modules first (``LONGEST_FIRST``); browser tests still after every other
    test (``browser.pytest_collection_modifyitems`` says why)."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}

    def key(item: pytest.Item) -> tuple[bool, int]:
        module = item.nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
        browser = item.get_closest_marker("browser") is not None
        return browser, rank.get(module, len(rank))

    items.sort(key=key)


def copy_inputs(target: Path) -> Path:
    """A workspace with copies of data/ and params/ (notebooks and code stay in the repo)."""
    for name in ("data", "params"):
        shutil.copytree(REPO_ROOT / name, target / name)
    return target


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh copy of the inputs, active as the workbook's project root."""
    root = copy_inputs(tmp_path / "ws")
    monkeypatch.setenv("WORKBOOK_ROOT", str(root))
    yield root


def shared(
    tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]
) -> Path:
    """A folder ``make`` fills once per test session, however many xdist workers ask for it.

    Under pytest-xdist each worker runs session fixtures of its own; the folder lives beside the
    workers' temporary directories (``getbasetemp().parent``) and a file lock around ``make``
    lets the first worker build it while the others wait, then reuse it (the pattern
    pytest-xdist documents). A ``make`` that fails leaves no mark: the next worker tries again.
    Callers treat the folder as read-only (copy it before changing anything).
    """
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / name
    with FileLock(str(base / f"{name}.lock")):
        if not (folder / ".done").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (folder / ".done").touch()
    return folder


@contextmanager
def project_root(root: Path) -> Iterator[None]:
    """``WORKBOOK_ROOT`` set to ``root`` for the block (session fixtures have no monkeypatch)."""
    previous = os.environ.get("WORKBOOK_ROOT")
    os.environ["WORKBOOK_ROOT"] = str(root)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("WORKBOOK_ROOT", None)
        else:
            os.environ["WORKBOOK_ROOT"] = previous


def _build_year(folder: Path) -> None:
    """Every report of 2016 as ``workbook build --year 2016`` (``make report``) builds it."""
    from helpers.building.build import build_years
    from helpers.building.index_page import write_index
    from helpers.core.paths import YEAR_END, Project

    root = copy_inputs(folder / "ws")
    with project_root(root):
        result = build_years([2016], project=Project(root), periods=[YEAR_END, "delar"],
                             consolidated=True)  # fmt: skip
        assert not result.failed, [(u.unit, u.period, u.failures) for u in result.units]
        write_index(Project(root))  # as `workbook build` does after the reports


@pytest.fixture(scope="session")
def built_year(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 (a Project)
    """Every report of 2016 as ``make report`` builds it — each unit (the invented example too)
    for helår and delår, the kommun's consolidated reports and the index — in a private copy of
    the inputs with real kernels, once per test session (shared by the xdist workers); its
    ``Project``. Read-only: tests copy it (``copy_built``) before changing anything."""
    from helpers.core.paths import Project

    return Project(shared(tmp_path_factory, "year", _build_year) / "ws")


def copy_built(project, target: Path):  # noqa: ANN001, ANN201 (Project in, Project out)
    """A private, writable copy of a built project (inputs, executed sections, reports)."""
    from helpers.core.paths import Project

    for name in ("data", "params", "build", "reports"):
        if (project.root / name).exists():
            shutil.copytree(project.root / name, target / name, symlinks=True)
    return Project(target)


def report_files(folder: Path, pattern: str) -> list[Path]:
    """The reports under ``folder`` that ``pattern`` matches, sorted: not the hidden print copy
    (``.<rapport>.utskrift-N.html``) a printer writes beside a report while it prints it, as a
    test on the other xdist worker may be doing in ``built_year`` (``printed_klk``)."""
    return sorted(p for p in folder.glob(pattern) if not p.name.startswith("."))


@pytest.fixture(scope="session")
def built_klk(built_year) -> Path:  # noqa: ANN001
    """The KLK 2016 (helår) report of the session's build (``built_year``); its path."""
    return built_year.report_file(2016, "klk")


# The printing date of the session's PDFs (their footers give it).
PRINTED_ON = datetime.date(2017, 2, 15)


@dataclass(frozen=True)
class PrintedYear:
    """``built_year``'s reports printed as ``workbook build --pdf`` prints them
    (``build.print_pdfs``), once per session (``printed_year``): each report's PDF lies beside
    the report in a copy of the built project (``project``). What the print's three calls
    returned and how many printers the first started are kept for ``test_pdf``."""

    source: Any  # ``built_year`` (a Project)
    project: Any  # its copy, where the reports were printed (a Project), read-only
    units: list[Any]  # the build result printed (build.UnitResult), one per report of the year
    failed: Path  # the report of a unit whose build failed (a copy of a report): never printed
    written: list[Path]  # the first call's PDFs (every report's)
    printers: int  # the pdf.Printer instances the first call started
    again: list[Path]  # the second call's (every PDF is newer than its report: none)
    touched: Path  # the report made newer than its PDF after the second call
    reprinted: list[Path]  # the third call's

    def pdf_of(self, report: Path) -> Path:
        """The PDF printed of ``report``, one of ``built_year``'s reports."""
        relative = Path(report).relative_to(self.source.reports)
        return (self.project.reports / relative).with_suffix(".pdf")


def _print_year(built_year, folder: Path) -> None:  # noqa: ANN001 (a Project)
    """``_build_year``'s reports printed in a copy of the project by ``build.print_pdfs``, three
    times: every report (one unit marked failed, its report not printed), then again (nothing
    to print), then after one report was rebuilt (that one); what each call returned is written
    to ``printed.json``."""
    import json

    from helpers.building import build, pdf
    from helpers.building.execute import SectionFailure
    from helpers.core.paths import CONSOLIDATED
    from helpers.data.params import units_of_year

    project = copy_built(built_year, folder / "ws")
    units = []
    for period in ("helar", "delar"):
        seen = project.for_period(period)
        for unit in [*units_of_year(2016, seen), CONSOLIDATED]:
            units.append(build.UnitResult(2016, unit, period, report=seen.report_file(2016, unit)))
    # A unit whose build failed keeps the report of an earlier build: it is not printed.
    failed = project.reports / "2016" / "misslyckad.html"
    shutil.copyfile(units[0].report, failed)
    broken = build.UnitResult(2016, "misslyckad", report=failed)
    broken.failures = {"drift": SectionFailure(None, "DeadKernelError", "kärnan dog")}
    result = build.BuildResult([*units[:1], broken, *units[1:]], 0.0, 0)
    started = []
    real_start = pdf.Printer.__init__

    def counting(self: pdf.Printer) -> None:
        started.append(self)
        real_start(self)

    epoch = datetime.datetime.combine(PRINTED_ON, datetime.time(), datetime.UTC).timestamp()
    pdf.Printer.__init__ = counting  # type: ignore[method-assign]
    try:
        with project_root(project.root), environment(SOURCE_DATE_EPOCH=str(int(epoch))):
            written = build.print_pdfs(project, result)
            printers = len(started)
            again = build.print_pdfs(project, result)
            touched = project.report_file(2016, "von")
            later = touched.with_suffix(".pdf").stat().st_mtime + 10
            os.utime(touched, (later, later))  # rebuilt after its PDF
            reprinted = build.print_pdfs(project, result)
    finally:
        pdf.Printer.__init__ = real_start  # type: ignore[method-assign]
    record = {
        "units": [[u.unit, u.period, str(u.report)] for u in units],
        "failed": str(failed),
        "written": [str(p) for p in written],
        "printers": printers,
        "again": [str(p) for p in again],
        "touched": str(touched),
        "reprinted": [str(p) for p in reprinted],
    }
    (folder / "printed.json").write_text(json.dumps(record), encoding="utf-8")


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """The environment variables ``values`` set for the block (restored after it)."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="session")
def printed_year(built_year, tmp_path_factory: pytest.TempPathFactory) -> PrintedYear:  # noqa: ANN001
    """Every report of ``built_year`` printed once per session (shared by the xdist workers) as
    ``workbook build --pdf`` prints it — ``build.print_pdfs``, one Chromium for all, the
    printing date ``PRINTED_ON`` (``SOURCE_DATE_EPOCH``) — in a copy of the project
    (``_print_year``). Read-only. Used by ``test_pdf`` (KLK's PDF, ``printed_klk``, and what
    ``print_pdfs`` printed) and ``test_a11y_every_report`` (every report's PDF); skips without
    Chromium (fails in CI)."""
    import json

    from browser import require_chromium

    from helpers.building import build
    from helpers.core.paths import Project

    require_chromium()
    folder = shared(tmp_path_factory, "printed-year", lambda f: _print_year(built_year, f))
    record = json.loads((folder / "printed.json").read_text(encoding="utf-8"))
    return PrintedYear(
        built_year,
        Project(folder / "ws"),
        [
            build.UnitResult(2016, unit, period, report=Path(report))
            for unit, period, report in record["units"]
        ],
        Path(record["failed"]),
        [Path(p) for p in record["written"]],
        record["printers"],
        [Path(p) for p in record["again"]],
        Path(record["touched"]),
        [Path(p) for p in record["reprinted"]],
    )


@pytest.fixture(scope="session")
def printed_klk(built_klk: Path, printed_year: PrintedYear) -> Path:
    """``built_klk`` printed as ``workbook build --pdf`` prints it (on ``PRINTED_ON``): its PDF
    in ``printed_year``, read-only. Used by ``test_pdf``; skips without Chromium (fails in
    CI)."""
    return printed_year.pdf_of(built_klk)


@pytest.fixture(scope="session")
def built_von(built_year) -> Path:  # noqa: ANN001
    """The invented Vård- och omsorgsnämnd's 2016 (helår) report of ``built_year``; its path."""
    return built_year.report_file(2016, "von")
