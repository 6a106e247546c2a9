"""Building on a real Dask LocalCluster (two worker processes): the same reports, byte for byte,
as the local build; a bad scheduler address is a Swedish input error (exit 2)."""

from __future__ import annotations

from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_inputs

from helpers.cli import EXIT_BAD_INPUT, main
from helpers.execute import SectionFailure
from helpers.paths import Project
from helpers.unit_jobs import SectionJob, UnitJob, run_jobs


@pytest.fixture(scope="module")
def cluster() -> Any:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local_cluster:
        yield local_cluster


@pytest.mark.e2e
def test_cluster_build_matches_the_local_build_byte_for_byte(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cluster: Any,
    built_klk: Path,
    built_von: Path,
) -> None:
    root = copy_inputs(tmp_path / "ws")
    # two units: the two the local session fixtures built
    (root / "params" / "2016" / "exempel.yaml").unlink()
    monkeypatch.setenv("WORKBOOK_ROOT", str(root))
    monkeypatch.setenv("WORKBOOK_SCHEDULER", cluster.scheduler_address)

    code = main(["build", "--year", "2016"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "2 arbetare" in out.out
    project = Project(root)
    for local in (built_klk, built_von):
        on_cluster = project.report_file(2016, local.stem)
        assert on_cluster.read_bytes() == local.read_bytes(), local.stem
    # both units' sections ran on the cluster's workers, none in this process
    executed = sorted(p.name for p in project.executed_dir(2016, "klk").glob("*.ipynb"))
    assert executed, "the workers wrote the executed notebooks to the shared build/"


@pytest.mark.parametrize("address", ["inte en adress", "tcp://127.0.0.1:9"])
def test_a_bad_scheduler_address_is_an_input_error(
    workspace: Path, capsys: pytest.CaptureFixture[str], address: str
) -> None:
    pytest.importorskip("distributed")
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
    from helpers.cluster import _check_workers, worker_view
    from helpers.errors import BuildError

    same = worker_view(str(workspace))
    assert same["sees"] is True
    _check_workers({"tcp://a:1": same, "tcp://b:1": same}, workspace)  # all in order

    blind = {**same, "sees": False}
    with pytest.raises(BuildError, match="ser inte projektmappen"):
        _check_workers({"tcp://a:1": same, "tcp://b:1": blind}, workspace)
    older = {**same, "code": "0" * 64}
    with pytest.raises(BuildError, match="kör en annan version"):
        _check_workers({"tcp://a:1": older}, workspace)
