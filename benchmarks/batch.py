"""Batch benchmark: one synthetic year built three ways, side by side, in one run.

1. the naive baseline a user would script: ``papermill`` CLI then ``jupyter nbconvert --to html``
   CLI for each section, sequentially (on a subset of units, extrapolated per section: the full
   baseline over 12 units takes about ten minutes);
2. ``workbook build --year Y --force`` (cold: fresh process, fresh kernels);
3. ``workbook build --year Y`` again (no-op: nothing changed);
plus the floor: the sections' own code run once in a plain warm Python process.

Data: benchmarks/synthetic.py (INVENTED units) in a temporary WORKBOOK_ROOT. Peak memory is the
largest summed RSS of the build's whole process tree (psutil, sampled every 20 ms). Prints
``name: value`` lines and ends with one summary line.

    .venv/bin/python benchmarks/batch.py --units 12 --baseline-units 1
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import TEMPLATE_YEAR, generate, report_sections  # noqa: E402

from helpers.core.paths import CONSOLIDATED  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# The example's sections in report order: (kind notebook, section id).
SECTIONS = report_sections()


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall time, peak RSS of the whole process tree (bytes) and output of one command."""
    started = time.perf_counter()
    proc = psutil.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            try:
                procs = [proc, *proc.children(recursive=True)]
                total = 0
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        total += p.memory_info().rss
                peak = max(peak, total)
            except psutil.Error:
                pass
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{output.decode()[-3000:]}")
    return seconds, peak, output.decode()


def naive_baseline(
    root: Path, units: list[str], sections: list[tuple[Path, str]], env: dict
) -> float:
    """Seconds for papermill CLI + nbconvert CLI per section, sequentially."""
    out = root / "naive"
    out.mkdir(exist_ok=True)
    started = time.perf_counter()
    for unit in units:
        for notebook, section in sections:
            executed = out / f"{unit}_{section}.ipynb"
            subprocess.run(
                [str(BIN / "papermill"), str(notebook), str(executed), "-k", "python3",
                 "-p", "year", str(TEMPLATE_YEAR), "-p", "unit", unit, "-p", "section", section,
                 "--no-progress-bar"],
                env=env, check=True, capture_output=True, cwd=REPO_ROOT,
            )  # fmt: skip
            subprocess.run(
                [str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
    return time.perf_counter() - started


FLOOR_SCRIPT = textwrap.dedent(
    """
    import ast, json, sys, time
    import nbformat
    import helpers.report, pandas, altair, vl_convert, IPython.display  # warm: imports paid
    units, sections = json.loads(sys.argv[1]), json.loads(sys.argv[2])
    cells = []
    for path, section in sections:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        is_params = ["parameters" in c.metadata.get("tags", []) for c in code]
        # the parameters cell first: what the batch does not set keeps the notebook's default
        cells.append((section, [c.source for c, p in zip(code, is_params) if p]
                      + [c.source for c, p in zip(code, is_params) if not p]))
    def run(source, ns):
        tree = ast.parse(source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, "<cell>", "exec"), ns)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), ns)
            if hasattr(value, "_repr_html_"):
                value._repr_html_()
    started = time.perf_counter()
    for unit in units:
        for section, sources in cells:
            ns = {}
            run(sources[0], ns)  # the notebook's defaults, then this run's parameters
            ns.update({"year": YEAR, "unit": unit, "section": section})
            for source in sources[1:]:
                run(source, ns)
    print(json.dumps(time.perf_counter() - started))
    """
).replace("YEAR", str(TEMPLATE_YEAR))


def floor(units: list[str], env: dict) -> float:
    """Seconds for the sections' own code, once, in a warm plain Python process."""
    result = subprocess.run(
        [sys.executable, "-c", FLOOR_SCRIPT, json.dumps(units),
         json.dumps([[str(n), s] for n, s in SECTIONS])],
        env=env, check=True, capture_output=True, text=True, cwd=REPO_ROOT,
    )  # fmt: skip
    return float(result.stdout.strip().splitlines()[-1])


def noop_in_process(root: Path) -> float:
    """Seconds for a no-op ``build_years`` called in this process (no CLI start-up)."""
    from helpers.building.build import build_years
    from helpers.core.paths import Project

    for _attempt in range(3):  # retried only if src/helpers changed during the run
        started = time.perf_counter()
        result = build_years([TEMPLATE_YEAR], project=Project(root))
        seconds = time.perf_counter() - started
        if not result.kernel_sections:
            return seconds
    raise SystemExit("the in-process no-op rebuild kept running sections")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=12, help="synthetic units to build")
    parser.add_argument(
        "--baseline-units", type=int, default=1, help="units the naive baseline runs (subset)"
    )
    parser.add_argument(
        "--sections", type=int, default=len(SECTIONS), help="sections per baseline unit"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-baseline", action="store_true", help="(smoke tests) no baseline")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="workbook-bench-") as tmp:
        root = Path(tmp)
        units = generate(root, args.units, [TEMPLATE_YEAR])
        env = {**os.environ, "WORKBOOK_ROOT": str(root), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        n_sections = len(units) * len(SECTIONS)
        print("data: synthetic, invented (benchmarks/synthetic.py)")
        print(f"units: {len(units)}")
        print(f"sections_per_unit: {len(SECTIONS)}")
        print(f"sections_total: {n_sections}")
        print(f"jobs: {args.jobs}")
        print(f"cpu_count: {os.cpu_count()}")

        build = [str(BIN / "workbook"), "build", "--year", str(TEMPLATE_YEAR)]
        cold, cold_peak, cold_out = run_measured([*build, "--force", "--jobs", str(args.jobs)], env)
        # A no-op must run nothing. If it did, the helpers code changed under us (someone
        # editing src/helpers during the run): measure again, and say so.
        for attempt in range(1, 4):
            noop, noop_peak, noop_out = run_measured([*build, "--jobs", str(args.jobs)], env)
            if "Körda avsnitt: 0," in noop_out:
                break
            print(f"noop_attempt_{attempt}_ran_sections: code changed during the run, retrying")
        else:
            raise SystemExit(f"the no-op rebuild kept running sections:\n{noop_out}")
        noop_inprocess = noop_in_process(root)
        # The units' reports; a year's build also writes the consolidated report (kommun.html).
        reports = [
            p
            for p in (root / "reports" / str(TEMPLATE_YEAR)).glob("*.html")
            if p.stem != CONSOLIDATED
        ]
        if len(reports) != len(units):
            raise SystemExit(f"expected {len(units)} reports, found {len(reports)}:\n{cold_out}")
        floor_s = floor(units, env)

        print(f"cold_build_s: {cold:.2f}")
        print(f"cold_per_section_s: {cold / n_sections:.3f}")
        print(f"cold_peak_rss_mib: {cold_peak / 2**20:.0f}")
        print(f"noop_build_s: {noop:.3f}")
        print(f"noop_peak_rss_mib: {noop_peak / 2**20:.0f}")
        print(f"noop_in_process_s: {noop_inprocess:.3f}")
        print(f"noop_cli_startup_s: {max(noop - noop_inprocess, 0):.3f}")
        print(f"floor_s: {floor_s:.2f}")
        print(f"floor_per_section_s: {floor_s / n_sections:.3f}")
        per_section_vs_floor = cold / floor_s
        noop_pct = 100 * noop / cold
        print(f"ratio_cold_per_section_vs_floor: {per_section_vs_floor:.2f}")
        print(f"ratio_noop_vs_cold_pct: {noop_pct:.2f}")

        speedup = None
        if not args.skip_baseline:
            subset_units = units[: args.baseline_units]
            subset_sections = SECTIONS[: args.sections]
            measured = len(subset_units) * len(subset_sections)
            naive_s = naive_baseline(root, subset_units, subset_sections, env)
            naive_per_section = naive_s / measured
            naive_total = naive_per_section * n_sections
            extrapolated = measured != n_sections
            print(f"naive_measured_sections: {measured}")
            print(f"naive_measured_s: {naive_s:.2f}")
            print(f"naive_per_section_s: {naive_per_section:.2f}")
            label = "naive_total_s_extrapolated" if extrapolated else "naive_total_s"
            print(f"{label}: {naive_total:.1f}")
            speedup = naive_total / cold
            print(f"ratio_naive_vs_cold: {speedup:.1f}")

        targets = [
            per_section_vs_floor <= 3,
            noop_pct < 2,
            cold_peak < 2 * 2**30,
            speedup is None or speedup >= 10,
        ]
        verdict = "all targets met" if all(targets) else "TARGET MISSED"
        print(
            f"summary: {len(units)} units x {len(SECTIONS)} sections, cold {cold:.1f} s "
            f"({'' if speedup is None else f'{speedup:.1f}x faster than naive, '}"
            f"{per_section_vs_floor:.2f}x floor), no-op {noop:.2f} s ({noop_pct:.1f}% of cold), "
            f"peak {cold_peak / 2**30:.2f} GiB — {verdict}"
        )


if __name__ == "__main__":
    main()
