"""Running section notebooks with papermill in a long-lived Jupyter kernel.

Starting a kernel and importing pandas/altair costs seconds; running a section costs
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
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when a kernel starts: a no-op build never pays for it
    from jupyter_client.manager import KernelManager

KERNEL_NAME = "python3"
ENGINE_NAME = "warm-kernel"

# Imports every section needs, paid once per kernel. Then the objects they created are moved
# out of the garbage collector's sight (gc.freeze): the reset's full collection scanned them every
# time and cost ~0.1-0.2 s a section; afterwards it scans only what the sections allocate.
WARM_UP = """
import gc, helpers.report, pandas, altair, vl_convert, IPython.display
gc.collect()
gc.freeze()
"""

# Runs before every section: forget the previous section's variables and options.
RESET = """
get_ipython().run_line_magic("reset", "-f")
import pandas as _pd, altair as _alt, warnings as _w
with _w.catch_warnings():
    _w.simplefilter("ignore")  # deprecated options warn when reset
    # All but the plotting backend, whose reset would import matplotlib.
    _pd.reset_option("^(?!plotting)")
_alt.renderers.enable("default")
_alt.data_transformers.enable("default")
_w.resetwarnings()
del _pd, _alt, _w
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
            return WarmKernelClient(nb_man, **final_kwargs).execute()

    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)


class SectionRunner:
    """One kernel (and one client to it) that executes section notebooks one after another."""

    def __init__(
        self, env: dict[str, str] | None = None, timeout: int = 600, log: Path | None = None
    ):
        self.env = env
        self.timeout = timeout
        self.log = log
        self._sockets: str | None = None
        self.km: KernelManager | None = None
        self.kc: Any = None
        self.sections_run = 0

    def launch(self) -> None:
        """Start the kernel process without waiting for it (overlap it with other start-up)."""
        from jupyter_client.manager import KernelManager

        if self.km is not None and self.km.is_alive():
            return
        # IPC sockets in a private folder: the default path prefix is shared by every kernel
        # started in the same working directory, and two pool workers then collided.
        self._sockets = tempfile.mkdtemp(prefix="workbook-kernel-")
        self.km = KernelManager(
            kernel_name=KERNEL_NAME, transport="ipc", ip=os.path.join(self._sockets, "k")
        )
        env = dict(os.environ)
        env.update(self.env or {})
        env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
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
            if self.log:
                log.close()

    def start(self) -> None:
        """A ready kernel with the heavy imports done."""
        if self.kc is not None and self.km is not None and self.km.is_alive():
            return
        if self.km is not None and not self.km.is_alive():
            self.shutdown()
        self.launch()
        assert self.km is not None
        self.kc = self.km.blocking_client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)
        self.kc.allow_stdin = False
        self.run_code(WARM_UP)

    def run_code(self, code: str) -> None:
        """Run set-up code on the kernel, silently; raise if it fails."""
        assert self.kc is not None
        reply = self.kc.execute_interactive(
            code, silent=True, store_history=False, timeout=self.timeout, output_hook=_ignore
        )
        content = reply["content"]
        if content["status"] != "ok":
            raise KernelSetupError(f"{content.get('ename')}: {content.get('evalue')}")

    def run(
        self, notebook: Path, output: Path, parameters: dict[str, Any], cwd: Path
    ) -> SectionFailure | None:
        """Execute ``notebook`` into ``output``; return None on success or where it failed."""
        import papermill
        from papermill.exceptions import PapermillExecutionError

        _register_engine()
        output.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.start()
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
                execution_timeout=self.timeout,
            )
        except PapermillExecutionError as exc:
            last_line = f"{exc.ename}: {exc.evalue}".strip().rstrip(":")
            return SectionFailure(failing_cell(output), exc.ename, last_line)
        except Exception as exc:  # a dead kernel, a timeout: restart for the next section
            self.shutdown()
            return SectionFailure(None, type(exc).__name__, f"{type(exc).__name__}: {exc}")
        return None

    def shutdown(self) -> None:
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if self.km is not None:
                self.km.shutdown_kernel(now=True)
        finally:
            self.kc = None
            self.km = None
            self.sections_run = 0
            if self._sockets:
                shutil.rmtree(self._sockets, ignore_errors=True)
                self._sockets = None


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
