"""Building on a real Dask LocalCluster (two worker processes): the same reports, byte for byte,
as the local build — units and consolidated reports of both periods, the index, and the next,
incremental build after a text edit and a sign-off; a bad scheduler address is a Swedish input
error (exit 2).

The local build is the session's (``conftest.built_year``: ``workbook build --year 2016`` on the
same inputs), copied before the incremental step changes it."""

from __future__ import annotations

import re
import shutil
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_built, copy_inputs

from helpers.building.execute import SectionFailure
from helpers.building.unit_jobs import SectionJob, UnitJob, run_jobs
from helpers.cli import EXIT_BAD_INPUT, main
from helpers.core.paths import Project


@pytest.fixture(scope="module")
def cluster() -> Any:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local_cluster:
        yield local_cluster


def _build(
    root: Path,
    argv: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    scheduler: str | None = None,
) -> str:
    """``workbook ARGV`` on the project at ``root``, locally or on the cluster; its output."""
    monkeypatch.setenv("WORKBOOK_ROOT", str(root))
    if scheduler is None:
        monkeypatch.delenv("WORKBOOK_SCHEDULER", raising=False)
    else:
        monkeypatch.setenv("WORKBOOK_SCHEDULER", scheduler)
    code = main(argv)
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def _reports(root: Path) -> dict[str, bytes]:
    """Every file under ``reports/`` (reports of both periods, consolidated ones, the index);
    not the hidden print copies (``.<rapport>.utskrift-N.html``) a printer writes beside a
    report while it prints it, as the session's PDF tests may be doing in ``built_year``."""
    folder = root / "reports"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def _sections_run(out: str) -> int:
    match = re.search(r"Körda avsnitt: (\d+)", out)
    assert match, out
    return int(match[1])


def _sections_planned(out: str) -> int:
    match = re.search(r"(\d+) avsnitt skulle köras", out)
    assert match, out
    return int(match[1])


@pytest.mark.e2e
def test_cluster_build_matches_the_local_build_byte_for_byte(
    built_year: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cluster: Any,
) -> None:
    remote = copy_inputs(tmp_path / "kluster")
    address = cluster.scheduler_address
    build = ["build", "--year", "2016"]

    cold = _sections_planned(_build(remote, [*build, "--dry-run"], monkeypatch, capsys))
    ran_there = _build(remote, build, monkeypatch, capsys, scheduler=address)
    assert "2 arbetare" in ran_there
    reports = _reports(remote)
    wanted = {f"{period}{unit}.html" for period in ("2016/", "2016/delar/")
              for unit in ("klk", "von", "exempel", "kommun")}  # fmt: skip
    assert wanted | {"index.html"} <= set(reports), sorted(reports)
    assert reports == _reports(built_year.root)
    assert _sections_run(ran_there) == cold > 0
    local = copy_built(built_year, tmp_path / "lokal").root
    # The workers wrote each section's executed notebook and read set to the shared build/.
    executed = Project(remote).executed_dir(2016, "klk")
    notebooks = sorted(p.stem for p in executed.glob("*.ipynb"))
    assert notebooks, "the workers wrote the executed notebooks to the shared build/"
    assert notebooks == sorted(
        p.name.removesuffix(".reads.json") for p in executed.glob("*.reads.json")
    )

    # The read sets written on the workers plan the next build: a changed text re-runs the
    # sections that read it, a sign-off only re-exports, on the cluster as locally.
    signed = _build(
        remote,
        ["klar", "--year", "2016", "--unit", "von", "--period", "delar", "--alla",
         "--status", "godkänd", "--by", "Test"],
        monkeypatch, capsys,
    )  # fmt: skip
    assert signed
    for signoff in (remote / "data/2016/delar/von").glob("klarmarkering.*"):
        shutil.copy2(signoff, local / signoff.relative_to(remote))
    for root in (local, remote):
        text = root / "data/2016/klk/text/handelser.md"
        text.write_text(text.read_text(encoding="utf-8") + "\nEn ny händelse.\n", encoding="utf-8")
    again_here = _build(local, build, monkeypatch, capsys)
    again_there = _build(remote, build, monkeypatch, capsys, scheduler=address)
    assert 0 < _sections_run(again_there) == _sections_run(again_here) < cold
    rebuilt = _reports(remote)
    assert rebuilt == _reports(local)
    assert rebuilt["2016/klk.html"] != reports["2016/klk.html"]
    assert rebuilt["2016/delar/von.html"] != reports["2016/delar/von.html"], "signed off"
    assert "0 avsnitt skulle köras" in _build(
        remote, [*build, "--dry-run"], monkeypatch, capsys, scheduler=address
    )


@pytest.mark.parametrize("address", ["inte en adress", "tcp://127.0.0.1:9"])
def test_a_bad_scheduler_address_is_an_input_error(
    workspace: Path, capsys: pytest.CaptureFixture[str], address: str
) -> None:
    pytest.importorskip("distributed")
    import dask.config

    # Nothing listens on port 9: the connection is refused however long it is tried, so Dask's
    # connect timeout (``cluster.connect_seconds``) is made short rather than waited out.
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        code = main(["build", "--year", "2016", "--scheduler", address])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert "Kunde inte ansluta till Dask-schemaläggaren" in err
    assert "Traceback" not in err
    assert not (workspace / "reports" / "2016").exists(), "nothing built"


class _LostJobs(Executor):
    """An executor whose every job is lost, as when a cluster's worker dies for good."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(OSError("arbetaren försvann"))
        return future


def test_a_lost_job_fails_each_of_its_sections_with_the_reason() -> None:
    job = UnitJob((SectionJob("a.ipynb", "a.out.ipynb", {}),) * 2, cwd=".")
    seen: list[tuple[Any, SectionFailure | None]] = []
    run_jobs(_LostJobs(), [(job, ["mal", "drift"])], lambda key, f: seen.append((key, f)))
    assert [key for key, _ in seen] == ["mal", "drift"]
    for _, failure in seen:
        assert failure is not None
        assert "Arbetsprocessen förlorades" in failure.last_line
        assert "arbetaren försvann" in failure.last_line


def test_a_worker_that_cannot_see_the_project_or_runs_other_code_is_refused(
    workspace: Path,
) -> None:
    from helpers.building.cluster import _check_workers, worker_view
    from helpers.core.errors import BuildError

    same = worker_view(str(workspace))
    assert same["sees"] is True
    _check_workers({"tcp://a:1": same, "tcp://b:1": same}, workspace)  # all in order

    blind = {**same, "sees": False}
    with pytest.raises(BuildError, match="ser inte projektmappen"):
        _check_workers({"tcp://a:1": same, "tcp://b:1": blind}, workspace)
    older = {**same, "code": "0" * 64}
    with pytest.raises(BuildError, match="kör en annan version"):
        _check_workers({"tcp://a:1": older}, workspace)
