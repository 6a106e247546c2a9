"""Running section notebooks with papermill in a long-lived Jupyter kernel.

Starting a kernel and importing pandas costs seconds; running a section costs
milliseconds. A ``SectionRunner`` starts one kernel, pays the imports once, and executes each
section with ``papermill.execute_notebook`` (parameters cell, injected parameters, executed
notebook written out) in that kernel. Between sections the kernel's namespace and library
options are reset, so nothing leaks from one section into the next.

Measured on the 2-core machine (benchmarks/section_overhead.py): most of papermill's cost with a
reused kernel was not papermill but a new kernel client per run — new ZMQ channels and a
``wait_for_ready`` handshake, twice per section (once for the reset, once for the notebook).
The reset's ``%reset -f`` ran a full garbage collection over every object pandas and altair
had created (~0.15 s). The runner keeps one client for the kernel's whole life and hands it to
papermill through a small engine (``warm-kernel``), sends the reset on that client, freezes the
imported objects out of the collector's way after the warm-up, talks to the kernel over IPC
sockets, and asks papermill to write the executed notebook once at the end instead of after
every cell.

**Supervision.** papermill waits for the kernel on a blocking client: a kernel that died
(``os._exit``, the out-of-memory killer) or a cell that never ends would block it forever. The
runner therefore waits on its channels in short slices and checks, between slices, that the
kernel process is alive and that the section's deadline (``timeout`` seconds for the whole
section; starting a kernel has its own bound) has not passed. Either way the kernel is killed
(its whole process group), and the section is reported failed with the reason in Swedish; the
next section gets a new kernel. The kernel's sockets and connection file live in one private
temporary folder, removed whenever the kernel ends.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from queue import Empty
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when a kernel starts: a no-op build never pays for it
    from jupyter_client.manager import KernelManager

KERNEL_NAME = "python3"
ENGINE_NAME = "warm-kernel"
# A section's whole run, from the reset of the kernel to the last cell (``workbook build
# --timeout``; the environment variable WORKBOOK_SECTION_TIMEOUT sets the default).
DEFAULT_TIMEOUT = 600.0
# How often a waiting runner checks that its kernel lives and its deadline has not passed.
POLL_SECONDS = 0.25
# Starting a kernel and importing pandas/altair: bounded too, also outside a section.
STARTUP_SECONDS = 300.0
# Temporary folders of kernels: ``wbk-<pid of the owning process>-<random>``. Short, because the
# kernel's sockets lie in it: a Unix socket's path holds at most 107 bytes (sun_path), and ZeroMQ
# names them ``<folder>/k-<n>``; a deep TMPDIR (pytest-xdist's ``…/popen-gw0/<test>/tmp``) with a
# long prefix overflowed it, the kernel could not bind and its worker died.
KERNEL_DIR_PREFIX = "wbk-"
# Earlier versions' prefix: their stale folders are still removed.
OLD_KERNEL_DIR_PREFIX = "workbook-kernel-"
SOCKET_PATH_LIMIT = 107


def kernel_dir_parent() -> str | None:
    """Where a kernel's socket folder goes: the temporary directory (None: ``tempfile``'s
    default), or ``/tmp`` when the sockets' paths under it would be longer than a Unix socket's
    path may be (:data:`SOCKET_PATH_LIMIT`)."""
    longest = os.path.join(
        tempfile.gettempdir(), f"{KERNEL_DIR_PREFIX}{os.getpid()}-{'x' * 8}", "k-99"
    )
    if len(os.fsencode(longest)) <= SOCKET_PATH_LIMIT or not os.path.isdir("/tmp"):
        return None
    return "/tmp"


# Imports every section needs, paid once per kernel. Then the objects they created are moved
# out of the garbage collector's sight (gc.freeze): the reset's full collection scanned them every
# time and cost ~0.1-0.2 s a section; afterwards it scans only what the sections allocate.
# altair and vl-convert are not among them: a section imports them only when it draws a chart
# that is not in the store (``helpers.parts.figures``), ~2 s a kernel saved on every rebuild.
# jinja2 is named because ``helpers.report`` no longer imports it (``markup`` does so for its
# first fragment, so that ``validate`` does without): every section renders fragments or Styler
# tables, and what the warm-up imports is frozen out of the resets' collections.
WARM_UP = """
import gc, helpers.report, jinja2, pandas, IPython.display
gc.collect()
gc.freeze()
"""

# Runs before every section: forget the previous section's variables and options (altair's too,
# if a section imported it), then freeze what survives, as after the warm-up: what an earlier
# section imported (altair, say) stays out of the next resets' collections.
RESET = """
get_ipython().run_line_magic("reset", "-f")
import gc as _gc, sys as _sys, pandas as _pd, warnings as _w
with _w.catch_warnings():
    _w.simplefilter("ignore")  # deprecated options warn when reset
    # All but the plotting backend, whose reset would import matplotlib.
    _pd.reset_option("^(?!plotting)")
if "altair" in _sys.modules:
    _sys.modules["altair"].renderers.enable("default")
    _sys.modules["altair"].data_transformers.enable("default")
    _sys.modules["altair"].theme.enable("default")
_w.resetwarnings()
_gc.freeze()
del _gc, _sys, _pd, _w
import helpers.core.read_log as _read_log, helpers.core.paths as _paths
_read_log.start(_paths.Project.current().root)
del _read_log, _paths
"""


@dataclass(frozen=True)
class SectionFailure:
    """Where and how a section failed: enough for the analyst to open the notebook and look.

    ``cell`` is the 1-based position of the failing cell in the executed notebook (None when the
    kernel itself failed), ``error`` the exception's name and ``last_line`` the error's last line.
    """

    cell: int | None
    error: str
    last_line: str


class KernelSetupError(RuntimeError):
    """The kernel could not run the workbook's own set-up code (warm-up or reset)."""


class KernelDied(RuntimeError):
    """The kernel process ended while the runner waited for it."""


class SectionTimeout(RuntimeError):
    """The section did not finish within its time limit."""


class KernelStartTimeout(SectionTimeout):
    """A kernel did not start (and import what sections need) within ``STARTUP_SECONDS``."""


# The longest section time limit accepted (one day): a section that needs longer is a fault, and
# a larger number would overflow the clocks and waits it is added to.
MAX_TIMEOUT = 86_400.0
TIMEOUT_VARIABLE = "WORKBOOK_SECTION_TIMEOUT"


def parse_timeout(text: str) -> float:
    """A section time limit in seconds (``90``, ``1,5``): above 0, at most ``MAX_TIMEOUT``.

    The one reading of ``--timeout`` and ``WORKBOOK_SECTION_TIMEOUT``; raises ``ValueError`` with
    a Swedish message quoting ``text`` (the caller names where it came from).
    """
    from helpers.core.errors import quote

    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        value = float("nan")
    if not 0 < value <= MAX_TIMEOUT:  # also refuses nan and inf
        raise ValueError(
            f"'{quote(text)}' är inget giltigt antal sekunder — ange ett tal större än 0 och "
            f"högst {MAX_TIMEOUT:g} (ett dygn), t.ex. 600"
        )
    return value


def timeout_from_environment(default: float = DEFAULT_TIMEOUT) -> float:
    """``WORKBOOK_SECTION_TIMEOUT`` in seconds, or ``default`` when unset or empty.

    Read with ``parse_timeout``, like ``--timeout``; ``ParameterError`` naming the variable when
    it is set to something else than a usable number of seconds.
    """
    from helpers.core.errors import ParameterError, counted

    text = os.environ.get(TIMEOUT_VARIABLE, "")
    if not text.strip():
        return default
    try:
        return parse_timeout(text)
    except ValueError as exc:
        raise ParameterError(
            f"Miljövariabeln {TIMEOUT_VARIABLE}: {exc}. Ändra {TIMEOUT_VARIABLE}, eller ta bort "
            f"variabeln så gäller standardgränsen ({counted(default, 'sekund', 'sekunder')})."
        ) from None


def describe_exit(code: int | None) -> str:
    """Why a kernel process ended, in Swedish (``-9``: killed, e.g. for lack of memory)."""
    if code is None:
        return "kärnan svarar inte"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if -code == signal.SIGKILL:
            return f"kärnan dödades ({name}, t.ex. av att minnet tog slut)"
        return f"kärnan avbröts ({name})"
    return f"kärnan avslutades med slutkod {code}"


# The notebook of the section being executed (papermill's, with the outputs so far).
_LAST_RUN: dict[str, Any] = {}


def _register_engine() -> None:
    """Register the papermill engine that executes with the runner's existing kernel client."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    if ENGINE_NAME in papermill_engines._engines:
        return

    class WarmKernelClient(PapermillNotebookClient):
        """papermill's client, but on a kernel client that already exists (no handshake)."""

        def __init__(self, nb_man: Any, km: Any = None, kc: Any = None, **kw: Any):
            super().__init__(nb_man, km=km, **kw)
            self.kc = kc

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: int | None = None,
            **kwargs: Any,
        ) -> Any:
            # As NBClientEngine.execute_managed_notebook, with the kernel client passed on.
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(
                kwargs,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            _LAST_RUN["notebook"] = nb_man.nb  # what ran so far, if the kernel dies or times out
            return WarmKernelClient(nb_man, **final_kwargs).execute()

    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)


class SectionRunner:
    """One kernel (and one client to it) that executes section notebooks one after another.

    ``timeout`` bounds each section (seconds, wall clock); ``run`` never waits longer, and never
    waits on a kernel that has died.
    """

    def __init__(
        self,
        env: dict[str, str] | None = None,
        timeout: float | None = None,
        log: Path | None = None,
    ):
        self.env = env
        self.timeout = float(timeout) if timeout else timeout_from_environment()
        self.log = log
        self._sockets: str | None = None
        self._deadline: float | None = None
        self._starting = False
        self._killed = False  # kill_now: the process is stopping, no run completes any more
        self.km: KernelManager | None = None
        self.kc: Any = None
        self.sections_run = 0

    @property
    def kernel_pid(self) -> int | None:
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return getattr(process, "pid", None)

    @property
    def sockets_dir(self) -> str | None:
        """The kernel's private temporary folder (sockets and connection file)."""
        return self._sockets

    def launch(self) -> None:
        """Start the kernel process without waiting for it (overlap it with other start-up)."""
        from jupyter_client.manager import KernelManager

        if self.km is not None and self.km.is_alive():
            return
        # IPC sockets and the connection file in a private folder: the default socket prefix is
        # shared by every kernel started in the same working directory (two pool workers then
        # collided), and one folder is one thing to remove, whatever happens.
        self._sockets = tempfile.mkdtemp(
            prefix=f"{KERNEL_DIR_PREFIX}{os.getpid()}-", dir=kernel_dir_parent()
        )
        self.km = KernelManager(
            kernel_name=KERNEL_NAME,
            transport="ipc",
            ip=os.path.join(self._sockets, "k"),
            connection_file=os.path.join(self._sockets, "kernel.json"),
        )
        env = dict(os.environ)
        env.update(self.env or {})
        env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        env["WORKBOOK_SECTION_RUN"] = "1"  # parameters from papermill, never workbook.local.yaml
        # The kernel's own log (not the sections' output, which reaches the notebook) goes to
        # a file, or nowhere: it is not for the operator's terminal.
        log = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.km.start_kernel(
                env=env,
                extra_arguments=["--HistoryManager.enabled=False"],
                stdout=log,
                stderr=log,
            )
        finally:
            if not isinstance(log, int):
                log.close()

    def start(self) -> None:
        """A ready kernel with the heavy imports done."""
        if self.kc is not None and self.km is not None and self.km.is_alive():
            return
        if self.kc is not None or (self.km is not None and not self.km.is_alive()):
            self.shutdown()  # a kernel that died, or one whose client is gone
        # else: a kernel ``launch`` started ahead is booting; connect to it, do not start another
        deadline = self._deadline
        self._deadline = time.monotonic() + STARTUP_SECONDS
        self._starting = True
        try:
            self.launch()
            assert self.km is not None
            self.kc = self.km.blocking_client()
            self.kc.start_channels()
            self._guard_channels()
            self.kc.wait_for_ready(timeout=STARTUP_SECONDS)
            self.kc.allow_stdin = False
            self.run_code(WARM_UP)
        finally:
            self._deadline = deadline
            self._starting = False

    def _guard_channels(self) -> None:
        """Make every wait on the kernel's replies and output a supervised one (see module)."""
        for channel in (self.kc.shell_channel, self.kc.iopub_channel):
            channel.get_msg = self._supervised(channel.get_msg)

    def _supervised(self, get_msg: Any) -> Any:
        def supervised_get_msg(timeout: float | None = None) -> dict[str, Any]:
            end = None if timeout is None else time.monotonic() + timeout
            while True:
                self.check()
                wait = POLL_SECONDS if end is None else min(POLL_SECONDS, end - time.monotonic())
                try:
                    return get_msg(timeout=max(wait, 0.0))
                except Empty:
                    if end is not None and time.monotonic() >= end:
                        raise

        return supervised_get_msg

    def _alive(self) -> bool:
        """Whether the kernel process runs: its ``Popen.poll`` (``KernelManager.is_alive`` asks
        the same through an event loop, ~5 ms a call, and ``check`` runs on every message)."""
        assert self.km is not None
        process = getattr(self.km.provisioner, "process", None)
        if isinstance(process, subprocess.Popen):
            return process.poll() is None
        return bool(self.km.is_alive())

    def check(self) -> None:
        """Raise ``KernelDied`` or ``SectionTimeout`` if the wait must end."""
        if self.km is not None and not self._alive():
            process = getattr(self.km.provisioner, "process", None)
            raise KernelDied(describe_exit(process.poll() if process is not None else None))
        if self._deadline is not None and time.monotonic() > self._deadline:
            from helpers.core.errors import counted

            if self._starting:
                started = counted(STARTUP_SECONDS, "sekund", "sekunder")
                raise KernelStartTimeout(f"kärnan startade inte inom {started}")
            limit = counted(self.timeout, "sekund", "sekunder")
            raise SectionTimeout(f"avsnittet blev inte klart inom {limit}")

    def run_code(self, code: str) -> None:
        """Run set-up code on the kernel, silently; raise if it fails (or the kernel dies)."""
        assert self.kc is not None
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        reply = self.kc.shell_channel.get_msg(timeout=None)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.shell_channel.get_msg(timeout=None)
        while True:  # its output (none: silent) and the kernel's return to idle
            msg = self.kc.iopub_channel.get_msg(timeout=None)
            if (
                msg["parent_header"].get("msg_id") == msg_id
                and msg["msg_type"] == "status"
                and msg["content"].get("execution_state") == "idle"
            ):
                break
        content = reply["content"]
        if content["status"] != "ok":
            raise KernelSetupError(f"{content.get('ename')}: {content.get('evalue')}")

    def run(
        self, notebook: Path, output: Path, parameters: dict[str, Any], cwd: Path
    ) -> SectionFailure | None:
        """Execute ``notebook`` into ``output``; return None on success or where it failed.

        Never raises for what happens in the kernel: an error in a cell, a dead kernel and the
        time limit all come back as a ``SectionFailure``.
        """
        _register_engine()
        output.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed into place once the run completes (done or failed): the
        # earlier run's notebook and read set belong to the report in reports/ and stay when
        # this run is interrupted (Ctrl-C, SIGTERM); a failure never points at them.
        running = _running_path(output)
        try:
            return self._run_aside(notebook, output, running, parameters, cwd)
        finally:
            remove_running(output)

    def _run_aside(
        self, notebook: Path, output: Path, running: Path, parameters: dict[str, Any], cwd: Path
    ) -> SectionFailure | None:
        failure = self._execute(notebook, running, parameters, cwd)
        if self._killed:  # stopped (Ctrl-C), not failed: the earlier results stay
            return failure
        if failure is None:
            if reads_file(running).is_file():
                os.replace(reads_file(running), reads_file(output))
            else:
                reads_file(output).unlink(missing_ok=True)
            os.replace(running, output)
            return None
        reads_file(output).unlink(missing_ok=True)
        if running.is_file():
            os.replace(running, output)
        else:
            output.unlink(missing_ok=True)
        return failure

    def _execute(
        self, notebook: Path, output: Path, parameters: dict[str, Any], cwd: Path
    ) -> SectionFailure | None:
        import papermill
        from papermill.exceptions import PapermillExecutionError

        _LAST_RUN.clear()
        try:
            self.start()  # bounded by STARTUP_SECONDS, not by the section's own time
            self._deadline = time.monotonic() + self.timeout
            self.run_code(RESET)
            self.sections_run += 1
            papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters,
                engine_name=ENGINE_NAME,
                request_save_on_cell_execute=False,
                kernel_name=KERNEL_NAME,
                km=self.km,
                kc=self.kc,
                cwd=str(cwd),
                progress_bar=False,
                log_output=False,
                execution_timeout=None,  # the runner's own deadline covers the whole section
            )
            reads = reads_file(output)
            self.run_code(f"import helpers.core.read_log as _r; _r.dump({str(reads)!r}); del _r")
        except PapermillExecutionError as exc:
            last_line = f"{exc.ename}: {exc.evalue}".strip().rstrip(":")
            return SectionFailure(failing_cell(output), exc.ename, last_line)
        except SectionTimeout as exc:
            self.shutdown()
            if isinstance(exc, KernelStartTimeout):
                return SectionFailure(None, "Kärnan startade inte", f"Kärnan startade inte: {exc}")
            message = f"{exc} (ändra med --timeout eller WORKBOOK_SECTION_TIMEOUT)"
            return SectionFailure(
                write_interrupted(output, "Tidsgräns", message),
                "Tidsgräns",
                f"Tidsgräns: {message}",
            )
        except KernelDied as exc:
            self.shutdown()
            message = f"{exc}; avsnittet avbröts"
            return SectionFailure(
                write_interrupted(output, "Kärnan dog", message),
                "Kärnan dog",
                f"Kärnan dog: {message}",
            )
        except Exception as exc:  # anything else from the kernel side: restart for the next
            self.shutdown()
            return SectionFailure(None, type(exc).__name__, f"{type(exc).__name__}: {exc}")
        finally:
            self._deadline = None
        return None

    def shutdown(self) -> None:
        """End the kernel (its whole process group) and remove its temporary folder."""
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if self.km is not None:
                pid = self.kernel_pid if self.km.is_alive() else None
                try:
                    self.km.shutdown_kernel(now=True)
                finally:
                    if pid is not None:
                        kill_group(pid)
        finally:
            self.kc = None
            self.km = None
            self.sections_run = 0
            self._remove_sockets()

    def kill_now(self) -> None:
        """From a signal handler: kill the kernel's process group and remove its folder, without
        talking to the kernel (the process is about to exit). A run it cuts short does not
        complete: the section's earlier notebook and read set stay."""
        self._killed = True
        pid = self.kernel_pid
        if pid is not None and self.km is not None and self.km.is_alive():
            kill_group(pid)
        self._remove_sockets()

    def _remove_sockets(self) -> None:
        if self._sockets:
            shutil.rmtree(self._sockets, ignore_errors=True)
            self._sockets = None


def _running_path(output: Path) -> Path:
    """Where a run writes its notebook until it completes: beside ``output``, hidden."""
    return output.with_name(f".{output.stem}.running{output.suffix}")


def remove_running(output: Path) -> None:
    """Remove what an unfinished run of the section written to ``output`` left aside (its
    notebook and read set): by the run itself, and by whoever killed the process it ran in
    (``SectionPool``), which then never got to."""
    for path in (_running_path(output), reads_file(_running_path(output))):
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def reads_file(output: Path) -> Path:
    """Where the kernel writes what a section read (``read_log``): beside its notebook."""
    return output.with_name(f"{output.stem}.reads.json")


def kill_group(pid: int) -> None:
    """SIGKILL the process group led by ``pid`` (a kernel leads its own session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def write_interrupted(output: Path, error: str, message: str) -> int | None:
    """Write what ran of an interrupted section to ``output``, the running cell carrying the
    reason as its error; its 1-based position (None when nothing ran). A notebook of an earlier
    run is removed either way, so nobody mistakes it for this one."""
    import nbformat

    output.unlink(missing_ok=True)
    nb = _LAST_RUN.get("notebook")
    if nb is None:
        return None
    # The last cell papermill started is the one that was running (it marks it "completed" on
    # the way out, so its status does not tell).
    started = [
        index
        for index, cell in enumerate(nb.cells, 1)
        if cell.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    position = started[-1] if started else None
    if position is not None:
        nb.cells[position - 1].setdefault("outputs", []).append(
            nbformat.v4.new_output("error", ename=error, evalue=message, traceback=[])
        )
    try:
        nbformat.write(nb, output)
    except (OSError, ValueError):
        return None
    return position


def failing_cell(executed: Path) -> int | None:
    """1-based position of the first cell with an error in an executed notebook, as the analyst
    counts cells when opening it (papermill's error banner cells included)."""
    import nbformat

    try:
        nb = nbformat.read(executed, as_version=4)
    except (OSError, ValueError):
        return None
    for position, cell in enumerate(nb.cells, 1):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return position
    return None


def _ignore(_msg: dict[str, Any]) -> None:
    """Output of the runner's own set-up code is not shown anywhere."""
