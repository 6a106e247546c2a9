"""``workbook build --cold`` ends every warm-kernel server of the project, with its workers and
kernels: also one started in another environment (another TZ) and one started before the
project folder was moved.

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
from conftest import copy_inputs

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
        [str(WORKBOOK), "build", "--year", str(YEAR), "--unit", UNIT, "--period", "helar",
         "--jobs", "1", *argv],
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


# Two text sections of the helår report on one kernel: what is tested is which servers
# ``--cold`` ends, not the report (the whole of KLK's report is built by the session's
# ``built_year``); a server is one per environment however many sections or kernels it has.
SECTIONS = ("uppdrag", "handelser")


def test_cold_ends_every_server_of_the_project(base: Path):
    root = copy_inputs(base / "ws")
    params = root / "params" / str(YEAR) / f"{UNIT}.yaml"
    assert "rapport:" not in params.read_text(encoding="utf-8")
    with params.open("a", encoding="utf-8") as out:
        out.write("rapport:\n  avsnitt:\n" + "".join(f"    - {s}\n" for s in SECTIONS))
    for zone in ("Europe/Stockholm", "UTC"):  # two environments: two servers
        _build(root, "--force", WORKBOOK_WARM_KERNELS="600", TZ=zone)
    servers = _servers({str(root)})
    assert len(servers) == 2, [p.pid for p in servers]
    # Each with its worker and the worker's kernel, left warm: ``--cold`` with warm kernels
    # off ends them too (``test_warm_kernels`` ends a server's workers and kernels every other
    # way).
    started = [p for server in servers for p in (server, *server.children(recursive=True))]
    kernels = [p for p in started if any("ipykernel" in part for part in p.cmdline())]
    assert len(kernels) == 2 and len(started) >= 6, [p.cmdline() for p in started]
    moved = base / "flyttad"
    root.rename(moved)  # the servers were started for the old path
    _build(moved, "--cold", WORKBOOK_WARM_KERNELS="0")
    _, alive = psutil.wait_procs(started, timeout=120)
    assert not alive, f"--cold left {[p.cmdline() for p in alive]} of the project's servers"
