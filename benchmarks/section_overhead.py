"""Per-section cost in a reused kernel: the first version against SectionRunner, side by side.

The first version (kept here as ``FirstVersion``) ran papermill with ``km=`` only, so papermill
made a new kernel client (ZMQ channels + ``wait_for_ready``) per section, and ran the reset
through another new client; its ``%reset -f`` did a full garbage collection over everything
pandas and altair had allocated. ``SectionRunner`` keeps one client, freezes the warm-up's
objects out of the collector's way and lets papermill write the notebook once.

Both run the KLK 2016 sections (the repository's real example), alternating rounds, in one
process. Prints ``name: value`` lines and a summary line.

    .venv/bin/python benchmarks/section_overhead.py --rounds 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from helpers.building.execute import RESET, SectionRunner
from helpers.core.paths import REPO_ROOT

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import report_sections  # noqa: E402

SECTIONS = report_sections()  # the KLK 2016 sections: (kind notebook, section id)


class FirstVersion:
    """The per-section protocol of the first SectionRunner (new clients, no gc.freeze)."""

    def __init__(self) -> None:
        from jupyter_client.manager import KernelManager

        self.km = KernelManager(kernel_name="python3")
        env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        self.km.start_kernel(env=env, extra_arguments=["--HistoryManager.enabled=False"])
        self._run_code("import helpers.report, pandas, altair, vl_convert, IPython.display")

    def _run_code(self, code: str) -> None:
        client = self.km.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=120)
            client.execute_interactive(code, store_history=False, output_hook=lambda m: None)
        finally:
            client.stop_channels()

    def run(self, notebook: Path, output: Path, params: dict) -> None:
        import papermill

        self._run_code(RESET)
        papermill.execute_notebook(
            str(notebook), str(output), parameters=params, kernel_name="python3", km=self.km,
            cwd=str(REPO_ROOT), progress_bar=False, log_output=False,
        )  # fmt: skip

    def shutdown(self) -> None:
        self.km.shutdown_kernel(now=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    first, runner = FirstVersion(), SectionRunner()
    runner.start()
    old_times, new_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for round_ in range(args.rounds + 1):  # round 0 warms both up and is not counted
            for notebook, section in SECTIONS:
                params = {"year": 2016, "unit": "klk", "section": section}
                started = time.perf_counter()
                first.run(notebook, out / f"old_{section}.ipynb", params)
                old = time.perf_counter() - started
                started = time.perf_counter()
                failure = runner.run(notebook, out / f"new_{section}.ipynb", params, REPO_ROOT)
                new = time.perf_counter() - started
                if failure is not None:
                    raise SystemExit(f"{section}: {failure.last_line}")
                if round_:
                    old_times.append(old)
                    new_times.append(new)
    first.shutdown()
    runner.shutdown()
    old_median, new_median = statistics.median(old_times), statistics.median(new_times)
    print(f"sections_measured: {len(new_times)}")
    print(f"first_version_median_s: {old_median:.3f}")
    print(f"section_runner_median_s: {new_median:.3f}")
    print(f"ratio_first_vs_runner: {old_median / new_median:.2f}")
    print(
        f"summary: per section {new_median * 1000:.0f} ms with SectionRunner vs "
        f"{old_median * 1000:.0f} ms first version ({old_median / new_median:.1f}x)"
    )


if __name__ == "__main__":
    main()
