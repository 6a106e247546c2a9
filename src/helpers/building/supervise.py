"""Supervising what a build starts: worker processes, their kernels, their temporary folders.

Every kernel runs in a worker process (``helpers.building.section_worker``) that the build starts
and owns; the build process itself never holds a kernel. The rules, and who enforces them:

* **A dead kernel** is noticed by its runner within ``execute.POLL_SECONDS`` and the section fails
  with the reason; the worker starts a new kernel for its next section.
* **A section that runs too long** is ended by its runner at the section's time limit
  (``--timeout``); should a worker stop answering altogether, the pool kills it (and its kernel)
  once the runner's own bounds have passed — starting a kernel (``execute.STARTUP_SECONDS``; on
  a loaded machine the kernel replacing a dead one may take minutes), the section's limit, and
  ``GRACE_SECONDS`` — fails its section and starts a replacement for the others. So a dead
  kernel or a section over its limit is always reported by its runner, with its reason.
* **An executed notebook of an earlier run** is removed when its section is handed to a worker:
  a failure points at this run's notebook (what ran, the reason in the running cell) or at none.
* **A worker that dies** fails only the section it was running; a replacement takes the rest.
* **The build ending**, however it ends, ends everything it started: on return, on an exception,
  on Ctrl-C and on SIGTERM (which the command line turns into the same interruption), the pool
  closes the workers' pipes or sends them SIGTERM, and kills what is left after a bounded wait.
  On ``kill -9`` of the build, the kernel sends each worker SIGTERM (``PR_SET_PDEATHSIG``), and a
  worker kills its kernel and removes its folder before it exits; a kernel whose worker vanished
  exits by itself (ipykernel watches its parent). Workers and kernels run in sessions of their
  own, so a Ctrl-C in the terminal reaches only the build, which prints "Avbrutet." and nothing
  else.
* **Temporary folders** of kernels are named after the process that owns them; a build removes
  those whose owner no longer runs (left by a power cut, say) before it starts its own.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.building.execute import (
    KERNEL_DIR_PREFIX,
    OLD_KERNEL_DIR_PREFIX,
    POLL_SECONDS,
    STARTUP_SECONDS,
    SectionFailure,
    kill_group,
    reads_file,
    remove_running,
)

# After a section's own time limit, how long a silent worker gets before the pool kills it.
GRACE_SECONDS = 60.0
# How long workers get to end their kernels and exit when the build ends or is interrupted.
STOP_SECONDS = 20.0
_PR_SET_PDEATHSIG = 1


class Cancelled(Exception):
    """``SectionPool.run`` was cancelled by its caller (``cancelled``); stop the pool."""


class Interrupted(BaseException):
    """SIGTERM (or SIGHUP) of the build: handled exactly like Ctrl-C (``KeyboardInterrupt``)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


# The stop signals this command received (``raise_on_termination``). Python may swallow the
# exception a signal raises — one that lands in a callback run during an import is printed as
# "Exception ignored" and lost — so the command would go on as if never stopped; what was
# received is kept here, and checked where the build commits to going on (``stop_requested``).
_RECEIVED: list[int] = []


def raise_on_termination() -> dict[int, Any]:
    """Turn SIGTERM and SIGHUP into ``Interrupted`` in the main thread, so that every ``finally``
    and context manager runs as for Ctrl-C, and record them and Ctrl-C (``stop_requested``);
    the previous handlers, to restore. A SIGINT this process ignores (a background job, a
    pytest-xdist worker) stays ignored."""
    _RECEIVED.clear()

    def handler(signum: int, _frame: Any) -> None:
        _RECEIVED.append(signum)
        raise Interrupted(signum)

    def interrupt(signum: int, _frame: Any) -> None:
        _RECEIVED.append(signum)
        raise KeyboardInterrupt

    previous: dict[int, Any] = {}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        previous[signum] = signal.signal(signum, handler)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        previous[signal.SIGINT] = signal.signal(signal.SIGINT, interrupt)
    return previous


def stop_requested() -> int | None:
    """The first stop signal this command received (``raise_on_termination``), or None: also
    when the exception it raised was swallowed on the way."""
    return _RECEIVED[0] if _RECEIVED else None


def parent_death_signal(signum: int) -> None:
    """Ask Linux to send ``signum`` to this process when its parent dies (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_OWNED_DIR = re.compile(
    rf"^(?:{re.escape(KERNEL_DIR_PREFIX)}|{re.escape(OLD_KERNEL_DIR_PREFIX)}|workbook-pdf-)([0-9]+)-"
)


def remove_stale_temp(folder: Path | None = None) -> list[Path]:
    """Remove temporary folders of kernels and PDF printing whose owning process has ended."""
    folder = Path(folder or tempfile.gettempdir())
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for path in entries:
        match = _OWNED_DIR.match(path.name)
        if match and path.is_dir() and not path.is_symlink() and not _pid_alive(int(match[1])):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


@dataclass
class Task:
    """One section to run: what the worker needs, and the caller's own key for it."""

    key: Any
    notebook: Path
    output: Path
    parameters: dict[str, Any]
    cwd: Path

    def message(self) -> str:
        return json.dumps(
            {
                "notebook": str(self.notebook),
                "output": str(self.output),
                "parameters": self.parameters,
                "cwd": str(self.cwd),
            }
        )


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    buffer: bytes = b""
    task: Task | None = None
    deadline: float | None = None
    kernel_dir: str | None = None
    kernel_pid: int | None = None
    announced: bool = False
    lines: list[dict[str, Any]] = field(default_factory=list)
    ran: set[Path] = field(default_factory=set)  # the notebooks its kernel has executed


Done = Callable[[Any, SectionFailure | None], None]


class SectionPool:
    """Worker processes running sections; use as a context manager (it ends them on exit)."""

    def __init__(
        self,
        jobs: int,
        *,
        env: dict[str, str] | None = None,
        timeout: float,
        log: Path | None = None,
        keep: bool = False,
    ):
        self.jobs = max(1, jobs)
        self.env = env or {}
        self.timeout = timeout
        self.log = log
        self.keep = keep  # workers wait for the next ``run`` instead of exiting (warm_kernels)
        self._workers: list[_Worker] = []
        self._selector = selectors.DefaultSelector()

    # ------------------------------------------------------------------------------ lifecycle

    def __enter__(self) -> SectionPool:
        remove_stale_temp()
        return self

    def __exit__(self, kind: Any, _value: Any, _tb: Any) -> None:
        self.stop(interrupted=kind is not None)

    def _start_worker(self) -> _Worker:
        env = {**os.environ, **self.env, "WORKBOOK_BUILD_PID": str(os.getpid())}
        log = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "helpers.building.section_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=env,
                start_new_session=True,  # no Ctrl-C from the terminal: the build handles it
            )
        finally:
            if not isinstance(log, int):
                log.close()
        assert process.stdin is not None and process.stdout is not None
        config = {"env": self.env, "timeout": self.timeout, "log": str(self.log or "")}
        worker = _Worker(process)
        self._write(worker, json.dumps(config))
        os.set_blocking(process.stdout.fileno(), False)
        self._selector.register(process.stdout, selectors.EVENT_READ, worker)
        self._workers.append(worker)
        return worker

    def stop(self, interrupted: bool = False) -> None:
        """End every worker: close their input (they finish and exit) or, when ``interrupted``,
        SIGTERM them; whatever has not exited after ``STOP_SECONDS`` is killed with its kernel."""
        for worker in self._workers:
            if interrupted:
                _signal(worker.process, signal.SIGTERM)
            else:
                _close(worker.process)
        end = time.monotonic() + STOP_SECONDS
        for worker in self._workers:
            try:
                worker.process.wait(timeout=max(0.1, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._kill(worker)
        for worker in self._workers:
            self._kill(worker)  # reaps, and cleans up after a worker that could not
        self._workers.clear()
        self._selector.close()

    def _kill(self, worker: _Worker) -> None:
        stdout = worker.process.stdout
        if stdout is not None and not stdout.closed:
            # A worker started ahead that never got a task has not been read yet: what it
            # announced (its kernel's process and folder) is needed below.
            self._read(worker)
            for message in worker.lines:
                _note_kernel(worker, message)
            worker.lines.clear()
        if stdout is not None and not stdout.closed:
            with contextlib.suppress(KeyError, ValueError):
                self._selector.unregister(stdout)
        if worker.process.poll() is None:
            _signal(worker.process, signal.SIGKILL)
            worker.process.wait()
        if worker.task is not None:  # killed mid-run: what its run set aside is left to us
            remove_running(worker.task.output)
        if worker.kernel_pid is not None:
            kill_group(worker.kernel_pid)
        if worker.kernel_dir:
            shutil.rmtree(worker.kernel_dir, ignore_errors=True)
        for stream in (worker.process.stdin, worker.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass

    @property
    def backstop_seconds(self) -> float:
        """How long a worker may stay silent on one task: starting a new kernel (after a dead
        one), the section's own limit, and ``GRACE_SECONDS``. A worker that answers within its
        runner's bounds is never killed by the pool, so a dead kernel is reported as such."""
        return STARTUP_SECONDS + self.timeout + GRACE_SECONDS

    # ---------------------------------------------------------------------------------- run

    def start(self, count: int) -> None:
        """Start up to ``count`` workers (at most ``jobs`` in all) ahead of ``run``: their kernels
        boot and import while this process does other work (the build validates meanwhile).
        Workers started ahead wait for a task; ``stop`` ends them like any other."""
        for _ in range(min(count, self.jobs) - len(self._workers)):
            self._start_worker()

    def run(
        self, tasks: Iterable[Task], done: Done, cancelled: Callable[[], bool] | None = None
    ) -> None:
        """Run every task on up to ``jobs`` workers (those started ahead first); call
        ``done(key, failure)`` in this process as each one ends (None: success).

        ``cancelled`` is asked between waits (at least every ``POLL_SECONDS``): True raises
        ``Cancelled``, and the caller stops the pool."""
        self._prune()
        queue = deque(tasks)
        for worker in by_affinity([w for w in self._workers if w.task is None], queue):
            self._assign(worker, queue)  # no task left for it: it exits (or waits: ``keep``)
        for _ in range(min(self.jobs - len(self._workers), len(queue))):
            self._assign(self._start_worker(), queue)
        while any(w.task is not None for w in self._workers):
            self._wait(queue, done, cancelled)

    def kernel_pids(self) -> list[int]:
        """The kernels of the live workers (those that announced one)."""
        self._prune()
        return [w.kernel_pid for w in self._workers if w.kernel_pid is not None]

    def _prune(self) -> None:
        """Forget workers that have exited (a kept worker may die between runs)."""
        for worker in list(self._workers):
            stdout = worker.process.stdout
            if stdout is not None and not stdout.closed and worker.task is None:
                self._read(worker)  # its announcement, or the end of its output
                for message in worker.lines:
                    _note_kernel(worker, message)
                worker.lines.clear()
            if worker.process.poll() is not None or stdout is None or stdout.closed:
                self._kill(worker)
                self._workers.remove(worker)

    def _assign(self, worker: _Worker, queue: deque[Task]) -> None:
        if not queue:
            worker.task = None
            if not self.keep:
                _close(worker.process)
            return
        again = next((i for i, task in enumerate(queue) if task.output in worker.ran), 0)
        worker.task = queue[again]  # a section it ran before, else the next one
        del queue[again]
        worker.ran.add(worker.task.output)
        # The executed notebook of an earlier run stays until this run completes (the runner
        # writes aside and renames): an interrupted build leaves the current report's sections
        # as they were. A worker lost mid-run removes it (``_lost``): a failure never points at
        # an earlier run's notebook.
        # The worker's runner enforces the section's limit, and its own bound on starting a
        # kernel; this is the backstop for a worker that stops answering at all.
        worker.deadline = time.monotonic() + self.backstop_seconds
        if not self._write(worker, worker.task.message()):  # it died before taking the task:
            queue.appendleft(worker.task)  # the task goes to its replacement
            worker.task = None
            self._lost(worker, queue, None)

    def _wait(
        self, queue: deque[Task], done: Done, cancelled: Callable[[], bool] | None = None
    ) -> None:
        busy = [w for w in self._workers if w.task is not None and w.deadline is not None]
        nearest = min((w.deadline for w in busy if w.deadline), default=None)
        wait = None if nearest is None else max(0.0, nearest - time.monotonic())
        if cancelled is not None:
            wait = POLL_SECONDS if wait is None else min(wait, POLL_SECONDS)
            if cancelled():
                raise Cancelled
        for key, _ in self._selector.select(timeout=wait):
            worker: _Worker = key.data
            self._read(worker)
            for message in worker.lines:
                _note_kernel(worker, message)
                if "failure" not in message or worker.task is None:
                    continue
                task, failure = worker.task, message["failure"]
                worker.task = None
                # The worker gets its next task (or is told to exit) before ``done`` runs: the
                # build's own work on a finished section (a report's export) overlaps it.
                self._assign(worker, queue)
                done(task.key, SectionFailure(**failure) if failure else None)
            worker.lines.clear()
            if worker.process.stdout is not None and worker.process.stdout.closed:
                self._lost(worker, queue, done)
        now = time.monotonic()
        for worker in busy:
            if worker.task is not None and worker.deadline is not None and now > worker.deadline:
                self._kill(worker)
                self._lost(worker, queue, done, timed_out=True)

    def _read(self, worker: _Worker) -> None:
        stdout = worker.process.stdout
        assert stdout is not None
        try:
            chunk = os.read(stdout.fileno(), 65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:  # end of file: the worker has exited
            self._selector.unregister(stdout)
            stdout.close()
            return

        worker.buffer += chunk
        *complete, worker.buffer = worker.buffer.split(b"\n")
        for line in complete:
            if line.strip():
                try:
                    worker.lines.append(json.loads(line))
                except ValueError:
                    continue

    def _lost(
        self, worker: _Worker, queue: deque[Task], done: Done | None, timed_out: bool = False
    ) -> None:
        """A worker exited or was killed: fail its section and replace it if work remains."""
        self._kill(worker)
        task, worker.task = worker.task, None
        if task is not None and done is not None:
            with contextlib.suppress(OSError):  # the failed run replaces the earlier one
                task.output.unlink(missing_ok=True)
                reads_file(task.output).unlink(missing_ok=True)
            if timed_out:
                reason = (
                    f"arbetsprocessen svarade inte inom {self.backstop_seconds:g} "
                    "sekunder och avslutades"
                )
                failure = SectionFailure(None, "Tidsgräns", f"Tidsgräns: {reason}")
            else:
                code = worker.process.returncode
                failure = SectionFailure(
                    None,
                    "Arbetsprocessen dog",
                    f"Arbetsprocessen dog (slutkod {code}); se build/kernels.log",
                )
            done(task.key, failure)
        if queue:
            self._assign(self._start_worker(), queue)

    def _write(self, worker: _Worker, line: str) -> bool:
        stdin = worker.process.stdin
        try:
            assert stdin is not None
            stdin.write(line.encode() + b"\n")
            stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            return False
        return True


def by_affinity(idle: list[_Worker], queue: deque[Task]) -> list[_Worker]:
    """Idle workers, those whose kernel ran one of the queued sections before first: a kept
    kernel (``keep``) remembers the parts of what it ran (``parts.remembered``)."""
    return sorted(idle, key=lambda worker: not any(t.output in worker.ran for t in queue))


def _note_kernel(worker: _Worker, message: dict[str, Any]) -> None:
    worker.kernel_dir = message.get("kernel_dir", worker.kernel_dir)
    worker.kernel_pid = message.get("kernel_pid", worker.kernel_pid)


def _close(process: subprocess.Popen[bytes]) -> None:
    try:
        if process.stdin is not None:
            process.stdin.close()
    except OSError:
        pass


def _signal(process: subprocess.Popen[bytes], signum: int) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signum)
