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

from helpers.core.errors import BuildError, ParameterError, counted, quote

SCHEDULER_VARIABLE = "WORKBOOK_SCHEDULER"
# How long to try to reach the scheduler, and to wait for its first worker, unless Dask's own
# setting says otherwise (``connect_seconds``).
CONNECT_SECONDS = 10.0
_CONNECT_SETTING = "distributed.comm.timeouts.connect"


def connect_seconds() -> float:
    """Seconds to try to reach the scheduler and to wait for its first worker: Dask's
    ``distributed.comm.timeouts.connect`` when set to other than Dask's default (in a Dask
    config file, or the environment variable ``DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT``,
    e.g. ``3s``; docs/operator.md), else
    ``CONNECT_SECONDS`` — shorter than Dask's own default (30 s): a build that cannot start
    should say so soon."""
    import dask.config
    import distributed  # noqa: F401 (adds distributed's settings and their defaults)
    from dask.utils import parse_timedelta

    value = dask.config.get(_CONNECT_SETTING)
    packaged = dask.config.get(_CONNECT_SETTING, config=dask.config.merge(*dask.config.defaults))
    if value == packaged:
        return CONNECT_SECONDS
    return float(parse_timedelta(value, default="seconds"))


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
    or has no worker within ``connect_seconds()``, ``BuildError`` when a worker does not see the
    project (no shared file system, or another checkout).
    """
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - distributed is in the runtime lock
        raise ParameterError(
            "--scheduler kräver paketet distributed (dask). Installera med `make setup`."
        ) from None
    address = check_scheduler_address(address)
    timeout = connect_seconds()
    # Made in two steps so that a constructor that fails still leaves us the object to close:
    # a half-made Client closes itself in __del__ at some later garbage collection, waiting
    # twice its timeout and printing "Exception ignored in: Client.__del__".
    client = Client.__new__(Client)
    try:
        client.__init__(  # type: ignore[misc]
            address, timeout=timeout, set_as_default=False, name="workbook-build"
        )
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        _close_quietly(client, timeout)
        raise ParameterError(
            f"Kunde inte ansluta till Dask-schemaläggaren {quote(address)} "
            f"({_reason(exc)}). {_help(address)}"
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
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


def check_scheduler_address(address: str) -> str:
    """``address`` stripped, when it has the form of a Dask scheduler's address: a protocol
    distributed knows (``tcp://``, ``tls://``, ``ws://``, ``wss://``, ``ucx://``; none means
    tcp), a host and a port 1–65535 — ``tcp://berakning01:8786``, ``10.0.0.5:8786``.

    Raises ``ParameterError`` (Swedish, exit 2) otherwise, before any connection is tried, so a
    typing error fails at once instead of after the connection timeout. Whether the host exists
    and a scheduler answers there is found by connecting."""
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import backends

    text = address.strip()
    # inproc:// names a scheduler inside the same process, which a build never has.
    protocols = [name for name in sorted(backends) if name != "inproc"]
    known = ", ".join(f"{name}://" for name in protocols)

    def refuse(what: str) -> ParameterError:
        return ParameterError(
            f"Kunde inte ansluta till Dask-schemaläggaren {quote(text)}: {what}. Ange adressen "
            f"som protokoll://värd:port, t.ex. tcp://berakning01:8786 (protokoll: {known}) "
            f"— eller bygg lokalt utan --scheduler och utan {SCHEDULER_VARIABLE}."
        )

    if not text or any(c.isspace() for c in text):
        raise refuse("adressen är tom eller innehåller mellanslag")
    try:
        protocol, location = parse_address(text, strict=False)
    except ValueError as exc:
        raise refuse(f"adressen går inte att läsa ({_reason(exc)})") from None
    if protocol not in protocols:
        raise refuse(f"protokollet {quote(protocol)} går inte att använda till en schemaläggare")
    try:
        host, port = parse_host_port(location)
    except ValueError:
        raise refuse(
            "porten saknas eller är inget tal (Dask-schemaläggaren lyssnar som standard på 8786)"
        ) from None
    if not host or "/" in location or not 0 < int(port) < 65536:
        raise refuse("värd eller port saknas eller är ogiltig")
    return text


def _close_quietly(client: Any, timeout: float) -> None:
    """Close a Client whose constructor failed, at once and without a message."""
    with contextlib.suppress(Exception):
        client.close(timeout=timeout)
    # Whatever close managed, its __del__ must not try again at garbage collection.
    with contextlib.suppress(Exception):
        client.status = "closed"
        client._loop_runner.stop()


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
    return f"{len(workers)} arbetare, {counted(threads, 'tråd', 'trådar')}"
