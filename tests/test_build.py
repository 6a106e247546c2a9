"""``workbook build``: incremental, isolated failures, validation first, one build at a time.

Real kernels on two invented units (benchmarks/synthetic.py) in a temporary project, with a copy
of the section notebooks so a test can add a section that fails. Their reports have four of the
example's sections (``SECTIONS``): what is tested is how a build decides what to run and what it
keeps, the same for any section; every section of every kind is built by the session's
``built_year`` (``test_a11y_every_report`` checks every kind of report is there).
"""

from __future__ import annotations

import contextlib
import importlib.util
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
import pytest

from helpers import cli
from helpers.building import build as build_module
from helpers.building.build import build, build_years, plan_build
from helpers.building.buildlock import build_lock
from helpers.core import read_log
from helpers.core.errors import BuildLocked, DataError
from helpers.core.paths import REPO_ROOT, Project
from helpers.data.definition import load_definition

_spec = importlib.util.spec_from_file_location(
    "synthetic", REPO_ROOT / "benchmarks" / "synthetic.py"
)
synthetic = importlib.util.module_from_spec(_spec)
sys.modules["synthetic"] = synthetic
_spec.loader.exec_module(synthetic)


@dataclass(frozen=True)
class LocalNotebooks(Project):
    """A project whose section notebooks are a private copy (to add a failing section)."""

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"


# A text the tests edit (framtid), sections that do not read it, a chart and a table (drift).
SECTIONS = ("sammanfattning", "uppdrag", "framtid", "drift")


def make_project(root: Path, units: int = 2) -> LocalNotebooks:
    """``units`` invented units whose reports have the sections ``SECTIONS``."""
    for unit in synthetic.generate(root, units, [2016]):
        params = root / "params" / "2016" / f"{unit}.yaml"
        with params.open("a", encoding="utf-8") as out:
            out.write("rapport:\n  avsnitt:\n" + "".join(f"    - {s}\n" for s in SECTIONS))
    shutil.copytree(REPO_ROOT / "notebooks", root / "notebooks")
    return LocalNotebooks(root)


def add_failing_section(project: Project, failing_unit: str) -> dict[Path, bytes]:
    """A section 'trasig' (kind text) at the end of every report, failing for one unit.

    Returns the original text notebook and units' params, by path, to put back."""
    notebook = project.notebooks / "text.ipynb"
    params = sorted((project.root / "params" / "2016").glob("*.yaml"))
    original = {path: path.read_bytes() for path in (notebook, *params)}
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            f"if section == 'trasig' and unit == {failing_unit!r}:\n"
            "    raise ValueError('trasigt avsnitt för ' + unit)"
        )
    )
    nbformat.write(nb, notebook)
    for path in params:
        with path.open("a", encoding="utf-8") as out:
            out.write("    - {id: trasig, typ: text, text: framtid.md}\n")
    return original


def section_count(project: Project, unit: str) -> int:
    """How many sections the unit's report has, by its definition."""
    return len(load_definition(project, 2016, unit).sections)


HANG_GUARD = 120  # seconds; only a hang would take this long


class NoKernels:
    """Stands in for SectionPool where the build must not start any worker or kernel."""

    def __init__(self, *args, **kwargs):
        raise AssertionError("a kernel was started")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[LocalNotebooks, dict]:
    """Two invented units built once, cold, on two kernels."""
    project = make_project(tmp_path_factory.mktemp("build") / "ws")
    results = build(2016, project=project, jobs=2)
    return project, {r.unit: r for r in results}


def test_cold_build_runs_every_section_and_writes_every_report(built):
    project, results = built
    assert set(results) == {"syn01", "syn02"}
    for unit, result in results.items():
        assert not result.failures, result.failures
        assert result.sections_run == section_count(project, unit) and result.report_written
        report = project.report_file(2016, unit).read_text(encoding="utf-8")
        assert "PÅHITTAD DATA" in report
        assert (project.executed_dir(2016, unit) / "sammanfattning.fingerprint.json").is_file()


def test_rebuild_with_nothing_changed_starts_no_kernel(built, monkeypatch):
    project, _ = built
    before = {u: project.report_file(2016, u).stat().st_mtime_ns for u in ("syn01", "syn02")}
    monkeypatch.setattr(build_module, "SectionPool", NoKernels)
    result = build_years([2016], project=project, jobs=2)
    assert result.kernel_sections == 0
    assert all(
        u.sections_run == 0 and u.sections_cached == section_count(project, u.unit)
        for u in result.units
    )
    after = {u: project.report_file(2016, u).stat().st_mtime_ns for u in ("syn01", "syn02")}
    assert after == before


def test_changing_one_units_data_reruns_only_that_unit(built):
    project, _ = built
    text = project.unit_data(2016, "syn02") / "text" / "framtid.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nEn ny mening.\n", encoding="utf-8")
    plans = {p.unit: p for p in plan_build(project, [2016])}
    assert plans["syn01"].to_run == [], plans["syn01"].to_run
    # Only the sections that read the text run again (their read sets say which), and why.
    shown = text.relative_to(project.root).as_posix()
    readers = {
        s.name
        for s in plans["syn02"].all_sections
        if shown in (read_log.load(s.reads_file) or {})
        and not read_log.load(s.reads_file)[shown].startswith("utkast:")
    }
    assert readers and {s.name for s in plans["syn02"].to_run} == readers
    assert {s.reason for s in plans["syn02"].to_run} == {f"ändrat: {shown}"}
    # One kernel: which sections run is the plan's, however many kernels run them.
    results = {r.unit: r for r in build(2016, project=project, jobs=1)}
    assert results["syn01"].sections_run == 0 and not results["syn01"].report_written
    assert results["syn02"].sections_run == len(readers) < section_count(project, "syn02")
    assert results["syn02"].report_written
    assert "En ny mening." in project.report_file(2016, "syn02").read_text(encoding="utf-8")


def test_a_failing_section_stops_only_its_unit_and_keeps_the_good_report(built, capsys):
    project, _ = built
    good = project.report_file(2016, "syn01").read_bytes()
    original = add_failing_section(project, "syn01")
    try:
        results = {r.unit: r for r in build(2016, project=project, jobs=2)}
        failed = results["syn01"]
        assert set(failed.failures) == {"trasig"}
        failure = failed.failures["trasig"]
        assert failure.last_line == "ValueError: trasigt avsnitt för syn01"
        executed = project.executed_dir(2016, "syn01") / "trasig.ipynb"
        assert failed.executed["trasig"] == "build/2016/syn01/trasig.ipynb"
        cell = nbformat.read(executed, as_version=4).cells[failure.cell - 1]
        assert "raise ValueError" in cell.source
        assert project.report_file(2016, "syn01").read_bytes() == good  # byte for byte
        assert not results["syn02"].failures and results["syn02"].report_written
        # Only the failed section is retried next time, and the CLI says so and exits 1.
        plans = {p.unit: p for p in plan_build(project, [2016])}
        assert [s.name for s in plans["syn01"].to_run] == ["trasig"], plans["syn01"].to_run
        assert plans["syn02"].to_run == [], plans["syn02"].to_run
        # The failed unit only: the whole year would also build the consolidated report for
        # the first time (its own sections and kernel), which is not what is tested here.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Project, "current", classmethod(lambda cls: project))
            status = cli.main(["build", "--year", "2016", "--unit", "syn01", "--jobs", "1"])
        assert status == 1
        captured = capsys.readouterr()
        assert "syn01" in captured.err and "trasig" in captured.err
        assert "ValueError: trasigt avsnitt för syn01" in captured.err
        assert project.report_file(2016, "syn01").read_bytes() == good
    finally:
        for path, content in original.items():
            path.write_bytes(content)


def test_dry_run_prints_the_plan_without_building(built, capsys, monkeypatch):
    project, _ = built
    monkeypatch.setattr(build_module, "SectionPool", NoKernels)
    monkeypatch.setattr(Project, "current", classmethod(lambda cls: project))
    assert cli.main(["build", "--year", "2016", "--force", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "syn01" in out and "--force" in out and "skulle köras" in out


class NoSections(build_module.SectionPool):
    """The real pool (its workers and kernels start ahead, while the build validates), where the
    build must not run any section."""

    started: list[int] = []  # pids of the workers it started

    def start(self, count):
        super().start(count)
        NoSections.started += [w.process.pid for w in self._workers]

    def run(self, *args, **kwargs):
        raise AssertionError("a section was run")


def project_processes(project: Project) -> list[psutil.Process]:
    """The live workers and kernels started for ``project`` (by their WORKBOOK_ROOT)."""
    found = []
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            command = " ".join(process.cmdline())
            if ("section_worker" in command or "ipykernel" in command) and process.environ().get(
                "WORKBOOK_ROOT"
            ) == str(project.root):
                found.append(process)
    return found


def test_invalid_data_stops_the_build_before_any_section_and_ends_its_kernels(
    tmp_path: Path, monkeypatch
):
    project = make_project(tmp_path / "ws", units=1)
    drift = project.unit_data(2016, "syn01") / "drift.csv"
    lines = drift.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[3] = "mycket"
    lines[1] = ",".join(cells)
    drift.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(build_module, "SectionPool", NoSections)
    with pytest.raises(DataError) as caught:
        build(2016, project=project)
    assert any("drift.csv" in p.file for p in caught.value.problems)
    assert not list(project.build.rglob("*.ipynb"))
    assert NoSections.started  # the worker booted its kernel while the data was validated
    assert not any(psutil.pid_exists(pid) for pid in NoSections.started)
    _, alive = psutil.wait_procs(project_processes(project), timeout=HANG_GUARD)
    assert not alive


def test_a_second_build_is_refused_with_a_clear_message(tmp_path: Path, capsys, monkeypatch):
    project = make_project(tmp_path / "ws", units=1)
    monkeypatch.setattr(build_module, "SectionPool", NoKernels)
    monkeypatch.setattr(Project, "current", classmethod(lambda cls: project))
    with build_lock(project):
        with pytest.raises(BuildLocked, match="Ett annat bygge pågår redan"):
            build(2016, project=project)
        assert cli.main(["build", "--year", "2016"]) == 2
    assert "Ett annat bygge pågår redan" in capsys.readouterr().err
