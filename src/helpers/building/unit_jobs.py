"""A build's sections on any ``concurrent.futures.Executor``: one job per unit-year.

The local default needs no executor: ``supervise.SectionPool`` runs sections on warm kernels in
supervised worker processes. Given an executor instead (a Dask cluster's
``Client.get_executor()``, a ``ProcessPoolExecutor``, …), the build submits one ``UnitJob`` per
unit-year with stale sections: the job runs those sections in order on one warm kernel in
whatever process the executor chooses, writes the executed notebooks to their paths and returns
one failure (or None) per section. Export, fingerprints and the index stay in the build's own
process (``build``), which reads the executed notebooks from the same paths.

Why a unit and not a section: starting a kernel and its imports cost several times what a
section does, and a unit's sections read the same data; a unit per job keeps the kernel warm
and the tasks few (49 kommuner × 10 units is 490 jobs, not 5 000).

Jobs are plain data (paths as text) and this module's functions are importable by name, so a
job pickles for any executor. The process that runs a job needs the project at the same path
(a shared file system), the same locked packages and the ``python3`` kernel spec.

**Kernels on executor workers.** A process keeps its warm kernels between jobs (one per job
running at the same time), reset between sections as in the local pool, and replaced when the
job's environment, time limit or helpers code differs (``UnitJob.code``). Idle kernels end
with ``close_idle_kernels`` (the Dask client runs it on every worker at the end of a build)
and, at the latest, when the process exits; a kernel whose process vanished exits by itself
(ipykernel watches its parent).
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Executor, Future, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from helpers.building.execute import SectionFailure, SectionRunner


@dataclass(frozen=True)
class SectionJob:
    """One section: the notebook to run, where the executed notebook goes, its parameters."""

    notebook: str
    output: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class UnitJob:
    """A unit-year's stale sections, in report order, and how to run them."""

    sections: tuple[SectionJob, ...]
    cwd: str
    env: dict[str, str] = field(default_factory=dict)
    timeout: float = 600.0
    log: str | None = None
    code: str = ""  # the helpers code fingerprint: a warm kernel never mixes two versions


FailureFields = dict[str, Any] | None


# ----------------------------------------------------------------------- the executor's side

_lock = threading.Lock()
_idle: list[tuple[Hashable, SectionRunner]] = []  # warm kernels no job is using, with settings


def _take_runner(settings: Hashable, job: UnitJob) -> SectionRunner:
    """An idle warm runner with these settings, or a new one; idle runners with other settings
    (an earlier build, other code) are ended."""
    with _lock:
        mine = [runner for kept, runner in _idle if kept == settings]
        stale = [runner for kept, runner in _idle if kept != settings]
        runner = mine.pop() if mine else None
        _idle[:] = [(settings, r) for r in mine]
    for old in stale:
        old.shutdown()
    if runner is not None:
        return runner
    log = Path(job.log) if job.log else None
    return SectionRunner(env=job.env, timeout=job.timeout, log=log)


def run_unit_job(job: UnitJob) -> list[FailureFields]:
    """Run a unit's sections on a warm kernel of this process; per section, None or the fields
    of its ``SectionFailure``. Never raises for what happens in a kernel (see ``SectionRunner``).
    Jobs running at the same time (threads) each get a kernel of their own."""
    settings = (tuple(sorted(job.env.items())), job.timeout, job.log, job.code)
    runner = _take_runner(settings, job)
    results: list[FailureFields] = []
    try:
        for section in job.sections:
            failure = runner.run(
                Path(section.notebook), Path(section.output), section.parameters, Path(job.cwd)
            )
            results.append(asdict(failure) if failure is not None else None)
    except BaseException:
        runner.shutdown()
        raise
    with _lock:
        _idle.append((settings, runner))
    return results


def close_idle_kernels() -> int:
    """End this process's warm kernels that no job is using; how many were ended."""
    with _lock:
        runners = [runner for _, runner in _idle]
        _idle.clear()
    for runner in runners:
        runner.shutdown()
    return len(runners)


atexit.register(close_idle_kernels)


# -------------------------------------------------------------------------- the build's side

Done = Callable[[Any, SectionFailure | None], None]


def run_jobs(
    executor: Executor,
    units: Sequence[tuple[UnitJob, Sequence[Any]]],
    done: Done,
) -> None:
    """Submit each unit's job; as each finishes, call ``done(key, failure)`` in this process for
    its sections, in order (``units`` pairs a job with its sections' keys).

    A job that raises — its worker died, the cluster lost it, the executor was shut down —
    fails each of its sections with the reason; the other units go on. On any exit (Ctrl-C
    included) jobs not yet started are cancelled.
    """
    futures: dict[Future[list[FailureFields]], Sequence[Any]] = {}
    try:
        for job, keys in units:
            futures[executor.submit(run_unit_job, job)] = keys
        for future in as_completed(futures):
            keys = futures[future]
            try:
                results = future.result()
            except Exception as exc:
                lost = SectionFailure(
                    None,
                    "Arbetsprocessen förlorades",
                    f"Arbetsprocessen förlorades ({type(exc).__name__}: {exc}); "
                    "se arbetarnas loggar",
                )
                results = [asdict(lost)] * len(keys)
            for key, failure in zip(keys, results, strict=True):
                done(key, SectionFailure(**failure) if failure else None)
    finally:
        for future in futures:
            future.cancel()
