"""Building on a Dask distributed cluster: ``workbook build --scheduler ADDRESS``.

The build connects to the scheduler, checks that its workers see the project at the same path
(a shared file system: the workers write the executed notebooks into ``build/`` and the build
reads them back to export the reports), and hands ``run_build`` the client's
``concurrent.futures`` executor; each unit's stale sections are one job (``unit_jobs``). At the
end it ends the workers' idle kernels and disconnects, leaving the cluster running.

Every problem reaching the scheduler is a ``ParameterError`` in Swedish (exit 2, like any bad
input), raised before any section runs.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from helpers.core.errors import BuildError, ParameterError, quote

SCHEDULER_VARIABLE = "WORKBOOK_SCHEDULER"
# How long to try to reach the scheduler, and to wait for its first worker.
CONNECT_SECONDS = 10.0


def scheduler_from_environment() -> str | None:
    """``WORKBOOK_SCHEDULER``, when set and not empty."""
    return os.environ.get(SCHEDULER_VARIABLE, "").strip() or None


def _help(address: str) -> str:
    return (
        f"Kontrollera adressen ({quote(address)}; t.ex. tcp://berakning01:8786), att "
        "schemaläggaren (dask scheduler) och minst en arbetare (dask worker) körs och nås "
        f"härifrån — eller bygg lokalt utan --scheduler och utan {SCHEDULER_VARIABLE}."
    )


@contextmanager
def cluster_executor(address: str, project_root: Path) -> Iterator[Executor]:
    """An executor on the Dask cluster at ``address`` whose workers see ``project_root``.

    Raises ``ParameterError`` when the address is malformed or the scheduler cannot be reached
    or has no worker within ``CONNECT_SECONDS``, ``BuildError`` when a worker does not see the
    project (no shared file system, or another checkout).
    """
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - distributed is in the runtime lock
        raise ParameterError(
            "--scheduler kräver paketet distributed (dask). Installera med `make setup`."
        ) from None
    try:
        client = Client(
            address, timeout=CONNECT_SECONDS, set_as_default=False, name="workbook-build"
        )
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise ParameterError(
            f"Kunde inte ansluta till Dask-schemaläggaren {quote(address)} "
            f"({_reason(exc)}). {_help(address)}"
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError) as exc:
            raise ParameterError(
                f"Dask-schemaläggaren {quote(address)} har ingen arbetare ({_reason(exc)}). "
                f"{_help(address)}"
            ) from None
        _check_workers(client.run(worker_view, str(project_root)), project_root)
        yield client.get_executor(pure=False)
    finally:
        with contextlib.suppress(Exception):  # a lost worker has no kernel left to end
            client.run(close_kernels_on_worker)
        client.close()


def worker_view(root: str) -> dict[str, str | bool]:
    """On a worker: does it see the project at ``root`` (data, params, notebooks), and the
    fingerprints of its helpers code and runtime lock (they must be the build's)."""
    from helpers.core.paths import Project
    from helpers.data.fingerprint import Fingerprinter

    project = Project(Path(root))
    sees = project.data.is_dir() and project.params.is_dir() and project.notebooks.is_dir()
    fingerprinter = Fingerprinter(project)
    return {"sees": sees, "code": fingerprinter.code, "lock": fingerprinter.lock}


def _check_workers(views: dict[str, dict[str, Any]], project_root: Path) -> None:
    """``BuildError`` naming a worker that does not see the project or runs other code or
    other packages than this build."""
    mine = worker_view(str(project_root))
    for what, wrong in (
        ("ser inte projektmappen", [w for w, v in views.items() if not v.get("sees")]),
        (
            "kör en annan version av helpers-koden eller andra paket (låsfilen)",
            [
                w
                for w, v in views.items()
                if (v.get("code"), v.get("lock")) != (mine["code"], mine["lock"])
            ],
        ),
    ):
        if wrong:
            raise BuildError(
                f"Arbetaren {quote(wrong[0])} {what} ({len(wrong)} av {len(views)} arbetare; "
                f"projektet: {project_root}). Klustret behöver projektet på samma sökväg hos "
                "varje arbetare (delat filsystem), samma checkout och samma låsfil — se "
                "docs/operator.md. Starta om arbetarna efter en uppdatering."
            )


def close_kernels_on_worker() -> int:
    """On a worker: end its idle warm kernels (see ``unit_jobs``)."""
    from helpers.building.unit_jobs import close_idle_kernels

    return close_idle_kernels()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "…"


def describe(executor: Any) -> str:
    """The cluster's workers and threads, for the build's first line."""
    client = getattr(executor, "_client", None)
    if client is None:
        return ""
    workers = client.scheduler_info().get("workers", {})
    threads = sum(w.get("nthreads", 0) for w in workers.values())
    return f"{len(workers)} arbetare, {threads} trådar"
