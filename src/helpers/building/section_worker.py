"""A worker process of the build: one ``SectionRunner`` (one kernel), fed sections over a pipe.

Started by ``supervise.SectionPool`` as ``python -m helpers.building.section_worker``. The protocol
is one JSON object per line: the first line on stdin is the configuration (``env``, ``timeout``,
``log``), every further line a section to run (``notebook``, ``output``, ``parameters``,
``cwd``); for each, one line back with ``failure`` (None or the ``SectionFailure`` fields). The
first line back announces the worker (``pid``, ``kernel_dir``, ``kernel_pid``). End of stdin
ends the worker; so does SIGTERM, and so does the death of the build (``PR_SET_PDEATHSIG``): in
each case the kernel's process group is killed and its temporary folder removed first.

Anything the kernel or papermill prints goes to stderr (the build's kernel log), never into the
protocol.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import sys
import threading
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from helpers.building.execute import SectionRunner


def main() -> int:
    from helpers.building.supervise import parent_death_signal
    from helpers.core.startup import quick_exit

    parent = int(os.environ.get("WORKBOOK_BUILD_PID", "0"))
    parent_death_signal(signal.SIGTERM)
    if parent and os.getppid() != parent:  # the build ended before the line above ran
        return 1
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    # The protocol gets the real stdout; everything else printed in this process goes to stderr.
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

    config = json.loads(sys.stdin.readline() or "{}")
    from helpers.building.execute import SectionRunner

    runner = SectionRunner(
        env=config.get("env"),
        timeout=config.get("timeout"),
        log=Path(config["log"]) if config.get("log") else None,
    )

    def terminate(signum: int, _frame: Any) -> None:
        runner.kill_now()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    try:
        runner.launch()  # the kernel boots while this process imports papermill
        _send(protocol, {"pid": os.getpid(), "kernel_dir": runner.sockets_dir,
                         "kernel_pid": runner.kernel_pid})  # fmt: skip
        warm_up(runner)
        for line in sys.stdin:
            if not line.strip():
                continue
            task = json.loads(line)
            failure = runner.run(
                Path(task["notebook"]), Path(task["output"]), task["parameters"], Path(task["cwd"])
            )
            _send(
                protocol,
                {
                    "failure": asdict(failure) if failure is not None else None,
                    "kernel_dir": runner.sockets_dir,
                    "kernel_pid": runner.kernel_pid,
                },
            )
    except BrokenPipeError:  # the build went away
        runner.kill_now()
        return 1
    finally:
        runner.shutdown()
        quick_exit()
    return 0


def warm_up(runner: SectionRunner) -> None:
    """Connect to the booting kernel and let it import what sections need, while this process
    imports papermill beside it (two processes, two cores). A kernel that fails here is started
    again, and its failure reported, by the first section's ``run``."""
    importer = threading.Thread(target=_import_papermill, name="import-papermill", daemon=True)
    importer.start()
    try:
        runner.start()
    except Exception:
        runner.shutdown()
    importer.join()


def _import_papermill() -> None:
    with contextlib.suppress(Exception):  # ``run`` imports it again and reports any problem
        importlib.import_module("papermill")


def _send(protocol: TextIO, message: dict[str, Any]) -> None:
    protocol.write(json.dumps(message) + "\n")
    protocol.flush()


if __name__ == "__main__":
    sys.exit(main())
