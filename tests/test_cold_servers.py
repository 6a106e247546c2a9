"""``workbook build --cold`` ends every warm-kernel server of the project: also one started in
another environment (another TZ) and one started before the project folder was moved.

Real builds leave real servers (``WORKBOOK_WARM_KERNELS``); processes are counted after.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.conftest import copy_inputs

pytestmark = pytest.mark.e2e
YEAR, UNIT = 2016, "klk"
WAIT = 900.0  # a hang guard on a loaded machine, not a speed requirement
WORKBOOK = Path(sys.executable).parent / "workbook"


def _servers(roots: set[str]) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["pid"]):
        try:
            if "warm_server" not in " ".join(process.cmdline()):
                continue
            if process.environ().get("WORKBOOK_ROOT") in roots:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def _build(root: Path, *argv: str, **env: str) -> None:
    done = subprocess.run(
        [str(WORKBOOK), "build", "--year", str(YEAR), "--unit", UNIT, *argv],
        env={**os.environ, "WORKBOOK_ROOT": str(root), **env},
        capture_output=True, text=True, timeout=WAIT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.fixture
def base() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="kalla-"))
    yield folder
    for process in _servers({str(folder / "ws"), str(folder / "flyttad")}):
        for each in [process, *process.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                each.kill()
    shutil.rmtree(folder, ignore_errors=True)


def test_cold_ends_every_server_of_the_project(base: Path):
    root = copy_inputs(base / "ws")
    for zone in ("Europe/Stockholm", "UTC"):  # two environments: two servers
        _build(root, "--force", WORKBOOK_WARM_KERNELS="600", TZ=zone)
    started = _servers({str(root)})
    assert len(started) == 2, [p.pid for p in started]
    moved = base / "flyttad"
    root.rename(moved)  # the servers were started for the old path
    _build(moved, "--cold", WORKBOOK_WARM_KERNELS="0")
    _, alive = psutil.wait_procs(started, timeout=120)
    assert not alive, f"--cold left {len(alive)} of the project's servers running"
