"""A ``workbook build --force`` stopped with Ctrl-C (SIGINT to its process group, as a terminal
sends it) at several moments: nothing it started is left running (not even a warm-kernel server
it was starting), and the sections of the report in ``reports/`` keep their executed notebooks
and read sets, so the next ``--dry-run`` finds nothing changed.

Real processes throughout; each moment is an observable state (a process has appeared), not a
sleep. KLK's helår report only (``SELECTION``): what a stopped build leaves is the same for any
report, and the preview shows the helår one.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest
from conftest import copy_built

pytestmark = pytest.mark.e2e
YEAR, UNIT = 2016, "klk"
SELECTION = ["--year", str(YEAR), "--unit", UNIT, "--period", "helar"]
WAIT = 900.0  # a hang guard on a loaded machine, not a speed requirement
WORKBOOK = Path(sys.executable).parent / "workbook"


@pytest.fixture(scope="module")
def built(built_year, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: ANN001
    """A workspace with built reports: a private copy of the session's (``built_year``, built
    without warm kernels), so no build of its own."""
    return copy_built(built_year, tmp_path_factory.mktemp("avbrutet") / "ws").root


@pytest.fixture(autouse=True)
def _nothing_left_for_the_next_test(built: Path) -> Iterator[None]:
    """After each test, whatever still runs for the workspace is ended: a build that finished
    before its moment could be seen (that test skips) leaves its server warm on purpose
    (``WORKBOOK_WARM_KERNELS=600``), and the next test counts what is left running."""
    yield
    left = _started_by(built)
    for process in left:
        with contextlib.suppress(psutil.Error):
            for each in [process, *process.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    each.kill()
    psutil.wait_procs(left, timeout=WAIT)


def _started_by(root: Path) -> list[psutil.Process]:
    """Every process of this user whose environment names this workspace."""
    found = []
    for process in psutil.process_iter(["pid"]):
        try:
            if process.pid == os.getpid():
                continue
            if process.environ().get("WORKBOOK_ROOT") == str(root):
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def _cmdline(process: psutil.Process) -> str:
    try:
        return " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return ""


def _workers(found: list[psutil.Process]) -> bool:
    return any("section_worker" in _cmdline(p) for p in found)


def _kernels(found: list[psutil.Process]) -> bool:
    return any("ipykernel" in _cmdline(p) for p in found)


def _section_running(root: Path, executed: list[str]) -> bool:
    """A section has begun writing its new notebook (aside, or in place of the old one)."""
    folder = root / "build"
    return (
        any(folder.rglob(".*.running.ipynb"))
        or sorted(p.name for p in folder.rglob("*.ipynb")) != executed
    )


MOMENTS: dict[str, Callable[[Path, list[str]], bool]] = {
    "server-process": lambda root, _: any("warm_server" in _cmdline(p) for p in _started_by(root)),
    "server-workers": lambda root, _: _workers(_started_by(root)),
    "server-kernels": lambda root, _: _kernels(_started_by(root)),
    "section-running": _section_running,
}


def _dry_run(root: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(WORKBOOK), "build", *SELECTION, "--dry-run"],
        env=env, capture_output=True, text=True, timeout=WAIT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def _sigint_as_in_a_terminal() -> None:
    """Ctrl-C live in the child, as in a terminal: a pytest-xdist worker ignores SIGINT and a
    child inherits that (the build would then finish as if never interrupted)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_ctrl_c_while_warm_kernels_start_leaves_nothing_running(built: Path, moment: str):
    env = {**os.environ, "WORKBOOK_ROOT": str(built), "WORKBOOK_WARM_KERNELS": "600"}
    before = _dry_run(built, env)
    executed = sorted(p.name for p in (built / "build").rglob("*.ipynb"))
    reads = sorted(p.name for p in (built / "build").rglob("*.reads.json"))
    assert executed and reads
    build = subprocess.Popen(
        [str(WORKBOOK), "build", *SELECTION, "--force"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, preexec_fn=_sigint_as_in_a_terminal,
    )  # fmt: skip
    reached = MOMENTS[moment]
    try:
        end = time.monotonic() + WAIT
        while build.poll() is None and not reached(built, executed):
            assert time.monotonic() < end, f"never saw {moment}"
            time.sleep(0.02)
        if build.poll() is not None:
            pytest.skip(f"the build ended before {moment} could be seen")
        os.killpg(build.pid, signal.SIGINT)  # Ctrl-C in its terminal
        _, err = build.communicate(timeout=WAIT)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.wait()
    assert build.returncode == 130, err
    assert "Traceback" not in err
    # What it started ends by itself (the server's workers and kernels with it).
    left = _started_by(built)
    _, alive = psutil.wait_procs(left, timeout=120)
    names = [_cmdline(p) for p in alive]  # ended after the test (_nothing_left_for_the_next_test)
    assert not names, f"left running after Ctrl-C: {names}"
    # The report in reports/ still has its sections' results: nothing is to run again.
    assert sorted(p.name for p in (built / "build").rglob("*.ipynb")) == executed
    assert sorted(p.name for p in (built / "build").rglob("*.reads.json")) == reads
    after = _dry_run(built, env)
    assert "inget tidigare resultat" not in after and "ändrat" not in after
    assert after == before


def test_ctrl_c_during_the_preview_s_first_pass_keeps_the_sections_results(built: Path):
    """Ctrl-C during the preview's first pass (it brings the report up to date and starts and
    warms its own kernel, which takes seconds) leaves the sections' executed notebooks and read
    sets as they were, and nothing it started running.

    The moment is seen, not slept for: the preview has printed its address, which it does as the
    first pass begins. (A section cut short mid-run by the same Ctrl-C is covered on the runner
    itself, in test_runner_interrupt: a section here takes milliseconds, too short to aim at.)"""
    env = {**os.environ, "WORKBOOK_ROOT": str(built), "WORKBOOK_WARM_KERNELS": "0"}
    before = _dry_run(built, env)
    executed = sorted(p.name for p in (built / "build").rglob("*.ipynb"))
    reads = sorted(p.name for p in (built / "build").rglob("*.reads.json"))
    preview = subprocess.Popen(
        [str(WORKBOOK), "preview", "--year", str(YEAR), "--unit", UNIT, "--port", "0"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, preexec_fn=_sigint_as_in_a_terminal,
    )  # fmt: skip
    try:
        assert preview.stdout is not None
        printed = preview.stdout.readline()
        assert "http://127.0.0.1:" in printed, (printed, preview.communicate()[1])
        os.killpg(preview.pid, signal.SIGINT)  # Ctrl-C in its terminal
        _, err = preview.communicate(timeout=WAIT)
    finally:
        if preview.poll() is None:
            os.killpg(preview.pid, signal.SIGKILL)
            preview.wait()
    assert "Traceback" not in err
    _, alive = psutil.wait_procs(_started_by(built), timeout=120)
    assert not [_cmdline(p) for p in alive], "left running after Ctrl-C"
    assert sorted(p.name for p in (built / "build").rglob("*.ipynb")) == executed
    assert sorted(p.name for p in (built / "build").rglob("*.reads.json")) == reads
    assert _dry_run(built, env) == before
