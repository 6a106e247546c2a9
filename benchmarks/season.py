"""Season benchmark: from saving a one-sentence edit in a goal text to an updated report (KLK).

Side by side, in one run, on a private copy of the example (``WORKBOOK_ROOT``):

1. the baseline: ``workbook build --year 2016 --unit klk --period helar --force --cold`` with
   the render store (``build/.cache``) removed first — today's full rebuild: a fresh process,
   fresh kernels (``--cold`` ends warm ones first), every section, every chart drawn;
2. ``workbook build --year 2016 --unit klk --period helar`` right after the edit (only what the
   edit changed), as in the analyst's terminal: on the kernels the previous build left warm
   (``WORKBOOK_WARM_KERNELS``, see ``helpers.building.warm_kernels``);
3. the same with ``WORKBOOK_WARM_KERNELS=0`` (as in CI or a script: the build starts its own
   kernels), after another edit;
4. ``workbook preview``: the time from the save until its page serves the new report.

Each round appends one new sentence to a goal text, so every measurement sees a real change;
medians over ``--rounds``. Prints ``name: value`` lines, the load average beside the figures, and
the ratios against the baseline. The issue's targets: preview ≤ 1 s, incremental CLI build
≤ 25 % of the forced cold build.

Everything it starts ends with it — on success, on an error, on ``--limit`` and on Ctrl-C or
SIGTERM: each command runs in its own session and is asked to stop with SIGTERM (a build ends its
workers and kernels itself, see ``helpers.building.supervise``), then killed; and each gets
``PR_SET_PDEATHSIG``, so even ``kill -9`` of the benchmark takes them along. The warm kernels
are ended by a last ``--cold`` build; after a ``kill -9`` of the benchmark they end by
themselves ``WARM_SECONDS`` after its last build.

    .venv/bin/python benchmarks/season.py --rounds 3
"""

from __future__ import annotations

import argparse
import contextlib
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
STOP_SECONDS = 30.0
WARM_SECONDS = "120"  # how long the builds' kernels stay warm (the analyst's terminal: 600)


class Stopped(Exception):
    """SIGTERM, or the benchmark's own time limit."""


_children: list[subprocess.Popen] = []
_deadline = float("inf")


def _die_with_parent() -> None:
    # In the child, before exec: SIGTERM when the benchmark dies, however it dies.
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, preexec_fn=_die_with_parent,
    )  # fmt: skip
    _children.append(process)
    return process


def stop(process: subprocess.Popen, signum: int = signal.SIGTERM) -> None:
    """Ask ``process`` to end (it ends what it started), then kill its session."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signum)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    if process in _children:
        _children.remove(process)


def remaining() -> float:
    left = _deadline - time.monotonic()
    if left <= 0:
        raise Stopped("tidsgränsen (--limit) nådd")
    return left


def cli_build(env: dict[str, str], *extra: str) -> float:
    started = time.perf_counter()
    process = start(
        [str(BIN / "workbook"), "build", "--year", YEAR, "--unit", UNIT, "--period", PERIOD,
         *extra],
        env,
    )  # fmt: skip
    try:
        code = process.wait(timeout=remaining())
    except subprocess.TimeoutExpired:
        raise Stopped("tidsgränsen (--limit) nådd") from None
    finally:
        stop(process)
    if code != 0:
        raise RuntimeError(f"workbook build {' '.join(extra)} slutade med status {code}")
    return time.perf_counter() - started


def goal_text(root: Path) -> Path:
    """The first goal text of the unit (one sentence is appended per round)."""
    return sorted((root / "data" / YEAR / UNIT / "text" / "mal").glob("*-arbete.md"))[0]


def edit(root: Path, n: int) -> str:
    sentence = f"Benchmarkmening nummer {n} om målet."
    path = goal_text(root)
    path.write_text(path.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")
    return sentence


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def state(base: str) -> dict | None:
    try:
        return json.loads(fetch(f"{base}/tillstand"))
    except OSError:
        return None


def wait_for(predicate, step: float = 0.005) -> None:
    while not predicate():
        remaining()
        time.sleep(step)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def compile_package() -> None:
    """Bytecode for the package, as ``make setup`` writes it: an edit since then would otherwise
    be compiled anew by every process of every measurement (with PYTHONDONTWRITEBYTECODE)."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO_ROOT / "src" / "helpers")],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def measure(rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {
        "cold": [], "incremental": [], "own_kernels": [], "preview": [], "own": [], "load": [],
    }  # fmt: skip
    compile_package()
    with tempfile.TemporaryDirectory(prefix="season-bench-") as tmp:
        root = Path(tmp)
        for name in ("data", "params"):
            shutil.copytree(REPO_ROOT / name, root / name)
        env = {**os.environ, "WORKBOOK_ROOT": str(root), "WORKBOOK_WARM_KERNELS": WARM_SECONDS}
        try:
            measure_builds(root, env, rounds, times)
            measure_preview(root, env, rounds, times)
        finally:  # the warm kernels end (nothing is built: every section is current)
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                subprocess.run(
                    [str(BIN / "workbook"), "build", "--year", YEAR, "--unit", UNIT, "--period",
                     PERIOD, "--cold"],
                    env={**env, "WORKBOOK_WARM_KERNELS": "0"}, timeout=4 * STOP_SECONDS,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
    return times


def measure_builds(
    root: Path, env: dict[str, str], rounds: int, times: dict[str, list[float]]
) -> None:
    cli_build(env)  # warm the file cache and build/ once
    for n in range(1, rounds + 1):
        shutil.rmtree(root / "build" / ".cache", ignore_errors=True)  # nothing drawn yet
        times["cold"].append(cli_build(env, "--force", "--cold"))
        edit(root, 2 * n - 1)
        times["incremental"].append(cli_build(env))
        edit(root, 2 * n)
        times["own_kernels"].append(cli_build({**env, "WORKBOOK_WARM_KERNELS": "0"}))
        times["load"].append(os.getloadavg()[0])
        print(f"round: cold {times['cold'][-1]:.2f} s, incremental "
              f"{times['incremental'][-1]:.2f} s (own kernels {times['own_kernels'][-1]:.2f} s), "
              f"load {load()}", flush=True)  # fmt: skip


def measure_preview(
    root: Path, env: dict[str, str], rounds: int, times: dict[str, list[float]]
) -> None:
    base = f"http://127.0.0.1:{free_port()}"
    process = start(
        [str(BIN / "workbook"), "preview", "--year", YEAR, "--unit", UNIT, "--port",
         base.rsplit(":", 1)[1]],
        env,
    )  # fmt: skip
    try:
        wait_for(lambda: (s := state(base)) is not None and s["watching"] and not s["busy"],
                 step=0.2)  # fmt: skip
        for n in range(1000, 1000 + rounds):
            version = state(base)["version"]
            started = time.perf_counter()
            sentence = edit(root, n)
            wait_for(lambda v=version: (state(base) or {}).get("version", v) > v)
            times["preview"].append(time.perf_counter() - started)
            assert sentence in fetch(f"{base}/rapport").decode("utf-8")
            now = state(base)
            times["own"].append(now["seconds"])
            times["load"].append(os.getloadavg()[0])
            print(f"round: preview {times['preview'][-1]:.2f} s (its own "
                  f"{now['seconds']:.2f} s: {now['timings']}), load {load()}",
                  flush=True)  # fmt: skip
            time.sleep(0.5)  # let the watcher settle between rounds
    finally:
        stop(process, signal.SIGINT)  # as the analyst's Ctrl-C


def main() -> int:
    global _deadline
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=float, default=1800, help="seconds for the whole run")
    args = parser.parse_args()
    _deadline = time.monotonic() + args.limit

    def terminated(signum: int, _frame: object) -> None:
        raise Stopped(f"signal {signum}")

    signal.signal(signal.SIGTERM, terminated)
    try:
        times = measure(args.rounds)
    except (KeyboardInterrupt, Stopped) as exc:
        print(f"stopped: {str(exc) or 'Ctrl-C'}", file=sys.stderr)
        return 130 if isinstance(exc, KeyboardInterrupt) else 143
    finally:
        for process in list(_children):
            stop(process)
    cold, incremental, own_kernels, preview = (
        statistics.median(times[x]) for x in ("cold", "incremental", "own_kernels", "preview")
    )
    print(f"rounds: {args.rounds}")
    print(f"load_1min_median: {statistics.median(times['load']):.2f}")
    print(f"cold_forced_build_s: {cold:.2f}")
    print(f"incremental_cli_build_s: {incremental:.2f}")
    print(f"incremental_cli_build_own_kernels_s: {own_kernels:.2f}")
    print(f"preview_save_to_report_s: {preview:.3f}")
    print(f"preview_rebuild_own_s: {statistics.median(times['own']):.3f}")
    print(f"incremental_cli_vs_cold: {incremental / cold:.1%} (target ≤ 25 %)")
    print(f"incremental_cli_own_kernels_vs_cold: {own_kernels / cold:.1%}")
    print(f"preview_vs_cold: {preview / cold:.1%} (target ≤ 1 s: {preview:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
