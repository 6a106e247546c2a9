"""Cluster benchmark: one synthetic year built locally and on a Dask cluster, side by side.

1. ``workbook build --year Y --force --jobs W`` (the local warm-kernel pool, W workers);
2. the same on a ``distributed.LocalCluster`` of W worker processes (one thread each) in this
   process, through ``workbook build --scheduler ADDRESS`` — the path a region's cluster takes,
   with the scheduler and workers on one machine;
then checks that both wrote the same reports, byte for byte. Prints ``name: value`` lines (per
unit and per section seconds, the ratio cluster/local) and one summary line. The docs'
capacity estimate (docs/operator.md) starts from ``cluster_per_unit_s``.

Data: benchmarks/synthetic.py (INVENTED units) in temporary WORKBOOK_ROOTs.

    .venv/bin/python benchmarks/cluster.py --units 4 --workers 2
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import TEMPLATE_YEAR, generate, report_sections  # noqa: E402

BIN = Path(sys.executable).parent


def timed_build(root: Path, extra: list[str]) -> float:
    env = {**os.environ, "WORKBOOK_ROOT": str(root), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    env.pop("WORKBOOK_SCHEDULER", None)
    command = [str(BIN / "workbook"), "build", "--year", str(TEMPLATE_YEAR), "--force", *extra]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return seconds


class PeakMemory:
    """Peak summed RSS of this process's descendants (the cluster's workers, their kernels and
    the build command), sampled every 50 ms while in the ``with`` block."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = 0
            for child in psutil.Process().children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(0.05)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    from distributed import LocalCluster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    sections = len(report_sections())

    with tempfile.TemporaryDirectory(prefix="workbook-cluster-bench-") as tmp:
        local_root, cluster_root = Path(tmp) / "local", Path(tmp) / "cluster"
        units = generate(local_root, args.units, [TEMPLATE_YEAR])
        shutil.copytree(local_root, cluster_root)
        print("data: synthetic, invented (benchmarks/synthetic.py)")
        print(f"units: {len(units)}")
        print(f"sections_per_unit: {sections}")
        print(f"workers: {args.workers}")
        local = timed_build(local_root, ["--jobs", str(args.workers)])
        with (
            LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            PeakMemory() as memory,
        ):
            on_cluster = timed_build(cluster_root, ["--scheduler", cluster.scheduler_address])
        for unit in units:
            name = Path("reports") / str(TEMPLATE_YEAR) / f"{unit}.html"
            if (local_root / name).read_bytes() != (cluster_root / name).read_bytes():
                raise SystemExit(f"{name}: the cluster's report differs from the local one")
        n = len(units)
        print(f"local_build_s: {local:.2f}")
        print(f"local_per_unit_s: {local / n:.2f}")
        print(f"cluster_build_s: {on_cluster:.2f}")
        print(f"cluster_per_unit_s: {on_cluster / n:.2f}")
        print(f"cluster_per_section_s: {on_cluster / (n * sections):.3f}")
        # what one worker spends on a unit: the figure a capacity plan multiplies
        print(f"cluster_worker_s_per_unit: {on_cluster * args.workers / n:.2f}")
        print(f"ratio_cluster_vs_local: {on_cluster / local:.2f}")
        print(f"cluster_peak_rss_mib: {memory.peak / 2**20:.0f}")
        print(f"cluster_peak_rss_per_worker_mib: {memory.peak / 2**20 / args.workers:.0f}")
        print(
            f"summary: {n} units x {sections} sections on {args.workers} workers: local "
            f"{local:.1f} s, cluster {on_cluster:.1f} s ({on_cluster / local:.2f}x), reports "
            "identical"
        )


if __name__ == "__main__":
    main()
