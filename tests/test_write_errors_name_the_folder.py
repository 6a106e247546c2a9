"""A folder the workbook cannot write is named as the folder — ``build/``, ``reports/`` — and the
same by ``build`` and ``preview``: never the helper file tried there (the build's lock
``build/.lock``, preview's probe ``build/.skrivtest-…``), which the user never made and cannot
find. Read-only folders are real read-only tmpfs mounts (skipped where mounting is not allowed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import copy_inputs

YEAR, UNIT = 2016, "klk"
WORKBOOK = Path(sys.executable).parent / "workbook"
WAIT = 600  # a hang guard only, no expectation of speed


@contextmanager
def read_only(target: Path) -> Iterator[None]:
    """``target`` as an empty read-only folder (a tmpfs), or the test is skipped."""
    target.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(target)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        subprocess.run(["mount", "-o", "remount,ro", str(target)], check=True)
        yield
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


@pytest.fixture
def ws() -> Iterator[Path]:
    root = copy_inputs(Path(tempfile.mkdtemp(prefix="write-errors-")) / "ws")
    yield root
    shutil.rmtree(root.parent, ignore_errors=True)


def run(argv: list[str], root: Path) -> tuple[int, str]:
    """The installed command's exit status and stderr; a preview that starts serving instead
    of refusing is stopped as soon as it prints its address (and the test fails on its code)."""
    env = {**os.environ, "WORKBOOK_ROOT": str(root), "WORKBOOK_WARM_KERNELS": "0"}
    process = subprocess.Popen(
        [str(WORKBOOK), *argv], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )  # fmt: skip
    assert process.stdout is not None
    for line in process.stdout:
        if "http://127.0.0.1" in line:
            os.killpg(process.pid, 2)
            break
    _, err = process.communicate(timeout=WAIT)
    return process.returncode, err


@pytest.mark.parametrize("folder", ["build", "reports"])
def test_build_and_preview_name_a_read_only_folder_alike(ws: Path, folder: str) -> None:
    with read_only(ws / folder):
        said = {
            command: run([command, "--year", str(YEAR), "--unit", UNIT, *extra], ws)
            for command, extra in (("build", ["--jobs", "1"]), ("preview", ["--port", "0"]))
        }
    for code, err in said.values():
        assert code == 2 and "Traceback" not in err, err
        assert f"{folder}/ kunde inte skrivas" in err, err
        assert ".skrivtest" not in err and ".lock" not in err, err
    assert said["build"][1] == said["preview"][1]
