"""``workbook preview`` when things around it go wrong: a folder it writes is read-only (at the
start, or later while it runs), the port is bad or taken, another terminal rebuilds the report.

Real processes: the installed command on a private workspace, a real read-only file system (a
tmpfs remounted read-only, which even root cannot write), real sockets, a real ``workbook build``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_built, copy_inputs
from preview_client import WAIT, Running

pytestmark = pytest.mark.e2e
YEAR, UNIT = 2016, "klk"
WORKBOOK = Path(sys.executable).parent / "workbook"


def _env(root: Path) -> dict[str, str]:
    # No warm kernels: nothing a test starts may outlive it.
    return {**os.environ, "WORKBOOK_ROOT": str(root), "WORKBOOK_WARM_KERNELS": "0"}


def _mount(target: Path, options: str) -> bool:
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True
    )
    return done.returncode == 0


def _remount(target: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(target)], check=True)


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], check=False, capture_output=True)


@contextlib.contextmanager
def read_only(target: Path) -> Iterator[None]:
    """``target`` as an empty read-only folder (a tmpfs), or the test is skipped."""
    if not _mount(target, "size=1m"):
        pytest.skip("cannot mount a tmpfs here")
    try:
        _remount(target, "ro")
        yield
    finally:
        _umount(target)


@pytest.fixture
def ws() -> Iterator[Path]:
    root = copy_inputs(Path(tempfile.mkdtemp(prefix="preview-faults-")) / "ws")
    yield root
    shutil.rmtree(root.parent, ignore_errors=True)


def _run(argv: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    """The command's result; a preview that starts serving instead of refusing is stopped as
    soon as it prints its address (and the test fails on its exit code)."""
    process = subprocess.Popen(
        [str(WORKBOOK), *argv], env=_env(root), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )  # fmt: skip
    assert process.stdout is not None
    out = ""
    for line in process.stdout:
        out += line
        if "http://127.0.0.1" in line:  # it started: the refusal this test expects did not come
            os.killpg(process.pid, 2)
            break
    rest, err = process.communicate(timeout=WAIT)
    return subprocess.CompletedProcess(process.args, process.returncode, out + rest, err)


# ------------------------------------------------------------------------- at the start


@pytest.mark.parametrize("folder", ["reports", "reports/2016", "build"])
def test_a_read_only_folder_stops_the_preview_at_once_as_build_does(ws: Path, folder: str):
    with read_only(ws / folder):
        preview = _run(["preview", "--year", str(YEAR), "--unit", UNIT, "--port", "0"], ws)
        build = _run(["build", "--year", str(YEAR), "--unit", UNIT], ws)
    assert preview.returncode == 2, preview.stdout + preview.stderr
    assert "Traceback" not in preview.stderr
    assert "kunde inte skrivas" in preview.stderr and folder in preview.stderr
    assert build.returncode == 2
    # The same message as build's, for the same folder (build may name its lock file there).
    said = preview.stderr.split(" kunde inte skrivas", 1)
    assert said[1] == build.stderr.split(" kunde inte skrivas", 1)[1]
    assert os.path.dirname(said[0].removeprefix("Fel: ")) in build.stderr


@pytest.mark.parametrize("port", ["99999", "-5", "65536", "åtta"])
def test_a_port_outside_the_range_is_an_argument_error(ws: Path, port: str):
    result = _run(["preview", "--port", port], ws)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "65535" in result.stderr and "--port" in result.stderr


def test_a_port_in_use_is_named_with_what_to_do(ws: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run(["preview", "--year", str(YEAR), "--unit", UNIT, "--port", str(port)], ws)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert str(port) in result.stderr and "används redan" in result.stderr
    assert "--port 0" in result.stderr


# --------------------------------------------------------------------- while it runs


@pytest.fixture(scope="module")
def preview(built_year) -> Iterator[Running]:  # noqa: ANN001 (a Project)
    """A preview whose report folder is a file system of its own (to make it read-only), on a
    copy of the session's built year (``built_year``): its first pass finds the report current
    (what these tests do to it comes after), so it builds nothing before they start."""
    root = copy_built(built_year, Path(tempfile.mkdtemp(prefix="preview-faults-")) / "ws").root
    folder = root / "reports" / str(YEAR)
    built = folder.with_name(f".{YEAR}-byggd")
    folder.rename(built)
    if not _mount(folder, "size=64m"):
        shutil.rmtree(root.parent, ignore_errors=True)
        pytest.skip("cannot mount a tmpfs here")
    shutil.copytree(built, folder, dirs_exist_ok=True)  # the built reports, on the tmpfs
    shutil.rmtree(built)
    process = subprocess.Popen(
        [str(WORKBOOK), "preview", "--year", str(YEAR), "--unit", UNIT, "--port", "0"],
        env=_env(root), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    assert process.stdout is not None
    address = None
    for line in process.stdout:
        address = re.search(r"http://127\.0\.0\.1:\d+", line)
        if address is not None:
            break
    running = Running(process, address[0] if address else "", root)
    try:
        if address is None:
            raise AssertionError(f"the preview printed no address: {process.communicate()[1]}")
        running.wait(
            lambda s: s["version"] >= 1 and not s["busy"] and s["watching"], "the first report"
        )
        yield running
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 2)
            try:
                process.communicate(timeout=WAIT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()
        _umount(folder)
        shutil.rmtree(root.parent, ignore_errors=True)


def _goal_text(root: Path) -> Path:
    return sorted((root / "data" / str(YEAR) / UNIT / "text" / "mal").glob("*-arbete.md"))[0]


def _append(path: Path, sentence: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n\n{sentence}\n", encoding="utf-8")


def test_a_report_folder_turned_read_only_is_shown_and_the_preview_recovers(preview: Running):
    folder = preview.root / "reports" / str(YEAR)
    before = preview.state()
    good = preview.report()
    _remount(folder, "ro")
    try:
        _append(_goal_text(preview.root), "Meningen som inte kunde skrivas.")
        state = preview.wait(
            lambda s: not s["busy"] and any("kunde inte skrivas" in p for p in s["problems"]),
            "the write error",
        )
        assert "reports/2016" in " ".join(state["problems"])
        assert state["version"] == before["version"]
        assert preview.report() == good  # the last good report stays
    finally:
        _remount(folder, "rw")
    _append(_goal_text(preview.root), "Meningen efter att skrivrätten kom tillbaka.")
    preview.wait(lambda s: s["version"] > before["version"] and not s["problems"], "recovery")
    assert "Meningen efter att skrivrätten kom tillbaka." in preview.report()
    assert preview.process.poll() is None


def test_a_report_built_in_another_terminal_reloads_the_page(preview: Running):
    preview.wait(lambda s: not s["busy"], "an idle preview")
    before = preview.state()["version"]
    # The other terminal's build holds the build lock; an edit saved meanwhile waits for it.
    # It rebuilds the report the preview serves (helår), not the unit's delår report too.
    other = subprocess.Popen(
        [str(WORKBOOK), "build", "--year", str(YEAR), "--unit", UNIT, "--period", "helar",
         "--force"],
        env=_env(preview.root), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        _, err = other.communicate(timeout=WAIT)
    finally:
        if other.poll() is None:
            os.killpg(other.pid, 9)
            other.wait()
    assert other.returncode == 0, err
    written = (preview.root / "reports" / str(YEAR) / f"{UNIT}.html").read_text(encoding="utf-8")
    preview.wait(lambda s: s["version"] > before and not s["busy"], "the other build's report")
    assert preview.report() == written
