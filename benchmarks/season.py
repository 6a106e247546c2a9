"""Season benchmark: from saving a one-sentence edit in a goal text to an updated report (KLK).

Side by side, in one run, on a private copy of the example (``WORKBOOK_ROOT``):

1. the baseline: ``workbook build --year 2016 --unit klk --period helar --force`` (a forced
   cold build: a fresh process, fresh kernels, every section);
2. ``workbook build --year 2016 --unit klk --period helar`` right after the edit (only what the
   edit changed);
3. ``workbook preview``: the time from the save until its page serves the new report.

Each round appends one new sentence to a goal text, so every measurement sees a real change;
medians over ``--rounds``. Prints ``name: value`` lines and the ratios against the baseline.
The issue's targets: preview ≤ 1 s, incremental CLI build ≤ 25 % of the forced cold build.

    .venv/bin/python benchmarks/season.py --rounds 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
YEAR, UNIT = "2016", "klk"
PERIOD = "helar"  # without --period a build makes every period (delår too); the edit is helår's


def goal_text(root: Path) -> Path:
    """The first goal text of the unit (one sentence is appended per round)."""
    return sorted((root / "data" / YEAR / UNIT / "text" / "mal").glob("*-arbete.md"))[0]


def edit(root: Path, n: int) -> str:
    sentence = f"Benchmarkmening nummer {n} om målet."
    path = goal_text(root)
    path.write_text(path.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")
    return sentence


def cli_build(env: dict[str, str], *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "workbook"), "build", "--year", YEAR, "--unit", UNIT, "--period", PERIOD,
         *extra],
        env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def wait_for(predicate, timeout: float = 900.0, step: float = 0.005) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("the preview did not update")
        time.sleep(step)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="season-bench-") as tmp:
        root = Path(tmp)
        for name in ("data", "params"):
            shutil.copytree(REPO_ROOT / name, root / name)
        env = {**os.environ, "WORKBOOK_ROOT": str(root)}
        cli_build(env)  # warm the file cache and build/ once
        cold, incremental, preview = [], [], []
        n = 0
        for _ in range(args.rounds):
            cold.append(cli_build(env, "--force"))
            n += 1
            edit(root, n)
            incremental.append(cli_build(env))
        port = free_port()
        process = subprocess.Popen(
            [str(BIN / "workbook"), "preview", "--year", YEAR, "--unit", UNIT,
             "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(lambda: (_state(base) or {}).get("watching") and not _state(base)["busy"],
                     step=0.2)  # fmt: skip
            preview_own = []
            for _ in range(args.rounds):
                version = _state(base)["version"]
                n += 1
                started = time.perf_counter()
                sentence = edit(root, n)
                wait_for(lambda v=version: (_state(base) or {}).get("version", v) > v)
                assert sentence in fetch(f"{base}/rapport").decode("utf-8")
                preview.append(time.perf_counter() - started)
                preview_own.append(_state(base)["seconds"])
                time.sleep(0.3)  # let the watcher settle between rounds
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
    cold_s, incremental_s, preview_s = (statistics.median(x) for x in (cold, incremental, preview))
    print(f"rounds: {args.rounds}")
    print(f"cold_forced_build_s: {cold_s:.2f}")
    print(f"incremental_cli_build_s: {incremental_s:.2f}")
    print(f"preview_save_to_report_s: {preview_s:.3f}")
    print(f"preview_rebuild_own_s: {statistics.median(preview_own):.3f}")
    print(f"incremental_cli_vs_cold: {incremental_s / cold_s:.1%} (target ≤ 25 %)")
    print(f"preview_vs_cold: {preview_s / cold_s:.1%} (target ≤ 1 s: {preview_s:.2f} s)")
    return 0


def _state(base: str) -> dict | None:
    try:
        return json.loads(fetch(f"{base}/tillstand"))
    except OSError:
        return None


if __name__ == "__main__":
    sys.exit(main())
