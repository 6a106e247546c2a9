"""Running section notebooks with papermill in a long-lived Jupyter kernel.

Starting a kernel and importing pandas/altair costs seconds; running a section costs
milliseconds. A ``SectionRunner`` starts one kernel, pays the imports once, and executes each
section with papermill (parameters cell, injected parameters, executed notebook written out) in
that kernel. Between sections the kernel's namespace and library options are reset, so nothing
leaks from one section into the next.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.manager import KernelManager

KERNEL_NAME = "python3"

# Imports every section needs, paid once per kernel.
WARM_UP = "import helpers.report, pandas, altair, vl_convert, IPython.display"

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
    """Where and how a section failed: enough for the analyst to open the notebook and look."""

    cell: int | None
    error: str
    last_line: str


class SectionRunner:
    """One kernel that executes section notebooks one after another."""

    def __init__(self, env: dict[str, str] | None = None, timeout: int = 600):
        self.env = env
        self.timeout = timeout
        self.km: KernelManager | None = None

    def start(self) -> None:
        if self.km is not None and self.km.is_alive():
            return
        self.km = KernelManager(kernel_name=KERNEL_NAME)
        env = dict(os.environ)
        env.update(self.env or {})
        env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        self.km.start_kernel(env=env, extra_arguments=["--HistoryManager.enabled=False"])
        self._run_code(WARM_UP)

    def _run_code(self, code: str) -> None:
        assert self.km is not None
        client = self.km.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=120)
            reply = client.execute_interactive(code, store_history=False, timeout=self.timeout)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(reply["content"].get("evalue", "kernel setup failed"))
        finally:
            client.stop_channels()

    def run(
        self, notebook: Path, output: Path, parameters: dict[str, Any], cwd: Path
    ) -> SectionFailure | None:
        """Execute ``notebook`` into ``output``; return None on success or where it failed."""
        import papermill
        from papermill.exceptions import PapermillExecutionError

        self.start()
        self._run_code(RESET)
        output.parent.mkdir(parents=True, exist_ok=True)
        try:
            papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters,
                kernel_name=KERNEL_NAME,
                km=self.km,
                cwd=str(cwd),
                progress_bar=False,
                log_output=False,
                execution_timeout=self.timeout,
            )
        except PapermillExecutionError as exc:
            return SectionFailure(exc.exec_count, exc.ename, f"{exc.ename}: {exc.evalue}".strip())
        except Exception as exc:  # a dead kernel, a timeout: restart for the next section
            self.shutdown()
            return SectionFailure(None, type(exc).__name__, f"{type(exc).__name__}: {exc}")
        return None

    def shutdown(self) -> None:
        if self.km is not None:
            try:
                self.km.shutdown_kernel(now=True)
            finally:
                self.km = None
